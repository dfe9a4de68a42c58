// ALTER TABLE ... DROP CONSTRAINT of a PRIMARY KEY, UNIQUE, EXCLUDE or FOREIGN KEY constraint the
// migration did not create: ON CONFLICT clauses that target it fail, and the guarantee the code
// relies on is gone. CHECK constraints are not reported: removing one only admits more rows.
#include <fmt/format.h>

#include "core/alter_util.hpp"
#include "core/check.hpp"
#include "core/node_util.hpp"
#include "core/object_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-drop-constraint",
    .severity = Severity::Warning,
    .category = "compatibility",
    .summary = "DROP CONSTRAINT of a primary key, unique, exclusion or foreign key constraint",
    .why =
        "Running code may rely on the constraint: INSERT ... ON CONFLICT that targets it fails, "
        "duplicates or orphaned rows can appear, and cascading deletes stop.",
    .instead =
        "Replace the guarantee before removing it (create the new constraint first), or stop "
        "relying on it in the code and drop it in a later migration.",
};

PgQuery__ConstrType contype_of(ConstraintKind k) {
  switch (k) {
    case ConstraintKind::PrimaryKey:
      return PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
    case ConstraintKind::Unique:
      return PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE;
    case ConstraintKind::ForeignKey:
      return PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN;
    case ConstraintKind::Exclusion:
      return PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION;
    default:
      return PG_QUERY__CONSTR_TYPE__CONSTR_TYPE_UNDEFINED;
  }
}

// The same ALTER TABLE adds a constraint of the same kind: the guarantee is swapped atomically
// (DROP CONSTRAINT t_pkey, ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_new_idx).
bool replaced_in_statement(const PgQuery__AlterTableStmt& stmt, ConstraintKind kind) {
  for (const PgQuery__Node* n : items(stmt.cmds, stmt.n_cmds)) {
    const auto* cmd = as<PgQuery__AlterTableCmd>(n);
    if (!cmd || cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint) continue;
    const auto* con = as<PgQuery__Constraint>(cmd->def);
    if (con && con->contype == contype_of(kind)) return true;
  }
  return false;
}

std::string consequence(ConstraintKind kind, const std::string& name, const std::string& table,
                        const ConstraintInfo* known) {
  std::string cols;
  if (known && !known->columns.empty()) {
    for (const std::string& col : known->columns)
      cols += (cols.empty() ? "" : ", ") + quote_ident(col);
  }
  std::string target = cols.empty() ? "" : " (" + cols + ")";
  switch (kind) {
    case ConstraintKind::PrimaryKey:
    case ConstraintKind::Unique:
      return fmt::format(
          "INSERT ... ON CONFLICT{} statements of the code that is running now fail with "
          "\"there is no unique or exclusion constraint matching the ON CONFLICT "
          "specification\", duplicate rows can be stored in {} from now on, and code that "
          "expects one row per key gets several{}",
          target, table,
          kind == ConstraintKind::PrimaryKey
              ? "; foreign keys that reference it make the drop fail (with CASCADE they go too)"
              : "");
    case ConstraintKind::Exclusion:
      return fmt::format(
          "INSERT ... ON CONFLICT clauses that target {} fail, and rows it kept apart (overlapping "
          "ranges, double bookings) can be stored in {} from now on",
          name, table);
    case ConstraintKind::ForeignKey:
      return fmt::format(
          "rows of {} can point at rows that do not exist from now on, its ON DELETE / ON UPDATE "
          "actions (CASCADE, SET NULL) stop, and joins the code expects to always match can lose "
          "rows",
          table);
    default:
      return fmt::format(
          "if {} is a PRIMARY KEY, UNIQUE, EXCLUDE or FOREIGN KEY constraint (migsafe cannot see "
          "its kind: it was not created in this run), INSERT ... ON CONFLICT clauses that target "
          "it fail, and duplicate or orphaned rows can be stored in {} from now on",
          name, table);
  }
}

void visit(const PgQuery__AlterTableCmd& cmd, Check& c) {
  if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint || !cmd.name) return;
  auto t = existing_table_target(cmd, c);
  if (!t) return;
  const TableInfo* info = c.ctx().catalog().table(t->table);
  const ConstraintInfo* known = info ? info->constraint(cmd.name) : nullptr;
  if (known && is_new(known->origin)) return;  // added earlier in this migration
  bool guessed = false;
  ConstraintKind kind = constraint_kind(c.ctx(), t->table, cmd.name, &guessed);
  if (kind == ConstraintKind::Check) return;
  if (kind != ConstraintKind::Other && replaced_in_statement(*t->stmt, kind)) return;
  std::string name = quote_ident(cmd.name);
  const std::string& table = t->table_sql;
  std::string what;
  switch (kind) {
    case ConstraintKind::PrimaryKey:
      what = "the primary key ";
      break;
    case ConstraintKind::Unique:
      what = "the unique constraint ";
      break;
    case ConstraintKind::Exclusion:
      what = "the exclusion constraint ";
      break;
    case ConstraintKind::ForeignKey:
      what = "the foreign key ";
      break;
    default:
      what = "constraint ";
      break;
  }
  auto finding = c.report(
      c.subcommand_span(cmd),
      fmt::format("Dropping {}{} of {}{}: {}", what, name, table,
                  guessed && kind != ConstraintKind::Other ? " (its kind read from its name)" : "",
                  consequence(kind, name, table, known)));
  finding.help(fmt::format(
      "Keep the guarantee until nothing relies on it. To replace {0} with a different one, "
      "create the new one first (for a unique key: `CREATE UNIQUE INDEX CONCURRENTLY`, then "
      "`ALTER TABLE {1} ADD CONSTRAINT ... UNIQUE USING INDEX ...`; for a foreign key: `ADD "
      "CONSTRAINT ... NOT VALID`, then `VALIDATE CONSTRAINT`), move ON CONFLICT clauses to it and "
      "deploy, then drop {0} in a later migration. To remove it for good, first make the code "
      "stop relying on it (ON CONFLICT targets, one-row-per-key assumptions, cascading deletes) "
      "and deploy that.",
      name, table));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__AlterTableCmd>(visit)}}};

}  // namespace
}  // namespace migsafe
