// CREATE/ALTER ROLE ... SUPERUSER, or granting one of the predefined roles that reach the
// server's file system and shell (pg_execute_server_program, pg_write_server_files,
// pg_read_server_files): the role can do anything on the server, including as the OS user.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-superuser-role",
    .severity = Severity::Error,
    .category = "security",
    .summary = "a role made superuser, or given server file or program access",
    .why =
        "A superuser bypasses every permission check and can run programs on the server as the "
        "PostgreSQL operating-system user; pg_execute_server_program, pg_write_server_files and "
        "pg_read_server_files reach the server's shell and files and can be turned into "
        "superuser access. An application role with them turns any SQL injection into a server "
        "compromise.",
    .instead =
        "Give the role only the privileges it needs (GRANT on the objects it uses, CREATEROLE or "
        "CREATEDB if it must) and keep superuser for administrators outside migrations.",
};

constexpr std::string_view kServerRoles[] = {"pg_execute_server_program", "pg_write_server_files",
                                             "pg_read_server_files"};

void check_options(std::span<PgQuery__Node* const> options, const std::string& role, Check& c) {
  for (const PgQuery__Node* o : options) {
    const auto* d = as<PgQuery__DefElem>(o);
    if (!d || !d->defname || std::string_view(d->defname) != "superuser") continue;
    if (!is(d->arg, PG_QUERY__NODE__NODE_BOOLEAN) || !d->arg->boolean->boolval) continue;
    auto f = c.report(c.token_at(d->location),
                      fmt::format("SUPERUSER makes {} a superuser: it bypasses every permission "
                                  "check and can run programs on the server as the PostgreSQL "
                                  "operating-system user",
                                  role));
    f.help(fmt::format(
        "Grant {} only what it uses (privileges on its tables and sequences; CREATEDB or "
        "CREATEROLE if it must create those); superusers belong to administrators, created "
        "outside migrations.",
        role));
  }
}

void visit_create(const PgQuery__CreateRoleStmt& s, Check& c) {
  check_options(items(s.options, s.n_options), quote_ident(s.role ? s.role : ""), c);
}

void visit_alter(const PgQuery__AlterRoleStmt& s, Check& c) {
  std::string role =
      s.role && s.role->rolename && *s.role->rolename ? quote_ident(s.role->rolename) : "the role";
  check_options(items(s.options, s.n_options), role, c);
}

void visit_grant_role(const PgQuery__GrantRoleStmt& s, Check& c) {
  if (!s.is_grant) return;
  for (const PgQuery__Node* n : items(s.granted_roles, s.n_granted_roles)) {
    const auto* p = as<PgQuery__AccessPriv>(n);
    if (!p || !p->priv_name) continue;
    std::string_view granted = p->priv_name;
    bool server = false;
    for (std::string_view r : kServerRoles) server = server || r == granted;
    if (!server) continue;
    auto f =
        c.report(c.statement_span(),
                 fmt::format("GRANT {} gives access to the database server's {} as the "
                             "PostgreSQL operating-system user, which can be turned into "
                             "superuser access",
                             granted, granted == "pg_execute_server_program" ? "shell" : "files"));
    std::string to;
    for (const PgQuery__Node* g : items(s.grantee_roles, s.n_grantee_roles))
      if (const auto* r = as<PgQuery__RoleSpec>(g); r && r->rolename && *r->rolename)
        to += (to.empty() ? "" : ", ") + quote_ident(r->rolename);
    if (to.empty()) to = "the role";
    f.help(fmt::format(
        "Drop this GRANT: do not give {} {} (and revoke it where it already ran: `REVOKE {} "
        "FROM {};`); load files through the client (COPY ... FROM STDIN, psql's \\copy) "
        "instead.",
        to, granted, granted, to));
  }
}

const RegisterRule reg{RuleDef{
    .meta = kMeta,
    .visits = {on<PgQuery__CreateRoleStmt>(visit_create), on<PgQuery__AlterRoleStmt>(visit_alter),
               on<PgQuery__GrantRoleStmt>(visit_grant_role)}}};

}  // namespace
}  // namespace migsafe
