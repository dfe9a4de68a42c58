// Lazy scanner wrapper; see tokens.hpp.
#include "core/tokens.hpp"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "fastpack/arena.hpp"
#include "fastpack/wire.hpp"

namespace migsafe {

namespace {

struct ScanResultOwner {
  PgQueryScanResult r;
  explicit ScanResultOwner(const char* sql) : r(pg_query_scan(sql)) {}
  ~ScanResultOwner() { pg_query_free_scan_result(r); }
  ScanResultOwner(const ScanResultOwner&) = delete;
  ScanResultOwner& operator=(const ScanResultOwner&) = delete;
};

// Field numbers of ScanResult and ScanToken, from the descriptors libpg_query was built with.
struct ScanFields {
  uint32_t version = 0, tokens = 0;                          // ScanResult
  uint32_t start = 0, end = 0, token = 0, keyword_kind = 0;  // ScanToken
  ScanFields() {
    auto id = [](const ProtobufCMessageDescriptor& d, const char* name) -> uint32_t {
      const ProtobufCFieldDescriptor* f = protobuf_c_message_descriptor_get_field_by_name(&d, name);
      return f ? f->id : 0;
    };
    version = id(pg_query__scan_result__descriptor, "version");
    tokens = id(pg_query__scan_result__descriptor, "tokens");
    start = id(pg_query__scan_token__descriptor, "start");
    end = id(pg_query__scan_token__descriptor, "end");
    token = id(pg_query__scan_token__descriptor, "token");
    keyword_kind = id(pg_query__scan_token__descriptor, "keyword_kind");
  }
};

bool read_token(const ScanFields& f, fastpack::wire::Reader r, ScannedToken& t) {
  while (!r.done()) {
    uint64_t key = 0, v = 0;
    if (!r.varint(key) || (key & 7) != PROTOBUF_C_WIRE_TYPE_VARINT) return false;
    if (!r.varint(v)) return false;
    // int32 and enum values: a negative one is sent sign-extended to 64 bits.
    auto value = static_cast<int32_t>(static_cast<uint32_t>(v));
    uint64_t field = key >> 3;
    if (field == f.start)
      t.start = value;
    else if (field == f.end)
      t.end = value;
    else if (field == f.token)
      t.kind = value;
    else if (field == f.keyword_kind)
      t.keyword_kind = value;
    else
      return false;
  }
  return true;
}

// The tokens of a scan result: read from the wire, or unpacked by protobuf-c when the reader
// declines; nullopt when neither can read it.
std::optional<std::vector<ScannedToken>> scanned_tokens(const PgQueryScanResult& r) {
  const auto* data = reinterpret_cast<const uint8_t*>(r.pbuf.data);
  if (auto tokens = read_scan_tokens(data, r.pbuf.len)) return tokens;
  fastpack::Arena arena{size_t{16} << 10};
  ProtobufCAllocator allocator = arena.allocator();
  PgQuery__ScanResult* p = pg_query__scan_result__unpack(&allocator, r.pbuf.len, data);
  if (!p) return std::nullopt;
  std::vector<ScannedToken> out(p->n_tokens);
  for (size_t i = 0; i < p->n_tokens; ++i)
    out[i] = ScannedToken{p->tokens[i]->start, p->tokens[i]->end, p->tokens[i]->token,
                          p->tokens[i]->keyword_kind};
  return out;
}

bool is_comment(const ScannedToken& t) {
  return t.kind == PG_QUERY__TOKEN__SQL_COMMENT || t.kind == PG_QUERY__TOKEN__C_COMMENT;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool is_open(int kind) {
  return kind == PG_QUERY__TOKEN__ASCII_40 || kind == PG_QUERY__TOKEN__ASCII_91;
}
bool is_close(int kind) {
  return kind == PG_QUERY__TOKEN__ASCII_41 || kind == PG_QUERY__TOKEN__ASCII_93;
}

}  // namespace

std::optional<std::vector<ScannedToken>> read_scan_tokens(const uint8_t* data, size_t len) {
  static const ScanFields f;
  if (!f.tokens || !f.start || !f.end || !f.token || !f.keyword_kind) return std::nullopt;
  std::vector<ScannedToken> out;
  fastpack::wire::Reader r(data, data + len);
  while (!r.done()) {
    uint64_t key = 0;
    if (!r.varint(key)) return std::nullopt;
    if ((key >> 3) == f.tokens && (key & 7) == PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED) {
      const uint8_t* payload = nullptr;
      size_t size = 0;
      ScannedToken t;
      if (!r.skip(PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED, &payload, &size) ||
          !read_token(f, fastpack::wire::Reader(payload, payload + size), t))
        return std::nullopt;
      out.push_back(t);
    } else if ((key >> 3) != f.version || (key & 7) != PROTOBUF_C_WIRE_TYPE_VARINT ||
               !r.skip(PROTOBUF_C_WIRE_TYPE_VARINT)) {
      return std::nullopt;
    }
  }
  return out;
}

Tokens::Tokens(std::string_view text, size_t base) : Tokens(text, base, nullptr) {}

Tokens::Tokens(std::string_view text, size_t base, const TextMap* map)
    : text_(text), base_(base), map_(map) {
  std::string copy(text);
  ScanResultOwner scan(copy.c_str());
  if (scan.r.error) return;
  auto scanned = scanned_tokens(scan.r);
  if (!scanned) return;
  ok_ = true;
  tokens_.reserve(scanned->size());
  for (const ScannedToken& t : *scanned) {
    if (is_comment(t)) continue;
    Token tok;
    tok.begin = base + static_cast<size_t>(t.start);
    tok.end = base + static_cast<size_t>(t.end);
    tok.kind = t.kind;
    tok.keyword = t.keyword_kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD;
    if (map_) {
      text_spans_.push_back(Span{tok.begin, tok.end});
      Span file = map_->span(Span{tok.begin, tok.end});
      tok.begin = file.begin;
      tok.end = file.end;
    }
    tokens_.push_back(tok);
  }
}

std::string_view Tokens::text_of(const Token& t) const {
  if (!map_) return text_.substr(t.begin - base_, t.end - t.begin);
  auto it = std::lower_bound(tokens_.begin(), tokens_.end(), t.begin,
                             [](const Token& x, size_t off) { return x.begin < off; });
  Span s = it != tokens_.end() && it->begin == t.begin && it->end == t.end
               ? text_spans_[static_cast<size_t>(it - tokens_.begin())]
               : map_->text_span(Span{t.begin, t.end});
  if (s.begin < base_ || s.begin - base_ > text_.size()) return {};
  return text_.substr(s.begin - base_, s.end - s.begin);
}

std::optional<size_t> Tokens::first_at(size_t offset) const {
  for (size_t i = 0; i < tokens_.size(); ++i) {
    if (tokens_[i].begin >= offset) return i;
  }
  return std::nullopt;
}

Span Tokens::token_at(size_t offset) const {
  auto i = first_at(offset);
  if (!i || tokens_[*i].begin != offset) return Span{offset, offset};
  return Span{tokens_[*i].begin, tokens_[*i].end};
}

Span Tokens::item_from(size_t offset) const {
  auto i = first_at(offset);
  if (!i) return Span{offset, offset};
  int depth = 0;
  size_t end = offset;
  for (size_t k = *i; k < tokens_.size(); ++k) {
    const Token& t = tokens_[k];
    if (is_open(t.kind)) ++depth;
    if (is_close(t.kind)) {
      if (depth == 0) break;
      --depth;
    }
    if (depth == 0 && (t.kind == PG_QUERY__TOKEN__ASCII_44 || t.kind == PG_QUERY__TOKEN__ASCII_59))
      break;
    end = t.end;
  }
  return Span{offset, end};
}

std::optional<Token> Tokens::find_word(size_t offset, std::string_view word) const {
  for (const Token& t : tokens_) {
    if (t.begin >= offset && iequals(text_of(t), word)) return t;
  }
  return std::nullopt;
}

std::vector<Span> Tokens::items_from_token(size_t first) const {
  std::vector<Span> items;
  if (first >= tokens_.size()) return items;
  int depth = 0;
  size_t begin = tokens_[first].begin;
  size_t end = begin;
  bool open_item = true;
  for (size_t k = first; k < tokens_.size(); ++k) {
    const Token& t = tokens_[k];
    if (depth == 0 && t.kind == PG_QUERY__TOKEN__ASCII_59) break;
    if (depth == 0 && t.kind == PG_QUERY__TOKEN__ASCII_44) {
      items.push_back(Span{begin, end});
      open_item = false;
      continue;
    }
    if (!open_item) {
      begin = t.begin;
      open_item = true;
    }
    if (is_open(t.kind)) ++depth;
    if (is_close(t.kind) && depth > 0) --depth;
    end = t.end;
  }
  if (open_item) items.push_back(Span{begin, end});
  return items;
}

Tokens statement_tokens(const SourceFile& file, const Statement& stmt) {
  if (stmt.embedding) return Tokens(stmt.sql(file), stmt.text.begin, &stmt.embedding->map);
  return Tokens(file.text(stmt.span), stmt.span.begin);
}

namespace {

// Splits scanned tokens; `end` is where the scanned text ends.
void split_tokens(const std::vector<ScannedToken>& scan, size_t end, StatementSplit& out) {
  size_t start = 0;
  int depth = 0, atomic = 0, cases = 0;
  bool after_begin = false, has_token = false;
  for (const ScannedToken& t : scan) {
    if (is_comment(t)) continue;
    int kind = t.kind;
    if (kind == PG_QUERY__TOKEN__ASCII_59 && depth == 0 && atomic == 0) {
      if (has_token) out.pieces.emplace_back(start, static_cast<size_t>(t.start) - start);
      start = static_cast<size_t>(t.end);
      has_token = false;
      after_begin = false;
      continue;
    }
    has_token = true;
    if (is_open(kind)) ++depth;
    if (is_close(kind) && depth > 0) --depth;
    if (kind == PG_QUERY__TOKEN__ATOMIC && after_begin)
      ++atomic;
    else if (atomic > 0 && kind == PG_QUERY__TOKEN__CASE)
      ++cases;
    else if (atomic > 0 && kind == PG_QUERY__TOKEN__END_P) {
      if (cases > 0)
        --cases;
      else
        --atomic;
    }
    after_begin = kind == PG_QUERY__TOKEN__BEGIN_P;
  }
  if (has_token) out.pieces.emplace_back(start, end - start);
}

}  // namespace

StatementSplit split_statements(std::string_view text) {
  StatementSplit out;
  std::string copy(text);
  ScanResultOwner scan(copy.c_str());
  if (scan.r.error) {
    out.error = scan.r.error->message ? scan.r.error->message : "syntax error";
    out.cursor = scan.r.error->cursorpos;
    // Everything before the broken token scans cleanly: split that, and drop its last piece
    // unless a ';' closed it (that piece is the start of the broken statement).
    size_t usable =
        out.cursor > 0 ? code_point_to_byte(text, static_cast<size_t>(out.cursor - 1)) : 0;
    copy.resize(usable);
    ScanResultOwner head(copy.c_str());
    if (head.r.error) return out;
    auto scanned = scanned_tokens(head.r);
    if (!scanned) return out;
    split_tokens(*scanned, usable, out);
    if (!out.pieces.empty()) {
      auto [loc, len] = out.pieces.back();
      bool closed = loc + len < copy.size() && copy[loc + len] == ';';
      if (!closed) out.pieces.pop_back();
    }
    return out;
  }
  if (auto scanned = scanned_tokens(scan.r)) split_tokens(*scanned, text.size(), out);
  return out;
}

StatementSplit split_statements(std::string_view text, size_t window) {
  StatementSplit out;
  size_t pos = 0;
  size_t size = std::max<size_t>(window, 1);
  while (pos < text.size()) {
    if (text.size() - pos <= size) {
      StatementSplit tail = split_statements(text.substr(pos));
      for (auto [loc, len] : tail.pieces) out.pieces.emplace_back(pos + loc, len);
      out.error = std::move(tail.error);
      if (tail.cursor > 0) tail.cursor += static_cast<int>(count_code_points(text.substr(0, pos)));
      out.cursor = tail.cursor;
      return out;
    }
    std::string_view part = text.substr(pos, size);
    StatementSplit head = split_statements(part);
    size_t next = pos;
    for (auto [loc, len] : head.pieces) {
      if (loc + len >= part.size() || part[loc + len] != ';') break;  // not ended in this window
      out.pieces.emplace_back(pos + loc, len);
      next = pos + loc + len + 1;
    }
    if (next == pos) {
      size *= 2;  // no statement ends inside the window: a longer one
    } else {
      pos = next;
      size = std::max<size_t>(window, 1);
    }
  }
  return out;
}

size_t last_token_end(std::string_view text) {
  std::string copy(text);
  ScanResultOwner scan(copy.c_str());
  if (scan.r.error) return text.size();
  auto scanned = scanned_tokens(scan.r);
  if (!scanned) return text.size();
  for (size_t i = scanned->size(); i-- > 0;) {
    if (is_comment((*scanned)[i])) continue;
    return static_cast<size_t>((*scanned)[i].end);
  }
  return 0;
}

namespace {

void collect_comments(const std::string& sql, size_t base, std::vector<Span>& out) {
  ScanResultOwner scan(sql.c_str());
  if (scan.r.error) {
    // Keep what comes before the token the scanner could not finish.
    int cursor = scan.r.error->cursorpos;
    size_t stop = cursor > 0 ? code_point_to_byte(sql, static_cast<size_t>(cursor - 1)) : 0;
    if (stop > 0 && stop < sql.size()) collect_comments(sql.substr(0, stop), base, out);
    return;
  }
  auto scanned = scanned_tokens(scan.r);
  if (!scanned) return;
  for (const ScannedToken& t : *scanned)
    if (is_comment(t))
      out.push_back(Span{base + static_cast<size_t>(t.start), base + static_cast<size_t>(t.end)});
}

}  // namespace

std::vector<Span> scan_comments(std::string_view text, size_t base) {
  std::string copy(text);
  // A NUL byte would end the C string early; the parser reports it, the scanner reads past it.
  for (char& c : copy)
    if (c == '\0') c = ' ';
  std::vector<Span> out;
  collect_comments(copy, base, out);
  return out;
}

}  // namespace migsafe
