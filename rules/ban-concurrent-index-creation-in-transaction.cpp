// CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY and REINDEX ... CONCURRENTLY inside a
// transaction block: PostgreSQL refuses them, so the migration fails at that statement.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-concurrent-index-creation-in-transaction",
    .severity = Severity::Error,
    .category = "locking",
    .summary = "a CONCURRENTLY index operation inside a transaction block",
    .why =
        "CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY and REINDEX CONCURRENTLY cannot run "
        "inside a transaction block: PostgreSQL rejects them and the migration fails there.",
    .instead =
        "Run the statement on its own, outside any transaction block: after the COMMIT, or in a "
        "migration your tool runs without its transaction wrapper.",
};

void report(Check& c, std::string_view what) {
  const FileContext& ctx = c.ctx();
  std::string error = fmt::format("ERROR: {} cannot run inside a transaction block", what);
  if (ctx.in_routine()) {
    // A DO block or routine is not a top-level statement: PostgreSQL refuses it there even
    // outside a transaction block (after checking for one first).
    bool block = ctx.in_explicit_transaction() || ctx.in_assumed_transaction();
    if (!block) error = fmt::format("ERROR: {} cannot be executed from a function", what);
    auto finding = c.report(
        c.statement_span(),
        fmt::format("{} inside a DO block or routine fails: PostgreSQL rejects it with \"{}\", "
                    "so the migration stops here",
                    what, error));
    finding.help(fmt::format(
        "Run the {} as a statement of its own at the top level of the migration, outside the DO "
        "block or routine and outside any transaction block. Use IF NOT EXISTS / IF EXISTS "
        "instead of the block's conditions so that it can run again.",
        what));
    return;
  }
  if (ctx.in_explicit_transaction()) {
    auto finding = c.report(
        c.statement_span(),
        fmt::format("{} inside a transaction block fails: PostgreSQL rejects it with \"{}\", so "
                    "the migration stops here and its transaction is aborted",
                    what, error));
    finding.help(fmt::format(
        "Move the {} after the COMMIT (or before the BEGIN) so that it runs on its own, outside "
        "the transaction block. It cannot be rolled back together with the other statements, so "
        "make it safe to run again (IF NOT EXISTS / IF EXISTS).",
        what));
    if (auto begin = ctx.transaction_start())
      finding.related(*begin, "the transaction starts here");
    return;
  }
  auto finding = c.report(
      c.statement_span(),
      fmt::format("{} fails when the migration tool runs this file inside a transaction (as "
                  "assumed by --assume-in-transaction): PostgreSQL rejects it with \"{}\"",
                  what, error));
  finding.help(fmt::format(
      "Put the {} in a migration of its own and have the tool run that migration without a "
      "transaction: Rails `disable_ddl_transaction!`, Django `atomic = False` on the Migration "
      "class, Alembic `with op.get_context().autocommit_block():`, Flyway a script config file "
      "`<script>.sql.conf` containing `executeInTransaction=false`.",
      what));
}

void visit_create(const PgQuery__IndexStmt& s, Check& c) {
  if (s.concurrent && c.ctx().in_transaction()) report(c, "CREATE INDEX CONCURRENTLY");
}

void visit_drop(const PgQuery__DropStmt& s, Check& c) {
  if (s.concurrent && s.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX &&
      c.ctx().in_transaction())
    report(c, "DROP INDEX CONCURRENTLY");
}

void visit_reindex(const PgQuery__ReindexStmt& s, Check& c) {
  if (option_enabled(items(s.params, s.n_params), "concurrently") && c.ctx().in_transaction())
    report(c, "REINDEX CONCURRENTLY");
}

const RegisterRule reg{
    RuleDef{.meta = kMeta,
            .visits = {on<PgQuery__IndexStmt>(visit_create), on<PgQuery__DropStmt>(visit_drop),
                       on<PgQuery__ReindexStmt>(visit_reindex)}}};

}  // namespace
}  // namespace migsafe
