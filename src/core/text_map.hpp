// Where the SQL that PostgreSQL runs from inside a string literal (a DO block's body, a
// routine's body, an EXECUTE '...' string) was written in the file: a byte-by-byte map from
// that text back to file offsets, plus the quoting each byte sits in, so that spans point into
// the literal and fix edits can be re-quoted (doubled quotes, backslashes) before they land.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/source.hpp"

namespace migsafe {

// One level of quoting around embedded text.
struct QuoteLayer {
  enum Kind { Dollar, Standard, Escape } kind = Standard;  // $tag$...$tag$, '...', E'...'
  std::string tag;                                         // "$tag$" for Dollar
  friend bool operator==(const QuoteLayer&, const QuoteLayer&) = default;
};

class TextMap {
 public:
  // Where one byte of the mapped text comes from.
  struct Source {
    size_t begin = 0;  // offsets in the outer text (the file, once composed)
    size_t end = 0;
    uint32_t piece = 0;    // index into pieces(): the quoting this byte sits in
    bool editable = true;  // false where the text differs from the file by more than quoting
  };

  size_t size() const { return bytes_.size(); }
  const Source& operator[](size_t k) const { return bytes_[k]; }

  // File offset where byte k starts; k == size() means just past the last byte.
  size_t begin(size_t k) const;
  // File offset just past bytes [0, k) (k == 0: where byte 0 starts).
  size_t end(size_t k) const;
  Span span(Span text) const {
    return text.empty() ? Span{begin(text.begin), begin(text.begin)}
                        : Span{begin(text.begin), end(text.end)};
  }
  // The span of mapped text whose file bytes are `file` (approximate when `file` does not
  // start or end on a byte boundary).
  Span text_span(Span file) const;

  // The quoting of a piece, outermost first (empty: none, the text is plain SQL).
  const std::vector<QuoteLayer>& quoting(uint32_t piece) const { return pieces_[piece]; }

  // Rewrites a file edit so that it is correct inside the quoting it lands in: `text` is
  // re-quoted for every layer. Returns false when the edit cannot be expressed (it straddles
  // two literals, touches text that is not verbatim, or the text would end a dollar quote).
  bool requote_edit(Span file, std::string& text) const;

  // --- building
  // A map of `n` bytes that come one-to-one from outer offsets [at, at + n), unquoted.
  static TextMap verbatim(size_t at, size_t n);
  void push(Source s) { bytes_.push_back(s); }
  // Appends the bytes of `other` (same outer text), keeping their quoting.
  void append(const TextMap& other);
  uint32_t add_piece(std::vector<QuoteLayer> quoting);
  // This map seen through `outer` (which maps the outer text to the file): offsets become file
  // offsets and each piece gains the outer piece's quoting outside its own.
  TextMap through(const TextMap& outer) const;

 private:
  std::vector<Source> bytes_;
  std::vector<std::vector<QuoteLayer>> pieces_{{}};  // piece 0: unquoted
};

// A string literal decoded as PostgreSQL reads it: its value and, for each byte of the value,
// the bytes of the literal it comes from. Handles '...' (with '' and continuation lines),
// E'...' (backslash escapes) and $tag$...$tag$; returns nullopt for U&'...' and anything that
// is not a complete string literal.
struct DecodedString {
  std::string value;
  TextMap map;  // offsets relative to the literal's first byte, plus `at`
};
std::optional<DecodedString> decode_string_literal(std::string_view literal, size_t at);

// `text` quoted so that it reads back unchanged inside `layer` (nullopt: impossible, the text
// contains the dollar tag).
std::optional<std::string> quote_for(const QuoteLayer& layer, std::string_view text);

}  // namespace migsafe
