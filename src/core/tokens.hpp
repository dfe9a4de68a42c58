// The libpg_query scanner over one statement's text, run lazily: only when a rule needs a
// narrow span (the end of a subcommand, a keyword to insert a fix after). Offsets are absolute.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/source.hpp"

namespace migsafe {

struct Token {
  size_t begin = 0;
  size_t end = 0;
  int kind = 0;  // libpg_query Token enum value (ASCII_44 for ',', ...)
  bool keyword = false;
};

class Tokens {
 public:
  // Scans `text`, which starts at file offset `base`; comments are dropped.
  Tokens(std::string_view text, size_t base);

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
  std::string_view text_of(const Token& t) const {
    return text_.substr(t.begin - base_, t.end - t.begin);
  }

 private:
  std::string_view text_;
  size_t base_;
  bool ok_ = false;
  std::vector<Token> tokens_;
};

// Byte offset just past the last non-comment token of `text` (0 when it has none). Used to
// end the last statement of a file before a trailing comment.
size_t last_token_end(std::string_view text);

// The comments (`-- ...` to the end of the line, `/* ... */`) of `text`, which starts at file
// offset `base`, found by PostgreSQL's scanner, so `--` inside a string is not a comment.
// Where the scanner stops (an unterminated string or comment), the comments before that point.
std::vector<Span> scan_comments(std::string_view text, size_t base);

}  // namespace migsafe
