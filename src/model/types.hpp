// Column types as PostgreSQL sees them after parsing (aliases folded: integer -> int4) and the
// measured table of ALTER COLUMN TYPE changes that do not rewrite the table.
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include <string>
#include <vector>

#include "model/tri.hpp"

namespace migsafe {

struct TypeRef {
  std::string schema;           // empty for built-in types
  std::string name;             // canonical: int4, varchar, bpchar, numeric, timestamptz, ...
  std::vector<long long> mods;  // varchar(50) -> {50}; numeric(10,2) -> {10,2}
  bool array = false;
  bool unknown_mods = false;  // a typmod that is not a plain integer

  bool empty() const { return name.empty(); }
  bool builtin() const { return schema.empty(); }
  // SQL spelling for messages: integer, bigint, varchar(50), numeric(10,2), text[].
  std::string display() const;
  friend bool operator==(const TypeRef&, const TypeRef&) = default;
};

TypeRef type_ref(const PgQuery__TypeName* t);

// serial, bigserial, smallserial (and serial2/4/8): a sequence-backed default, not a type.
bool is_serial(const TypeRef& t);

struct TypeChange {
  Tri rewrite = Tri::Yes;
  bool rebuilds_indexes = true;
  std::string reason;  // why it does or does not rewrite, for messages
};

// Whether changing a column from `from` to `to` rewrites the table. `using_changes_data` is true
// when a USING clause computes something other than the column itself; `collation_only` when
// the types are equal and only COLLATE differs; `session_utc` says whether the session TimeZone
// is known to be UTC (timestamp <-> timestamptz is rewrite-free only then).
TypeChange classify_type_change(const TypeRef& from, const TypeRef& to, bool using_changes_data,
                                bool collation_change, Tri session_utc);

// What converting a column's stored values from `from` to `to` can do to them (ALTER COLUMN TYPE
// without a USING clause that computes something else; measured on PostgreSQL 15): values that
// do not fit make the statement fail after it has started rewriting the table, or are changed
// without any error. `explicit_cast`: the USING clause casts the column itself
// (`USING name::varchar(20)`), and an explicit cast truncates strings where an implicit one fails.
// Both empty when nothing can be lost, or when a type is not one this table knows.
struct TypeNarrowing {
  std::string fails;  // the values that make the statement fail: "values longer than 20 characters"
  std::string loses;  // a clause, what changes silently: "the time of day is dropped"
  bool any() const { return !fails.empty() || !loses.empty(); }
};
TypeNarrowing narrowing_type_change(const TypeRef& from, const TypeRef& to, bool explicit_cast);

}  // namespace migsafe
