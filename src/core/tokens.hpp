// The libpg_query scanner over one statement's text, run lazily: only when a rule needs a
// narrow span (the end of a subcommand, a keyword to insert a fix after). Offsets are absolute.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/parse.hpp"
#include "core/source.hpp"
#include "core/text_map.hpp"

namespace migsafe {

struct Token {
  size_t begin = 0;
  size_t end = 0;
  int kind = 0;  // libpg_query Token enum value (ASCII_44 for ',', ...)
  bool keyword = false;
};

// One token of libpg_query's scan result, as the scanner reports it (offsets into the text it
// scanned; kind and keyword kind are its Token and KeywordKind enum values).
struct ScannedToken {
  int32_t start = 0;
  int32_t end = 0;
  int kind = 0;
  int keyword_kind = 0;
};
// The tokens of a serialized ScanResult (pg_query_scan's output), read straight from the wire
// format: a statement's tokens are many four-field messages, and unpacking them into
// protobuf-c messages first cost more than the scan. nullopt when the bytes hold anything
// this reader does not expect (an unknown field, a truncated message); scanned_tokens() then
// lets protobuf-c's unpack decide.
std::optional<std::vector<ScannedToken>> read_scan_tokens(const uint8_t* data, size_t len);

class Tokens {
 public:
  // Scans `text`, which starts at file offset `base`; comments are dropped.
  Tokens(std::string_view text, size_t base);
  // Scans embedded SQL: `text` starts at offset `base` of the text that `map` maps into the
  // file. Token offsets are file offsets, as for any other statement.
  Tokens(std::string_view text, size_t base, const TextMap* map);

  const std::vector<Token>& all() const { return tokens_; }
  bool ok() const { return ok_; }

  // Index of the first token starting at or after `offset`.
  std::optional<size_t> first_at(size_t offset) const;
  // The span of the token starting at `offset` (empty when none).
  Span token_at(size_t offset) const;
  // From `offset` to the end of the list item it starts: stops before a ',' or an unmatched
  // ')' at nesting depth 0, or at a ';'.
  Span item_from(size_t offset) const;
  // The first token after `offset` whose text equals `word` case-insensitively.
  std::optional<Token> find_word(size_t offset, std::string_view word) const;
  // Spans of the comma-separated items that start at token `first` (depth 0, up to ';').
  std::vector<Span> items_from_token(size_t first) const;
  std::string_view text_of(const Token& t) const;

 private:
  std::string_view text_;
  size_t base_;
  const TextMap* map_ = nullptr;
  bool ok_ = false;
  std::vector<Token> tokens_;
  std::vector<Span> text_spans_;  // with a map: each token's offsets in `text_` (+ base_)
};

// The tokens of one statement, with file offsets: scanned from the SQL as PostgreSQL runs it
// (inside a DO block's '' literal, '' reads '), so embedded statements work like any other.
Tokens statement_tokens(const SourceFile& file, const Statement& stmt);

// Statements of `text` split at top-level ';' with libpg_query's scanner: a ';' inside
// parentheses (CREATE RULE ... (a; b)) or a BEGIN ATOMIC ... END body does not end a statement.
// Pieces are (location, length) as pg_query_split gives them: from just after the previous
// ';', up to (not including) the ';'. A piece holding no token is left out. When the scanner
// stops at a broken token (an unterminated string, quoted identifier, dollar quote or comment),
// `error` and `cursor` (1-based character position) say so and the pieces cover only the text
// before the statement that holds it.
struct StatementSplit {
  std::vector<std::pair<size_t, size_t>> pieces;
  std::string error;
  int cursor = 0;
};
StatementSplit split_statements(std::string_view text);
// The same split, found by scanning about `window` bytes at a time (more when one statement is
// longer): the scanner's token list for a large file takes many times the file's size, so a
// file split in one scan peaks at that. Each window starts just after a ';' that ended a
// statement, where the scanner's state is the same as in a whole-text scan; only statements
// that a ';' inside the window ends are taken from it.
StatementSplit split_statements(std::string_view text, size_t window);

// Byte offset just past the last non-comment token of `text` (0 when it has none). Used to
// end the last statement of a file before a trailing comment.
size_t last_token_end(std::string_view text);

// The comments (`-- ...` to the end of the line, `/* ... */`) of `text`, which starts at file
// offset `base`, found by PostgreSQL's scanner, so `--` inside a string is not a comment.
// Where the scanner stops (an unterminated string or comment), the comments before that point.
std::vector<Span> scan_comments(std::string_view text, size_t base);

}  // namespace migsafe
