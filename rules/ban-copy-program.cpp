// COPY ... PROGRAM runs a shell command on the database server as the operating-system user
// PostgreSQL runs as; COPY to or from a server file reads or writes the server's file system.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-copy-program",
    .severity = Severity::Error,
    .category = "security",
    .summary = "COPY ... PROGRAM, or COPY to or from a file on the database server",
    .why =
        "COPY ... PROGRAM runs a shell command on the database server as the PostgreSQL "
        "operating-system user; COPY with a file name reads or writes the server's file system. "
        "Both need superuser-level roles and tie the migration to one server's disk.",
    .instead =
        "Load data through the client: COPY ... FROM STDIN (psql's \\copy), or INSERT statements "
        "in the migration.",
};

void visit(const PgQuery__CopyStmt& s, Check& c) {
  if (!s.filename || !*s.filename) return;  // STDIN / STDOUT
  std::string_view dir = s.is_from ? "FROM" : "TO";
  auto f = c.report(
      c.statement_span(),
      s.is_program
          ? fmt::format("COPY ... {} PROGRAM runs a shell command on the database server as the "
                        "PostgreSQL operating-system user: whoever can change this migration "
                        "runs code on the server",
                        dir)
          : fmt::format("COPY ... {} a file name {} the database server's file system (not the "
                        "machine running the migration), as the PostgreSQL operating-system user",
                        dir, s.is_from ? "reads" : "writes"));
  // The statement's own table and columns, or its query.
  std::string what = "(...)";
  if (s.relation) {
    what = c.ctx().resolve(s.relation).display();
    std::string cols;
    for (const PgQuery__Node* n : items(s.attlist, s.n_attlist))
      if (const auto* str = as<PgQuery__String>(n); str && str->sval)
        cols += (cols.empty() ? "" : ", ") + quote_ident(str->sval);
    if (!cols.empty()) what += " (" + cols + ")";
  }
  f.help(fmt::format(
      "Move the data through the client instead: `COPY {} {} {}` fed by the deploy script "
      "(psql's `\\copy {} {} '<file>'` does this), or INSERT statements.",
      what, dir, s.is_from ? "STDIN" : "STDOUT", what, dir));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__CopyStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
