// DROP FUNCTION / PROCEDURE / ROUTINE / AGGREGATE of one the migration did not create: code that
// still calls it fails as soon as the drop commits.
#include <fmt/format.h>

#include <cctype>

#include "core/check.hpp"
#include "core/object_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-drop-function",
    .severity = Severity::Warning,
    .category = "compatibility",
    .summary = "DROP FUNCTION or PROCEDURE of a routine the migration did not create",
    .why =
        "Code and SQL that still call the function fail with \"function does not exist\" as soon "
        "as the drop commits; triggers, defaults and views that use it make the drop fail, or "
        "with CASCADE disappear with it.",
    .instead =
        "Stop calling the function everywhere and deploy that first; drop it in a later "
        "migration. To change a signature, create the new function next to the old one.",
};

std::string upper(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

void visit(const PgQuery__DropStmt& s, Check& c) {
  switch (s.remove_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE:
      break;
    default:
      return;
  }
  auto routines = existing_dropped(s, c.ctx());
  if (routines.empty()) return;
  std::string noun(object_noun(s.remove_type));
  std::string names = names_phrase(routines);
  bool one = routines.size() == 1;
  auto finding = c.report(
      c.statement_span(),
      fmt::format(
          "DROP {} deletes {}: code and SQL that still call {} fail with \"{} does not "
          "exist\" from the moment this commits, and triggers, column defaults, checks "
          "and views that use {} make the drop fail (or, with CASCADE, are dropped too)",
          upper(noun), names, one ? "it" : "them",
          s.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE ? "procedure" : "function",
          one ? "it" : "them"));
  finding.help(fmt::format(
      "Retire the {0}{1} in steps: stop calling {2} in the code, in other services and in the "
      "database's own triggers, defaults and views, deploy that, and drop {2} in a later "
      "migration. To change a {0}'s arguments or result type, create the new version next to "
      "the old one (a new name, or an overload with the new arguments), move the callers, then "
      "drop the old one; `CREATE OR REPLACE` keeps the name working when only the body changes.",
      noun, one ? "" : "s", one ? "it" : "them"));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__DropStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
