// Shared pieces of the rules about objects other than columns: whether an object that a DROP,
// RENAME or SET SCHEMA names was created earlier in the migration (then nobody uses it yet),
// what messages call an object type, name lists for messages, and the last occurrence of a
// keyword (CASCADE) for fixes.
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/check.hpp"

namespace migsafe {

// Whether `name`, an object of PostgreSQL object type `type`, was created earlier in this
// migration: tables and materialized views through the catalog's tables, indexes through its
// indexes (or their table), views, functions, types, sequences and schemas through
// FileContext::is_new_object. Object types it does not track are never new.
bool is_new_object_of_type(const FileContext& ctx, PgQuery__ObjectType type,
                           const QualifiedName& name);

// Whether `column` of `table` is new: the table or the column was created earlier in this
// migration, so no running code reads or writes it yet.
bool is_new_column(const FileContext& ctx, const QualifiedName& table, std::string_view column);

// The kind of constraint `name` of `table`: what the catalog knows, else what PostgreSQL's
// generated names say (_pkey, _key, _fkey, _excl, _check, _not_null); Other when neither tells.
// `*from_name` says whether the name was all there was to go on.
ConstraintKind constraint_kind(const FileContext& ctx, const QualifiedName& table,
                               std::string_view name, bool* from_name = nullptr);

// The objects a DROP statement names that existed before this migration, in order.
std::vector<QualifiedName> existing_dropped(const PgQuery__DropStmt& s, const FileContext& ctx);

// What a message calls an object type: "view", "materialized view", "function" ("object" when
// it has no name here).
std::string_view object_noun(PgQuery__ObjectType t);

// "a", "a and b", "a, b and c".
std::string join_and(const std::vector<std::string>& parts);
// The display names of `names` joined with join_and.
std::string names_phrase(const std::vector<QualifiedName>& names);

// What a GRANT / REVOKE names, for messages and help: `orders, users`, `ALL TABLES IN SCHEMA
// app`, `f(...)`; empty when it names nothing (ALTER DEFAULT PRIVILEGES).
std::string grant_objects(const FileContext& ctx, const PgQuery__GrantStmt& s);
// The privileges a GRANT / REVOKE gives, as written (`SELECT, INSERT`), or `ALL`.
std::string grant_privileges(const PgQuery__GrantStmt& s);
// The last token of the statement spelled `word` (case-insensitive, unquoted).
std::optional<Token> last_word(Check& c, std::string_view word);
// A fix that deletes the statement's last CASCADE (with the space before it): never safe, since
// the statement then fails where it used to drop dependants.
std::optional<Fix> remove_cascade_fix(Check& c);

}  // namespace migsafe
