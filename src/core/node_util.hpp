// Small readers for the protobuf-c parse tree: String nodes, constants, lists. Keeps the
// null checks and union access in one place so rules read like the SQL they inspect.
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace migsafe {

inline std::span<PgQuery__Node* const> items(PgQuery__Node* const* p, size_t n) {
  return p ? std::span<PgQuery__Node* const>(p, n) : std::span<PgQuery__Node* const>();
}

inline bool is(const PgQuery__Node* n, PgQuery__Node__NodeCase c) {
  return n && n->node_case == c;
}

// The text of a String node ("" for anything else).
std::string_view string_value(const PgQuery__Node* n);
// A_Const integer or numeric-looking string, if the node is one.
std::optional<long long> integer_value(const PgQuery__Node* n);
// A_Const as text: strings, integers, floats, booleans ("" when not a constant).
std::optional<std::string> const_text(const PgQuery__Node* n);
// Dotted name from a list of String nodes: "pg_catalog.now".
std::string dotted(std::span<PgQuery__Node* const> names);
// The unqualified last element of a name list.
std::string_view last_name(std::span<PgQuery__Node* const> names);

// A utility statement's parenthesised option list (REINDEX (CONCURRENTLY), VACUUM (FULL false)):
// whether option `name` is on. The parser gives the value as a String or Integer node, not an
// A_Const: a bare option is on, `false` / `off` / `0` turn it off (PostgreSQL's defGetBoolean).
bool option_enabled(std::span<PgQuery__Node* const> options, std::string_view name);

// What a message calls a statement: "ALTER TABLE", "DROP INDEX CONCURRENTLY", "LOCK TABLE", ...
// Empty for statement kinds it does not name.
std::string statement_kind(const PgQuery__Node* stmt);

// Location of a node, whatever its kind (-1 when the kind has none).
int node_location(const PgQuery__Node* n);

// The Constraint nodes of a ColumnDef.
inline std::span<PgQuery__Node* const> column_constraints(const PgQuery__ColumnDef& c) {
  return items(c.constraints, c.n_constraints);
}

}  // namespace migsafe
