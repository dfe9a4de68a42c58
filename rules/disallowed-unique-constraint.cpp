// ADD CONSTRAINT ... UNIQUE without USING INDEX, and ADD COLUMN ... UNIQUE, on an existing table:
// the unique index is built while ACCESS EXCLUSIVE blocks reads and writes. An ADD COLUMN that
// already rewrites the table is left to adding-field-with-default (one mistake, one finding).
#include <fmt/format.h>

#include "core/alter_util.hpp"
#include "core/check.hpp"
#include "core/node_util.hpp"
#include "model/catalog.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "disallowed-unique-constraint",
    .severity = Severity::Error,
    .category = "locking",
    .summary = "UNIQUE constraint whose index is built under ACCESS EXCLUSIVE",
    .why =
        "ALTER TABLE ... ADD UNIQUE builds the unique index while holding ACCESS EXCLUSIVE: reads "
        "and writes wait for the whole index build, which reads every row.",
    .instead =
        "Build the index with CREATE UNIQUE INDEX CONCURRENTLY, then attach it with ALTER TABLE "
        "... ADD CONSTRAINT ... UNIQUE USING INDEX.",
};

// Options of the constraint that belong to the index: INCLUDE (...), NULLS NOT DISTINCT.
std::string index_options(const PgQuery__Constraint& con) {
  std::string out;
  if (con.n_including > 0)
    out += fmt::format(" INCLUDE ({})", column_list(con.including, con.n_including));
  if (con.nulls_not_distinct) out += " NULLS NOT DISTINCT";
  return out;
}

std::string recipe(const Check& c, const std::string& table, const std::string& name,
                   const std::string& columns, const std::string& options) {
  std::string build = fmt::format("CREATE UNIQUE INDEX CONCURRENTLY {0} ON {1} ({2}){3}", name,
                                  table, columns, options);
  std::string attach =
      fmt::format("ALTER TABLE {1} ADD CONSTRAINT {0} UNIQUE USING INDEX {0}", name, table);
  // What the two steps take, from the lock model.
  AlternativeLocks build_locks = alternative_locks(c.ctx(), {build});
  AlternativeLocks attach_locks = alternative_locks(c.ctx(), {build, attach});
  return fmt::format(
      "  {0};  -- outside a transaction block\n"
      "  {1};\n"
      "CREATE INDEX CONCURRENTLY takes {2}, which {3}; attaching the finished index takes {4} "
      "only briefly, without a scan. If the build fails (duplicate values), it leaves an INVALID "
      "index: drop it with DROP INDEX CONCURRENTLY, fix the data and run it again.",
      build, attach, build_locks.takes, build_locks.blocks, attach_locks.takes);
}

void visit(const PgQuery__AlterTableCmd& cmd, Check& c) {
  bool add_column = cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn ||
                    cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse;
  bool add_constraint = cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint ||
                        cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse;
  if (!add_column && !add_constraint) return;
  const auto* con = as<PgQuery__Constraint>(cmd.def);
  const auto* def = as<PgQuery__ColumnDef>(cmd.def);
  if (add_constraint && (!con || con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE ||
                         (con->indexname && *con->indexname)))
    return;
  ColumnFacts facts;
  if (add_column) {
    if (!def || !def->colname) return;
    facts = column_facts(*def);
    if (!facts.unique) return;
  }
  auto t = existing_table_target(cmd, c);
  if (!t || !t->effect->builds_index) return;
  // A rewrite rebuilds every index anyway; adding-field-with-default reports it.
  if (add_column && t->effect->rewrite != Tri::No) return;
  std::string blocked(blocked_traffic(t->lock->mode));
  if (blocked.empty()) return;
  const std::string& table = t->table_sql;
  Span span = c.subcommand_span(cmd);
  if (add_constraint) {
    bool named = con->conname && *con->conname;
    std::string columns = column_list(con->keys, con->n_keys);
    std::string name = named ? quote_ident(con->conname) : [&] {
      std::string n = t->table.name;
      for (const PgQuery__Node* k : items(con->keys, con->n_keys))
        n += "_" + std::string(string_value(k));
      return quote_ident(n + "_key");
    }();
    auto finding = c.report(
        span, fmt::format("{} UNIQUE ({}) takes {} on {} and holds it while the unique index is "
                          "built from every row: {} on {} are blocked until the build finishes",
                          named ? "ADD CONSTRAINT " + name : std::string("ADD"), columns,
                          lock_name(t->lock->mode), table, blocked, table));
    finding.help("Build the index first without blocking, then attach it:\n" +
                 recipe(c, table, name, columns, index_options(*con)));
    return;
  }
  std::string col = quote_ident(def->colname);
  auto finding = c.report(
      span, fmt::format("ADD COLUMN {} ... UNIQUE takes {} on {} and holds it while the unique "
                        "index is built from every row: {} on {} are blocked until the build "
                        "finishes",
                        col, lock_name(t->lock->mode), table, blocked, table));
  std::string name = quote_ident(t->table.name + "_" + def->colname + "_key");
  std::vector<Span> holes;
  std::string options;
  for (const PgQuery__Node* n : column_constraints(*def)) {
    const auto* u = as<PgQuery__Constraint>(n);
    if (!u || u->contype != PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE) continue;
    if (u->conname && *u->conname) name = quote_ident(u->conname);
    options = index_options(*u);
    if (auto s = column_constraint_span(c, *def, *u, span)) holes.push_back(*s);
  }
  finding.help(fmt::format(
      "Add the column without UNIQUE, build the index without blocking, then attach it:\n"
      "  ALTER TABLE {} {};\n{}",
      table, sql_text_without(c, span, holes), recipe(c, table, name, col, options)));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__AlterTableCmd>(visit)}}};

}  // namespace
}  // namespace migsafe
