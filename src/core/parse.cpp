// libpg_query wrapper: one parse per file, statement-by-statement recovery on syntax errors.
#include "core/parse.hpp"

#include <pg_query.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "core/nesting.hpp"
#include "core/tokens.hpp"
#include "fastpack/arena.hpp"
#include "fastpack/pack.hpp"
#include "fastpack/unpack.hpp"

namespace migsafe {

void ParseResultDeleter::operator()(PgQuery__ParseResult* r) const {
  if (!arena) pg_query__parse_result__free_unpacked(r, nullptr);
  // else: the nodes live in the arena, which goes with this deleter
}

size_t skip_space_and_comments(std::string_view text, size_t pos) {
  while (pos < text.size()) {
    char c = text[pos];
    if (is_sql_space(c)) {
      ++pos;
    } else if (c == '-' && pos + 1 < text.size() && text[pos + 1] == '-') {
      size_t nl = text.find('\n', pos);
      pos = nl == std::string_view::npos ? text.size() : nl + 1;
    } else if (c == '/' && pos + 1 < text.size() && text[pos + 1] == '*') {
      int depth = 1;
      pos += 2;
      while (pos < text.size() && depth > 0) {
        if (text.compare(pos, 2, "/*") == 0) {
          ++depth;
          pos += 2;
        } else if (text.compare(pos, 2, "*/") == 0) {
          --depth;
          pos += 2;
        } else {
          ++pos;
        }
      }
    } else {
      break;
    }
  }
  return std::min(pos, text.size());
}

namespace {

// End of a quoted token starting at `pos` (the opening quote) closed by `quote`, where a
// doubled quote is an escaped one; with `backslash`, \x escapes too (E'...').
size_t skip_quoted(std::string_view s, size_t pos, char quote, bool backslash) {
  for (size_t i = pos + 1; i < s.size(); ++i) {
    if (backslash && s[i] == '\\') {
      ++i;
    } else if (s[i] == quote) {
      if (i + 1 < s.size() && s[i + 1] == quote) {
        ++i;
      } else {
        return i + 1;
      }
    }
  }
  return s.size();
}

}  // namespace

size_t parse_detail::skip_literal_at(std::string_view s, size_t i) {
  if (i >= s.size()) return i;
  char c = s[i];
  if (s.compare(i, 2, "--") == 0 || s.compare(i, 2, "/*") == 0)
    return skip_space_and_comments(s, i);
  if (c == '\'') {
    bool escapes =
        i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') && (i < 2 || !is_identifier_byte(s[i - 2]));
    return skip_quoted(s, i, '\'', escapes);
  }
  if (c == '"') return skip_quoted(s, i, '"', false);
  if (c == '$' && (i == 0 || !is_identifier_byte(s[i - 1]))) {
    // $tag$ ... $tag$ (a $1 parameter has no closing $ right after its tag).
    size_t j = i + 1;
    while (j < s.size() && is_identifier_byte(s[j]) && s[j] != '$') ++j;
    if (j < s.size() && s[j] == '$' && !std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
      std::string_view tag = s.substr(i, j - i + 1);
      size_t close = s.find(tag, j + 1);
      return close == std::string_view::npos ? s.size() : close + tag.size();
    }
  }
  return i;
}

namespace {

// Owns the C result of pg_query_parse_protobuf for the duration of one unpack.
struct ProtobufResult {
  PgQueryProtobufParseResult r;
  explicit ProtobufResult(const char* sql) : r(pg_query_parse_protobuf(sql)) {}
  ~ProtobufResult() { pg_query_free_protobuf_parse_result(r); }
  ProtobufResult(const ProtobufResult&) = delete;
  ProtobufResult& operator=(const ProtobufResult&) = delete;
};

// The span of a statement found at [loc, loc+len) of `text` (len 0: to the end), trimmed to
// start at its first token and to end at its last token or its ';'.
Span statement_span(std::string_view text, size_t loc, size_t len, size_t base) {
  size_t end = len == 0 ? text.size() : std::min(text.size(), loc + len);
  size_t begin = skip_space_and_comments(text, loc);
  if (begin > end) begin = end;
  if (len == 0) {
    // The last statement runs to the end of input, trailing comments included: ask the
    // scanner where its last real token ends.
    size_t last = last_token_end(text.substr(begin, end - begin));
    end = begin + last;
  }
  while (end > begin && is_sql_space(text[end - 1])) --end;
  if (end < text.size() && text[end] == ';') ++end;
  return Span{base + begin, base + end};
}

// Parses `sql` (which starts at file offset `base`); on success appends its statements.
// Returns the error (message, character cursor) when it does not parse.
// `sql` must be followed by a NUL byte (a std::string, or the tail of one).
bool parse_piece(std::string_view sql, size_t base, ParsedFile& out, std::string* message,
                 int* cursor) {
  if (NestingCheck deep = check_nesting(sql); deep.too_deep) {
    if (message)
      *message = "statement nested too deeply to parse safely (more than " +
                 std::to_string(kMaxNesting) + " levels of parentheses, operators or CASE)";
    if (cursor) *cursor = static_cast<int>(count_code_points(sql.substr(0, deep.offset))) + 1;
    return false;
  }
  ProtobufResult res(sql.data());
  if (res.r.error) {
    if (message) *message = res.r.error->message ? res.r.error->message : "syntax error";
    if (cursor) *cursor = res.r.error->cursorpos;
    return false;
  }
  auto arena = std::make_shared<fastpack::Arena>();
  ProtobufCAllocator allocator = arena->allocator();
  const auto* bytes = reinterpret_cast<const uint8_t*>(res.r.parse_tree.data);
  // migsafe's deserializer (src/fastpack/unpack.hpp); protobuf-c's if it declines the input.
  auto* fast = reinterpret_cast<PgQuery__ParseResult*>(fastpack::unpack(
      &pg_query__parse_result__descriptor, &allocator, res.r.parse_tree.len, bytes));
  ParseTree tree(
      fast ? fast : pg_query__parse_result__unpack(&allocator, res.r.parse_tree.len, bytes),
      ParseResultDeleter{arena});
  if (!tree) {
    if (message) *message = "internal error: could not unpack the parse tree";
    if (cursor) *cursor = 0;
    return false;
  }
  for (size_t i = 0; i < tree->n_stmts; ++i) {
    const PgQuery__RawStmt* raw = tree->stmts[i];
    Statement st;
    st.node = raw->stmt;
    st.base = base;
    st.span = statement_span(sql, static_cast<size_t>(std::max(0, raw->stmt_location)),
                             static_cast<size_t>(std::max(0, raw->stmt_len)), base);
    out.statements.push_back(st);
  }
  out.trees.push_back(std::move(tree));
  return true;
}

// PostgreSQL quotes the rest of the input after "at or near" for unterminated tokens; keep the
// message to one short line.
std::string shorten_message(const std::string& original) {
  std::string message = original;
  // Bison's stack overflow (PostgreSQL reports it the same way) says nothing about the cause.
  if (message.rfind("memory exhausted", 0) == 0)
    message.insert(std::string_view("memory exhausted").size(),
                   " (nested too deeply for PostgreSQL's parser)");
  const std::string marker = "at or near \"";
  size_t at = message.find(marker);
  if (at == std::string::npos) return message;
  size_t start = at + marker.size();
  size_t close = message.rfind('"');
  if (close == std::string::npos || close < start) return message;
  std::string token = message.substr(start, close - start);
  size_t cut = std::min(token.find('\n'), static_cast<size_t>(40));
  if (cut >= token.size()) return message;
  size_t safe = code_point_to_byte(token, count_code_points(token.substr(0, cut)));
  return message.substr(0, start) + token.substr(0, safe) + "...\"" + message.substr(close + 1);
}

void add_error(std::string_view sql, size_t base, Span stmt, const std::string& message, int cursor,
               ParsedFile& out) {
  SyntaxError e;
  e.message = shorten_message(message);
  // PostgreSQL's cursor is a 1-based character position; 0 means "no position".
  e.offset =
      cursor > 0 ? base + code_point_to_byte(sql, static_cast<size_t>(cursor - 1)) : stmt.begin;
  e.end = e.offset;
  // Underline the token PostgreSQL names ("at or near \"NUL\""), up to the end of its line.
  const std::string marker = "at or near \"";
  size_t at = message.find(marker);
  size_t close = message.rfind('"');
  if (at != std::string::npos && close != std::string::npos && close > at + marker.size()) {
    std::string token = message.substr(at + marker.size(), close - at - marker.size());
    token = token.substr(0, token.find('\n'));
    size_t rel = e.offset - base;
    if (rel <= sql.size() && sql.substr(rel, token.size()) == token)
      e.end = e.offset + token.size();
  }
  e.statement = stmt;
  out.errors.push_back(std::move(e));
  Statement st;
  st.span = stmt;
  st.base = base;
  out.statements.push_back(st);
}

// Parses the piece [loc, loc+len) of `text` on its own. The piece ends before its ';', so the
// statements it yields are given back the ';' that follows them in `text`, as in a whole-file
// parse.
void parse_split_piece(const std::string& text, size_t loc, size_t len, size_t base,
                       ParsedFile& out) {
  std::string piece = text.substr(loc, len);
  std::string message;
  int cursor = 0;
  size_t first = out.statements.size();
  if (!parse_piece(piece, base + loc, out, &message, &cursor)) {
    add_error(piece, base + loc, statement_span(text, loc, len, base), message, cursor, out);
    return;
  }
  for (size_t i = first; i < out.statements.size(); ++i) {
    Span& span = out.statements[i].span;
    size_t end = span.end - base;
    if (end < text.size() && text[end] == ';') ++span.end;
  }
}

// Split `text` with the scanner and parse each piece on its own.
void parse_recovering(const std::string& text, size_t base, ParsedFile& out) {
  // Split with our own splitter over libpg_query's scanner tokens: pg_query_split_with_scanner
  // (libpg_query 15-4.0) silently drops a statement that starts with an identifier
  // ("SELEC 1;"), which would hide exactly the statements that fail to parse.
  StatementSplit split = split_statements(text);
  for (auto [loc, len] : split.pieces) parse_split_piece(text, loc, len, base, out);
  if (split.error.empty()) return;
  // The scanner stopped at a broken token (an unterminated string, comment or dollar quote):
  // the statement holding it runs from after the last complete piece to the end.
  size_t usable =
      split.cursor > 0 ? code_point_to_byte(text, static_cast<size_t>(split.cursor - 1)) : 0;
  size_t broken_begin = 0;
  if (!split.pieces.empty()) {
    auto [loc, len] = split.pieces.back();
    broken_begin = std::min(loc + len + 1, text.size());
  }
  // An unterminated comment is itself the broken token: do not skip past the error position.
  size_t begin = std::min(skip_space_and_comments(text, broken_begin), usable);
  Span broken{base + begin, base + text.size()};
  add_error(text.substr(begin), base + begin, broken, split.error,
            split.cursor > 0
                ? static_cast<int>(count_code_points(text.substr(begin, usable - begin))) + 1
                : 0,
            out);
}

// Parses `text` in chunks of whole statements, each about `chunk_bytes` long, cut where our
// splitter ends a statement (just after its ';'). libpg_query then holds one chunk's raw tree
// and protobuf buffer at a time instead of the whole file's, which bounds the peak memory of a
// large file. Every chunk keeps its file offset as `base`, so spans and node locations are the
// same as in a whole-file parse. Returns false (and leaves `out` empty) when the splitter stops
// at a broken token: the caller then parses the whole text as usual.
bool parse_chunked(std::string_view text, size_t base, size_t chunk_bytes, ParsedFile& out) {
  StatementSplit split = split_statements(text, chunk_bytes);
  if (!split.error.empty() || split.pieces.empty()) return false;
  size_t begin = 0;
  for (size_t k = 0; k < split.pieces.size(); ++k) {
    auto [loc, len] = split.pieces[k];
    bool last = k + 1 == split.pieces.size();
    size_t end = last ? text.size() : std::min(text.size(), loc + len + 1);  // after its ';'
    if (!last && end - begin < chunk_bytes) continue;
    std::string chunk(text.substr(begin, end - begin));
    std::string message;
    int cursor = 0;
    if (!parse_piece(chunk, base + begin, out, &message, &cursor))
      parse_recovering(chunk, base + begin, out);
    begin = end;
  }
  return true;
}

}  // namespace

std::vector<size_t> parse_detail::lexical_cuts(std::string_view text, size_t chunk_bytes) {
  std::vector<size_t> cuts;
  size_t begin = 0;
  bool statement = false;  // something other than blanks and comments since the last ';'
  // What each byte is to this scan, as a table: it reads every byte of a large file, alone,
  // before the chunks are parsed in parallel.
  enum : unsigned char { kPlain, kSpace, kOther };
  struct Classes {
    unsigned char of[256] = {};
    constexpr Classes() {
      for (int b = 0; b < 256; ++b) {
        char c = static_cast<char>(b);
        of[b] = c == ';' || may_start_literal(c) ? kOther : is_sql_space(c) ? kSpace : kPlain;
      }
    }
  };
  static constexpr Classes kClasses;
  for (size_t i = 0, n = text.size(); i < n;) {
    char c = text[i];
    unsigned char kind = kClasses.of[static_cast<unsigned char>(c)];
    if (kind != kOther) {
      statement = statement || kind == kPlain;
      ++i;
    } else if (c == ';') {
      // Only the ';' that ends a statement: PostgreSQL ends a statement at its first ';', and
      // an empty statement after it (';;') is nothing, so a chunk ends where its last one does.
      if (statement && i + 1 - begin >= chunk_bytes && i + 1 < n) cuts.push_back(begin = i + 1);
      statement = false;
      ++i;
    } else if (size_t past = parse_detail::skip_literal_at(text, i); past != i) {
      if (c != '-' && c != '/') statement = true;  // a string or quoted identifier, not a comment
      i = past;
    } else {
      statement = true;  // '-', '/' or '$' starting nothing skipped: an operator or a word
      ++i;
    }
  }
  return cuts;
}

namespace {

// Parses chunk `k` of `text` (as cut at `cuts`) into `out`; false when it does not parse or
// does not end a statement at its cut.
bool parse_chunk(std::string_view text, size_t base, const std::vector<size_t>& cuts, size_t k,
                 ParsedFile& out) {
  size_t begin = k == 0 ? 0 : cuts[k - 1];
  size_t end = k < cuts.size() ? cuts[k] : text.size();
  std::string chunk(text.substr(begin, end - begin));
  if (!parse_piece(chunk, base + begin, out, nullptr, nullptr)) return false;
  if (k == cuts.size()) return true;
  // The parser must have taken the chunk's last ';' as the end of its last statement: then a
  // whole-text parse reads the same tokens in the same states up to it and ends a statement
  // there too. A ';' the cut misread (in a comment, or inside a BEGIN ATOMIC body or a rule's
  // action list, whose chunk then fails to parse) is refused.
  const PgQuery__ParseResult& tree = *out.trees.back();
  if (tree.n_stmts == 0) return false;
  const PgQuery__RawStmt& last = *tree.stmts[tree.n_stmts - 1];
  return last.stmt_location >= 0 && last.stmt_len > 0 &&
         static_cast<size_t>(last.stmt_location) + static_cast<size_t>(last.stmt_len) + 1 ==
             chunk.size();
}

// Helper threads running for parse_at_cuts, across the process, and the most seen at once.
std::atomic<unsigned> helpers_running{0};
std::atomic<unsigned> helpers_peak{0};

// Takes one helper from the budget of `threads - 1`; false when it is used up.
bool take_helper(unsigned threads) {
  unsigned running = helpers_running.load();
  do {
    if (running + 1 >= threads) return false;
  } while (!helpers_running.compare_exchange_weak(running, running + 1));
  unsigned peak = helpers_peak.load();
  while (running + 1 > peak && !helpers_peak.compare_exchange_weak(peak, running + 1)) {
  }
  return true;
}

void release_helper() {
  --helpers_running;
}

}  // namespace

unsigned parse_detail::peak_helper_threads(bool reset) {
  return reset ? helpers_peak.exchange(0) : helpers_peak.load();
}

// Chunks parsed in order for one consumer (ChunkStream, parse_at_cuts). Chunks are
// independent: helper threads parse them too, each into its own part (every thread has its own
// libpg_query memory, released when the thread ends). Helpers come from one budget for the
// process, `threads - 1`: the run's threads may each be preparing a large file at once, and must
// not start `threads` helpers each. The consumer's thread parses a chunk itself while the one it
// needs is not ready. No chunk is claimed more than `window` ahead of the consumer, nor after
// one was refused (every chunk before it is claimed already).
struct ChunkStream::State {
  std::string blanked;  // the file with its meta-commands blanked, when it has any
  std::string_view text;
  size_t base = 0;
  std::vector<size_t> cuts;
  std::vector<MetaCommand> meta_commands;
  AfterParse after;
  size_t window = 2;  // chunks parsed ahead of the consumer, at most

  std::mutex mu;
  std::condition_variable ready, room;
  size_t claimed = 0, consumed = 0;
  size_t statements = 0;  // handed to the consumer so far
  bool stop = false;
  std::vector<std::optional<ParsedFile>> parts;  // parsed and not yet taken
  std::vector<char> refused;
  std::exception_ptr error;
  std::vector<std::thread> helpers;

  ~State() {  // stops and waits for the helpers
    {
      std::lock_guard lock(mu);
      stop = true;
    }
    room.notify_all();
    for (std::thread& t : helpers) t.join();
  }

  size_t chunks() const { return cuts.size() + 1; }
  bool can_claim() const { return !stop && claimed < chunks() && claimed < consumed + window; }

  // With the fields above set: up to `threads - 1` helpers start parsing.
  void start(unsigned threads) {
    parts.resize(chunks());
    refused.resize(chunks());
    for (size_t t = 1; t < std::min<size_t>(threads, chunks()); ++t) {
      if (!take_helper(threads)) break;
      try {
        helpers.emplace_back([this] {
          helper();
          release_helper();
        });
      } catch (const std::system_error&) {
        release_helper();
        break;  // no more threads: the ones running share the chunks
      }
    }
  }

  // Parses chunk `k` (claimed by the caller, `mu` not held) and files the result.
  void parse(size_t k) {
    ParsedFile part;
    bool ok = false;
    std::exception_ptr failed;
    try {
      ok = parse_chunk(text, base, cuts, k, part);
      if (ok && after) after(k, part);
    } catch (...) {
      failed = std::current_exception();
    }
    {
      std::lock_guard lock(mu);
      if (failed && !error) error = failed;
      refused[k] = !ok || failed;
      if (refused[k]) stop = true;
      parts[k] = std::move(part);
    }
    ready.notify_all();
  }

  void helper() {
    for (;;) {
      size_t k;
      {
        std::unique_lock lock(mu);
        room.wait(lock, [&] { return stop || claimed >= chunks() || can_claim(); });
        if (!can_claim()) return;
        k = claimed++;
      }
      parse(k);
    }
  }

  Next next(ParsedFile& out) {
    std::unique_lock lock(mu);
    size_t k = consumed;
    if (k >= chunks()) return Next::End;
    while (!parts[k].has_value()) {
      if (error) break;
      if (can_claim()) {  // parse one ahead here rather than wait
        size_t j = claimed++;
        lock.unlock();
        parse(j);
        lock.lock();
        continue;
      }
      ready.wait(lock);
    }
    if (error) {
      stop = true;
      std::exception_ptr e = error;
      lock.unlock();
      room.notify_all();
      std::rethrow_exception(e);
    }
    if (refused[k]) {
      stop = true;
      lock.unlock();
      room.notify_all();
      return Next::Refused;
    }
    out = std::move(*parts[k]);
    parts[k].reset();
    consumed = k + 1;
    for (Statement& st : out.statements) st.index = statements++;
    lock.unlock();
    room.notify_all();
    return Next::Chunk;
  }
};

bool parse_detail::parse_at_cuts(std::string_view text, size_t base,
                                 const std::vector<size_t>& cuts, ParsedFile& out,
                                 unsigned threads) {
  ChunkStream::State stream;
  stream.text = text;
  stream.base = base;
  stream.cuts = cuts;
  stream.window = stream.chunks();  // the whole file is kept anyway
  stream.start(threads);
  for (ParsedFile part;;) {
    switch (stream.next(part)) {
      case ChunkStream::Next::End:
        return true;
      case ChunkStream::Next::Refused:
        return false;
      case ChunkStream::Next::Chunk:
        for (ParseTree& tree : part.trees) out.trees.push_back(std::move(tree));
        out.statements.insert(out.statements.end(), part.statements.begin(), part.statements.end());
        break;
    }
  }
}

namespace {

// `text` must be followed by a NUL byte.
// The psql meta-commands of `text` (see MetaCommand): a backslash outside strings, quoted
// identifiers, dollar quotes and comments, where a statement could start (at the beginning, or
// after a ';' with only blanks and comments since), up to the end of its line.
std::vector<Span> meta_command_lines(std::string_view text) {
  std::vector<Span> out;
  if (text.find('\\') == std::string_view::npos) return out;
  bool at_start = true;
  size_t i = 0, n = text.size();
  while (i < n) {
    char c = text[i];
    if (size_t past = skip_literal(text, i); past != i) {
      // A comment keeps `at_start` as it is; a string or quoted identifier starts a statement.
      if (c != '-' && c != '/') at_start = false;
      i = past;
    } else if (c == '\\' && at_start) {
      size_t nl = text.find('\n', i);
      size_t end = nl == std::string_view::npos ? n : nl;
      while (end > i && (text[end - 1] == '\r' || text[end - 1] == ' ' || text[end - 1] == '\t'))
        --end;
      out.push_back(Span{i, end});
      i = end;
    } else if (c == ';') {
      at_start = true;
      ++i;
    } else {
      if (!is_sql_space(c)) at_start = false;
      ++i;
    }
  }
  return out;
}

// The meta-command at `line` of `text` (which starts at file offset `base`), blanked in
// `blanked` (a copy of `text`) for the parser; positions stay where they are.
MetaCommand blank_meta_command(std::string_view text, size_t base, Span line,
                               std::string& blanked) {
  size_t word = line.begin + 1;
  while (word < line.end && !is_sql_space(text[word])) ++word;
  std::fill(blanked.begin() + static_cast<long>(line.begin),
            blanked.begin() + static_cast<long>(line.end), ' ');
  return MetaCommand{Span{base + line.begin, base + line.end},
                     std::string(text.substr(line.begin, word - line.begin))};
}

ParsedFile parse_text(std::string_view text, size_t base, size_t chunk_bytes = kParseChunkBytes,
                      bool psql = true, unsigned threads = 1) {
  ParsedFile out;
  // libpg_query reads a C string: a NUL byte would silently end the input. Report the first
  // one and parse a copy with NULs blanked so every later statement is still linted. psql
  // meta-commands are blanked in the same copy.
  size_t nul = text.find('\0');
  std::vector<Span> meta = psql ? meta_command_lines(text) : std::vector<Span>{};
  std::string blanked;
  std::vector<MetaCommand> meta_commands;
  if (nul != std::string::npos || !meta.empty()) {
    blanked.assign(text);
    std::replace(blanked.begin(), blanked.end(), '\0', ' ');
    for (const Span& m : meta) meta_commands.push_back(blank_meta_command(text, base, m, blanked));
    text = blanked;
  }
  std::string message;
  int cursor = 0;
  bool chunked = false;
  if (chunk_bytes > 0 && text.size() > chunk_bytes) {
    // Cut where a lexical scan finds a ';' (no scanner run over the whole file: that costs as
    // much as the parse itself), checked by the parse; when a cut is refused or a chunk does
    // not parse, the scanner decides every cut and the chunks recover from syntax errors.
    chunked = parse_detail::parse_at_cuts(text, base, parse_detail::lexical_cuts(text, chunk_bytes),
                                          out, threads);
    if (!chunked) {
      out = ParsedFile{};
      chunked = parse_chunked(text, base, chunk_bytes, out);
    }
  }
  if (!chunked && !parse_piece(text, base, out, &message, &cursor)) {
    out = ParsedFile{};
    parse_recovering(std::string(text), base, out);
  }
  out.meta_commands = std::move(meta_commands);
  if (nul != std::string::npos) {
    SyntaxError e;
    e.message = "NUL byte in input (PostgreSQL rejects it; is this a binary file?)";
    e.offset = base + nul;
    e.end = e.offset + 1;
    e.statement = Span{base + nul, base + nul + 1};
    for (const Statement& s : out.statements) {
      if (s.span.begin <= base + nul && base + nul < s.span.end) e.statement = s.span;
    }
    out.errors.insert(out.errors.begin(), std::move(e));
  }
  std::stable_sort(
      out.statements.begin(), out.statements.end(),
      [](const Statement& a, const Statement& b) { return a.span.begin < b.span.begin; });
  std::stable_sort(out.errors.begin(), out.errors.end(),
                   [](const SyntaxError& a, const SyntaxError& b) { return a.offset < b.offset; });
  for (size_t i = 0; i < out.statements.size(); ++i) out.statements[i].index = i;
  return out;
}

}  // namespace

ParsedFile parse_file(const SourceFile& file, unsigned threads) {
  size_t bom = file.bom_length();
  return parse_text(std::string_view(file.bytes()).substr(bom), bom, kParseChunkBytes,
                    /*psql=*/true, threads);
}

std::unique_ptr<ChunkStream> ChunkStream::open(const SourceFile& file, unsigned threads,
                                               size_t chunk_bytes, AfterParse after) {
  size_t bom = file.bom_length();
  std::string_view text = std::string_view(file.bytes()).substr(bom);
  if (chunk_bytes == 0 || text.size() <= chunk_bytes || text.find('\0') != std::string::npos)
    return nullptr;
  auto state = std::make_unique<State>();
  // The same text parse_text hands the parser: meta-commands blanked, positions unchanged.
  for (const Span& m : meta_command_lines(text)) {
    if (state->blanked.empty()) state->blanked.assign(text);
    state->meta_commands.push_back(blank_meta_command(text, bom, m, state->blanked));
  }
  state->text = state->blanked.empty() ? text : std::string_view(state->blanked);
  state->base = bom;
  state->cuts = parse_detail::lexical_cuts(state->text, chunk_bytes);
  if (state->cuts.empty()) return nullptr;
  state->after = std::move(after);
  state->window = std::max(2u, 2 * threads);
  state->start(threads);
  return std::unique_ptr<ChunkStream>(new ChunkStream(std::move(state)));
}

ChunkStream::ChunkStream(std::unique_ptr<State> state) : state_(std::move(state)) {}

ChunkStream::~ChunkStream() = default;

const std::vector<MetaCommand>& ChunkStream::meta_commands() const {
  return state_->meta_commands;
}

ChunkStream::Next ChunkStream::next(ParsedFile& out) {
  return state_->next(out);
}

const PgQuery__Node* copy_node(const PgQuery__Node* node, fastpack::Arena& arena) {
  const auto* message = reinterpret_cast<const ProtobufCMessage*>(node);
  size_t size = fastpack::packed_size(message);
  if (size == SIZE_MAX) return nullptr;
  std::vector<uint8_t> bytes(size);
  if (fastpack::pack(message, bytes.data()) != size) return nullptr;
  ProtobufCAllocator allocator = arena.allocator();
  ProtobufCMessage* copy =
      fastpack::unpack(&pg_query__node__descriptor, &allocator, size, bytes.data());
  if (!copy)
    copy = protobuf_c_message_unpack(&pg_query__node__descriptor, &allocator, size, bytes.data());
  return reinterpret_cast<const PgQuery__Node*>(copy);
}

ParsedFile parse_sql(const std::string& sql) {
  return parse_text(sql, 0);
}

ParsedFile parse_sql(const std::string& sql, size_t chunk_bytes, unsigned threads) {
  return parse_text(sql, 0, chunk_bytes, /*psql=*/true, threads);
}

ParsedFile parse_embedded(std::shared_ptr<const Embedding> embedding) {
  ParsedFile out = parse_text(embedding->sql, 0, kParseChunkBytes, /*psql=*/false);
  const TextMap& map = embedding->map;
  for (Statement& s : out.statements) {
    s.text = s.span;
    s.span = map.span(s.text);
    s.embedding = embedding;
  }
  for (SyntaxError& e : out.errors) {
    Span at = map.span(Span{e.offset, e.end});
    e.offset = at.begin;
    e.end = at.end;
    e.statement = map.span(e.statement);
  }
  return out;
}

}  // namespace migsafe
