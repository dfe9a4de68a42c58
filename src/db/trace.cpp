// Tracing a migration on a server; see trace.hpp.
#include "db/trace.hpp"

#include <fmt/format.h>

#include "core/node_util.hpp"
#include "core/walk.hpp"

namespace migsafe::db {

size_t TraceResult::ran() const {
  size_t n = 0;
  for (const auto& s : statements) n += s.status == TraceStatus::Ran;
  return n;
}
size_t TraceResult::mismatched() const {
  size_t n = 0;
  for (const auto& s : statements) n += s.status == TraceStatus::Ran && !s.differences.empty();
  return n;
}
size_t TraceResult::failed() const {
  size_t n = 0;
  for (const auto& s : statements) n += s.status == TraceStatus::Failed;
  return n;
}
size_t TraceResult::skipped() const {
  size_t n = 0;
  for (const auto& s : statements) n += s.status == TraceStatus::Skipped;
  return n;
}

namespace {

// The file's own transaction control: the trace is one transaction of its own, so BEGIN and
// COMMIT are left out (a COMMIT would make the trace permanent). Savepoints are run.
bool is_transaction_control(const Statement& stmt) {
  const auto* t = as<PgQuery__TransactionStmt>(unwrap(stmt.node));
  if (!t) return false;
  switch (t->kind) {
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO:
      return false;
    default:
      return true;
  }
}

}  // namespace

TraceResult run_trace(Connection& c, const FileTimeline& timeline, const TraceOptions& options) {
  TraceResult r;
  c.exec("BEGIN");
  if (options.lock_timeout_ms > 0)
    c.exec(fmt::format("SET LOCAL lock_timeout = {}", options.lock_timeout_ms));
  TransactionObserver observer(c);
  bool stopped = false;
  for (const StatementLocks& s : timeline.statements) {
    TracedStatement t;
    t.predicted = &s;
    const Statement& stmt = *s.statement;
    std::string sql(timeline.file->text(stmt.span));
    if (stopped) {
      t.reason = "not run: an earlier statement failed";
    } else if (!stmt.node) {
      t.status = TraceStatus::Failed;
      t.reason = "does not parse";
      stopped = true;
    } else if (is_transaction_control(stmt)) {
      t.status = TraceStatus::Skipped;
      t.reason = "not run: the trace runs the whole file in one transaction of its own";
    } else if (s.effect.no_transaction_block) {
      t.status = TraceStatus::Skipped;
      t.reason = "not run: it cannot run inside a transaction block";
    } else {
      t.observed = observer.run(sql);
      if (t.observed.ran) {
        t.status = TraceStatus::Ran;
        t.differences = compare(s.effect, t.observed);
      } else {
        t.status = TraceStatus::Failed;
        t.reason = t.observed.error;
        if (t.observed.no_transaction_block)
          t.differences.push_back(
              "the server refuses it inside a transaction block; the model did not say so");
        stopped = true;
      }
    }
    r.statements.push_back(std::move(t));
  }
  if (options.commit) {
    // Commit only a complete run: a skipped CREATE INDEX CONCURRENTLY would otherwise be
    // silently missing from the database.
    bool complete = !stopped;
    for (const TracedStatement& t : r.statements)
      if (t.status == TraceStatus::Skipped && !is_transaction_control(*t.predicted->statement))
        complete = false;
    if (complete) {
      c.exec("COMMIT");
      r.committed = true;
      return r;
    }
    r.commit_refused = stopped ? "a statement failed"
                               : "some statements could not run inside the trace's transaction";
  }
  c.exec("ROLLBACK");
  r.rolled_back = true;
  return r;
}

void replay_on_server(Connection& c, const SourceFile& file) {
  ParsedFile parsed = parse_file(file);
  if (!parsed.errors.empty()) {
    Position p = file.position(parsed.errors.front().offset);
    throw PgError(
        fmt::format("{}:{}:{}: {}", file.path(), p.line, p.column, parsed.errors.front().message),
        "");
  }
  for (const Statement& stmt : parsed.statements) {
    try {
      c.exec(std::string(file.text(stmt.span)));
    } catch (const PgError& e) {
      Position p = file.position(stmt.span.begin);
      throw PgError(fmt::format("{}:{}:{}: {}", file.path(), p.line, p.column, e.what()),
                    e.sqlstate());
    }
  }
}

}  // namespace migsafe::db
