// DELETE with no WHERE on a table that existed before the migration removes all of its rows.
#include <fmt/format.h>

#include "core/check.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-delete-without-where",
    .severity = Severity::Error,
    .category = "data",
    .summary = "DELETE without a WHERE clause on an existing table",
    .why =
        "It removes every row of the table, and through ON DELETE CASCADE the rows that reference "
        "them; a forgotten WHERE is data loss that only a restore undoes.",
    .instead =
        "Add the WHERE that selects the rows to remove. If emptying the table is the intent, "
        "delete in batches outside the migration, or use TRUNCATE once nothing uses the table.",
};

void visit(const PgQuery__DeleteStmt& s, Check& c) {
  if (!s.relation || s.where_clause) return;
  QualifiedName table = c.ctx().resolve(s.relation);
  if (c.ctx().is_new_table(table)) return;
  std::string name = table.display();
  auto finding = c.report(
      c.statement_span(),
      fmt::format("DELETE without WHERE removes every row of {}{} (and, through ON DELETE "
                  "CASCADE, the rows that reference them), locking each until the migration "
                  "commits",
                  name, s.using_clause ? " that joins any row of its USING list" : ""));
  finding.help(fmt::format(
      "Add the WHERE clause that selects the rows to delete. If every row really must go, say "
      "so in a batched job outside the migration:\n"
      "  DELETE FROM {0} WHERE id IN (SELECT id FROM {0} LIMIT 5000);  -- until it deletes no rows",
      name));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__DeleteStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
