// A migration file as bytes plus a line index: turns byte offsets into the 1-based line and
// code-point column that every report shows. Handles a UTF-8 BOM, CRLF and tabs (one column).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace migsafe {

// A half-open byte range [begin, end) into a SourceFile's bytes.
struct Span {
  size_t begin = 0;
  size_t end = 0;
  bool empty() const { return end <= begin; }
  friend bool operator==(const Span&, const Span&) = default;
};

struct Position {
  uint32_t line = 1;    // 1-based
  uint32_t column = 1;  // 1-based, in Unicode code points; a tab is one column
  size_t offset = 0;    // byte offset into the file
};

class SourceFile {
 public:
  SourceFile(std::string path, std::string bytes);

  const std::string& path() const { return path_; }
  const std::string& bytes() const { return bytes_; }
  std::string_view text(Span span) const;
  // Bytes of a UTF-8 byte order mark at the start (0 or 3); SQL starts after it.
  size_t bom_length() const { return bom_; }

  Position position(size_t offset) const;
  uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }
  // The text of a 1-based line without its line ending ("\n" or "\r\n").
  std::string_view line_text(uint32_t line) const;
  size_t line_start(uint32_t line) const { return line_starts_[line - 1]; }

 private:
  std::string path_;
  std::string bytes_;
  size_t bom_ = 0;
  std::vector<size_t> line_starts_;
};

// Number of code points in a UTF-8 byte range (continuation bytes do not count).
uint32_t count_code_points(std::string_view bytes);
// Byte offset of the n-th (0-based) code point of `text`, or text.size() past the end.
size_t code_point_to_byte(std::string_view text, size_t code_point);

// Appends code point `cp` to `out`, UTF-8 encoded.
void append_utf8(std::string& out, uint32_t cp);

// The value of one hexadecimal digit, or -1.
int hex_value(char c);

}  // namespace migsafe
