// DROP SCHEMA of a schema the migration did not create: names qualified with it stop resolving,
// and with CASCADE everything in it is deleted.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/object_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-drop-schema",
    .severity = Severity::Warning,
    .category = "compatibility",
    .summary = "DROP SCHEMA of a schema the migration did not create",
    .why =
        "Code that names objects in the schema, or has it on its search_path, stops finding "
        "them; the drop fails while the schema holds objects, and with CASCADE it deletes all of "
        "them, data included.",
    .instead =
        "Move or retire the objects in the schema one by one, in earlier migrations, and drop "
        "the empty schema last.",
};

void visit(const PgQuery__DropStmt& s, Check& c) {
  if (s.remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA) return;
  auto schemas = existing_dropped(s, c.ctx());
  if (schemas.empty()) return;
  std::string names = names_phrase(schemas);
  bool one = schemas.size() == 1;
  bool cascade = s.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
  auto finding = c.report(
      c.statement_span(),
      fmt::format("DROP SCHEMA deletes {0}: {1}; code that names objects in {2} or has {2} on "
                  "its search_path fails from the moment this commits",
                  names,
                  cascade ? "with CASCADE it also deletes every table, view, function and type in "
                            "it, data included, without listing them"
                          : "it fails if anything is still in it",
                  one ? "it" : "them"));
  finding.help(fmt::format(
      "Empty {0} on purpose first: move what is still needed (`ALTER TABLE ... SET SCHEMA`) or "
      "retire each object in its own step, so every table and view is dropped by a statement "
      "that names it. Remove {0} from search_path settings (`ALTER ROLE ... SET search_path`), "
      "then drop the empty schema without CASCADE in a later migration.",
      one ? "the schema" : "the schemas"));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__DropStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
