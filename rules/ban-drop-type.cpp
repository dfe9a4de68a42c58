// DROP TYPE of a type the migration did not create: casts and parameters that name it fail, and
// columns of that type make the drop fail (or, with CASCADE, are dropped with their data).
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/object_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-drop-type",
    .severity = Severity::Warning,
    .category = "compatibility",
    .summary = "DROP TYPE of a type the migration did not create",
    .why =
        "Code that casts to the type or binds parameters of it fails with \"type does not "
        "exist\" once the drop commits; columns of the type make the drop fail, or with CASCADE "
        "are dropped, data and all.",
    .instead =
        "Move every column and function off the type and stop using it in the code, deploy "
        "that, then drop the type in a later migration.",
};

void visit(const PgQuery__DropStmt& s, Check& c) {
  if (s.remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TYPE) return;
  auto types = existing_dropped(s, c.ctx());
  if (types.empty()) return;
  std::string names = names_phrase(types);
  bool one = types.size() == 1;
  auto finding = c.report(
      c.statement_span(),
      fmt::format("DROP TYPE deletes {0}: code that casts to {1} or passes values of {1} fails "
                  "with \"type does not exist\" from the moment this commits; columns, functions "
                  "and views that use {1} make the drop fail{2}",
                  names, one ? "it" : "them",
                  s.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE
                      ? fmt::format(", and with CASCADE they are dropped with {}: columns lose "
                                    "their data",
                                    one ? "it" : "them")
                      : " (with CASCADE, columns of that type would be dropped, data and all)"));
  finding.help(fmt::format(
      "Retire {0} in steps: move columns off {0} (for an enum, `ALTER TABLE ... ALTER COLUMN ... "
      "TYPE text` rewrites the table; adding a new text column and backfilling it does not "
      "block), change the functions that take or return it, stop using it in the code, deploy "
      "that, and drop {0} in a later migration.",
      one ? "the type" : "the types"));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__DropStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
