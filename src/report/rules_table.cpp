// Rule listings; see rules_table.hpp.
#include "report/rules_table.hpp"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/embedded.hpp"
#include "core/rule.hpp"

namespace migsafe {

namespace {

// The default column: the severity, and whether the rule runs without being selected.
std::string default_state(const RuleMeta& m) {
  std::string out(severity_name(m.severity));
  if (!m.default_enabled) out += " (opt-in)";
  return out;
}

std::string versions(const RuleMeta& m) {
  if (m.min_pg && m.max_pg) return fmt::format("{}–{}", m.min_pg, m.max_pg);
  if (m.min_pg) return fmt::format("{}+", m.min_pg);
  if (m.max_pg) return fmt::format("≤ {}", m.max_pg);
  return "all";
}

// Categories in the order the README presents them.
const std::vector<std::string_view>& category_order() {
  static const std::vector<std::string_view> order = {
      "locking", "compatibility", "data", "hygiene", "security", "history", "syntax"};
  return order;
}

}  // namespace

std::string rules_text() {
  std::string out;
  size_t width = 0;
  for (const auto& r : all_rules()) width = std::max(width, r.meta.id.size());
  for (const auto& r : all_rules()) {
    out += fmt::format("{:<{}}  {:<16}  {:<13}  {}\n", r.meta.id, width, default_state(r.meta),
                       r.meta.category, r.meta.summary);
  }
  return out;
}

std::string rules_json() {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& r : all_rules()) {
    arr.push_back({{"id", r.meta.id},
                   {"severity", severity_name(r.meta.severity)},
                   {"default_enabled", r.meta.default_enabled},
                   {"category", r.meta.category},
                   {"summary", r.meta.summary},
                   {"why", r.meta.why},
                   {"instead", r.meta.instead},
                   {"pg_versions", versions(r.meta)},
                   {"docs", docs_url(r.meta.id)}});
  }
  return arr.dump(2) + "\n";
}

std::string rules_markdown(std::string_view docs_prefix) {
  std::map<std::string_view, std::vector<const RuleDef*>> by_category;
  for (const auto& r : all_rules()) by_category[r.meta.category].push_back(&r);
  std::vector<std::string_view> order = category_order();
  for (const auto& [cat, rules] : by_category)
    if (std::find(order.begin(), order.end(), cat) == order.end()) order.push_back(cat);
  std::string out =
      "| rule | category | default | PostgreSQL | what it catches |\n|---|---|---|---|---|\n";
  for (std::string_view cat : order) {
    auto it = by_category.find(cat);
    if (it == by_category.end()) continue;
    for (const RuleDef* r : it->second) {
      out +=
          fmt::format("| [{}]({}{}.md) | {} | {} | {} | {} |\n", r->meta.id, docs_prefix,
                      r->meta.id, cat, default_state(r->meta), versions(r->meta), r->meta.summary);
    }
  }
  return out;
}

std::string explain_rule(std::string_view id) {
  const RuleDef* r = find_rule(id);
  if (!r) return "";
  std::string page(embedded("docs/rules/" + std::string(id) + ".md"));
  std::string head =
      fmt::format("{} ({}, {}, PostgreSQL {})\n{}\n\n", r->meta.id, severity_name(r->meta.severity),
                  r->meta.category, versions(r->meta), docs_url(r->meta.id));
  return head + (page.empty() ? fmt::format("{}\n\n{}\n\n{}\n", r->meta.summary, r->meta.why,
                                            r->meta.instead)
                              : page);
}

}  // namespace migsafe
