// TextMap and string-literal decoding; see text_map.hpp.
#include "core/text_map.hpp"

#include <algorithm>
#include <map>

namespace migsafe {

size_t TextMap::begin(size_t k) const {
  if (k < bytes_.size()) return bytes_[k].begin;
  return bytes_.empty() ? 0 : bytes_.back().end;
}

size_t TextMap::end(size_t k) const {
  if (k == 0) return begin(0);
  return bytes_[std::min(k, bytes_.size()) - 1].end;
}

Span TextMap::text_span(Span file) const {
  auto first = std::lower_bound(bytes_.begin(), bytes_.end(), file.begin,
                                [](const Source& s, size_t off) { return s.begin < off; });
  size_t a = static_cast<size_t>(first - bytes_.begin());
  if (file.empty()) return Span{a, a};
  auto last = std::lower_bound(bytes_.begin(), bytes_.end(), file.end,
                               [](const Source& s, size_t off) { return s.end < off; });
  size_t b = std::min(bytes_.size(), static_cast<size_t>(last - bytes_.begin()) + 1);
  return Span{a, std::max(a, b)};
}

uint32_t TextMap::add_piece(std::vector<QuoteLayer> quoting) {
  for (size_t i = 0; i < pieces_.size(); ++i)
    if (pieces_[i] == quoting) return static_cast<uint32_t>(i);
  pieces_.push_back(std::move(quoting));
  return static_cast<uint32_t>(pieces_.size() - 1);
}

void TextMap::append(const TextMap& other) {
  std::map<uint32_t, uint32_t> piece;
  for (const Source& s : other.bytes_) {
    auto it = piece.find(s.piece);
    if (it == piece.end()) it = piece.emplace(s.piece, add_piece(other.quoting(s.piece))).first;
    Source r = s;
    r.piece = it->second;
    bytes_.push_back(r);
  }
}

TextMap TextMap::verbatim(size_t at, size_t n) {
  TextMap m;
  m.bytes_.reserve(n);
  for (size_t k = 0; k < n; ++k) m.bytes_.push_back(Source{at + k, at + k + 1, 0, true});
  return m;
}

TextMap TextMap::through(const TextMap& outer) const {
  TextMap out;
  out.bytes_.reserve(bytes_.size());
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> combined;
  for (const Source& s : bytes_) {
    Source r;
    r.begin = outer.begin(s.begin);
    r.end = s.end > s.begin ? outer.end(s.end) : r.begin;
    r.editable = s.editable && s.end <= outer.size();
    uint32_t outer_piece = s.begin < outer.size() ? outer[s.begin].piece : 0;
    for (size_t k = s.begin; k < s.end && k < outer.size(); ++k) {
      const Source& o = outer[k];
      if (!o.editable || o.piece != outer_piece) r.editable = false;
      if (k + 1 < s.end && k + 1 < outer.size() && o.end != outer[k + 1].begin &&
          o.begin != outer[k + 1].begin)
        r.editable = false;  // the outer text has a gap here (two literals joined by ||)
    }
    auto key = std::make_pair(outer_piece, s.piece);
    auto it = combined.find(key);
    if (it == combined.end()) {
      std::vector<QuoteLayer> q = outer.quoting(outer_piece);
      const auto& mine = quoting(s.piece);
      q.insert(q.end(), mine.begin(), mine.end());
      it = combined.emplace(key, out.add_piece(std::move(q))).first;
    }
    r.piece = it->second;
    out.bytes_.push_back(r);
  }
  return out;
}

std::optional<std::string> quote_for(const QuoteLayer& layer, std::string_view text) {
  std::string out;
  switch (layer.kind) {
    case QuoteLayer::Dollar:
      // Any '$' could complete the closing tag together with the text around the edit.
      if (text.find('$') != std::string_view::npos) return std::nullopt;
      return std::string(text);
    case QuoteLayer::Standard:
      for (char c : text) {
        out += c;
        if (c == '\'') out += '\'';
      }
      return out;
    case QuoteLayer::Escape:
      for (char c : text) {
        if (c == '\\' || c == '\'') out += c;
        out += c;
      }
      return out;
  }
  return std::nullopt;
}

bool TextMap::requote_edit(Span file, std::string& text) const {
  const size_t n = bytes_.size();
  auto first_of_group = [&](size_t k) { return k == 0 || bytes_[k - 1].begin != bytes_[k].begin; };
  auto last_of_group = [&](size_t k) {
    return k + 1 == n || bytes_[k + 1].begin != bytes_[k].begin;
  };
  auto first = std::lower_bound(bytes_.begin(), bytes_.end(), file.begin,
                                [](const Source& s, size_t off) { return s.begin < off; });
  size_t a = static_cast<size_t>(first - bytes_.begin());
  std::optional<uint32_t> piece;
  if (file.empty()) {
    if (a < n && bytes_[a].begin == file.begin && first_of_group(a)) {
      piece = bytes_[a].piece;
    } else {
      // At the end of a literal (after its last byte, before the closing quote).
      for (size_t k = a; k-- > 0;) {
        if (bytes_[k].end == file.begin && last_of_group(k)) piece = bytes_[k].piece;
        if (bytes_[k].end <= file.begin) break;
      }
    }
  } else {
    if (a >= n || bytes_[a].begin != file.begin || !first_of_group(a)) return false;
    size_t k = a;
    for (;; ++k) {
      if (k >= n || !bytes_[k].editable || bytes_[k].piece != bytes_[a].piece) return false;
      if (bytes_[k].end == file.end && last_of_group(k)) break;
      if (bytes_[k].end > file.end) return false;
      if (k + 1 < n && bytes_[k].end != bytes_[k + 1].begin &&
          bytes_[k].begin != bytes_[k + 1].begin)
        return false;
    }
    piece = bytes_[a].piece;
  }
  if (!piece) return false;
  const auto& layers = pieces_[*piece];
  for (size_t i = layers.size(); i-- > 0;) {
    auto q = quote_for(layers[i], text);
    if (!q) return false;
    text = std::move(*q);
  }
  return true;
}

namespace {

// `count` hex digits at `pos` as a number, or -1.
long hex_digits(std::string_view s, size_t pos, size_t count) {
  if (pos + count > s.size()) return -1;
  long v = 0;
  for (size_t i = 0; i < count; ++i) {
    int h = hex_value(s[pos + i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

// Whitespace (and -- comments) between the segments of a continued literal; true when it holds
// a newline, as PostgreSQL requires for 'a'\n'b' to be one literal.
size_t skip_continuation(std::string_view s, size_t pos, bool* newline) {
  *newline = false;
  while (pos < s.size()) {
    char c = s[pos];
    if (c == '\n' || c == '\r') {
      *newline = *newline || c == '\n';
      ++pos;
    } else if (c == ' ' || c == '\t' || c == '\f' || c == '\v') {
      ++pos;
    } else if (c == '-' && pos + 1 < s.size() && s[pos + 1] == '-') {
      size_t nl = s.find('\n', pos);
      pos = nl == std::string_view::npos ? s.size() : nl;
    } else {
      break;
    }
  }
  return pos;
}

std::optional<DecodedString> decode_dollar(std::string_view lit, size_t at) {
  size_t close = lit.find('$', 1);
  if (close == std::string_view::npos) return std::nullopt;
  std::string tag(lit.substr(0, close + 1));
  if (lit.size() < 2 * tag.size() || lit.substr(lit.size() - tag.size()) != tag)
    return std::nullopt;
  DecodedString d;
  size_t n = lit.size() - 2 * tag.size();
  d.value.assign(lit.substr(tag.size(), n));
  uint32_t piece = d.map.add_piece({QuoteLayer{QuoteLayer::Dollar, tag}});
  for (size_t k = 0; k < n; ++k) {
    size_t from = at + tag.size() + k;
    d.map.push(TextMap::Source{from, from + 1, piece, true});
  }
  return d;
}

}  // namespace

std::optional<DecodedString> decode_string_literal(std::string_view lit, size_t at) {
  if (lit.empty()) return std::nullopt;
  if (lit[0] == '$') return decode_dollar(lit, at);
  bool escapes = false;
  size_t pos = 0;
  if (lit[0] == 'E' || lit[0] == 'e') {
    escapes = true;
    pos = 1;
  }
  if (pos >= lit.size() || lit[pos] != '\'') return std::nullopt;
  DecodedString d;
  uint32_t piece = d.map.add_piece(
      {QuoteLayer{escapes ? QuoteLayer::Escape : QuoteLayer::Standard, std::string()}});
  auto emit = [&](std::string_view bytes, size_t from, size_t to) {
    for (char c : bytes) {
      d.value += c;
      d.map.push(TextMap::Source{at + from, at + to, piece, true});
    }
  };
  ++pos;  // the opening quote
  for (;;) {
    if (pos >= lit.size()) return std::nullopt;  // unterminated
    char c = lit[pos];
    if (c == '\'') {
      if (pos + 1 < lit.size() && lit[pos + 1] == '\'') {
        emit("'", pos, pos + 2);
        pos += 2;
        continue;
      }
      bool newline = false;
      size_t next = skip_continuation(lit, pos + 1, &newline);
      if (next >= lit.size()) return d;
      if (!newline || lit[next] != '\'') return std::nullopt;
      pos = next + 1;
      continue;
    }
    if (escapes && c == '\\') {
      if (pos + 1 >= lit.size()) return std::nullopt;
      char e = lit[pos + 1];
      size_t len = 2;
      std::string out;
      switch (e) {
        case 'b':
          out = "\b";
          break;
        case 'f':
          out = "\f";
          break;
        case 'n':
          out = "\n";
          break;
        case 'r':
          out = "\r";
          break;
        case 't':
          out = "\t";
          break;
        case 'x': {
          int v = 0, digits = 0;
          while (digits < 2 && pos + 2 + static_cast<size_t>(digits) < lit.size() &&
                 hex_value(lit[pos + 2 + static_cast<size_t>(digits)]) >= 0) {
            v = v * 16 + hex_value(lit[pos + 2 + static_cast<size_t>(digits)]);
            ++digits;
          }
          if (digits == 0) {
            out = "x";  // "\x" with no digits is a plain x
          } else {
            out = std::string(1, static_cast<char>(v));
            len += static_cast<size_t>(digits);
          }
          break;
        }
        case 'u':
        case 'U': {
          size_t count = e == 'u' ? 4 : 8;
          long cp = hex_digits(lit, pos + 2, count);
          if (cp < 0) return std::nullopt;
          len += count;
          if (cp >= 0xD800 && cp <= 0xDBFF) {  // a surrogate pair: \uD83D\uDE00
            if (lit.substr(pos + len, 2) != "\\u") return std::nullopt;
            long low = hex_digits(lit, pos + len + 2, 4);
            if (low < 0xDC00 || low > 0xDFFF) return std::nullopt;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            len += 6;
          } else if ((cp >= 0xDC00 && cp <= 0xDFFF) || cp > 0x10FFFF || cp == 0) {
            return std::nullopt;
          }
          append_utf8(out, static_cast<uint32_t>(cp));
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            int v = 0, digits = 0;
            while (digits < 3 && pos + 1 + static_cast<size_t>(digits) < lit.size() &&
                   lit[pos + 1 + static_cast<size_t>(digits)] >= '0' &&
                   lit[pos + 1 + static_cast<size_t>(digits)] <= '7') {
              v = v * 8 + (lit[pos + 1 + static_cast<size_t>(digits)] - '0');
              ++digits;
            }
            out = std::string(1, static_cast<char>(v & 0xFF));
            len = 1 + static_cast<size_t>(digits);
          } else {
            out = std::string(1, e);  // \\ \' and any other character stand for themselves
          }
          break;
      }
      if (out.size() == 1 && out[0] == '\0') return std::nullopt;  // PostgreSQL rejects NUL
      emit(out, pos, pos + len);
      pos += len;
      continue;
    }
    emit(std::string_view(&lit[pos], 1), pos, pos + 1);
    ++pos;
  }
}

}  // namespace migsafe
