// Inline suppressions, the first part of the filter stage (rules -> filter -> report):
// `-- migsafe-ignore rule-a, rule-b -- reason` for the statement it precedes (or trails, or
// sits inside), `-- migsafe-ignore-file rule -- reason` for the whole file, `all` for every
// rule, and squawk's `-- squawk-ignore` / `-- squawk-ignore-file`. Comments are found with
// PostgreSQL's scanner, never by searching the raw text. Suppressions that suppress nothing
// are reported as `unused-suppression`, ones without a reason as `require-suppression-reason`
// (an opt-in rule: `require_suppression_reason = true`).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/linter.hpp"

namespace migsafe {

inline constexpr std::string_view kUnusedSuppressionRule = "unused-suppression";
inline constexpr std::string_view kRequireReasonRule = "require-suppression-reason";

struct SuppressionName {
  std::string id;  // a rule id, `all`, or whatever was written
  Span span;
};

struct Suppression {
  Span comment;
  bool file_level = false;
  bool squawk = false;  // a squawk-ignore comment
  std::vector<SuppressionName> names;
  std::string reason;  // the text after ` -- `, trimmed
  // The statement (index into the statement spans) a statement-level comment applies to;
  // nullopt after the last statement.
  std::optional<size_t> target;
};

// The suppression comments of `file`, each bound to its statement. `statements` are the
// file's statement spans in order.
std::vector<Suppression> find_suppressions(const SourceFile& file,
                                           const std::vector<Span>& statements);

// Moves suppressed findings from result.findings to result.suppressed and adds the
// unused-suppression / require-suppression-reason findings (when the plan enables them).
void apply_suppressions(FileResult& result, const LintPlan& plan);

}  // namespace migsafe
