// Positions the way the Language Server Protocol counts them: 0-based lines split at "\n",
// "\r\n" and "\r", and 0-based characters in UTF-16 code units. migsafe itself works in byte
// offsets into UTF-8 text; this is the one place that converts between the two.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace migsafe::lsp {

struct LspPosition {
  uint32_t line = 0;
  uint32_t character = 0;  // UTF-16 code units from the start of the line
  friend bool operator==(const LspPosition&, const LspPosition&) = default;
};

// A line index over one version of a document's text (the text must outlive it).
class LineIndex {
 public:
  explicit LineIndex(std::string_view text);

  // The position of a byte offset (clamped to the text; an offset inside a UTF-8 sequence
  // counts as the start of that character).
  LspPosition position(size_t offset) const;
  // The byte offset of a position. Out-of-range positions are clamped as the protocol says: a
  // line past the end is the end of the text, a character past the line's end is the line's
  // end (before its line break), and a character inside a surrogate pair is that character's
  // start.
  size_t offset(LspPosition p) const;
  uint32_t line_count() const { return static_cast<uint32_t>(starts_.size()); }
  size_t line_start(uint32_t line) const { return starts_[line]; }
  // The end of a line's content: the offset of its line break, or the end of the text.
  size_t line_end(uint32_t line) const;

 private:
  std::string_view text_;
  std::vector<size_t> starts_;
};

// Length in bytes of the UTF-8 sequence that starts at text[i] (1 for an invalid byte, which
// an editor shows as one U+FFFD, itself one UTF-16 unit).
size_t utf8_sequence_length(std::string_view text, size_t i);
// UTF-16 code units of UTF-8 text.
size_t utf16_length(std::string_view text);

}  // namespace migsafe::lsp
