// The lock model: for each statement (and each ALTER TABLE subcommand), which lock it takes on
// which relation, whether it rewrites or scans the table, builds an index, waits for older
// transactions, or cannot run inside a transaction block. This is the ONE place those facts
// live; rules, messages and `migsafe locks` all read them from here. Measured behaviour is
// in ../shared/reference/postgres-locks.md and verified against a real server by the tests.
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/names.hpp"
#include "model/tri.hpp"

namespace migsafe {

class FileContext;
struct Statement;

enum class LockMode {
  None,
  AccessShare,
  RowShare,
  RowExclusive,
  ShareUpdateExclusive,
  Share,
  ShareRowExclusive,
  Exclusive,
  AccessExclusive,
};

std::string_view lock_name(LockMode m);  // "ACCESS EXCLUSIVE"
bool conflicts(LockMode a, LockMode b);
inline bool blocks_reads(LockMode m) {
  return conflicts(m, LockMode::AccessShare);
}
inline bool blocks_writes(LockMode m) {
  return conflicts(m, LockMode::RowExclusive);
}
// What ordinary traffic a lock blocks: "reads and writes", "writes", or "" (neither).
std::string_view blocked_traffic(LockMode m);

enum class RelationRole {
  Table,            // the table the statement names
  ReferencedTable,  // the other side of a foreign key
  Index,
  IndexTable,  // the table an index belongs to
  Parent,      // partitioned table
  Partition,
  View,
  MaterializedView,
  Sequence,
};
std::string_view role_name(RelationRole r);

struct RelationLock {
  QualifiedName relation;  // empty name when it is not known statically (table of an index)
  LockMode mode = LockMode::None;
  RelationRole role = RelationRole::Table;
  bool is_new = false;           // created earlier in this migration: nobody else uses it yet
  std::string describe() const;  // "ACCESS EXCLUSIVE on users"
};

struct Effect {
  bool known = true;  // false: the model does not know this statement ("unknown", no guess)
  std::vector<RelationLock> locks;
  Tri rewrite = Tri::No;
  Tri scan = Tri::No;
  bool builds_index = false;
  // A foreign key is checked against every existing row (ADD FOREIGN KEY without NOT VALID, an
  // inline REFERENCES that PostgreSQL does not skip, VALIDATE CONSTRAINT of a foreign key).
  bool validates_foreign_key = false;
  bool waits_for_older_transactions = false;
  bool no_transaction_block = false;
  std::string rewrite_reason;
  std::string scan_reason;
  // ALTER TABLE: one effect per subcommand, in order (their locks are merged above).
  std::vector<Effect> subcommands;

  // The strongest lock this statement takes on a relation that already existed.
  const RelationLock* strongest_on_existing() const;
  const RelationLock* lock_on(const QualifiedName& relation) const;
};

// Whether the statement keeps a lock that blocks reads or writes of a relation that existed
// before the migration while it does work that grows with the table: a rewrite, a full scan or
// an index build (require-statement-timeout; the context remembers the first such statement).
// A materialized view cannot be written by clients, so only a lock that blocks its readers
// counts there (REFRESH ... CONCURRENTLY takes EXCLUSIVE, which lets reads through).
bool holds_blocking_lock_while_working(const Effect& e);

// Predicts the effect of one statement given what the file has shown so far.
Effect predict(const Statement& stmt, const FileContext& ctx);

}  // namespace migsafe
