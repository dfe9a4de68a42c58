// GRANT ALL [PRIVILEGES]: hands out every privilege of the object type, including the ones
// nobody meant to give (TRUNCATE, TRIGGER, REFERENCES on tables; CREATE on schemas and
// databases), now and whatever the type gains later.
#include <fmt/format.h>

#include <cctype>

#include "core/check.hpp"
#include "core/node_util.hpp"
#include "core/object_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-grant-all",
    .severity = Severity::Warning,
    .category = "security",
    .summary = "GRANT ALL PRIVILEGES instead of the privileges the role needs",
    .why =
        "ALL grants every privilege of the object type: on tables that includes TRUNCATE, "
        "TRIGGER and REFERENCES, on schemas and databases CREATE. The role can empty tables or "
        "run its own code as their trigger, far beyond what the application needs.",
    .instead =
        "Grant the privileges the role uses, e.g. GRANT SELECT, INSERT, UPDATE, DELETE ON orders "
        "TO app.",
};

// Object types where ALL is one privilege already (EXECUTE, USAGE): nothing extra is granted.
bool all_is_single(PgQuery__ObjectType t) {
  switch (t) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_LANGUAGE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FDW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_SERVER:
      return true;
    default:
      return false;
  }
}

std::string_view suggestion(PgQuery__ObjectType t) {
  switch (t) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
      return "SELECT, INSERT, UPDATE, DELETE";
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
      return "USAGE, SELECT";
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
      return "USAGE";
    case PG_QUERY__OBJECT_TYPE__OBJECT_DATABASE:
      return "CONNECT";
    default:
      return "the privileges it needs";
  }
}

std::string grantees(const PgQuery__GrantStmt& s) {
  std::string out;
  for (const PgQuery__Node* n : items(s.grantees, s.n_grantees)) {
    const auto* r = as<PgQuery__RoleSpec>(n);
    if (!r) continue;
    if (!out.empty()) out += ", ";
    if (r->roletype == PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_PUBLIC) {
      out += "PUBLIC";
    } else if (r->rolename && *r->rolename) {
      out += quote_ident(r->rolename);
    } else {
      out += "the role";
    }
  }
  return out.empty() ? "the role" : out;
}

void visit(const PgQuery__GrantStmt& s, Check& c) {
  if (!s.is_grant || s.n_privileges != 0 || all_is_single(s.objtype)) return;
  const auto* outer = c.ancestor<PgQuery__AlterDefaultPrivilegesStmt>();
  std::string to = grantees(s);
  std::string_view privileges = suggestion(s.objtype);
  std::string_view extra;
  switch (s.objtype) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
      extra =
          "TRUNCATE, TRIGGER and REFERENCES: it can empty the tables at once or attach its own "
          "code to every write";
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
      extra = "UPDATE: it can reset the sequences with setval()";
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
      extra =
          "CREATE: it can create objects there, including ones that shadow what other code "
          "finds through search_path";
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_DATABASE:
      extra = "CREATE: it can create schemas in the database";
      break;
    default:
      extra = "every privilege the object type has, now and in later PostgreSQL versions";
  }
  auto f =
      c.report(c.statement_span(),
               fmt::format("GRANT ALL gives {} more than it needs on {}, including {}", to,
                           outer ? "every object created from now on" : "these objects", extra));
  std::string on = grant_objects(c.ctx(), s);
  if (on.empty() && outer) {
    on = std::string(object_noun(s.objtype)) + "S";  // ALTER DEFAULT PRIVILEGES ... ON TABLES
    for (char& ch : on) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  if (on.empty()) on = "...";
  f.help(
      fmt::format("Grant only what {} uses, e.g. `GRANT {} ON {} TO {}`.", to, privileges, on, to));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__GrantStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
