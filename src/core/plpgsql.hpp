// PL/pgSQL bodies (DO blocks, CREATE FUNCTION / PROCEDURE ... LANGUAGE plpgsql) read with
// libpg_query's PL/pgSQL parser: the SQL statements a body runs, in order, each as embedded SQL
// mapped back to where it is written in the file, so that the linter runs the same rules on
// them. EXECUTE of a constant string (or of constants joined with ||) is SQL too; EXECUTE of
// anything else is reported as dynamic, never guessed at.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/parse.hpp"
#include "core/source.hpp"

namespace migsafe {

struct BodyItem {
  enum Kind { Sql, DynamicSql, Commit, Rollback } kind = Sql;
  std::shared_ptr<const Embedding> sql;  // Sql: one statement, or several for an EXECUTE string
  Span span;                             // in the file: the SQL, the EXECUTE expression, COMMIT
  bool execute = false;                  // Sql: the text of a constant EXECUTE string
  std::string expression;                // DynamicSql: the EXECUTE expression as written
};

struct RoutineBody {
  bool do_block = false;  // a DO statement (runs now) rather than a routine definition
  std::vector<BodyItem> items;
  std::optional<SyntaxError> error;  // not valid PL/pgSQL: PostgreSQL rejects the statement
  Span literal;                      // the string literal that holds the body
};

// The PL/pgSQL body of `stmt` (a DO statement, or CREATE FUNCTION / PROCEDURE with a string
// body in LANGUAGE plpgsql); nullopt for every other statement and language.
std::optional<RoutineBody> plpgsql_body(const SourceFile& file, const Statement& stmt);

// For tests: where plpgsql_body finds the body literal of a DO block or routine, without the
// scanner (nullopt when that quick look gives up) or with it.
std::optional<Span> body_literal_span(const SourceFile& file, const Statement& stmt, bool scanner);

// libpg_query's PL/pgSQL parser points the process's stderr at a pipe while it runs. Hold this
// lock to write to stderr while other threads may be linting.
std::unique_lock<std::mutex> lock_stderr();

namespace plpgsql_detail {
// How the JSON of pg_query_parse_plpgsql is read (exposed for tests): the statements migsafe
// reads, in order, as they are met.
enum class StatementKind { ExecSql, Call, Perform, DynExecute };
struct BodySink {
  virtual ~BodySink() = default;
  // A statement: its "lineno" (0 when missing) and its PLpgSQL_expr's "query" ("" when missing).
  virtual void add(StatementKind kind, int lineno, const std::string& query) = 0;
  virtual void transaction_end(bool commit) = 0;  // COMMIT or ROLLBACK
};
// Reads `json`: false when it is not the one-function document libpg_query gives (what the sink
// was given is then to be dropped).
bool read_body_json(const std::string& json, BodySink& sink);
}  // namespace plpgsql_detail

}  // namespace migsafe
