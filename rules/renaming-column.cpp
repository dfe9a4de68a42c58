// ALTER TABLE ... RENAME COLUMN on an existing table: every query of the running code that uses
// the old name fails the moment the rename commits.
#include <fmt/format.h>

#include "core/check.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "renaming-column",
    .severity = Severity::Error,
    .category = "compatibility",
    .summary = "ALTER TABLE ... RENAME COLUMN on an existing table",
    .why =
        "The code that is running while the migration applies still uses the old name: every "
        "query that names it fails from the moment the rename commits until every instance runs "
        "new code, and code deployed first fails until the rename has run.",
    .instead =
        "Add the new column, write to both, backfill, switch reads to the new column, then drop "
        "the old one in a later migration; or keep the old name readable through a view.",
};

void visit(const PgQuery__RenameStmt& s, Check& c) {
  if (s.rename_type != PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN ||
      (s.relation_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE &&
       s.relation_type != PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE))
    return;
  const FileContext& ctx = c.ctx();
  QualifiedName table = ctx.resolve(s.relation);
  if (ctx.is_new_table(table)) return;
  std::string old_name = s.subname ? s.subname : "";
  std::string new_name = s.newname ? s.newname : "";
  const TableInfo* info = ctx.catalog().table(table);
  const ColumnInfo* column = info ? info->column(old_name) : nullptr;
  // A column added earlier in this migration is not known to any running code yet.
  if (column && is_new(column->origin)) return;

  std::string t = table.display();
  std::string from = quote_ident(old_name);
  std::string to = quote_ident(new_name);
  std::string lock_note;
  if (const RelationLock* l = c.effect().lock_on(table); l && !blocked_traffic(l->mode).empty())
    lock_note = fmt::format(" It also takes {} on {}, so {} queue behind it while it waits.",
                            lock_name(l->mode), t, blocked_traffic(l->mode));
  auto finding = c.report(
      c.statement_span(),
      fmt::format("Renaming column {} of {} to {} breaks the code that is running now: every "
                  "query that names {} fails from the moment this commits until all instances "
                  "run code that uses {}.{}",
                  from, t, to, from, to, lock_note));
  std::string type =
      column && !column->type.empty() ? column->type.display() : fmt::format("<type of {}>", from);
  finding.help(fmt::format(
      "Rename in steps, one deploy each: (1) `ALTER TABLE {0} ADD COLUMN {1} {3};` "
      "and make the code write both {2} and {1} (or keep them in sync with a trigger); (2) "
      "backfill {1} from {2} in batches; (3) switch reads to {1} and deploy; (4) stop writing "
      "{2}, then drop it in a later migration.",
      t, to, from, type));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__RenameStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
