// Lazy scanner wrapper; see tokens.hpp.
#include "core/tokens.hpp"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "fastpack/arena.hpp"
#include "fastpack/unpack.hpp"

namespace migsafe {

namespace {

struct ScanResultOwner {
  PgQueryScanResult r;
  explicit ScanResultOwner(const char* sql) : r(pg_query_scan(sql)) {}
  ~ScanResultOwner() { pg_query_free_scan_result(r); }
  ScanResultOwner(const ScanResultOwner&) = delete;
  ScanResultOwner& operator=(const ScanResultOwner&) = delete;
};

// The scan result unpacked into blocks freed together (migsafe's deserializer, protobuf-c's
// when it declines): a statement's tokens are many small messages that live and die at once.
struct UnpackedScan {
  fastpack::Arena arena{size_t{16} << 10};
  ProtobufCAllocator allocator = arena.allocator();
  PgQuery__ScanResult* p = nullptr;

  explicit UnpackedScan(const PgQueryScanResult& r) {
    const auto* data = reinterpret_cast<const uint8_t*>(r.pbuf.data);
    p = reinterpret_cast<PgQuery__ScanResult*>(
        fastpack::unpack(&pg_query__scan_result__descriptor, &allocator, r.pbuf.len, data));
    if (!p) p = pg_query__scan_result__unpack(&allocator, r.pbuf.len, data);
  }
  UnpackedScan(const UnpackedScan&) = delete;
  UnpackedScan& operator=(const UnpackedScan&) = delete;
};

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

Tokens::Tokens(std::string_view text, size_t base) : Tokens(text, base, nullptr) {}

Tokens::Tokens(std::string_view text, size_t base, const TextMap* map)
    : text_(text), base_(base), map_(map) {
  std::string copy(text);
  ScanResultOwner scan(copy.c_str());
  if (scan.r.error) return;
  UnpackedScan unpacked(scan.r);
  if (!unpacked.p) return;
  ok_ = true;
  tokens_.reserve(unpacked.p->n_tokens);
  for (size_t i = 0; i < unpacked.p->n_tokens; ++i) {
    const PgQuery__ScanToken* t = unpacked.p->tokens[i];
    if (t->token == PG_QUERY__TOKEN__SQL_COMMENT || t->token == PG_QUERY__TOKEN__C_COMMENT)
      continue;
    Token tok;
    tok.begin = base + static_cast<size_t>(t->start);
    tok.end = base + static_cast<size_t>(t->end);
    tok.kind = t->token;
    tok.keyword = t->keyword_kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD;
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
void split_tokens(const PgQuery__ScanResult& scan, size_t end, StatementSplit& out) {
  size_t start = 0;
  int depth = 0, atomic = 0, cases = 0;
  bool after_begin = false, has_token = false;
  for (size_t i = 0; i < scan.n_tokens; ++i) {
    const PgQuery__ScanToken* t = scan.tokens[i];
    int kind = t->token;
    if (kind == PG_QUERY__TOKEN__SQL_COMMENT || kind == PG_QUERY__TOKEN__C_COMMENT) continue;
    if (kind == PG_QUERY__TOKEN__ASCII_59 && depth == 0 && atomic == 0) {
      if (has_token) out.pieces.emplace_back(start, static_cast<size_t>(t->start) - start);
      start = static_cast<size_t>(t->end);
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
    UnpackedScan unpacked(head.r);
    if (!unpacked.p) return out;
    split_tokens(*unpacked.p, usable, out);
    if (!out.pieces.empty()) {
      auto [loc, len] = out.pieces.back();
      bool closed = loc + len < copy.size() && copy[loc + len] == ';';
      if (!closed) out.pieces.pop_back();
    }
    return out;
  }
  UnpackedScan unpacked(scan.r);
  if (unpacked.p) split_tokens(*unpacked.p, text.size(), out);
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
  UnpackedScan unpacked(scan.r);
  if (!unpacked.p) return text.size();
  for (size_t i = unpacked.p->n_tokens; i-- > 0;) {
    const PgQuery__ScanToken* t = unpacked.p->tokens[i];
    if (t->token == PG_QUERY__TOKEN__SQL_COMMENT || t->token == PG_QUERY__TOKEN__C_COMMENT)
      continue;
    return static_cast<size_t>(t->end);
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
  UnpackedScan unpacked(scan.r);
  if (!unpacked.p) return;
  for (size_t i = 0; i < unpacked.p->n_tokens; ++i) {
    const PgQuery__ScanToken* t = unpacked.p->tokens[i];
    if (t->token == PG_QUERY__TOKEN__SQL_COMMENT || t->token == PG_QUERY__TOKEN__C_COMMENT)
      out.push_back(Span{base + static_cast<size_t>(t->start), base + static_cast<size_t>(t->end)});
  }
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
