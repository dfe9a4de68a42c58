// Parses a SourceFile with libpg_query (protobuf-c tree, owned by RAII types) into statements
// with exact byte spans. A file that does not parse as a whole is split with the scanner and
// parsed statement by statement, so one syntax error never hides the rest of the file.
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include <memory>
#include <string>
#include <vector>

#include "core/source.hpp"

namespace migsafe {

struct ParseResultDeleter {
  void operator()(PgQuery__ParseResult* r) const;
};
using ParseTree = std::unique_ptr<PgQuery__ParseResult, ParseResultDeleter>;

struct Statement {
  const PgQuery__Node* node = nullptr;  // nullptr when this statement failed to parse
  Span span;                            // first token .. end, including a trailing ';'
  size_t base = 0;  // file offset that the tree's `location` fields are relative to
  size_t index = 0;

  // Absolute file offset of a node `location` (-1 means "unknown": the statement start).
  size_t at(int location) const {
    return location < 0 ? span.begin : base + static_cast<size_t>(location);
  }
};

struct SyntaxError {
  std::string message;
  size_t offset = 0;  // where PostgreSQL says the error is
  size_t end = 0;     // end of the offending token on that line (== offset when unknown)
  Span statement;     // the statement that failed to parse
};

struct ParsedFile {
  std::vector<ParseTree> trees;  // owns every node the statements point into
  std::vector<Statement> statements;
  std::vector<SyntaxError> errors;
};

// Parse the whole file; never throws on bad SQL.
ParsedFile parse_file(const SourceFile& file);

// Parse one SQL string (for tests and tools); offsets are relative to `sql`.
ParsedFile parse_sql(const std::string& sql);

// Skip whitespace and SQL comments (-- and nested /* */) starting at `pos`.
size_t skip_space_and_comments(std::string_view text, size_t pos);

}  // namespace migsafe
