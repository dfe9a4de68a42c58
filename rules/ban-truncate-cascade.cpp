// TRUNCATE ... CASCADE: every table with a foreign key to the named tables is emptied too,
// recursively, without the migration naming them.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"
#include "core/object_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-truncate-cascade",
    .severity = Severity::Error,
    .category = "compatibility",
    .summary = "TRUNCATE ... CASCADE, which empties every table that references the named ones",
    .why =
        "CASCADE also truncates every table with a foreign key to the named tables, and the "
        "tables referencing those, recursively: rows of tables the migration never names are "
        "deleted for good.",
    .instead =
        "Name every table you mean to empty in the TRUNCATE, without CASCADE: PostgreSQL then "
        "refuses if another table still references them.",
};

void visit(const PgQuery__TruncateStmt& s, Check& c) {
  if (s.behavior != PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE) return;
  std::vector<QualifiedName> tables;
  bool any_existing = false;
  for (const PgQuery__Node* r : items(s.relations, s.n_relations)) {
    const auto* rv = as<PgQuery__RangeVar>(r);
    if (!rv) continue;
    QualifiedName n = c.ctx().resolve(rv);
    tables.push_back(n);
    any_existing = any_existing || !c.ctx().is_new_table(n);
  }
  // Tables created in this migration can only be referenced by tables created after them.
  if (!any_existing) return;
  std::string names = names_phrase(tables);
  auto finding = c.report(
      c.statement_span(),
      fmt::format("TRUNCATE ... CASCADE empties {0} and also every table with a foreign key to "
                  "{1}, and the tables referencing those, recursively: rows of tables this "
                  "statement never names are deleted for good, under ACCESS EXCLUSIVE on each",
                  names, tables.size() == 1 ? "it" : "them"));
  finding.help(fmt::format(
      "Name every table you mean to empty and drop CASCADE: `TRUNCATE {}, <the referencing "
      "tables>;`. Without CASCADE PostgreSQL refuses when a table outside the list still "
      "references them, so nothing is emptied by surprise.",
      names));
  if (auto fix = remove_cascade_fix(c)) finding.fix(std::move(*fix));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__TruncateStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
