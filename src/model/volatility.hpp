// Function volatility, which decides whether ADD COLUMN ... DEFAULT rewrites the table:
// PostgreSQL 11+ stores a non-volatile default once; a volatile one is evaluated per row.
// Built-in volatility comes from data/function-volatility.tsv (a real server's pg_proc).
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace migsafe {

enum class Volatility { Immutable, Stable, Volatile, Unknown };

// Volatility classes of a built-in (pg_catalog) function's overloads, e.g. "s" for now(),
// "v" for random(); nullopt when there is no built-in function of that name.
std::optional<std::string_view> builtin_volatility(std::string_view name);

struct ExpressionVolatility {
  Volatility volatility = Volatility::Immutable;
  std::string function;  // the call that decided it (empty for plain constants)
  int location = -1;
};

// A lookup for functions the migration itself defines (CREATE FUNCTION ... STABLE).
using UserFunctionLookup =
    std::function<std::optional<Volatility>(std::string_view schema, std::string_view name)>;

// The worst volatility of any function call in `expr`. A function that is neither built-in nor
// known from the migration is Unknown (PostgreSQL's default for CREATE FUNCTION is VOLATILE).
ExpressionVolatility expression_volatility(const PgQuery__Node* expr,
                                           const UserFunctionLookup& user_functions);

}  // namespace migsafe
