// A password written into the migration (CREATE/ALTER ROLE ... PASSWORD, a user mapping's
// password option, a subscription connection string with one): it ends up in version control,
// CI logs and every copy of the repository. The finding never repeats it; every report masks it.
#include <fmt/format.h>

#include "core/check.hpp"
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

void statement(Check& c) {
  for (const Secret& s : find_secrets(c.statement(), c.file())) {
    auto f = c.report(
        s.option,
        fmt::format("this {} is written into the migration: it is stored in version control and "
                    "every copy of the repository, and is the same in every environment (migsafe "
                    "masks it in its reports)",
                    s.what));
    f.help(
        "Leave the secret out of the migration: create the role without a password (or PASSWORD "
        "NULL) and set it from a secret store when deploying, e.g. psql's \\password, or an ALTER "
        "ROLE run by an operator with the value from the secret store. Rotate this one: it has "
        "already been committed.");
  }
}

const RegisterRule reg{RuleDef{.meta = kMeta, .statement = statement}};

}  // namespace
}  // namespace migsafe
