// DROP DATABASE: every table and every row of the database is deleted, and everything that
// connects to it fails.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/names.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-drop-database",
    .severity = Severity::Error,
    .category = "compatibility",
    .summary = "DROP DATABASE in a migration",
    .why =
        "DROP DATABASE deletes every table and row of the database for good, and every client "
        "that connects to it fails; it has no place in an application's migrations.",
    .instead =
        "Drop databases by hand, after a backup, once nothing connects to them; never from a "
        "migration that runs on every environment.",
};

void visit(const PgQuery__DropdbStmt& s, Check& c) {
  std::string name = s.dbname ? quote_ident(s.dbname) : "the database";
  auto finding = c.report(
      c.statement_span(),
      fmt::format("DROP DATABASE deletes {0} with every table and row in it, and every client "
                  "that connects to {0} fails from then on; the data can only be recovered from "
                  "a backup",
                  name));
  finding.help(fmt::format(
      "Take this out of the migration: migrations run on every environment, production "
      "included. Retire {0} by hand: stop every client that connects to it, take a backup "
      "(`pg_dump --dbname={0}`), and drop it once nothing has connected for a while.",
      name));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__DropdbStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
