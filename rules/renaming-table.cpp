// ALTER TABLE ... RENAME TO on an existing table: every query of the running code that uses the
// old name fails the moment the rename commits.
#include <fmt/format.h>

#include "core/check.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "renaming-table",
    .severity = Severity::Error,
    .category = "compatibility",
    .summary = "ALTER TABLE ... RENAME TO on an existing table",
    .why =
        "The code that is running while the migration applies still uses the old name: every "
        "query on the table fails from the moment the rename commits until every instance runs "
        "new code.",
    .instead =
        "Rename the table and, in the same transaction, create a view with the old name over it "
        "(a simple view is updatable); drop the view once no code uses the old name.",
};

void visit(const PgQuery__RenameStmt& s, Check& c) {
  if (s.rename_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE &&
      s.rename_type != PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE)
    return;
  const FileContext& ctx = c.ctx();
  QualifiedName old_name = ctx.resolve(s.relation);
  if (ctx.is_new_table(old_name)) return;
  // RENAME TO keeps the schema.
  QualifiedName new_name{old_name.schema, s.newname ? s.newname : ""};
  std::string from = old_name.display();
  std::string to = new_name.display();

  std::string lock_note;
  if (const RelationLock* l = c.effect().lock_on(old_name); l && !blocked_traffic(l->mode).empty())
    lock_note = fmt::format(" It also takes {} on {}, so {} queue behind it while it waits.",
                            lock_name(l->mode), from, blocked_traffic(l->mode));
  auto finding = c.report(
      c.statement_span(),
      fmt::format("Renaming table {} to {} breaks the code that is running now: every query on "
                  "{} fails with \"relation does not exist\" from the moment this commits until "
                  "all instances run code that uses {}.{}",
                  from, to, from, to, lock_note));
  finding.help(fmt::format(
      "Keep both names working while the code changes. Either give the table its new name as a "
      "view first (`CREATE VIEW {1} AS SELECT * FROM {0};`), deploy code that uses {1}, and "
      "later swap the view for the table (`DROP VIEW {1}; ALTER TABLE {0} RENAME TO {2};` in "
      "one transaction); or rename now and, in the same transaction, leave a view under the old "
      "name (`CREATE VIEW {0} AS SELECT * FROM {1};`) that you drop once no code uses {0}. A "
      "view that selects all columns of one table is automatically updatable, so reads and "
      "writes through it keep working.",
      from, to, quote_ident(new_name.name)));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__RenameStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
