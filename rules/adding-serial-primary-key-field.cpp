// ADD CONSTRAINT ... PRIMARY KEY without USING INDEX, and ADD COLUMN ... PRIMARY KEY, on an
// existing table: the primary key's index is built while ACCESS EXCLUSIVE blocks reads and writes.
// (squawk's id for this check.) An ADD COLUMN that already rewrites the table, such as
// `ADD COLUMN id bigserial PRIMARY KEY`, is left to adding-field-with-default.
#include <fmt/format.h>

#include "core/alter_util.hpp"
#include "core/check.hpp"
#include "core/node_util.hpp"
#include "model/catalog.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "adding-serial-primary-key-field",
    .severity = Severity::Error,
    .category = "locking",
    .summary = "PRIMARY KEY whose index is built under ACCESS EXCLUSIVE",
    .why =
        "ALTER TABLE ... ADD PRIMARY KEY builds the unique index (and checks the columns for "
        "NULLs) while holding ACCESS EXCLUSIVE: reads and writes wait for the whole build.",
    .instead =
        "Build a unique index with CREATE UNIQUE INDEX CONCURRENTLY, make the columns NOT NULL "
        "through a validated CHECK, then ALTER TABLE ... ADD CONSTRAINT ... PRIMARY KEY USING "
        "INDEX.",
};

// The NOT NULL steps for the key columns the catalog does not already know to be NOT NULL.
std::string not_null_steps(const Check& c, const AlterTarget& t,
                           const std::vector<std::string>& columns) {
  const TableInfo* info = c.ctx().catalog().table(t.table);
  std::vector<std::string> nullable;
  for (const std::string& col : columns) {
    const ColumnInfo* ci = info ? info->column(col) : nullptr;
    if (!ci || !ci->not_null) nullable.push_back(col);
  }
  return not_null_recipe(t.table_sql, nullable, c.ctx().pg_version());
}

std::string attach_steps(const Check& c, const std::string& table, const std::string& name,
                         const std::string& columns) {
  std::string build =
      fmt::format("CREATE UNIQUE INDEX CONCURRENTLY {0} ON {1} ({2})", name, table, columns);
  std::string attach =
      fmt::format("ALTER TABLE {1} ADD CONSTRAINT {0} PRIMARY KEY USING INDEX {0}", name, table);
  // What the two steps take, from the lock model.
  AlternativeLocks build_locks = alternative_locks(c.ctx(), {build});
  AlternativeLocks attach_locks = alternative_locks(c.ctx(), {build, attach});
  return fmt::format(
      "  {0};  -- outside a transaction block\n"
      "  {1};\n"
      "CREATE INDEX CONCURRENTLY takes {2}, which {3}; attaching the index takes {4} only "
      "briefly, and without a scan when every key column is already NOT NULL. If the build fails "
      "it leaves an INVALID index: drop it with DROP INDEX CONCURRENTLY and run it again.",
      build, attach, build_locks.takes, build_locks.blocks, attach_locks.takes);
}

void add_constraint(const PgQuery__AlterTableCmd& cmd, const PgQuery__Constraint& con,
                    const AlterTarget& t, Check& c) {
  const std::string& table = t.table_sql;
  std::string name =
      con.conname && *con.conname ? quote_ident(con.conname) : quote_ident(t.table.name + "_pkey");
  std::string columns = column_list(con.keys, con.n_keys);
  auto finding = c.report(
      c.subcommand_span(cmd),
      fmt::format("ADD {}PRIMARY KEY ({}) takes {} on {} and holds it while the key's unique "
                  "index is built from every row: {} on {} are blocked until the build finishes",
                  con.conname && *con.conname ? "CONSTRAINT " + name + " " : std::string(), columns,
                  lock_name(t.lock->mode), table, blocked_traffic(t.lock->mode), table));
  std::vector<std::string> names;
  for (const PgQuery__Node* k : items(con.keys, con.n_keys)) names.emplace_back(string_value(k));
  std::string not_null = not_null_steps(c, t, names);
  finding.help(fmt::format(
      "{}uild the unique index without blocking, then attach it:\n{}{}",
      not_null.empty() ? "B" : "Prove the key columns NOT NULL with validated CHECK constraints, b",
      not_null, attach_steps(c, table, name, columns)));
}

void add_column(const PgQuery__AlterTableCmd& cmd, const PgQuery__ColumnDef& def,
                const ColumnFacts& f, const AlterTarget& t, Check& c) {
  const std::string& table = t.table_sql;
  std::string column = def.colname;
  std::string col = quote_ident(column);
  Span span = c.subcommand_span(cmd);
  // Without a default every existing row gets NULL; with a constant one, the same value.
  std::string fails =
      f.default_expr ? "it fails as soon as the table has two rows: they all get the same default, "
                       "a duplicate key"
                     : "it fails as soon as the table has a row: every existing row gets NULL, "
                       "which a primary key rejects";
  auto finding = c.report(
      span, fmt::format("ADD COLUMN {} ... PRIMARY KEY takes {} on {} and holds it while the "
                        "key's unique index is built from every row: {} on {} are blocked until "
                        "the build finishes; and {}",
                        col, lock_name(t.lock->mode), table, blocked_traffic(t.lock->mode), table,
                        fails));
  std::vector<Span> holes;
  std::string name = quote_ident(t.table.name + "_pkey");
  for (const PgQuery__Node* n : column_constraints(def)) {
    const auto* con = as<PgQuery__Constraint>(n);
    if (!con) continue;
    if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY && con->conname && *con->conname)
      name = quote_ident(con->conname);
    if (con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY &&
        con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL &&
        con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT)
      continue;
    if (auto s = column_constraint_span(c, def, *con, span)) holes.push_back(*s);
  }
  finding.help(fmt::format(
      "Add the column as a plain one, give every existing row its own value, prove it NOT NULL, "
      "then build the index without blocking and attach it:\n"
      "  ALTER TABLE {0} {1};\n"
      "  -- fill it in batches, each in its own transaction:\n"
      "  UPDATE {0} SET {2} = ... WHERE {2} IS NULL AND <key range>;\n"
      "{3}{4}",
      table, sql_text_without(c, span, holes), col,
      not_null_recipe(table, {column}, c.ctx().pg_version()), attach_steps(c, table, name, col)));
}

void visit(const PgQuery__AlterTableCmd& cmd, Check& c) {
  bool is_add_column = cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn ||
                       cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse;
  bool is_add_constraint = cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint ||
                           cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse;
  if (!is_add_column && !is_add_constraint) return;
  const auto* con = as<PgQuery__Constraint>(cmd.def);
  const auto* def = as<PgQuery__ColumnDef>(cmd.def);
  if (is_add_constraint && (!con || con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ||
                            (con->indexname && *con->indexname)))
    return;
  ColumnFacts facts;
  if (is_add_column) {
    if (!def || !def->colname) return;
    facts = column_facts(*def);
    if (!facts.primary_key) return;
  }
  auto t = existing_table_target(cmd, c);
  if (!t || !t->effect->builds_index || blocked_traffic(t->lock->mode).empty()) return;
  // A rewrite (bigserial, identity, a volatile default) is reported by adding-field-with-default.
  if (is_add_column && t->effect->rewrite != Tri::No) return;
  if (is_add_constraint)
    add_constraint(cmd, *con, *t, c);
  else
    add_column(cmd, *def, facts, *t, c);
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__AlterTableCmd>(visit)}}};

}  // namespace
}  // namespace migsafe
