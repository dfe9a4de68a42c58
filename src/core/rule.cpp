// The rule registry; see rule.hpp.
#include "core/rule.hpp"

#include <algorithm>
#include <string>

namespace migsafe {

namespace {
std::vector<RuleDef>& registry() {
  static std::vector<RuleDef> rules;
  return rules;
}
}  // namespace

RegisterRule::RegisterRule(RuleDef def) {
  registry().push_back(std::move(def));
}

const std::vector<RuleDef>& all_rules() {
  // Registration happens during static initialisation, before any caller can get here from
  // main(); sorting once on first use keeps the order independent of link order.
  static const bool once = [] {
    std::sort(registry().begin(), registry().end(),
              [](const RuleDef& a, const RuleDef& b) { return a.meta.id < b.meta.id; });
    return true;
  }();
  (void)once;
  return registry();
}

const RuleDef* find_rule(std::string_view id) {
  int i = rule_index(id);
  return i < 0 ? nullptr : &all_rules()[static_cast<size_t>(i)];
}

int rule_index(std::string_view id) {
  const auto& rules = all_rules();
  auto it = std::lower_bound(rules.begin(), rules.end(), id,
                             [](const RuleDef& r, std::string_view x) { return r.meta.id < x; });
  if (it == rules.end() || it->meta.id != id) return -1;
  return static_cast<int>(it - rules.begin());
}

const RuleOption* find_option(const RuleMeta& meta, std::string_view name) {
  for (const RuleOption& o : meta.options)
    if (o.name == name) return &o;
  return nullptr;
}

std::string docs_url(std::string_view id) {
  return std::string(MIGSAFE_DOCS_BASE) + std::string(id) + ".md";
}

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::Info:
      return "info";
    case Severity::Warning:
      return "warning";
    case Severity::Error:
      return "error";
  }
  return "?";
}

bool parse_severity(std::string_view text, Severity* out) {
  if (text == "info")
    *out = Severity::Info;
  else if (text == "warning")
    *out = Severity::Warning;
  else if (text == "error")
    *out = Severity::Error;
  else
    return false;
  return true;
}

bool parse_fail_on(std::string_view text, FailOn* out) {
  if (text == "error")
    *out = FailOn::Error;
  else if (text == "warning")
    *out = FailOn::Warning;
  else if (text == "info")
    *out = FailOn::Info;
  else if (text == "never")
    *out = FailOn::Never;
  else
    return false;
  return true;
}

bool fails(Severity s, FailOn level) {
  switch (level) {
    case FailOn::Never:
      return false;
    case FailOn::Info:
      return true;
    case FailOn::Warning:
      return s != Severity::Info;
    case FailOn::Error:
      return s == Severity::Error;
  }
  return false;
}

std::string_view suppression_kind_name(SuppressedFinding::Kind k) {
  switch (k) {
    case SuppressedFinding::Kind::Inline:
      return "inline";
    case SuppressedFinding::Kind::File:
      return "file";
    case SuppressedFinding::Kind::Baseline:
      return "baseline";
  }
  return "?";
}

}  // namespace migsafe
