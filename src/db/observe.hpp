// What a statement really does on a PostgreSQL server, read from the server itself: the
// relation-level locks its backend took (pg_locks, mapped to relation names), which relations
// got a new relfilenode (a rewrite, or a rebuilt index), which were read by a sequential scan
// (the pg_stat_*_user_tables counters), and how long it ran. Used by `migsafe trace` and by the
// lock oracle test, which also compares an observation with the lock model's prediction.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/names.hpp"
#include "db/pg.hpp"
#include "model/locks.hpp"

namespace migsafe::db {

struct RelationInfo {
  uint32_t oid = 0;
  QualifiedName name;
  char relkind = 'r';  // r table, p partitioned table, i/I index, m matview, v view, S sequence
  uint32_t table = 0;  // for an index: its table
  std::string relfilenode;
};

// The state of the user's relations (schemas other than pg_catalog, information_schema and
// pg_toast) as one backend sees it.
struct DbSnapshot {
  std::map<uint32_t, RelationInfo> relations;
  std::set<std::pair<uint32_t, LockMode>> locks;  // relation locks held by the backend
  std::map<uint32_t, long long> seq_scans;
};

struct ObservedLock {
  QualifiedName relation;
  char relkind = 'r';
  QualifiedName table;          // for an index: its table
  std::vector<LockMode> modes;  // every mode the statement newly took, strongest first
  LockMode strongest() const { return modes.empty() ? LockMode::None : modes.front(); }
  bool is_index() const { return relkind == 'i' || relkind == 'I'; }
};

struct Observation {
  bool ran = false;   // false: the statement failed (error) or was not run
  std::string error;  // the server's message when it failed
  std::string sqlstate;
  bool no_transaction_block = false;  // refused inside a transaction block (SQLSTATE 25001)
  bool outside_transaction = false;   // run on its own, watched from a second connection
  bool waited_for_older_transactions = false;
  std::vector<ObservedLock> locks;  // relations that existed before the statement, by name
  // Locks the transaction already held: taking them again shows nothing new in pg_locks.
  std::set<std::pair<QualifiedName, LockMode>> held_before;
  std::set<QualifiedName> rewritten;        // tables and materialized views with a new relfilenode
  std::set<QualifiedName> rebuilt_indexes;  // indexes with a new relfilenode, or new ones
  std::set<QualifiedName> scanned;          // their sequential-scan counter went up
  std::set<QualifiedName> created;          // relations the statement created
  std::set<QualifiedName> existing;         // relations that existed before it (by name)
  double milliseconds = 0;

  const ObservedLock* lock_on(const QualifiedName& n) const;
};

// Reads a snapshot through `c`. `pid` 0 means the connection's own backend; `in_transaction`
// reads the current transaction's scan counters (pg_stat_xact_user_tables), else the
// cumulative ones.
DbSnapshot snapshot(Connection& c, int pid, bool in_transaction);

// Runs statements inside the transaction already open on a connection and observes each.
class TransactionObserver {
 public:
  explicit TransactionObserver(Connection& c) : c_(c) {}
  // Runs `sql`; a failure is returned in the observation (the transaction is then aborted).
  Observation run(const std::string& sql);

 private:
  Connection& c_;
};

// Runs a statement that cannot run inside a transaction block on its own connection to
// `conninfo` while each of `blockers` holds a REPEATABLE READ transaction open on a connection
// of its own (so the statement stops where it waits, and is seen there); another connection
// polls pg_locks. Each time the statement has been seen waiting, the next blocker (in the order
// given) is committed.
Observation observe_outside_transaction(const std::string& conninfo, const std::string& sql,
                                        const std::vector<std::string>& blockers);

// Differences between the lock model's prediction and an observation, one line each (empty
// when they agree). The rules are documented in docs/locks.md ("How the oracle compares").
std::vector<std::string> compare(const Effect& predicted, const Observation& seen);

}  // namespace migsafe::db
