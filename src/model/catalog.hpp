// An in-memory catalog of the schema the migrations have built so far: schemas, tables and
// their columns (type, nullability, default, identity, generated), constraints (with validation
// state), foreign keys, indexes (unique, valid, columns), enums, views and what they read, and
// partitions. Built by replaying statements in order, across the files of a migration history
// and then within the file being linted; rules and the lock model read it ("was this table
// created earlier?", "what type did this column have?", "which index leads with these
// columns?"). What it cannot model it records as unknown: an absent answer means "unknown",
// never a guess.
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/names.hpp"
#include "model/types.hpp"

namespace migsafe {

// Where the catalog learnt of an object. Objects created by the migration being linted (this
// file, or an earlier file of the same change set) are new and empty: nobody reads or writes
// them yet, so lock rules stay quiet about them. History: created by a migration that is
// already applied (or seen before this one), or never seen created at all.
enum class Origin { ThisFile, ChangeSet, History };
inline bool is_new(Origin o) {
  return o != Origin::History;
}

struct ColumnInfo {
  std::string name;
  TypeRef type;
  bool not_null = false;
  bool has_default = false;
  bool identity = false;
  bool generated = false;
  Origin origin = Origin::ThisFile;
};

enum class ConstraintKind { Check, ForeignKey, PrimaryKey, Unique, Exclusion, Other };

struct ConstraintInfo {
  std::string name;
  ConstraintKind kind = ConstraintKind::Other;
  std::vector<std::string> columns;
  QualifiedName references;              // foreign keys: the referenced table
  std::vector<std::string> ref_columns;  // foreign keys: referenced columns (empty: its key)
  bool validated = true;
  // For CHECK (col IS NOT NULL): the column it proves non-null.
  std::string not_null_column;
  // Where it was added: the transaction and statement, for "NOT VALID then VALIDATE in the same
  // transaction". -1 when it comes from an earlier file.
  int added_transaction = -1;
  size_t added_statement = 0;
  Origin origin = Origin::ThisFile;
  // Foreign keys: ON DELETE / ON UPDATE action as PostgreSQL spells it in pg_constraint
  // (a no action, r restrict, c cascade, n set null, d set default).
  char on_delete = 'a';
  char on_update = 'a';
};

struct IndexInfo {
  QualifiedName name;
  QualifiedName table;
  bool unique = false;
  bool valid = true;  // false: left INVALID (known only when the history says so)
  // Key columns in order; an expression key is "" (and `expressions` is set).
  std::vector<std::string> columns;
  bool expressions = false;
  bool partial = false;    // has a WHERE clause
  std::string constraint;  // the PRIMARY KEY / UNIQUE / EXCLUDE constraint it backs, if any
  Origin origin = Origin::ThisFile;
};

enum class TableKind { Table, Partitioned, Partition };

struct TableInfo {
  QualifiedName name;
  Origin origin = Origin::ThisFile;
  // false when not every column is known: the table was never seen created, or was created with
  // LIKE / OF / AS from something the catalog does not know.
  bool columns_known = true;
  TableKind kind = TableKind::Table;
  QualifiedName parent;                // partitions: the partitioned table
  bool partitioned = false;            // PARTITION BY
  std::vector<QualifiedName> parents;  // PARTITION OF / INHERITS / ATTACH PARTITION
  bool is_partition = false;           // parents.front() is its partitioned table
  // The statement of its file that created it (meaningful for Origin::ThisFile).
  size_t created_statement = 0;
  std::vector<ColumnInfo> columns;
  std::vector<ConstraintInfo> constraints;

  const ColumnInfo* column(std::string_view n) const;
  ColumnInfo* column(std::string_view n);
  const ConstraintInfo* constraint(std::string_view n) const;
  ConstraintInfo* constraint(std::string_view n);
  const ConstraintInfo* primary_key() const;
};

// What a view reads from one relation. PostgreSQL records the columns a view uses when it is
// created (SELECT * expands to the columns of that moment), and refuses to drop them.
struct ViewDependency {
  QualifiedName relation;
  std::set<std::string> columns;
  bool columns_known = true;  // false: a column reference could not be tied to a relation
};

// A view or materialized view, the relations its query reads (REFRESH and SELECT lock them)
// and the columns it uses of each.
struct ViewInfo {
  QualifiedName name;
  bool materialized = false;
  std::vector<ViewDependency> reads;
  std::vector<QualifiedName> sources;  // the relations of `reads`, in order
  Origin origin = Origin::ThisFile;
};

struct EnumInfo {
  QualifiedName name;
  std::vector<std::string> values;
  Origin origin = Origin::ThisFile;
};

// What replaying one statement did to the catalog.
struct ReplayOutcome {
  enum Kind {
    Modeled,   // the catalog applied its whole effect
    NoEffect,  // it changes nothing the catalog tracks (DML, SET, GRANT, functions, ...)
    Unknown,   // it may change tracked objects in a way the catalog cannot model
  };
  Kind kind = NoEffect;
  std::string reason;  // for Unknown: what could not be modeled
};

// What a statement needs to know from the surrounding file to update the catalog.
struct ReplayState {
  std::string default_schema = "public";
  Origin origin = Origin::ThisFile;
  int transaction = 0;
  size_t statement = 0;
};

// Something that still uses a column or a table (for "dropping X breaks Y").
struct Dependent {
  enum Kind { View, Index, ForeignKey, Partition } kind = View;
  QualifiedName object;  // the view, index, partition, or the table holding the foreign key
  std::string name;      // the foreign key constraint's name
  std::string describe()
      const;  // "view active_orders", "foreign key invoices_order_fk on invoices"
};

class Catalog {
 public:
  const TableInfo* table(const QualifiedName& n) const;
  TableInfo* table(const QualifiedName& n);
  const IndexInfo* index(const QualifiedName& n) const;
  const ViewInfo* view(const QualifiedName& n) const;
  const EnumInfo* enum_type(const QualifiedName& n) const;
  // Whether CREATE SEQUENCE n was seen, and where.
  std::optional<Origin> sequence(const QualifiedName& n) const;
  // Partitions and inheritance children of `n` (direct ones).
  std::vector<const TableInfo*> children(const QualifiedName& n) const;
  // Tables with a column of the (domain or user) type named `type`.
  std::vector<const TableInfo*> tables_using_type(std::string_view type) const;
  // Whether some table's columns are not all known (created before the migration, LIKE, AS).
  bool has_unknown_columns() const;
  // Every object becomes part of the history: earlier migrations, not this one.
  void mark_history();
  void drop_sequence(const QualifiedName& n) { sequences_.erase(n); }
  std::map<QualifiedName, Origin>& mutable_sequences() { return sequences_; }
  bool has_schema(std::string_view name) const { return schemas_.count(std::string(name)) > 0; }
  const std::map<QualifiedName, TableInfo>& tables() const { return tables_; }
  const std::map<QualifiedName, IndexInfo>& indexes() const { return indexes_; }
  const std::map<QualifiedName, ViewInfo>& views() const { return views_; }
  const std::map<QualifiedName, EnumInfo>& enums() const { return enums_; }
  const std::set<std::string>& schemas() const { return schemas_; }

  // --- questions rules ask
  // The tables the file being replayed created or changed (since the last settle), each once,
  // in name order: what a rule that looks at "this file's tables" when the file ends needs,
  // without walking the whole history's schema.
  std::vector<const TableInfo*> touched_tables() const;
  // Indexes of a table, in name order (CREATE INDEX, and the indexes behind PRIMARY KEY /
  // UNIQUE / EXCLUDE constraints, named after the constraint).
  std::vector<const IndexInfo*> indexes_on(const QualifiedName& table) const;
  // A valid, non-partial index whose leading key columns are exactly `columns` in some order
  // (what a foreign key's referencing side needs so that deletes on the referenced table do not
  // scan). nullptr when the catalog knows of none.
  const IndexInfo* index_leading_with(const QualifiedName& table,
                                      const std::vector<std::string>& columns) const;
  // The referenced columns of a foreign key (its ref_columns, or the referenced table's primary
  // key when it names none), each nullptr where the catalog does not know the column.
  std::vector<const ColumnInfo*> referenced_columns(const ConstraintInfo& fk) const;
  // Foreign keys of other tables (and of `table` itself) that reference `table`, with the
  // table each belongs to.
  std::vector<std::pair<const TableInfo*, const ConstraintInfo*>> referencing(
      const QualifiedName& table) const;
  // What still uses a column / a table: views that read it, indexes on it (column only),
  // foreign keys that reference it (and partitions of a table).
  std::vector<Dependent> dependents_of_column(const QualifiedName& table,
                                              std::string_view column) const;
  std::vector<Dependent> dependents_of_table(const QualifiedName& table) const;

  // Updates the catalog with the effect of one parsed statement.
  ReplayOutcome apply(const PgQuery__Node* stmt, const ReplayState& state);

  // Every object learnt from the file being linted now belongs to `to`: the next file of the
  // history sees them as created by the change set (still new) or by applied history. Only the
  // objects touched since the last settle are visited, so a long history stays linear.
  void settle(Origin to);
  // Records that an object may hold ThisFile parts (for settle).
  void touch_table(const QualifiedName& n) { touched_tables_.push_back(n); }
  void touch_all() { touched_all_ = true; }

  TableInfo& add_table(const QualifiedName& n, Origin origin);
  void drop_table(const QualifiedName& n);
  IndexInfo& add_index(IndexInfo index);

  // Internal helpers used by the replay functions.
  void drop_index(const QualifiedName& n) { indexes_.erase(n); }
  void drop_view(const QualifiedName& n) { views_.erase(n); }
  std::map<QualifiedName, IndexInfo>& mutable_indexes() { return indexes_; }
  std::map<QualifiedName, ViewInfo>& mutable_views() { return views_; }
  std::map<QualifiedName, EnumInfo>& mutable_enums() { return enums_; }
  void touch_view(const QualifiedName& n) { touched_views_.push_back(n); }
  void touch_enum(const QualifiedName& n) { touched_enums_.push_back(n); }
  // Call after changing a table's `parents` (children() answers from an index).
  void parents_changed() { children_.map.reset(); }
  std::map<QualifiedName, TableInfo>& mutable_tables() {
    children_.map.reset();
    return tables_;
  }
  std::set<std::string>& mutable_schemas() { return schemas_; }

 private:
  std::map<QualifiedName, TableInfo> tables_;
  std::map<QualifiedName, IndexInfo> indexes_;
  std::map<QualifiedName, ViewInfo> views_;
  std::map<QualifiedName, EnumInfo> enums_;
  std::set<std::string> schemas_{"public"};
  std::map<QualifiedName, Origin> sequences_;
  std::vector<QualifiedName> touched_tables_, touched_indexes_, touched_views_, touched_enums_;
  bool touched_all_ = false;
  // Parent -> children (children() is asked for by every INSERT, UPDATE and ALTER TABLE the lock
  // model predicts; a scan of every table each time was quadratic over a long history). Built
  // on demand; mutable_tables and parents_changed drop it (only the replay in catalog.cpp
  // changes `parents`), add_table and drop_table only for a table that has parents (a table
  // without any is not in it), and a copy or a moved-to catalog starts without one (it would
  // point into the other catalog's tables).
  struct ChildIndex {
    ChildIndex() = default;
    ChildIndex(const ChildIndex&) {}
    ChildIndex& operator=(const ChildIndex&) {
      map.reset();
      return *this;
    }
    std::optional<std::multimap<QualifiedName, const TableInfo*>> map;
  };
  mutable ChildIndex children_;
};

// Facts about a column definition (CREATE TABLE element or ALTER TABLE ADD COLUMN).
struct ColumnFacts {
  TypeRef type;
  bool not_null = false;
  bool primary_key = false;
  bool unique = false;
  const PgQuery__Node* default_expr = nullptr;
  bool identity = false;
  bool generated_stored = false;
  bool serial = false;
  const PgQuery__Constraint* check = nullptr;
  const PgQuery__Constraint* references = nullptr;
};
ColumnFacts column_facts(const PgQuery__ColumnDef& c);

// A constraint as the catalog stores it.
ConstraintInfo constraint_info(const PgQuery__Constraint& c, std::string_view default_schema);
// "col IS NOT NULL" -> "col" (empty otherwise).
std::string not_null_check_column(const PgQuery__Node* expr);

}  // namespace migsafe
