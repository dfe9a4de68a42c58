// Per-file facts, computed once while walking the statements in order and read by rules:
// transaction state, SET lock_timeout / statement_timeout / TimeZone / search_path, objects
// the migration created (the catalog), functions it defined, and the locks each open
// transaction already holds. Rules see the state BEFORE the statement they are visiting.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/names.hpp"
#include "core/parse.hpp"
#include "core/source.hpp"
#include "model/catalog.hpp"
#include "model/locks.hpp"
#include "model/migration.hpp"
#include "model/stats.hpp"
#include "model/tri.hpp"
#include "model/volatility.hpp"

namespace migsafe {

// From `begin` on (a byte offset), the migration tool runs the statements in one transaction
// of its own (`in_transaction`) or each on its own. A Liquibase changeset or a dbmate section
// starts a segment; the tool commits the previous one there.
struct TransactionSegment {
  size_t begin = 0;
  bool in_transaction = false;
};

struct LintSettings {
  int pg_version = 15;
  // The tool that runs the migration wraps the whole file in one transaction (Flyway, Django,
  // Rails, Alembic by default).
  bool assume_in_transaction = false;
  // Schema known before this file (earlier migrations, the change set); copied per file.
  std::shared_ptr<const Catalog> base_catalog;
  // The migration framework named by --framework or the config file's `framework` key (one of
  // frameworks() in config/config.hpp); empty when not set.
  std::string framework;
  // When not empty, replaces assume_in_transaction: the framework's transactions, in order.
  std::vector<TransactionSegment> transaction_segments{};
  // Instead of a copy: the history's own catalog, which this file's replay updates in place
  // (the runner's in-order stage; no copy per file, so a long history stays linear).
  Catalog* working_catalog = nullptr;
  // What the migration history says about this file (absent for a lone file).
  std::shared_ptr<const MigrationFacts> migration{};
  // Production table sizes (--stats).
  std::shared_ptr<const TableStats> stats{};
};

// A statement the catalog could not model (see ReplayOutcome).
struct UnknownStatement {
  Span span;
  std::string reason;
};

struct SettingValue {
  std::string value;
  Span where;          // the SET statement
  bool local = false;  // SET LOCAL: ends with the transaction
  int transaction = 0;
};

// A timeout as PostgreSQL's GUC stack keeps it across a transaction: SET LOCAL lasts until the
// transaction ends, SET until the end of the session unless its transaction rolls back; either
// way the value from before the transaction comes back.
// A setting as PostgreSQL scopes it to transactions: SET LOCAL lasts until the transaction
// ends, a plain SET inside a transaction survives COMMIT but not ROLLBACK, and SET LOCAL
// outside a transaction block has no effect.
template <class T>
struct Transactional {
  T current{};       // in effect now
  T after_commit{};  // what COMMIT keeps: the last plain SET's value
  T before{};        // what ROLLBACK restores

  void begin() { before = after_commit = current; }
  void end(bool committed) { current = committed ? after_commit : before; }
  void set(T value, bool local, bool in_transaction) {
    if (local && !in_transaction) return;
    current = value;
    if (!local) after_commit = std::move(value);
  }
  // RESET ALL and similar session-wide changes.
  void reset_all(T value) { current = after_commit = std::move(value); }
};
using TransactionalSetting = Transactional<std::optional<SettingValue>>;

// Kinds of objects, other than tables, that a migration can create and later drop or rename.
// Tables (and materialized views, which the catalog records as tables) live in the catalog.
enum class ObjectKind { View, Function, Type, Sequence, Schema };

// A value ALTER TYPE ... ADD VALUE added to an enum inside the transaction that is still open:
// PostgreSQL refuses to use it ("unsafe use of new value") until that transaction commits.
struct AddedEnumValue {
  QualifiedName type;
  std::string value;
  Span where;  // the ALTER TYPE statement
};

struct HeldLock {
  RelationLock lock;
  size_t statement = 0;  // index of the statement that took it
  Span where;
  std::string kind;           // what that statement was: "ALTER TABLE", "UPDATE", ...
  bool changes_rows = false;  // it was a data change (UPDATE / DELETE / INSERT ... SELECT)
};

class FileContext {
 public:
  FileContext(const SourceFile& file, const LintSettings& settings);

  const SourceFile& file() const { return file_; }
  const LintSettings& settings() const { return settings_; }
  // The migration history's facts about this file; nullptr when linted on its own.
  const MigrationFacts* migration() const { return settings_.migration.get(); }
  // Every statement of the file, in order (a rule that must know what comes later, or find the
  // statement an earlier catalog entry came from, reads them here; the state is still "before").
  std::span<const Statement> statements() const { return statements_; }
  void set_statements(std::span<const Statement> all) { statements_ = all; }
  int pg_version() const { return settings_.pg_version; }

  // --- transaction state before the current statement
  bool in_transaction() const { return in_tx_; }
  bool in_explicit_transaction() const { return in_tx_ && !assumed_tx_ && !routine_tx_; }
  bool in_assumed_transaction() const { return in_tx_ && assumed_tx_; }
  int transaction_id() const { return tx_id_; }
  // The BEGIN that opened the current explicit transaction.
  std::optional<Span> transaction_start() const { return tx_start_; }

  // --- inside a DO block or a routine the migration calls: its statements run now, inside a
  // function (so CONCURRENTLY and other top-level-only commands fail) and inside the caller's
  // transaction, or a transaction of the body's own when the caller has none.
  bool in_routine() const { return routine_depth_ > 0; }
  void enter_routine();
  // COMMIT / ROLLBACK in the body: ends the body's own transaction and starts the next one
  // (PostgreSQL refuses it when the caller is inside a transaction block; then nothing changes).
  void routine_transaction_end(bool committed);
  void leave_routine();

  // --- settings seen so far (a value of 0 disables a timeout and is not recorded)
  const std::optional<SettingValue>& lock_timeout() const { return lock_timeout_.current; }
  const std::optional<SettingValue>& statement_timeout() const {
    return statement_timeout_.current;
  }
  Tri session_timezone_utc() const { return timezone_utc_.current; }
  // The first statement, since lock_timeout was last unset, whose lock blocked reads or writes
  // of an existing relation (so a rule can report the first such statement once, not each).
  std::optional<size_t> blocking_without_lock_timeout() const { return first_unprotected_; }
  const std::string& default_schema() const { return default_schema_.current; }
  // The first statement, since statement_timeout was last unset, that held a lock blocking reads
  // or writes of an existing relation while it rewrote, scanned or indexed it (the criterion is
  // holds_blocking_lock_while_working in the lock model).
  std::optional<size_t> long_blocking_without_statement_timeout() const {
    return first_long_unprotected_;
  }

  // --- names and objects
  QualifiedName resolve(const PgQuery__RangeVar* rv) const {
    return migsafe::resolve(rv, default_schema_.current);
  }
  QualifiedName resolve_list(PgQuery__Node* const* items, size_t n) const {
    return migsafe::resolve_list(items, n, default_schema_.current);
  }
  const Catalog& catalog() const { return catalog_.get(); }
  Catalog take_catalog() { return std::move(catalog_.get()); }
  // Statements so far that the catalog could not model.
  const std::vector<UnknownStatement>& replay_unknowns() const { return unknowns_; }
  // Created earlier in this file (or change set): new and empty, nobody reads it yet.
  bool is_new_table(const QualifiedName& n) const;
  std::optional<Volatility> user_function_volatility(std::string_view schema,
                                                     std::string_view name) const;
  UserFunctionLookup function_lookup() const;
  // A view, function, type, sequence or schema created earlier in this file (plain CREATE: an
  // OR REPLACE or IF NOT EXISTS may have met an existing object), or any object in a schema
  // created earlier in this file. Functions are matched by name, whatever their arguments.
  bool is_new_object(ObjectKind kind, const QualifiedName& n) const;
  QualifiedName resolve_object(const PgQuery__Node* object) const {
    return migsafe::resolve_object(object, default_schema_.current);
  }

  // --- enum values added by ALTER TYPE ... ADD VALUE in the transaction that is still open
  const std::vector<AddedEnumValue>& enum_values_added_in_transaction() const {
    return added_enum_values_;
  }

  // --- locks held by the current transaction, taken by earlier statements in it
  const std::vector<HeldLock>& held_locks() const { return held_; }
  // The same, one per relation: the strongest lock held on each relation that existed before
  // the migration (new relations and "every index of" entries left out), in the order taken.
  // Kept as locks are taken: rules ask for it at every statement of a transaction that may hold
  // thousands of locks (a seed file run in one transaction).
  const std::vector<HeldLock>& held_on_existing() const { return held_existing_; }

  // Called before the rules see `stmt`: where the framework starts a new transaction segment
  // (a Liquibase changeset), the previous segment's transaction ends.
  void enter(const Statement& stmt);

  // Moves past `stmt`: applies its effect on transaction state, settings, catalog and locks.
  // The lock prediction is only asked for when a transaction stays open to hold the locks.
  void advance(const Statement& stmt, const std::function<const Effect&()>& effect);

 private:
  void apply_transaction(const PgQuery__TransactionStmt& t, const Statement& stmt);
  void apply_set(const PgQuery__VariableSetStmt& s, const Statement& stmt);
  void set_value(std::string_view name, std::optional<std::string> value, bool local,
                 const Statement& stmt);
  void end_transaction(bool committed);
  void begin_assumed_transaction();
  void begin_routine_transaction();
  void record_created_object(const ProtobufCMessage& m);
  void record_added_enum_value(const PgQuery__AlterEnumStmt& s, const Statement& stmt);
  void hold(HeldLock h);
  void release_locks();

  const SourceFile& file_;
  const LintSettings& settings_;
  std::span<const Statement> statements_;
  bool in_tx_ = false;
  bool assumed_tx_ = false;
  int routine_depth_ = 0;
  bool routine_tx_ = false;  // the open transaction is the one a routine body started
  int tx_id_ = 1;
  std::optional<Span> tx_start_;
  TransactionalSetting lock_timeout_;
  TransactionalSetting statement_timeout_;
  std::optional<size_t> first_unprotected_;
  std::optional<size_t> first_long_unprotected_;
  Transactional<Tri> timezone_utc_{Tri::Maybe, Tri::Maybe, Tri::Maybe};
  Transactional<std::string> default_schema_{"public", "public", "public"};
  // The catalog this file replays into: its own copy, or the history's (settings_.working_
  // catalog). A copy of the context (predict_after, a rule's "what if") always gets a catalog of
  // its own, so it never changes the history's.
  class CatalogSlot {
   public:
    CatalogSlot() = default;
    CatalogSlot(const CatalogSlot& o) : own_(o.get()) {}
    CatalogSlot& operator=(const CatalogSlot& o) {
      if (this != &o) {
        own_ = o.get();
        working_ = nullptr;
      }
      return *this;
    }
    void use(Catalog* working) { working_ = working; }
    Catalog& get() { return working_ ? *working_ : own_; }
    const Catalog& get() const { return working_ ? *working_ : own_; }
    Catalog& own() { return own_; }

   private:
    Catalog own_;
    Catalog* working_ = nullptr;
  };
  CatalogSlot catalog_;
  std::map<std::pair<std::string, std::string>, Volatility> functions_;
  std::vector<HeldLock> held_;
  std::vector<HeldLock> held_existing_;               // see held_on_existing()
  std::map<QualifiedName, size_t> held_existing_at_;  // relation -> index in held_existing_
  std::vector<UnknownStatement> unknowns_;
  size_t next_segment_ = 0;
  std::set<std::pair<ObjectKind, QualifiedName>> created_objects_;
  std::vector<AddedEnumValue> added_enum_values_;
};

// Whether a timeout setting value disables the timeout ("0", 0, "0ms", "0s").
bool disables_timeout(std::string_view value);

}  // namespace migsafe
