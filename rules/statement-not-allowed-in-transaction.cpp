// A statement PostgreSQL refuses inside a transaction block (VACUUM, CREATE DATABASE, ALTER
// SYSTEM, REINDEX SCHEMA, DETACH PARTITION CONCURRENTLY, ...) placed where it runs in one: after
// a BEGIN, or in a file the migration tool wraps in a transaction. The concurrent index commands
// are left to ban-concurrent-index-creation-in-transaction.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "statement-not-allowed-in-transaction",
    .severity = Severity::Error,
    .category = "locking",
    .summary = "a statement that cannot run inside a transaction block, placed in one",
    .why =
        "VACUUM, CREATE / DROP DATABASE, ALTER SYSTEM, tablespace commands, REINDEX SCHEMA / "
        "DATABASE, DETACH PARTITION CONCURRENTLY and a few others cannot run inside a "
        "transaction block: PostgreSQL rejects them and the migration fails there.",
    .instead =
        "Run the statement on its own, outside any transaction block: after the COMMIT, or in a "
        "migration your tool runs without its transaction wrapper.",
};

bool concurrent_index_command(const ProtobufCMessage* m) {
  if (const auto* ix = as<PgQuery__IndexStmt>(m)) return ix->concurrent;
  if (const auto* d = as<PgQuery__DropStmt>(m))
    return d->concurrent && d->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX;
  if (const auto* r = as<PgQuery__ReindexStmt>(m))
    return option_enabled(items(r->params, r->n_params), "concurrently");
  return false;
}

// What the message calls the statement, as close to PostgreSQL's own error as it gets.
std::string describe(const PgQuery__Node* node, int pg_version) {
  const ProtobufCMessage* m = unwrap(node);
  if (as<PgQuery__AlterTableStmt>(m)) return "ALTER TABLE ... DETACH PARTITION CONCURRENTLY";
  if (as<PgQuery__AlterEnumStmt>(m))
    return fmt::format("ALTER TYPE ... ADD VALUE (on PostgreSQL {}; allowed from 12)", pg_version);
  if (const auto* cl = as<PgQuery__ClusterStmt>(m); cl && !cl->relation)
    return "CLUSTER without a table name";
  if (as<PgQuery__AlterDatabaseStmt>(m)) return "ALTER DATABASE ... SET TABLESPACE";
  if (as<PgQuery__CreateSubscriptionStmt>(m))
    return "CREATE SUBSCRIPTION that creates a replication slot";
  if (as<PgQuery__DropSubscriptionStmt>(m))
    return "DROP SUBSCRIPTION of a subscription with a slot";
  if (as<PgQuery__DiscardStmt>(m)) return "DISCARD ALL";
  if (const auto* t = as<PgQuery__TransactionStmt>(m))
    return t->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT_PREPARED
               ? "COMMIT PREPARED"
               : "ROLLBACK PREPARED";
  std::string kind = statement_kind(node);
  return kind.empty() ? "this statement" : kind;
}

void statement(Check& c) {
  const FileContext& ctx = c.ctx();
  if (!ctx.in_transaction()) return;
  const ProtobufCMessage* m = unwrap(c.statement().node);
  if (!m || concurrent_index_command(m) || !c.effect().no_transaction_block) return;
  std::string what = describe(c.statement().node, ctx.pg_version());
  if (ctx.in_routine()) {
    // A DO block or routine is not a top-level statement: refused even outside a transaction.
    bool block = ctx.in_explicit_transaction() || ctx.in_assumed_transaction();
    auto finding = c.report(
        c.statement_span(),
        fmt::format("{} inside a DO block or routine fails: PostgreSQL rejects it (\"cannot {}\"), "
                    "so the migration stops here",
                    what,
                    block ? "run inside a transaction block" : "be executed from a function"));
    finding.help(fmt::format(
        "Run the {} as a statement of its own at the top level of the migration, outside the DO "
        "block or routine and outside any transaction block, and make it safe to run again.",
        what));
    return;
  }
  if (ctx.in_explicit_transaction()) {
    auto finding = c.report(
        c.statement_span(),
        fmt::format("{} cannot run inside a transaction block: PostgreSQL rejects it here, the "
                    "migration stops and its transaction is rolled back",
                    what));
    finding.help(fmt::format(
        "Move the {} after the COMMIT (or before the BEGIN) so that it runs on its own, outside "
        "the transaction block. It cannot be rolled back together with the other statements, so "
        "make it safe to run again.",
        what));
    if (auto begin = ctx.transaction_start())
      finding.related(*begin, "the transaction starts here");
    return;
  }
  auto finding = c.report(
      c.statement_span(),
      fmt::format("{} fails when the migration tool runs this file inside a transaction (as "
                  "assumed by --assume-in-transaction): PostgreSQL rejects it inside a "
                  "transaction block",
                  what));
  finding.help(fmt::format(
      "Put the {} in a migration of its own and have the tool run that migration without a "
      "transaction: Rails `disable_ddl_transaction!`, Django `atomic = False` on the Migration "
      "class, Alembic `with op.get_context().autocommit_block():`, Flyway a script config file "
      "`<script>.sql.conf` containing `executeInTransaction=false`. Tools that send a whole file "
      "as one multi-statement query run it in an implicit transaction block as well: send this "
      "statement on its own.",
      what));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .statement = statement}};

}  // namespace
}  // namespace migsafe
