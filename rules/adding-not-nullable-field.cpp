// ALTER COLUMN ... SET NOT NULL on an existing table that PostgreSQL must prove by reading every
// row under ACCESS EXCLUSIVE. From PostgreSQL 12 a validated CHECK (col IS NOT NULL) seen earlier
// lets it skip the scan; the lock model decides when that applies.
#include <fmt/format.h>

#include "core/alter_util.hpp"
#include "core/check.hpp"
#include "model/catalog.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "adding-not-nullable-field",
    .severity = Severity::Error,
    .category = "locking",
    .summary = "SET NOT NULL that reads every row under ACCESS EXCLUSIVE",
    .why =
        "ALTER COLUMN ... SET NOT NULL holds ACCESS EXCLUSIVE, blocking reads and writes, while "
        "it reads every row to prove the column has no NULLs, unless (PostgreSQL 12+) a validated "
        "CHECK (col IS NOT NULL) already proves it.",
    .instead =
        "Add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it in a separate transaction, then SET "
        "NOT NULL (no scan on PostgreSQL 12+) and drop the CHECK.",
};

// A CHECK (col IS NOT NULL) the catalog knows on the table, not yet validated.
const ConstraintInfo* unvalidated_not_null_check(const Check& c, const QualifiedName& table,
                                                 const std::string& col) {
  const TableInfo* t = c.ctx().catalog().table(table);
  if (!t) return nullptr;
  for (const ConstraintInfo& k : t->constraints)
    if (k.kind == ConstraintKind::Check && !k.validated && k.not_null_column == col) return &k;
  return nullptr;
}

void visit(const PgQuery__AlterTableCmd& cmd, Check& c) {
  if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull || !cmd.name) return;
  auto t = existing_table_target(cmd, c);
  if (!t || t->effect->scan == Tri::No) return;
  std::vector<RelationLock> locks = existing_locks(t->effect->locks);
  std::string blocked = blocked_phrase(locks);
  if (blocked.empty()) return;
  std::string column(cmd.name);
  std::string col = quote_ident(column);
  auto finding = c.report(
      c.subcommand_span(cmd),
      fmt::format("ALTER COLUMN {} SET NOT NULL takes {} and holds it while {}: {} are blocked "
                  "for the whole scan",
                  col, locks_phrase(locks), t->effect->scan_reason, blocked));
  const std::string& table = t->table_sql;
  const ConstraintInfo* pending = unvalidated_not_null_check(c, t->table, column);
  std::string check = pending ? quote_ident(pending->name) : quote_ident(column + "_not_null");
  std::string add_check =
      pending
          ? std::string()
          : fmt::format("  ALTER TABLE {} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID;\n",
                        table, check, col);
  int pg = c.ctx().pg_version();
  // What VALIDATE takes, from the lock model (after the recipe's ADD ... NOT VALID).
  std::vector<std::string> steps;
  if (!pending)
    steps.push_back(fmt::format("ALTER TABLE {} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID",
                                table, check, col));
  steps.push_back(fmt::format("ALTER TABLE {} VALIDATE CONSTRAINT {}", table, check));
  AlternativeLocks validate = alternative_locks(c.ctx(), steps);
  if (pg < 12) {
    finding.help(fmt::format(
        "On PostgreSQL {0} the scan cannot be avoided: SET NOT NULL reads every row even when a "
        "validated CHECK ({1} IS NOT NULL) exists (PostgreSQL 12 added that shortcut). Keep a "
        "validated CHECK constraint instead of NOT NULL; VALIDATE takes {5}, which {6}:\n"
        "{2}"
        "  -- commit; then, in a separate transaction:\n"
        "  ALTER TABLE {3} VALIDATE CONSTRAINT {4};\n"
        "After upgrading to PostgreSQL 12 or later, SET NOT NULL uses that constraint and skips "
        "the scan.",
        pg, col, add_check, table, check, validate.takes, validate.blocks));
    return;
  }
  finding.help(fmt::format(
      "Prove the column has no NULLs with a CHECK constraint first: VALIDATE CONSTRAINT reads the "
      "rows under {5}, which {6}, and SET NOT NULL then skips its scan{0}:\n"
      "{1}"
      "  -- commit; then, in a separate transaction:\n"
      "  ALTER TABLE {2} VALIDATE CONSTRAINT {3};\n"
      "  ALTER TABLE {2} ALTER COLUMN {4} SET NOT NULL;\n"
      "  ALTER TABLE {2} DROP CONSTRAINT {3};",
      pending
          ? fmt::format(" ({} already exists, added NOT VALID, but is not validated yet)", check)
          : std::string(),
      add_check, table, check, col, validate.takes, validate.blocks));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__AlterTableCmd>(visit)}}};

}  // namespace
}  // namespace migsafe
