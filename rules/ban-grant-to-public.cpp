// GRANT ... TO PUBLIC: the privilege goes to every role that exists or will ever exist,
// including ones created for other applications, read-only reporting or an attacker's foothold.
#include <fmt/format.h>

#include <cctype>

#include "core/check.hpp"
#include "core/node_util.hpp"
#include "core/object_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-grant-to-public",
    .severity = Severity::Warning,
    .category = "security",
    .summary = "a privilege granted to PUBLIC",
    .why =
        "PUBLIC is every role, now and in the future: a grant to it reaches reporting users, "
        "other applications' roles and any role an attacker gets hold of. CREATE on a schema for "
        "PUBLIC lets any role plant objects that shadow the ones your code calls.",
    .instead = "Grant to a role that the application's login roles are members of.",
};

bool grants_to_public(const PgQuery__GrantStmt& s) {
  for (const PgQuery__Node* n : items(s.grantees, s.n_grantees))
    if (const auto* r = as<PgQuery__RoleSpec>(n);
        r && r->roletype == PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_PUBLIC)
      return true;
  return false;
}

bool grants(const PgQuery__GrantStmt& s, std::string_view privilege) {
  if (s.n_privileges == 0) return true;  // ALL
  for (const PgQuery__Node* n : items(s.privileges, s.n_privileges))
    if (const auto* p = as<PgQuery__AccessPriv>(n); p && p->priv_name && privilege == p->priv_name)
      return true;
  return false;
}

// What PUBLIC already has by default (EXECUTE on functions, USAGE on languages and types,
// CONNECT and TEMPORARY on databases, USAGE on schemas is harmless without object privileges):
// granting it again changes nothing worth a finding.
bool worth_reporting(const PgQuery__GrantStmt& s) {
  switch (s.objtype) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_LANGUAGE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN:
      return false;
    case PG_QUERY__OBJECT_TYPE__OBJECT_DATABASE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
      return grants(s, "create");
    default:
      return true;
  }
}

void visit(const PgQuery__GrantStmt& s, Check& c) {
  if (!s.is_grant || !grants_to_public(s) || !worth_reporting(s)) return;
  bool defaults = c.ancestor<PgQuery__AlterDefaultPrivilegesStmt>() != nullptr;
  bool schema_create = s.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA;
  auto f = c.report(
      c.statement_span(),
      schema_create
          ? std::string("this grant gives PUBLIC CREATE on the schema: every role can create "
                        "objects there, including functions and operators that shadow the ones "
                        "your code calls through search_path")
          : fmt::format("this grant goes to PUBLIC, that is every role that exists or will ever "
                        "exist{}",
                        defaults ? ", for every object created from now on" : ""));
  std::string on = grant_objects(c.ctx(), s);
  std::string privileges = grant_privileges(s);
  // A group role named after what it gives access to.
  std::string group = "app_readers";
  if (s.n_objects == 1) {
    std::string first = on.substr(on.rfind('.') == std::string::npos ? 0 : on.rfind('.') + 1);
    bool plain = !first.empty();
    for (char ch : first)
      plain = plain && (std::islower(static_cast<unsigned char>(ch)) ||
                        std::isdigit(static_cast<unsigned char>(ch)) || ch == '_');
    if (plain) group = first + (schema_create ? "_owners" : "_readers");
  }
  f.help(fmt::format(
      "Create a group role for the access (`CREATE ROLE {0} NOLOGIN;`), grant to it instead "
      "(`GRANT {1} ON {2}{3} TO {0};`), and make the login roles that need it members (`GRANT "
      "{0} TO <login role>;`).",
      group, privileges, schema_create ? "SCHEMA " : "", on.empty() ? "..." : on));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__GrantStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
