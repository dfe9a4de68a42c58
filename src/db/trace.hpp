// `migsafe trace`: run a migration on a real server inside one transaction, observe each
// statement (db/observe.hpp) and set it beside the lock model's prediction, then roll back
// (or commit when asked). Statements that cannot run inside a transaction block and the file's
// own BEGIN / COMMIT are not run; docs/trace.md explains why.
#pragma once

#include <string>
#include <vector>

#include "db/observe.hpp"
#include "db/pg.hpp"
#include "model/timeline.hpp"

namespace migsafe::db {

enum class TraceStatus {
  Ran,      // run and observed
  Failed,   // the server refused it: the migration would fail here
  Skipped,  // not run, on purpose (see reason)
  NotRun,   // after a failure, or when the trace stopped
};

struct TracedStatement {
  const StatementLocks* predicted = nullptr;
  TraceStatus status = TraceStatus::NotRun;
  std::string reason;  // why it was skipped or not run
  Observation observed;
  std::vector<std::string> differences;  // prediction vs observation (compare())
};

struct TraceOptions {
  bool commit = false;
  int lock_timeout_ms = 5000;  // 0: none
};

struct TraceResult {
  std::vector<TracedStatement> statements;
  bool committed = false;
  bool rolled_back = false;
  std::string commit_refused;  // why --commit was not honoured
  size_t ran() const;
  size_t mismatched() const;
  size_t failed() const;
  size_t skipped() const;
};

// Runs the statements of `timeline` on `c` (an open connection, not in a transaction).
TraceResult run_trace(Connection& c, const FileTimeline& timeline, const TraceOptions& options);

// Runs a migration on the server statement by statement, each in its own transaction unless
// the file groups them (for building a throwaway database's schema). Throws PgError whose
// message names the file and line of the statement that failed.
void replay_on_server(Connection& c, const SourceFile& file);

}  // namespace migsafe::db
