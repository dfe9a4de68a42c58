// ALTER TABLE ... DROP COLUMN on a table that already exists: application code deployed before
// the migration still reads and writes the column and fails once it is gone.
#include <fmt/format.h>

#include "core/check.hpp"
#include "model/catalog.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-drop-column",
    .severity = Severity::Warning,
    .category = "compatibility",
    .summary = "ALTER TABLE ... DROP COLUMN on an existing table",
    .why =
        "Application code that is running while the migration applies still reads and writes the "
        "column: its queries fail, and ORMs that cached the column list fail on INSERT and "
        "SELECT *, until every instance runs code that no longer knows the column.",
    .instead =
        "Stop using the column in the code first (Rails ignored_columns, remove it from the "
        "entity or schema), deploy that everywhere, then drop the column in a later migration.",
};

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

void visit(const PgQuery__AlterTableCmd& cmd, Check& c) {
  if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn &&
      cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse)
    return;
  const auto* alter = c.ancestor<PgQuery__AlterTableStmt>();
  if (!alter || (alter->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE &&
                 alter->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE))
    return;
  const FileContext& ctx = c.ctx();
  QualifiedName table = ctx.resolve(alter->relation);
  if (ctx.is_new_table(table)) return;
  std::string column_name = cmd.name ? cmd.name : "";
  const TableInfo* info = ctx.catalog().table(table);
  const ColumnInfo* column = info ? info->column(column_name) : nullptr;
  // A column added earlier in this migration has never been seen by any running code.
  if (column && is_new(column->origin)) return;

  std::string t = table.display();
  std::string col = quote_ident(column_name);
  std::string lock_note;
  if (const Effect* e = c.subcommand_effect(cmd)) {
    if (const RelationLock* l = e->lock_on(table); l && !blocked_traffic(l->mode).empty())
      lock_note = fmt::format("; while it waits for its {} lock, {} of {} queue behind it",
                              lock_name(l->mode), blocked_traffic(l->mode), t);
  }
  // What the schema history says still uses the column: views and other tables' foreign keys
  // make the DROP fail without CASCADE (and go with it with CASCADE); indexes go with it.
  std::vector<std::string> blocking, dropped;
  for (const Dependent& d : ctx.catalog().dependents_of_column(table, column_name))
    (d.kind == Dependent::Index ? dropped : blocking).push_back(d.describe());
  std::string users_note;
  bool cascade = cmd.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
  if (!blocking.empty())
    users_note +=
        fmt::format("; {} still {} it: {}", join(blocking), blocking.size() == 1 ? "uses" : "use",
                    cascade ? "CASCADE silently drops them too"
                            : "without CASCADE the DROP fails with \"other objects depend on it\"");
  if (!dropped.empty())
    users_note += fmt::format("; {} on it {} dropped with it", join(dropped),
                              dropped.size() == 1 ? "is" : "are");
  auto finding = c.report(
      c.subcommand_span(cmd),
      fmt::format("Dropping column {} from {} breaks the application code that is running now: "
                  "queries that name {} fail, and so do the INSERTs (and SELECTs) that ORMs build "
                  "from their cached column list (Active Record, Hibernate, Ecto schemas), until "
                  "every instance runs code that no longer knows the column{}{}",
                  col, t, col, users_note, lock_note));

  std::string not_null_step;
  if (!column) {
    not_null_step = fmt::format(
        " If {} is NOT NULL without a default, run `ALTER TABLE {} ALTER COLUMN {} DROP NOT "
        "NULL` first, so that the new code can insert rows without it.",
        col, t, col);
  } else if (column->not_null && !column->has_default) {
    not_null_step = fmt::format(
        " {} is NOT NULL without a default: run `ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL` "
        "first, so that the new code can insert rows without it.",
        col, t, col);
  }
  std::string cascade_note;
  if (cmd.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
    cascade_note = fmt::format(
        " CASCADE also drops every view, index and constraint that depends on {}: drop those "
        "explicitly so the migration says what it removes.",
        col);
  finding.help(fmt::format(
      "Remove the column in two deploys. First stop using {} in the code (Rails: "
      "`self.ignored_columns += [\"{}\"]`; remove it from Hibernate entities and Ecto schemas) "
      "and deploy that to every instance.{} Then drop the column in a later migration: `ALTER "
      "TABLE {} DROP COLUMN {};`.{}",
      col, column_name, not_null_step, t, col, cascade_note));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__AlterTableCmd>(visit)}}};

}  // namespace
}  // namespace migsafe
