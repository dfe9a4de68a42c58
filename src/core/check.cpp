// Check: per-statement services for rules; see check.hpp.
#include "core/check.hpp"

#include "core/node_util.hpp"

namespace migsafe {

Check::Check(const FileContext& ctx, const Statement& stmt, std::vector<Finding>& out)
    : ctx_(ctx), stmt_(stmt), out_(out) {}

const Effect& Check::effect() {
  return effect_source_();
}

const Tokens& Check::tokens() {
  if (!tokens_) tokens_.emplace(statement_tokens(file(), stmt_));
  return *tokens_;
}

Span Check::token_at(int location) {
  if (location < 0) return stmt_.span;
  Span s = tokens().token_at(stmt_.at(location));
  return s.empty() ? stmt_.span : s;
}

Span Check::item_at(int location) {
  if (location < 0) return stmt_.span;
  Span s = tokens().item_from(stmt_.at(location));
  return s.empty() ? stmt_.span : s;
}

int Check::subcommand_index(const PgQuery__AlterTableCmd& cmd) const {
  const auto* alter = as<PgQuery__AlterTableStmt>(unwrap(stmt_.node));
  if (!alter) return -1;
  for (size_t i = 0; i < alter->n_cmds; ++i)
    if (unwrap(alter->cmds[i]) == &cmd.base) return static_cast<int>(i);
  return -1;
}

const Effect* Check::subcommand_effect(const PgQuery__AlterTableCmd& cmd) {
  int i = subcommand_index(cmd);
  const Effect& e = effect();
  if (i < 0 || static_cast<size_t>(i) >= e.subcommands.size()) return nullptr;
  return &e.subcommands[static_cast<size_t>(i)];
}

Span Check::subcommand_span(const PgQuery__AlterTableCmd& cmd) {
  const auto* alter = as<PgQuery__AlterTableStmt>(unwrap(stmt_.node));
  int i = subcommand_index(cmd);
  if (!alter || i < 0 || !alter->relation) return stmt_.span;
  if (!subcommand_spans_) {
    subcommand_spans_.emplace();
    const Tokens& t = tokens();
    auto first = t.first_at(stmt_.at(alter->relation->location));
    if (first) {
      // Skip the relation name: ident [. ident [. ident]] [*].
      const auto& all = t.all();
      size_t k = *first + 1;
      while (k + 1 < all.size() && t.text_of(all[k]) == ".") k += 2;
      if (k < all.size() && t.text_of(all[k]) == "*") ++k;
      auto spans = t.items_from_token(k);
      if (spans.size() == alter->n_cmds) *subcommand_spans_ = std::move(spans);
    }
  }
  if (static_cast<size_t>(i) < subcommand_spans_->size())
    return (*subcommand_spans_)[static_cast<size_t>(i)];
  return stmt_.span;
}

FindingRef Check::report(Span span, std::string message) {
  Finding f;
  f.rule = std::string(rule_->meta.id);
  f.severity = severity_;
  f.message = std::move(message);
  f.span = span.empty() ? stmt_.span : span;
  f.statement = stmt_.span;
  out_.push_back(std::move(f));
  return FindingRef(out_.back());
}

Span Check::line_span(uint32_t line) const {
  const SourceFile& f = file();
  size_t begin = line == 1 ? f.bom_length() : f.line_start(line);
  return Span{begin, f.line_start(line) + f.line_text(line).size()};
}

bool Check::option_lists(std::string_view key, std::string_view fallback,
                         std::string_view item) const {
  std::string_view list = option(key, fallback);
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view part = list.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (part == item) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace migsafe
