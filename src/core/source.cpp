// Line index and position arithmetic for SourceFile.
#include "core/source.hpp"

#include <algorithm>
#include <cstring>

namespace migsafe {

namespace {
bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}
}  // namespace

uint32_t count_code_points(std::string_view bytes) {
  uint32_t n = 0;
  for (unsigned char c : bytes) n += is_continuation(c) ? 0 : 1;
  return n;
}

size_t code_point_to_byte(std::string_view text, size_t code_point) {
  size_t seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (is_continuation(static_cast<unsigned char>(text[i]))) continue;
    if (seen == code_point) return i;
    ++seen;
  }
  return text.size();
}

SourceFile::SourceFile(std::string path, std::string bytes)
    : path_(std::move(path)), bytes_(std::move(bytes)) {
  if (bytes_.size() >= 3 && bytes_.compare(0, 3, "\xEF\xBB\xBF") == 0) bom_ = 3;
  line_starts_.push_back(0);
  // memchr from line to line rather than a test of every byte: a large file is read here alone,
  // before its chunks are parsed in parallel.
  const char* data = bytes_.data();
  const char* end = data + bytes_.size();
  for (const char* p = data; p < end; ++p) {
    p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (!p) break;
    line_starts_.push_back(static_cast<size_t>(p - data) + 1);
  }
}

std::string_view SourceFile::text(Span span) const {
  size_t begin = std::min(span.begin, bytes_.size());
  size_t end = std::min(std::max(span.end, begin), bytes_.size());
  return std::string_view(bytes_).substr(begin, end - begin);
}

Position SourceFile::position(size_t offset) const {
  offset = std::min(offset, bytes_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  size_t line_index = static_cast<size_t>(it - line_starts_.begin()) - 1;
  size_t start = line_starts_[line_index];
  if (line_index == 0) start = std::min(std::max(start, bom_), offset);
  Position p;
  p.line = static_cast<uint32_t>(line_index + 1);
  p.column = 1 + count_code_points(std::string_view(bytes_).substr(start, offset - start));
  p.offset = offset;
  return p;
}

std::string_view SourceFile::line_text(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  size_t start = line_starts_[line - 1];
  if (line == 1) start = bom_;
  size_t end = line < line_starts_.size() ? line_starts_[line] - 1 : bytes_.size();
  if (end > start && bytes_[end - 1] == '\r') --end;
  if (end < start) end = start;
  return std::string_view(bytes_).substr(start, end - start);
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace migsafe
