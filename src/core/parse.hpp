// Parses a SourceFile with libpg_query (protobuf-c tree, owned by RAII types) into statements
// with exact byte spans. A file that does not parse as a whole is split with the scanner and
// parsed statement by statement, so one syntax error never hides the rest of the file.
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/source.hpp"
#include "core/text_map.hpp"

namespace migsafe {

// SQL that PostgreSQL runs from inside a string literal of the file (a DO block's body, a
// routine's body, a constant EXECUTE string): the text as the server sees it, and where each of
// its bytes was written in the file.
struct Embedding {
  std::string sql;
  TextMap map;  // offsets into `sql` -> file offsets
};

// The memory of one unpacked tree: every node is allocated from it (a bump allocator, freed in
// one go), instead of one malloc and one free per node (fastpack/arena.hpp).
namespace fastpack {
class Arena;
}
struct ParseResultDeleter {
  std::shared_ptr<fastpack::Arena> arena;  // owns the tree's memory; nullptr: protobuf-c's malloc
  void operator()(PgQuery__ParseResult* r) const;
};
using ParseTree = std::unique_ptr<PgQuery__ParseResult, ParseResultDeleter>;

struct Statement {
  const PgQuery__Node* node = nullptr;  // nullptr when this statement failed to parse
  Span span;                            // first token .. end, including a trailing ';'
  size_t base = 0;  // file offset that the tree's `location` fields are relative to
  size_t index = 0;
  // Set for a statement found inside a string literal (see Embedding); `location` fields and
  // `text` are then offsets into embedding->sql, and `span` is `text` mapped into the file.
  std::shared_ptr<const Embedding> embedding;
  Span text;

  // Absolute file offset of a node `location` (-1 means "unknown": the statement start).
  size_t at(int location) const {
    if (location < 0) return span.begin;
    if (embedding) return embedding->map.begin(static_cast<size_t>(location));
    return base + static_cast<size_t>(location);
  }
  // The statement's SQL as PostgreSQL runs it (differs from the file's bytes inside a quoted
  // literal: '' there is ' here).
  std::string_view sql(const SourceFile& file) const {
    if (!embedding) return file.text(span);
    return std::string_view(embedding->sql).substr(text.begin, text.end - text.begin);
  }
};

struct SyntaxError {
  std::string message;
  size_t offset = 0;  // where PostgreSQL says the error is
  size_t end = 0;     // end of the offending token on that line (== offset when unknown)
  Span statement;     // the statement that failed to parse
};

// A psql meta-command (`\restrict KEY`, `\connect db`, `\i file` ...): a line that starts
// with a backslash where a statement could start. psql runs it itself and never sends it to
// the server; pg_dump 15.14 / 16.10 / 17.6 and later write `\restrict` and `\unrestrict` around
// every dump. The parser skips the line (blanked in the copy libpg_query reads, so every
// position is unchanged) and records it here; whether it is an error depends on what runs
// the file (see the linter).
struct MetaCommand {
  Span span;         // from the backslash to the end of the line
  std::string name;  // "\restrict"
};

struct ParsedFile {
  std::vector<ParseTree> trees;  // owns every node the statements point into
  std::vector<Statement> statements;
  std::vector<SyntaxError> errors;
  std::vector<MetaCommand> meta_commands;
};

// A file longer than this is parsed in chunks of whole statements of about this size (the
// same statements, spans and trees as a whole-file parse; libpg_query's memory is per chunk).
// 256 KB measured best on the benchmark's 20 MB file: 1 MB chunks make libpg_query's memory
// context for each chunk large enough that malloc maps and unmaps its blocks chunk after chunk
// (1.32 s, 324 MB; 256 KB: 1.01 s, 307 MB; 64 KB: 1.01 s, 320 MB).
inline constexpr size_t kParseChunkBytes = size_t{256} << 10;

// Parse the whole file; never throws on bad SQL. A file parsed in chunks has them parsed on up
// to `threads` threads (the calling one and helpers it starts).
ParsedFile parse_file(const SourceFile& file, unsigned threads = 1);

// A large file parsed chunk by chunk, in file order, for a consumer that is done with each
// chunk's trees before the end of the file (the linter streams files of at least
// kStreamBytes): only a few chunks' trees exist at once, where parse_file holds the whole
// file's (a 20 MB seed file: 250 MB of trees). The chunks are cut and parsed as parse_file's
// first try does (lexical cuts, checked by the parse), on up to `threads` threads: helpers
// started here, and the consumer's own thread while the chunk it waits for is not ready.
// Helpers stay at most a few chunks ahead of the consumer.
class ChunkStream {
 public:
  // Runs on the thread that parsed a chunk, before the consumer gets it: per-chunk work that
  // needs no earlier chunk (PL/pgSQL bodies, for instance).
  using AfterParse = std::function<void(size_t chunk, ParsedFile& part)>;

  // nullptr when parse_file would not cut `file` in at least two chunks of `chunk_bytes`, or
  // when the file holds a NUL byte (parse_file reports it, with the statement it is in).
  static std::unique_ptr<ChunkStream> open(const SourceFile& file, unsigned threads,
                                           size_t chunk_bytes = kParseChunkBytes,
                                           AfterParse after = {});
  ~ChunkStream();  // stops and waits for the helpers (parse_at_cuts drains one too)
  ChunkStream(const ChunkStream&) = delete;
  ChunkStream& operator=(const ChunkStream&) = delete;

  // The file's psql meta-commands (blanked for the parser, as parse_file does).
  const std::vector<MetaCommand>& meta_commands() const;

  enum class Next { Chunk, End, Refused };
  // The next chunk into `out` (what it held is dropped): its trees and its statements, indexed
  // from the file's first statement. Refused: the chunk does not parse as cut (a syntax error,
  // or a cut that is not the end of a statement); the file must then go through parse_file,
  // which recovers. An exception thrown while parsing is rethrown here.
  Next next(ParsedFile& out);

  struct State;

 private:
  explicit ChunkStream(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// A deep copy of `node` whose memory is `arena`'s (packed and unpacked again), for a statement
// that must outlive its chunk's tree; nullptr when it cannot be copied.
const PgQuery__Node* copy_node(const PgQuery__Node* node, fastpack::Arena& arena);

// Parse one SQL string (for tests and tools); offsets are relative to `sql`.
ParsedFile parse_sql(const std::string& sql);
// The same, in chunks of about `chunk_bytes` (0: in one piece) parsed on up to `threads`
// threads; for tests of the chunking.
ParsedFile parse_sql(const std::string& sql, size_t chunk_bytes, unsigned threads = 1);

// Parse embedded SQL: statement spans and syntax error positions are file offsets.
ParsedFile parse_embedded(std::shared_ptr<const Embedding> embedding);

// A byte that continues an unquoted identifier or keyword: an ASCII letter or digit, '_', '$',
// or any byte of a multi-byte character. No locale lookup: the scans that use it read every
// byte of every statement.
constexpr bool is_identifier_byte(char ch) {
  unsigned char c = static_cast<unsigned char>(ch);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || c >= 0x80;
}

// A byte PostgreSQL's scanner reads as whitespace (space, tab, newline, carriage return, form
// feed, vertical tab). No locale lookup, like is_identifier_byte.
constexpr bool is_sql_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Skip whitespace and SQL comments (-- and nested /* */) starting at `pos`.
size_t skip_space_and_comments(std::string_view text, size_t pos);

// If a comment, a string ('...', E'...' with backslash escapes), a quoted identifier or a
// dollar-quoted string starts at `pos`: the offset just past it (and past the blanks and
// comments after a comment), or the end of `text` when it is not closed. Otherwise `pos`.
// The lexical skipping shared by the scans that look at SQL text outside literals.
namespace parse_detail {
size_t skip_literal_at(std::string_view text, size_t pos);

// How a large file is cut into chunks (exposed for tests). `lexical_cuts`: offsets just past a
// ';' outside comments, strings, quoted identifiers and dollar quotes that ends a statement
// (not an empty one), each at least `chunk_bytes` after the previous cut (none at the end). A
// lexical guess: `parse_at_cuts` parses the chunks (on up to `threads` threads, appending to
// `out` in order) and returns false when a chunk does not parse or its parse did not end a
// statement at the chunk's final ';' (`out` may then hold the chunks before it: drop it).
std::vector<size_t> lexical_cuts(std::string_view text, size_t chunk_bytes);
bool parse_at_cuts(std::string_view text, size_t base, const std::vector<size_t>& cuts,
                   ParsedFile& out, unsigned threads = 1);
// The most helper threads parse_at_cuts had running at once in this process (all callers
// together stay within `threads - 1`); `reset` starts the count again. For tests.
unsigned peak_helper_threads(bool reset = false);
}  // namespace parse_detail
// The bytes that can start what skip_literal skips (-- and /* comments, '...', "...", $tag$):
// at any other byte it returns `pos`. For the scans that classify bytes with a table.
constexpr bool may_start_literal(char c) {
  return c == '-' || c == '/' || c == '\'' || c == '"' || c == '$';
}
// Inline for the common case (no literal starts here): the scans call it for every byte.
inline size_t skip_literal(std::string_view text, size_t pos) {
  if (pos >= text.size() || !may_start_literal(text[pos])) return pos;
  return parse_detail::skip_literal_at(text, pos);
}

}  // namespace migsafe
