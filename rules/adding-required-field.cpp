// ADD COLUMN ... NOT NULL without a DEFAULT on an existing table: every existing row would hold
// NULL, so the statement fails as soon as the table has a row.
#include <fmt/format.h>

#include "core/alter_util.hpp"
#include "core/check.hpp"
#include "core/node_util.hpp"
#include "model/catalog.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "adding-required-field",
    .severity = Severity::Error,
    .category = "locking",
    .summary = "ADD COLUMN ... NOT NULL without a DEFAULT on an existing table",
    .why =
        "Existing rows would get NULL in the new column, so the statement fails on any non-empty "
        "table (\"column contains null values\"), after queueing for ACCESS EXCLUSIVE on it.",
    .instead =
        "Add the column with a constant default (no rewrite on PostgreSQL 11+), or add it "
        "nullable, backfill it in batches, and then make it NOT NULL through a validated CHECK.",
};

bool is_null_constant(const PgQuery__Node* n) {
  const auto* c = as<PgQuery__AConst>(n);
  return c && c->isnull;
}

void visit(const PgQuery__AlterTableCmd& cmd, Check& c) {
  if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn &&
      cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse)
    return;
  const auto* def = as<PgQuery__ColumnDef>(cmd.def);
  if (!def || !def->colname) return;
  ColumnFacts f = column_facts(*def);
  // Identity, serial and generated columns fill every row themselves.
  bool fills_rows = (f.default_expr && !is_null_constant(f.default_expr)) || f.identity ||
                    f.serial || f.generated_stored;
  if (!f.not_null || fills_rows) return;
  auto t = existing_table_target(cmd, c);
  if (!t) return;
  std::vector<RelationLock> locks = existing_locks(t->effect->locks);
  std::string col = quote_ident(def->colname);
  Span span = c.subcommand_span(cmd);
  auto finding = c.report(
      span,
      fmt::format("ADD COLUMN {} ... NOT NULL without a DEFAULT fails on any non-empty table: "
                  "every existing row of {} would hold NULL (column \"{}\" of relation \"{}\" "
                  "contains null values){}",
                  col, t->table_sql, def->colname, t->table.name,
                  locks.empty() ? std::string()
                                : fmt::format("; it takes {} first, blocking {}",
                                              locks_phrase(locks), blocked_phrase(locks))));
  // The column as written, without its NOT NULL (and a DEFAULT NULL).
  std::vector<Span> holes;
  for (const PgQuery__Node* n : column_constraints(*def)) {
    const auto* con = as<PgQuery__Constraint>(n);
    if (!con || (con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL &&
                 con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT))
      continue;
    if (auto s = column_constraint_span(c, *def, *con, span)) holes.push_back(*s);
  }
  std::string nullable = sql_text_without(c, span, holes);
  const std::string& table = t->table_sql;
  std::string check = quote_ident(std::string(def->colname) + "_not_null");
  int pg = c.ctx().pg_version();
  std::string constant_default =
      pg >= 11 ? fmt::format(
                     "If one value suits every existing row, give the column a constant default; "
                     "on PostgreSQL 11+ that is a catalog change, no rewrite:\n"
                     "  ALTER TABLE {} {} NOT NULL DEFAULT <constant>;\n"
                     "Otherwise add",
                     table, nullable)
               : std::string("Add");
  std::string not_null_step =
      pg >= 12 ? fmt::format(
                     "  ALTER TABLE {0} ALTER COLUMN {1} SET NOT NULL;  -- no scan: the CHECK "
                     "proves it\n"
                     "  ALTER TABLE {0} DROP CONSTRAINT {2};",
                     table, col, check)
               : fmt::format(
                     "  -- PostgreSQL {} scans for SET NOT NULL whatever constraints exist: keep "
                     "the validated CHECK instead of NOT NULL until you upgrade to 12+.",
                     pg);
  AlternativeLocks validate = alternative_locks(
      c.ctx(), {fmt::format("ALTER TABLE {} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID",
                            table, check, col),
                fmt::format("ALTER TABLE {} VALIDATE CONSTRAINT {}", table, check)});
  finding.help(fmt::format(
      "{0} it nullable, backfill it in batches, and prove it NOT NULL with a CHECK constraint "
      "validated under {6}, which {7}:\n"
      "  ALTER TABLE {1} {2};\n"
      "  -- backfill in batches, each in its own transaction:\n"
      "  UPDATE {1} SET {3} = ... WHERE {3} IS NULL AND <key range>;\n"
      "  ALTER TABLE {1} ADD CONSTRAINT {4} CHECK ({3} IS NOT NULL) NOT VALID;\n"
      "  -- commit; then, in a separate transaction:\n"
      "  ALTER TABLE {1} VALIDATE CONSTRAINT {4};\n"
      "{5}",
      constant_default, table, nullable, col, check, not_null_step, validate.takes,
      validate.blocks));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__AlterTableCmd>(visit)}}};

}  // namespace
}  // namespace migsafe
