// ALTER SYSTEM writes postgresql.auto.conf on the server: a server-wide setting changed from a
// migration, outside whatever manages the server's configuration, surviving restarts.
#include <fmt/format.h>

#include "core/check.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-alter-system",
    .severity = Severity::Warning,
    .category = "security",
    .summary = "ALTER SYSTEM in a migration",
    .why =
        "ALTER SYSTEM writes postgresql.auto.conf: it changes a setting for the whole server and "
        "every database on it, overrides postgresql.conf and configuration management, survives "
        "restarts, and needs superuser (or a GRANTed ALTER SYSTEM privilege).",
    .instead =
        "Change server settings where the server's configuration is managed; for one database or "
        "role use ALTER DATABASE ... SET or ALTER ROLE ... SET.",
};

void visit(const PgQuery__AlterSystemStmt& s, Check& c) {
  std::string name = s.setstmt && s.setstmt->name ? s.setstmt->name : "";
  auto f = c.report(
      c.statement_span(),
      fmt::format("ALTER SYSTEM {} is written to postgresql.auto.conf: it applies to the whole "
                  "server and every database on it, overrides postgresql.conf and configuration "
                  "management, and stays after a restart",
                  name.empty() ? "changes a setting that" : "changes " + name + ", which"));
  f.help(name.empty()
             ? std::string("Change it where the server's configuration is managed, or per "
                           "database with ALTER DATABASE ... SET.")
             : fmt::format("Change {} where the server's configuration is managed; if it is only "
                           "meant for this application, use ALTER DATABASE <db> SET {} = ... or "
                           "ALTER ROLE <role> SET {} = ....",
                           name, name, name));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__AlterSystemStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
