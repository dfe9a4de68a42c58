// BEGIN while a transaction is already open (one the file opened, or the one a migration tool
// wraps the file in), and COMMIT / ROLLBACK inside a file the tool wraps: the transaction
// boundaries the author sees are not the ones PostgreSQL applies.
#include <fmt/format.h>

#include "core/check.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "transaction-nesting",
    .severity = Severity::Warning,
    .category = "hygiene",
    .summary = "BEGIN inside an open transaction, or COMMIT/ROLLBACK in a file the tool wraps",
    .why =
        "PostgreSQL does not nest transactions: a second BEGIN is ignored with a warning, so the "
        "COMMIT meant for it ends the outer transaction and the statements after it run without "
        "one; a COMMIT or ROLLBACK in a file the migration tool wraps ends the tool's transaction "
        "early.",
    .instead =
        "Let one party own the transaction: drop the BEGIN/COMMIT from files the tool wraps, or "
        "turn the tool's wrapper off for the file; use SAVEPOINT for a nested scope.",
};

std::string_view tool_off_hint() {
  return "turn the tool's wrapper off for this file if it must manage its own transactions "
         "(Rails: disable_ddl_transaction!, Django: atomic = False, Flyway: "
         "executeInTransaction=false)";
}

void visit(const PgQuery__TransactionStmt& s, Check& c) {
  const FileContext& ctx = c.ctx();
  switch (s.kind) {
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START: {
      if (!ctx.in_transaction()) return;
      if (ctx.in_assumed_transaction()) {
        auto f = c.report(c.statement_span(),
                          "BEGIN in a file the migration tool already runs in a transaction: "
                          "PostgreSQL ignores it with a warning, and the COMMIT that goes with it "
                          "ends the tool's transaction, so what follows runs without one");
        f.help(
            fmt::format("Remove the BEGIN and its COMMIT; the tool already wraps the file in "
                        "one transaction. Or {}.",
                        tool_off_hint()));
        return;
      }
      auto f = c.report(c.statement_span(),
                        "BEGIN inside a transaction that is already open: PostgreSQL ignores it "
                        "with a warning, so the next COMMIT ends the outer transaction and the "
                        "statements after that run without one");
      if (auto start = ctx.transaction_start())
        f.related(*start, "the open transaction began here");
      f.help(
          "COMMIT the open transaction before starting the next, or remove this BEGIN (and the "
          "COMMIT that goes with it); use SAVEPOINT for a nested scope that can roll back.");
      return;
    }
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_PREPARE: {
      if (!ctx.in_assumed_transaction()) return;
      bool rollback = s.kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK;
      auto f = c.report(
          c.statement_span(),
          rollback ? "ROLLBACK in a file the migration tool runs in a transaction: it undoes "
                     "everything the file did so far and ends the tool's transaction, so what "
                     "follows runs without one and the tool still records the migration as applied"
                   : "COMMIT in a file the migration tool runs in a transaction: it ends the "
                     "tool's transaction early, so what follows runs without one and a later "
                     "failure no longer undoes the whole file");
      f.help(
          fmt::format("Remove it; the tool commits (or rolls back) the file's transaction "
                      "itself. Or {}.",
                      tool_off_hint()));
      return;
    }
    default:
      return;
  }
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__TransactionStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
