// Object names compared the way PostgreSQL resolves them: the parser has already folded
// unquoted identifiers to lower case, so equality is byte equality once an unqualified name is
// given the current default schema (the first entry of search_path, `public` unless SET).
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include <string>
#include <string_view>

namespace migsafe {

struct QualifiedName {
  std::string schema;
  std::string name;

  bool empty() const { return name.empty(); }
  friend bool operator==(const QualifiedName&, const QualifiedName&) = default;
  friend auto operator<=>(const QualifiedName&, const QualifiedName&) = default;
  // How a message shows it: `users`, `billing.invoices`, `"Users"`. The schema is left out when
  // it is `public`, the default nobody writes.
  std::string display() const;
};

// Quotes an identifier when PostgreSQL would need quotes to read it back unchanged.
std::string quote_ident(std::string_view ident);

// A cheap test before scanning a statement's tokens for identifiers longer than `limit` bytes:
// false only when the text holds no run of more than `limit` identifier bytes (is_identifier_byte)
// and no "..." stretch (with "" inside it) of more than `limit` bytes inside. An unclosed '"'
// answers true (the scanner decides). It looks at about one byte in `limit` of ordinary SQL: a
// statement of a seed file is megabytes of short values.
bool may_hold_long_identifier(std::string_view text, size_t limit);

QualifiedName resolve(const PgQuery__RangeVar* rv, std::string_view default_schema);
// A qualified name given as a list of String nodes (DROP INDEX a.b, ALTER TYPE x ...).
QualifiedName resolve_list(PgQuery__Node* const* items, size_t n, std::string_view default_schema);
// The name of an object as DROP / ALTER ... RENAME / SET SCHEMA give it: a List of String nodes
// (views, sequences, types), a TypeName (DROP TYPE / DOMAIN), an ObjectWithArgs (functions; the
// arguments are left out) or a bare String (schemas, which get no schema of their own).
QualifiedName resolve_object(const PgQuery__Node* object, std::string_view default_schema);

}  // namespace migsafe
