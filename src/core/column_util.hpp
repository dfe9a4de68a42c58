// Shared pieces of the column type rules (prefer-bigint-over-int, prefer-timestamptz,
// prefer-text-field, ...): where a column definition sits (CREATE TABLE, ADD COLUMN, ALTER
// COLUMN TYPE), the source span of its type for a fix, and whether the column is a key.
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include <optional>
#include <string>

#include "core/check.hpp"
#include "model/types.hpp"

namespace migsafe {

enum class ColumnSite { CreateTable, AddColumn, AlterType };

struct ColumnUse {
  ColumnSite site = ColumnSite::CreateTable;
  const PgQuery__ColumnDef* def = nullptr;
  std::string column;
  QualifiedName table;
  // The table is created by this statement or earlier in the migration: nothing stores data in
  // the column yet, so changing its declared type changes nothing that exists.
  bool new_table = false;
  const PgQuery__CreateStmt* create = nullptr;  // CreateTable
  const PgQuery__AlterTableCmd* cmd = nullptr;  // AddColumn, AlterType
  TypeRef type;
};

// The column a visited ColumnDef defines or retypes, when it belongs to a plain table. Absent for
// foreign tables (their types follow the remote side), composite types, function column lists,
// the column options of a partition or typed table (no type written) and a migration tool's
// bookkeeping table (is_migration_bookkeeping_table).
// Computed once per ColumnDef and statement (Check::memo), however many rules ask.
const std::optional<ColumnUse>& column_use(const PgQuery__ColumnDef& def, Check& c);

// The source of a type name, from its first token through modifiers and multi-word spellings
// (`character varying(20)`, `timestamp(3) without time zone`), without array brackets.
Span type_span(Check& c, const PgQuery__TypeName& t);

namespace column_detail {
// type_span's parts (exposed for tests). The span of the type whose first token starts at file
// offset `at`, read from `tk`; with `cut`, the text `tk` scanned was cut short after the type,
// and nullopt means the tokens before the cut did not settle the span.
std::optional<Span> type_span_from(const Tokens& tk, size_t at, bool cut);
// The same from a scan of at most `window` bytes of the statement from the type's location;
// nullopt when that does not settle it (and for embedded SQL, which scans through a map).
std::optional<Span> type_span_window(const SourceFile& file, const Statement& stmt,
                                     const PgQuery__TypeName& t, size_t window);
}  // namespace column_detail

// A key column: a primary key, identity or serial column, a foreign key column (inline, in the
// same CREATE TABLE, or known to the catalog), or one named `id` / `..._id` / `...Id`.
bool is_key_column(const ColumnUse& u, Check& c);

// For a foreign key column: the type of the column it references, when this statement or the
// catalog shows it (nullopt when unknown or when the column references nothing).
std::optional<TypeRef> referenced_column_type(const ColumnUse& u, Check& c);

// The source of the column's base type (without array brackets): where its findings point.
// Scans the statement's tokens, so call it only when reporting.
Span type_span(const ColumnUse& u, Check& c);

// A fix that replaces the column's base type (type_span) with `replacement`.
Fix type_fix(const ColumnUse& u, Check& c, std::string title, std::string replacement, bool safe);

// `orders.id`, for messages.
std::string column_display(const ColumnUse& u);

}  // namespace migsafe

namespace migsafe {

// prefer-bigint-over-int and prefer-bigint-over-smallint: a key column declared with a narrow
// integer type (`narrow` is "int4" or "int2"; serial types count as their integer), unless it
// references a column the catalog shows to have that same narrow type (it must match it).
void check_integer_key_width(const PgQuery__ColumnDef& def, Check& c, std::string_view narrow);

}  // namespace migsafe
