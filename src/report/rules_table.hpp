// Listings of the rule registry: the `migsafe rules` table (text, JSON, Markdown) and the
// `migsafe explain` page. The Markdown table is the one embedded in README.md and
// docs/rules/README.md; a test keeps them in sync with the registry.
#pragma once

#include <string>
#include <string_view>

namespace migsafe {

std::string rules_text();
std::string rules_json();
std::string rules_markdown(std::string_view docs_prefix);
// The rule's docs page, or "" for an unknown rule.
std::string explain_rule(std::string_view id);

}  // namespace migsafe
