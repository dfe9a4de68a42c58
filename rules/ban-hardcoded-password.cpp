// A password written into the migration (CREATE/ALTER ROLE ... PASSWORD, a user mapping's
// password option, a subscription connection string with one): it ends up in version control,
// CI logs and every copy of the repository. The finding never repeats it; every report masks it.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/names.hpp"
#include "core/secrets.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-hardcoded-password",
    .severity = Severity::Error,
    .category = "security",
    .summary = "a password written into the migration",
    .why =
        "A password in a migration is stored in version control, CI logs and every clone of the "
        "repository, and is the same in every environment the migration runs in; an MD5 hash is "
        "as good as the password against md5 authentication.",
    .instead =
        "Create the role without a password (or with PASSWORD NULL) and set it outside the "
        "migration from a secret store, e.g. with psql's \\password or an operator-run ALTER "
        "ROLE.",
};

// What the secret belongs to, named as the statement names it, and how to set it from outside.
std::string help_for(const Check& c) {
  const PgQuery__Node* node = c.statement().node;
  std::string role;
  if (const auto* s = as<PgQuery__CreateRoleStmt>(node); s && s->role) {
    role = quote_ident(s->role);
  } else if (const auto* a = as<PgQuery__AlterRoleStmt>(node); a && a->role && a->role->rolename) {
    role = quote_ident(a->role->rolename);
  }
  if (!role.empty())
    return fmt::format(
        "Leave the secret out of the migration: create {0} without a password (or with PASSWORD "
        "NULL) and set it from a secret store when deploying, e.g. psql's `\\password {0}`, or "
        "`ALTER ROLE {0} PASSWORD ...` run by an operator with the value from the secret store. "
        "Rotate this one: it has already been committed.",
        role);
  std::string server;
  if (const auto* m = as<PgQuery__CreateUserMappingStmt>(node)) {
    if (m->servername) server = quote_ident(m->servername);
  } else if (const auto* am = as<PgQuery__AlterUserMappingStmt>(node)) {
    if (am->servername) server = quote_ident(am->servername);
  }
  if (!server.empty())
    return fmt::format(
        "Leave the secret out of the migration: create the user mapping for server {0} without "
        "the password option and have an operator run `ALTER USER MAPPING ... SERVER {0} OPTIONS "
        "(SET password '...')` with the value from the secret store. Rotate this one: it has "
        "already been committed.",
        server);
  std::string sub;
  if (const auto* cs = as<PgQuery__CreateSubscriptionStmt>(node)) {
    if (cs->subname) sub = quote_ident(cs->subname);
  } else if (const auto* as_ = as<PgQuery__AlterSubscriptionStmt>(node)) {
    if (as_->subname) sub = quote_ident(as_->subname);
  }
  if (!sub.empty())
    return fmt::format(
        "Leave the password out of subscription {0}'s connection string: put it in the "
        "subscriber's ~/.pgpass (or a passfile= the server reads), or have an operator run "
        "`ALTER SUBSCRIPTION {0} CONNECTION '...'` with the value from the secret store. Rotate "
        "this one: it has already been committed.",
        sub);
  return "Leave the secret out of the migration and set it from a secret store when deploying. "
         "Rotate this one: it has already been committed.";
}

void statement(Check& c) {
  for (const Secret& s : find_secrets(c.statement(), c.file())) {
    auto f = c.report(
        s.option,
        fmt::format("this {} is written into the migration: it is stored in version control and "
                    "every copy of the repository, and is the same in every environment (migsafe "
                    "masks it in its reports)",
                    s.what));
    f.help(help_for(c));
  }
}

const RegisterRule reg{RuleDef{.meta = kMeta, .statement = statement}};

}  // namespace
}  // namespace migsafe
