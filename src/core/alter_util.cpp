// Helpers for the ALTER TABLE lock rules; see alter_util.hpp.
#include "core/alter_util.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/node_util.hpp"

namespace migsafe {

std::optional<AlterTarget> existing_table_target(const PgQuery__AlterTableCmd& cmd, Check& c) {
  const auto* stmt = c.ancestor<PgQuery__AlterTableStmt>();
  if (!stmt || stmt->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE || !stmt->relation)
    return std::nullopt;
  AlterTarget t;
  t.stmt = stmt;
  t.table = c.ctx().resolve(stmt->relation);
  t.table_sql = t.table.display();
  t.effect = c.subcommand_effect(cmd);
  if (!t.effect) return std::nullopt;
  for (const RelationLock& l : t.effect->locks) {
    if (l.role == RelationRole::Table && l.relation == t.table) t.lock = &l;
  }
  if (!t.lock || t.lock->is_new) return std::nullopt;
  return t;
}

std::vector<RelationLock> existing_locks(const std::vector<RelationLock>& locks) {
  std::vector<RelationLock> out;
  for (const RelationLock& l : locks) {
    // Index locks that come with the table's add nothing a reader of the message needs.
    if (l.is_new || l.unused || l.mode == LockMode::None || l.role == RelationRole::Indexes)
      continue;
    auto same = std::find_if(out.begin(), out.end(),
                             [&](const RelationLock& o) { return o.relation == l.relation; });
    if (same == out.end()) {
      out.push_back(l);
    } else if (static_cast<int>(l.mode) > static_cast<int>(same->mode)) {
      same->mode = l.mode;
    }
  }
  return out;
}

namespace {

std::string relation_text(const RelationLock& l) {
  if (!l.relation.empty()) return l.relation.display();
  if (l.role == RelationRole::IndexTable) return "the index's table";
  return std::string("its ") + std::string(role_name(l.role));
}

std::string join_and(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += i + 1 == parts.size() ? " and " : ", ";
    out += parts[i];
  }
  return out;
}

// Groups relations by a label (a lock name, the traffic it blocks) in first-seen order:
// "<label> on a and b and <label2> on c".
template <class Label>
std::string grouped(const std::vector<RelationLock>& locks, Label label) {
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  for (const RelationLock& l : locks) {
    std::string key = label(l);
    if (key.empty()) continue;
    auto g =
        std::find_if(groups.begin(), groups.end(), [&](const auto& x) { return x.first == key; });
    if (g == groups.end()) {
      groups.push_back({key, {}});
      g = groups.end() - 1;
    }
    g->second.push_back(relation_text(l));
  }
  std::vector<std::string> parts;
  for (const auto& [key, names] : groups) parts.push_back(key + " on " + join_and(names));
  return join_and(parts);
}

}  // namespace

std::string locks_phrase(const std::vector<RelationLock>& locks) {
  return grouped(locks, [](const RelationLock& l) { return std::string(lock_name(l.mode)); });
}

std::string blocked_phrase(const std::vector<RelationLock>& locks) {
  return grouped(locks, [](const RelationLock& l) { return std::string(blocked_traffic(l.mode)); });
}

AlternativeLocks alternative_locks(const FileContext& ctx, const std::vector<std::string>& steps) {
  Effect e = predict_after(steps, ctx);
  std::vector<RelationLock> locks = existing_locks(e.locks);
  AlternativeLocks a;
  a.takes = locks.empty() ? std::string("no lock on an existing table") : locks_phrase(locks);
  std::string blocked = blocked_phrase(locks);
  a.blocks = blocked.empty() ? std::string(locks.size() > 1 ? "block neither reads nor writes"
                                                            : "blocks neither reads nor writes")
                             : (locks.size() > 1 ? "block " : "blocks ") + blocked;
  return a;
}

std::string sql_text_without(Check& c, Span span, const std::vector<Span>& holes) {
  const Tokens& tokens = c.tokens();
  std::string out;
  size_t prev_end = 0;
  bool first = true;
  for (const Token& t : tokens.all()) {
    if (t.begin < span.begin || t.end > span.end) continue;
    bool in_hole = std::any_of(holes.begin(), holes.end(), [&](const Span& h) {
      return !h.empty() && t.begin >= h.begin && t.end <= h.end;
    });
    if (in_hole) continue;
    if (!first && t.begin != prev_end) out += ' ';
    out += tokens.text_of(t);
    prev_end = t.end;
    first = false;
  }
  return out;
}

std::string sql_text(Check& c, Span span) {
  return sql_text_without(c, span, {});
}

std::optional<Span> column_constraint_span(Check& c, const PgQuery__ColumnDef& def,
                                           const PgQuery__Constraint& con, Span column) {
  if (con.location < 0) return std::nullopt;
  size_t begin = c.statement().at(con.location);
  size_t limit = column.end;
  auto consider = [&](int location) {
    if (location < 0) return;
    size_t at = c.statement().at(location);
    if (at > begin && at < limit) limit = at;
  };
  for (const PgQuery__Node* n : column_constraints(def)) {
    if (const auto* other = as<PgQuery__Constraint>(n)) consider(other->location);
  }
  if (def.coll_clause) consider(def.coll_clause->location);
  std::optional<Span> out;
  for (const Token& t : c.tokens().all()) {
    if (t.begin < begin || t.end > limit) continue;
    if (!out) out = Span{t.begin, t.end};
    out->end = t.end;
  }
  if (out && out->begin != begin) return std::nullopt;
  return out;
}

std::optional<Span> from_word(Check& c, Span span, std::string_view word) {
  auto t = c.tokens().find_word(span.begin, word);
  if (!t || t->end > span.end) return std::nullopt;
  return Span{t->begin, span.end};
}

std::string not_null_recipe(const std::string& table_sql, const std::vector<std::string>& columns,
                            int pg_version) {
  std::string add, validate, set, drop;
  std::string scan = pg_version >= 12
                         ? std::string("no scan: the CHECK proves it")
                         : fmt::format("PostgreSQL {} still reads every row here", pg_version);
  for (const std::string& column : columns) {
    std::string check = quote_ident(column + "_not_null");
    std::string col = quote_ident(column);
    add += fmt::format("  ALTER TABLE {} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID;\n",
                       table_sql, check, col);
    validate += fmt::format("  ALTER TABLE {} VALIDATE CONSTRAINT {};\n", table_sql, check);
    set += fmt::format("  ALTER TABLE {} ALTER COLUMN {} SET NOT NULL;  -- {}\n", table_sql, col,
                       scan);
    drop += fmt::format("  ALTER TABLE {} DROP CONSTRAINT {};\n", table_sql, check);
  }
  if (columns.empty()) return "";
  return add + "  -- commit; then, in a separate transaction:\n" + validate + set + drop;
}

std::string column_list(PgQuery__Node* const* names, size_t n) {
  std::string out;
  for (const PgQuery__Node* x : items(names, n)) {
    if (!out.empty()) out += ", ";
    out += quote_ident(string_value(x));
  }
  return out;
}

}  // namespace migsafe
