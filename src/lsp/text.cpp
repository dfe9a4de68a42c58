// UTF-8 bytes <-> LSP positions; see text.hpp.
#include "lsp/text.hpp"

#include <algorithm>

namespace migsafe::lsp {

namespace {
bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}
}  // namespace

size_t utf8_sequence_length(std::string_view text, size_t i) {
  auto lead = static_cast<unsigned char>(text[i]);
  size_t n = lead < 0x80                    ? 1
             : lead >= 0xC2 && lead <= 0xDF ? 2
             : lead >= 0xE0 && lead <= 0xEF ? 3
             : lead >= 0xF0 && lead <= 0xF4 ? 4
                                            : 1;
  if (i + n > text.size()) return 1;
  for (size_t k = 1; k < n; ++k)
    if (!is_continuation(static_cast<unsigned char>(text[i + k]))) return 1;
  return n;
}

size_t utf16_length(std::string_view text) {
  size_t units = 0;
  for (size_t i = 0; i < text.size();) {
    size_t n = utf8_sequence_length(text, i);
    units += n == 4 ? 2 : 1;  // a character outside the BMP is a surrogate pair
    i += n;
  }
  return units;
}

LineIndex::LineIndex(std::string_view text) : text_(text) {
  starts_.push_back(0);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      starts_.push_back(i + 1);
    } else if (text[i] == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      starts_.push_back(i + 1);
    }
  }
}

size_t LineIndex::line_end(uint32_t line) const {
  if (line + 1 >= starts_.size()) return text_.size();
  size_t end = starts_[line + 1] - 1;  // the '\n' or the lone '\r'
  if (end > starts_[line] && text_[end] == '\n' && text_[end - 1] == '\r') --end;
  return end;
}

LspPosition LineIndex::position(size_t offset) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  auto line = static_cast<uint32_t>(it - starts_.begin() - 1);
  LspPosition p{line, 0};
  for (size_t i = starts_[line]; i < offset;) {
    size_t n = utf8_sequence_length(text_, i);
    if (i + n > offset) break;  // inside a sequence: the character's start
    p.character += n == 4 ? 2 : 1;
    i += n;
  }
  return p;
}

size_t LineIndex::offset(LspPosition p) const {
  if (p.line >= starts_.size()) return text_.size();
  size_t i = starts_[p.line], end = line_end(p.line);
  uint32_t units = 0;
  while (i < end) {
    size_t n = utf8_sequence_length(text_, i);
    uint32_t w = n == 4 ? 2 : 1;
    if (units + w > p.character) break;
    units += w;
    i += n;
  }
  return i;
}

}  // namespace migsafe::lsp
