// The lock model: for each statement (and each ALTER TABLE subcommand), which lock it takes on
// which relation, whether it rewrites or scans each relation, builds an index, waits for older
// transactions, or cannot run inside a transaction block, for the PostgreSQL version targeted.
// This is the ONE place those facts live; rules, messages, `migsafe locks` and `migsafe trace`
// all read them from here. tests/oracle_test.cpp checks them against a real server for every
// statement in fixtures/locks/; docs/locks.md describes the model and the comparison.
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include <optional>
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
// PostgreSQL's own spelling in pg_locks ("AccessExclusiveLock"), and back.
std::string_view pg_lock_name(LockMode m);
std::optional<LockMode> lock_from_pg_name(std::string_view pg_name);
bool conflicts(LockMode a, LockMode b);
inline bool stronger(LockMode a, LockMode b) {
  return static_cast<int>(a) > static_cast<int>(b);
}
inline bool blocks_reads(LockMode m) {
  return conflicts(m, LockMode::AccessShare);
}
inline bool blocks_writes(LockMode m) {
  return conflicts(m, LockMode::RowExclusive);
}
// DDL here means the lightest schema change and maintenance work (SHARE UPDATE EXCLUSIVE:
// VACUUM, ANALYZE, CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT); every lock blocks the
// ACCESS EXCLUSIVE kind of DDL.
inline bool blocks_ddl(LockMode m) {
  return conflicts(m, LockMode::ShareUpdateExclusive);
}
// What ordinary traffic a lock blocks: "reads and writes", "writes", or "" (neither).
std::string_view blocked_traffic(LockMode m);

enum class RelationRole {
  Table,             // the table the statement names
  ReferencedTable,   // the other side of a foreign key the table has
  ReferencingTable,  // a table whose foreign key points at the table
  Index,
  IndexTable,  // the table an index belongs to
  Indexes,     // every index of `relation` (a table): rebuilt, dropped or opened with it
  Parent,      // partitioned table or inheritance parent
  Partition,   // a partition (or inheritance child) the statement reaches through its parent
  View,
  MaterializedView,
  Sequence,
  Source,  // a relation the statement reads
};
std::string_view role_name(RelationRole r);

struct RelationLock {
  QualifiedName relation;  // empty when it is not known statically (the table of an index)
  LockMode mode = LockMode::None;
  RelationRole role = RelationRole::Table;
  bool is_new = false;    // created earlier in this migration: nobody else uses it yet
  Tri rewrite = Tri::No;  // the relation gets a new file (every row copied)
  Tri scan = Tri::No;     // every row of the relation is read
  // Non-empty for a lock taken only in a later step of a statement that commits in between
  // (DROP INDEX CONCURRENTLY takes ACCESS EXCLUSIVE on the index at the very end).
  std::string phase;
  // Taken when no transaction can use the relation any more (the last step of DROP INDEX
  // CONCURRENTLY): it blocks nobody.
  bool unused = false;
  std::string describe() const;  // "ACCESS EXCLUSIVE on users"
};

struct Effect {
  bool known = true;  // false: the model does not know this statement ("unknown", no guess)
  std::string unknown_reason;
  // The statement may also lock relations the model cannot name (TRUNCATE ... CASCADE of a
  // table whose referencing tables are not known, DROP SCHEMA ... CASCADE).
  bool more_relations = false;
  std::string more_relations_reason;
  std::vector<RelationLock> locks;
  Tri rewrite = Tri::No;  // worst over the relations
  Tri scan = Tri::No;
  bool builds_index = false;
  // A foreign key is checked against every existing row (ADD FOREIGN KEY without NOT VALID, an
  // inline REFERENCES that PostgreSQL does not skip, VALIDATE CONSTRAINT of a foreign key).
  bool validates_foreign_key = false;
  bool waits_for_older_transactions = false;
  bool no_transaction_block = false;
  // Data changes: UPDATE / DELETE / INSERT ... SELECT / MERGE / COPY FROM (a backfill). Not
  // set for a migration tool's own bookkeeping table (is_migration_bookkeeping_table).
  bool changes_rows = false;
  std::string rewrite_reason;
  std::string scan_reason;
  std::vector<std::string> notes;  // other facts worth showing ("cannot be used before COMMIT")
  // ALTER TABLE: one effect per subcommand, in order (their locks are merged above).
  std::vector<Effect> subcommands;

  // The strongest lock this statement takes on a relation that already existed and that
  // someone may be using.
  const RelationLock* strongest_on_existing() const;
  const RelationLock* lock_on(const QualifiedName& relation) const;
};

// The table a migration tool records applied migrations in (alembic_version, schema_migrations,
// django_migrations, flyway_schema_history, ...): the tool itself writes one row per migration,
// in the migration's transaction, so a write to it is bookkeeping, never a backfill.
bool is_migration_bookkeeping_table(const QualifiedName& table);

// What makes the statement take long, relation by relation, for messages: "rewrites orders",
// "builds an index on users", "reads every row of orders"; empty when it does none of these.
std::string slow_work(const Effect& e);

// Whether the statement keeps a lock that blocks reads or writes of a relation that existed
// before the migration while it does work that grows with the table: a rewrite, a full scan or
// an index build (require-statement-timeout; the context remembers the first such statement).
// A materialized view cannot be written by clients, so only a lock that blocks its readers
// counts there (REFRESH ... CONCURRENTLY takes EXCLUSIVE, which lets reads through).
bool holds_blocking_lock_while_working(const Effect& e);

// Predicts the effect of one statement given what the file has shown so far.
Effect predict(const Statement& stmt, const FileContext& ctx);

// True for the kinds of statement whose prediction never has `no_transaction_block`, whatever
// they name or contain (rows, tables, views, comments, functions: the bulk of migrations): a
// caller that wants only that flag skips predicting them. False means "predict to know".
bool never_refuses_transaction_block(const Statement& stmt);

// Predicts the effect of a statement given as SQL text in the state of `ctx`: used by help
// texts to state what the safe alternative takes, from the model rather than from memory.
// Unknown (known == false) when `sql` does not parse as one statement.
Effect predict_sql(const std::string& sql, const FileContext& ctx);
// The same for the last of several statements, after the earlier ones (applied to a copy of
// `ctx`): "ADD CONSTRAINT ... NOT VALID" then "VALIDATE CONSTRAINT".
Effect predict_after(const std::vector<std::string>& steps, const FileContext& ctx);

}  // namespace migsafe
