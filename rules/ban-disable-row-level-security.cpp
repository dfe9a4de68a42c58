// Turning row-level security off for a table that existed before the migration (DISABLE ROW
// LEVEL SECURITY, NO FORCE ROW LEVEL SECURITY), or giving a role BYPASSRLS: every policy that
// kept rows apart stops applying.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-disable-row-level-security",
    .severity = Severity::Error,
    .category = "security",
    .summary = "row-level security turned off for a table or bypassed by a role",
    .why =
        "Row-level security policies are what keeps one tenant's or user's rows from another's: "
        "DISABLE ROW LEVEL SECURITY, NO FORCE ROW LEVEL SECURITY or a BYPASSRLS role lets every "
        "query with table privileges see and change all rows.",
    .instead =
        "Change the policies instead (CREATE/ALTER POLICY) and keep row-level security enabled; "
        "give maintenance jobs a policy of their own rather than BYPASSRLS.",
};

void visit_cmd(const PgQuery__AlterTableCmd& cmd, Check& c) {
  bool disable = cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRowSecurity;
  bool no_force = cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_NoForceRowSecurity;
  if (!disable && !no_force) return;
  const auto* alter = c.ancestor<PgQuery__AlterTableStmt>();
  if (!alter || !alter->relation) return;
  QualifiedName table = c.ctx().resolve(alter->relation);
  if (c.ctx().is_new_table(table)) return;  // no rows, no policies relied on yet
  std::string t = table.display();
  auto f = c.report(
      c.subcommand_span(cmd),
      disable ? fmt::format("DISABLE ROW LEVEL SECURITY on {}: its policies stop applying, so "
                            "every role with privileges on {} sees and changes all of its rows",
                            t, t)
              : fmt::format("NO FORCE ROW LEVEL SECURITY on {}: its owner (often the "
                            "application's own role) is no longer held to its policies and sees "
                            "and changes all of its rows",
                            t));
  f.help(fmt::format(
      "Keep row-level security on and change what the policies allow instead (ALTER POLICY ... "
      "ON {}, or a new CREATE POLICY for the role that needs more access).",
      t));
}

void check_role_options(std::span<PgQuery__Node* const> options, std::string_view role, Check& c) {
  for (const PgQuery__Node* o : options) {
    const auto* d = as<PgQuery__DefElem>(o);
    if (!d || !d->defname || std::string_view(d->defname) != "bypassrls") continue;
    if (!is(d->arg, PG_QUERY__NODE__NODE_BOOLEAN) || !d->arg->boolean->boolval) continue;
    auto f = c.report(c.token_at(d->location),
                      fmt::format("BYPASSRLS lets role {} ignore every row-level security "
                                  "policy: it sees and changes all rows of every table it has "
                                  "privileges on",
                                  role));
    f.help(fmt::format(
        "Leave BYPASSRLS off for {0} and write a policy for what it must do (`CREATE POLICY "
        "<name> ON <table> ... TO {0} USING (...)`).",
        role));
  }
}

std::string role_name(const PgQuery__RoleSpec* r) {
  return r && r->rolename && *r->rolename ? quote_ident(r->rolename) : "this role";
}

void visit_create_role(const PgQuery__CreateRoleStmt& s, Check& c) {
  check_role_options(items(s.options, s.n_options), quote_ident(s.role ? s.role : ""), c);
}

void visit_alter_role(const PgQuery__AlterRoleStmt& s, Check& c) {
  check_role_options(items(s.options, s.n_options), role_name(s.role), c);
}

const RegisterRule reg{RuleDef{.meta = kMeta,
                               .visits = {on<PgQuery__AlterTableCmd>(visit_cmd),
                                          on<PgQuery__CreateRoleStmt>(visit_create_role),
                                          on<PgQuery__AlterRoleStmt>(visit_alter_role)}}};

}  // namespace
}  // namespace migsafe
