// ADD COLUMN ... REFERENCES on an existing table when PostgreSQL validates the new foreign key
// against every row (the statement gives a new column a default, or also adds a FOREIGN KEY):
// an inline constraint cannot be NOT VALID. ADD CONSTRAINT ... FOREIGN KEY is reported by
// constraint-missing-not-valid instead, so one mistake gives one finding.
#include <fmt/format.h>

#include "core/alter_util.hpp"
#include "core/check.hpp"
#include "core/node_util.hpp"
#include "model/catalog.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "adding-foreign-key-constraint",
    .severity = Severity::Error,
    .category = "locking",
    .summary = "ADD COLUMN with an inline REFERENCES that is validated against every row",
    .why =
        "When ADD COLUMN ... REFERENCES gives the new column a value (a default, or another "
        "foreign key in the statement), PostgreSQL checks every existing row while it holds ACCESS "
        "EXCLUSIVE on the table and SHARE ROW EXCLUSIVE on the referenced table; an inline "
        "constraint cannot be NOT VALID.",
    .instead =
        "Add the column without REFERENCES, add the foreign key with ADD CONSTRAINT ... NOT VALID, "
        "then VALIDATE CONSTRAINT in a separate transaction.",
};

void visit(const PgQuery__AlterTableCmd& cmd, Check& c) {
  if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn &&
      cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse)
    return;
  const auto* def = as<PgQuery__ColumnDef>(cmd.def);
  if (!def) return;
  auto t = existing_table_target(cmd, c);
  if (!t) return;
  ColumnFacts f = column_facts(*def);
  // A rewrite is reported by adding-field-with-default; without it the column starts out NULL
  // and the key is not validated.
  if (!f.references || !t->effect->validates_foreign_key || t->effect->rewrite != Tri::No) return;
  std::vector<RelationLock> locks = existing_locks(t->effect->locks);
  std::string blocked = blocked_phrase(locks);
  if (blocked.empty()) return;
  std::string col = quote_ident(def->colname ? def->colname : "?");
  QualifiedName referenced = c.ctx().resolve(f.references->pktable);
  Span span = c.subcommand_span(cmd);
  auto finding = c.report(
      span, fmt::format("ADD COLUMN {} ... REFERENCES {} takes {} and holds {} while the new "
                        "foreign key is validated against every row: {} are blocked for the whole "
                        "scan (an inline REFERENCES cannot be NOT VALID)",
                        col, referenced.display(), locks_phrase(locks),
                        locks.size() > 1 ? "them" : "it", blocked));
  if (!f.default_expr && !f.serial && !f.generated_stored) {
    // Validated only because of the rest of the statement.
    finding.help(fmt::format(
        "{0} has no default of its own: PostgreSQL validates it only because another subcommand "
        "of this statement gives a new column a default or adds a FOREIGN KEY. Give this ADD "
        "COLUMN a statement of its own; the new column is then all NULL and PostgreSQL marks the "
        "key valid without reading {1}:\n"
        "  ALTER TABLE {1} {2};\n"
        "and the other subcommands in a separate ALTER TABLE.",
        col, t->table_sql, sql_text(c, span)));
    return;
  }
  std::optional<Span> fk = column_constraint_span(c, *def, *f.references, span);
  std::optional<Span> clause = fk ? from_word(c, *fk, "references") : std::nullopt;
  if (!fk || !clause) {
    finding.help(
        "Add the column without REFERENCES, then add the foreign key with ALTER TABLE ... ADD "
        "CONSTRAINT ... FOREIGN KEY ... NOT VALID and run VALIDATE CONSTRAINT in a separate "
        "transaction.");
    return;
  }
  std::string name =
      f.references->conname && *f.references->conname
          ? quote_ident(f.references->conname)
          : quote_ident(t->table.name + "_" + (def->colname ? def->colname : "") + "_fkey");
  // What the recipe's steps take, from the lock model.
  std::string add_not_valid =
      fmt::format("ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) {} NOT VALID", t->table_sql,
                  name, col, sql_text(c, *clause));
  AlternativeLocks add = alternative_locks(c.ctx(), {add_not_valid});
  AlternativeLocks validate = alternative_locks(
      c.ctx(),
      {add_not_valid, fmt::format("ALTER TABLE {} VALIDATE CONSTRAINT {}", t->table_sql, name)});
  finding.help(fmt::format(
      "PostgreSQL validates an inline REFERENCES because the new column has a default. Add the "
      "column without REFERENCES, add the foreign key NOT VALID ({6}, only for a catalog "
      "update), and validate it in a separate transaction: VALIDATE CONSTRAINT takes {7}, which "
      "{8}:\n"
      "  ALTER TABLE {0} {2};\n"
      "  ALTER TABLE {0} ADD CONSTRAINT {3} FOREIGN KEY ({4}) {5} NOT VALID;\n"
      "  -- commit; then, in a separate transaction:\n"
      "  ALTER TABLE {0} VALIDATE CONSTRAINT {3};",
      t->table_sql, referenced.display(), sql_text_without(c, span, {*fk}), name, col,
      sql_text(c, *clause), add.takes, validate.takes, validate.blocks));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__AlterTableCmd>(visit)}}};

}  // namespace
}  // namespace migsafe
