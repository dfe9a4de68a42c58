// An in-memory catalog of the objects the migration has shown so far: tables, their columns
// (type, nullability, default), constraints (with validation state), indexes. Built by
// replaying statements in order; rules and the lock model read it ("was this table created
// earlier?", "what type did this column have?", "which table does this index belong to?").
// Anything it cannot model it leaves out: an absent answer means "unknown", never a guess.
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/names.hpp"
#include "model/types.hpp"

namespace migsafe {

// Where the catalog learnt of an object. Objects created by the migration being linted are
// new and empty: nobody reads or writes them yet, so lock rules stay quiet about them.
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
  QualifiedName references;  // foreign keys: the referenced table
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
  bool valid = true;
  std::vector<std::string> columns;
  Origin origin = Origin::ThisFile;
};

struct TableInfo {
  QualifiedName name;
  Origin origin = Origin::ThisFile;
  bool columns_known = true;  // false for CREATE TABLE AS / LIKE / OF: columns not listed
  // The statement of this file that created it (meaningful for Origin::ThisFile).
  size_t created_statement = 0;
  std::vector<ColumnInfo> columns;
  std::vector<ConstraintInfo> constraints;
  bool partitioned = false;            // PARTITION BY
  std::vector<QualifiedName> parents;  // PARTITION OF / INHERITS / ATTACH PARTITION
  bool is_partition = false;           // parents.front() is its partitioned table

  const ColumnInfo* column(std::string_view n) const;
  ColumnInfo* column(std::string_view n);
  const ConstraintInfo* constraint(std::string_view n) const;
  ConstraintInfo* constraint(std::string_view n);
};

// A view or materialized view and the relations its query reads (REFRESH and SELECT lock them).
struct ViewInfo {
  QualifiedName name;
  bool materialized = false;
  std::vector<QualifiedName> sources;
  Origin origin = Origin::ThisFile;
};

// What a statement needs to know from the surrounding file to update the catalog.
struct ReplayState {
  std::string default_schema = "public";
  Origin origin = Origin::ThisFile;
  int transaction = 0;
  size_t statement = 0;
};

class Catalog {
 public:
  const TableInfo* table(const QualifiedName& n) const;
  TableInfo* table(const QualifiedName& n);
  const IndexInfo* index(const QualifiedName& n) const;
  const std::map<QualifiedName, TableInfo>& tables() const { return tables_; }
  // The indexes known on `table` (CREATE INDEX; PRIMARY KEY / UNIQUE constraints are in the
  // table's constraints).
  std::vector<const IndexInfo*> indexes_on(const QualifiedName& table) const;
  const ViewInfo* view(const QualifiedName& n) const;
  // Whether CREATE SEQUENCE n was seen, and where.
  std::optional<Origin> sequence(const QualifiedName& n) const;
  // Partitions and inheritance children of `n` (direct ones).
  std::vector<const TableInfo*> children(const QualifiedName& n) const;
  // Foreign keys of other tables that reference `n`: (table, constraint).
  std::vector<std::pair<const TableInfo*, const ConstraintInfo*>> referencing(
      const QualifiedName& n) const;
  // Tables with a column of the (domain or user) type named `type`.
  std::vector<const TableInfo*> tables_using_type(std::string_view type) const;
  // Whether some table's columns are not all known (created before the migration, LIKE, AS).
  bool has_unknown_columns() const;
  // Every object becomes part of the history: earlier migrations, not this one.
  void mark_history();

  // Updates the catalog with the effect of one parsed statement.
  void apply(const PgQuery__Node* stmt, const ReplayState& state);

  TableInfo& add_table(const QualifiedName& n, Origin origin);
  void drop_table(const QualifiedName& n);
  void drop_sequence(const QualifiedName& n) { sequences_.erase(n); }
  void rename_view(const QualifiedName& from, const std::string& to);
  IndexInfo& add_index(IndexInfo index);

 private:
  std::map<QualifiedName, TableInfo> tables_;
  std::map<QualifiedName, IndexInfo> indexes_;
  std::map<QualifiedName, ViewInfo> views_;
  std::map<QualifiedName, Origin> sequences_;
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
