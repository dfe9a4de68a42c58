// ALTER ... SET SCHEMA of an object the migration did not create: code that names it with its
// old schema, or finds it through a search_path without the new one, stops finding it.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"
#include "core/object_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-set-schema",
    .severity = Severity::Warning,
    .category = "compatibility",
    .summary = "ALTER ... SET SCHEMA of an existing table, view, function, type or sequence",
    .why =
        "Code that names the object with its old schema, or finds it through a search_path that "
        "does not include the new one, fails as soon as the move commits.",
    .instead =
        "Put the new schema on every client's search_path and make the code use unqualified or "
        "new-schema names first; for a table or view, leave a view in the old schema while "
        "clients move.",
};

void visit(const PgQuery__AlterObjectSchemaStmt& s, Check& c) {
  const FileContext& ctx = c.ctx();
  QualifiedName name = s.relation ? ctx.resolve(s.relation) : ctx.resolve_object(s.object);
  if (name.empty() || is_new_object_of_type(ctx, s.object_type, name)) return;
  std::string noun(object_noun(s.object_type));
  std::string target = s.newschema ? quote_ident(s.newschema) : "another schema";
  QualifiedName moved{s.newschema ? s.newschema : "", name.name};
  bool relation = s.object_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE ||
                  s.object_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW ||
                  s.object_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ||
                  s.object_type == PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE;
  auto finding = c.report(
      c.statement_span(),
      fmt::format("SET SCHEMA moves {0} {1} to {2}: code that names it as {1}, or finds it "
                  "through a search_path without {2}, fails from the moment this commits",
                  noun, name.display(), target));
  std::string keep = relation
                         ? fmt::format(
                               " For a table or view, a view left under the old name (`CREATE VIEW "
                               "{} AS SELECT * FROM {};` in the same transaction) keeps old "
                               "queries working until they have moved; a simple view is updatable.",
                               name.display(), moved.display())
                         : "";
  finding.help(fmt::format(
      "Move the clients first: add {0} to their search_path (`ALTER ROLE ... SET search_path = "
      "...`) and change code that writes {1} to the new name, deploy, then move the {2}.{3}",
      target, name.display(), noun, keep));
}

const RegisterRule reg{
    RuleDef{.meta = kMeta, .visits = {on<PgQuery__AlterObjectSchemaStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
