// Opt-in: table names without a schema resolve through the session's search_path, which can
// differ between the roles and connections that run the migration.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "require-table-schema",
    .severity = Severity::Warning,
    .category = "hygiene",
    .summary = "a table named without its schema",
    .why =
        "An unqualified name resolves through the session's search_path: run by another role or "
        "through another connection setup, the same migration creates or changes a table in a "
        "different schema.",
    .instead = "Qualify table names with their schema: public.orders, billing.invoices.",
    .default_enabled = false,
};

void report_unqualified(const PgQuery__RangeVar* rv, std::string_view verb, Check& c) {
  if (!rv || (rv->schemaname && *rv->schemaname) ||
      (rv->relpersistence && std::string_view(rv->relpersistence) == "t"))
    return;
  std::string schema = c.ctx().default_schema();
  std::string name = quote_ident(rv->relname ? rv->relname : "");
  auto finding = c.report(
      c.token_at(rv->location),
      fmt::format("{} {} without a schema: the table is looked up through the session's "
                  "search_path, so run by a role or connection with another search_path the "
                  "migration {} a table in another schema",
                  verb, name, verb == "CREATE TABLE" ? "creates" : "changes"));
  finding.help(
      fmt::format("Write `{}.{}` (or whichever schema it belongs in).", quote_ident(schema), name));
  // Not applied on its own: the schema the production session resolves may not be the one
  // migsafe assumes.
  Fix fix;
  fix.title = fmt::format("Qualify it as {}.{}", quote_ident(schema), name);
  size_t at = c.statement().at(rv->location);
  fix.edits.push_back(Edit{Span{at, at}, quote_ident(schema) + "."});
  finding.fix(std::move(fix));
}

void visit_create(const PgQuery__CreateStmt& s, Check& c) {
  report_unqualified(s.relation, "CREATE TABLE", c);
}

void visit_ctas(const PgQuery__CreateTableAsStmt& s, Check& c) {
  if (s.objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE || !s.into) return;
  report_unqualified(s.into->rel, "CREATE TABLE", c);
}

void visit_alter(const PgQuery__AlterTableStmt& s, Check& c) {
  if (s.objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) return;
  report_unqualified(s.relation, "ALTER TABLE", c);
}

void visit_index(const PgQuery__IndexStmt& s, Check& c) {
  report_unqualified(s.relation, "CREATE INDEX ON", c);
}

void visit_drop(const PgQuery__DropStmt& s, Check& c) {
  if (s.remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) return;
  for (const PgQuery__Node* obj : items(s.objects, s.n_objects)) {
    const auto* list = as<PgQuery__List>(obj);
    if (!list || list->n_items != 1) continue;
    // The name list carries no position: point at the statement.
    std::string name = quote_ident(string_value(list->items[0]));
    auto finding =
        c.report(c.statement_span(),
                 fmt::format("DROP TABLE {} without a schema: the table is looked up through the "
                             "session's search_path, so run by a role or connection with another "
                             "search_path the migration drops a table in another schema",
                             name));
    finding.help(fmt::format("Write `{}.{}` (or whichever schema it belongs in).",
                             quote_ident(c.ctx().default_schema()), name));
  }
}

const RegisterRule reg{RuleDef{
    .meta = kMeta,
    .visits = {on<PgQuery__CreateStmt>(visit_create), on<PgQuery__CreateTableAsStmt>(visit_ctas),
               on<PgQuery__AlterTableStmt>(visit_alter), on<PgQuery__IndexStmt>(visit_index),
               on<PgQuery__DropStmt>(visit_drop)}}};

}  // namespace
}  // namespace migsafe
