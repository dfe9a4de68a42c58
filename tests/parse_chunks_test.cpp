// A large file is parsed in chunks of whole statements (bounded libpg_query memory): the
// statements, spans, node locations, syntax errors and findings must be exactly those of a
// whole-file parse, on every fixture and on a file above the chunking threshold.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <optional>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/linter.hpp"
#include "core/runner.hpp"
#include "core/tokens.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;

// What a parse says about each statement and error, in file offsets (node locations through
// Statement::at, so a chunk's own `base` does not show).
std::vector<std::string> describe(const ParsedFile& p) {
  std::vector<std::string> out;
  for (const Statement& s : p.statements) {
    std::string d = std::to_string(s.index) + ":" + std::to_string(s.span.begin) + "-" +
                    std::to_string(s.span.end) + (s.node ? " parsed" : " failed");
    if (s.node) {
      const PgQuery__Node* raw = s.node;
      d += " kind " + std::to_string(static_cast<int>(raw->node_case));
      // The relation's location, made absolute.
      if (raw->node_case == PG_QUERY__NODE__NODE_INDEX_STMT && raw->index_stmt->relation)
        d += " @" + std::to_string(s.at(raw->index_stmt->relation->location));
      if (raw->node_case == PG_QUERY__NODE__NODE_CREATE_STMT && raw->create_stmt->relation)
        d += " @" + std::to_string(s.at(raw->create_stmt->relation->location));
      if (raw->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_STMT &&
          raw->alter_table_stmt->relation)
        d += " @" + std::to_string(s.at(raw->alter_table_stmt->relation->location));
      if (raw->node_case == PG_QUERY__NODE__NODE_INSERT_STMT && raw->insert_stmt->relation)
        d += " @" + std::to_string(s.at(raw->insert_stmt->relation->location));
    }
    out.push_back(d);
  }
  for (const SyntaxError& e : p.errors)
    out.push_back("error " + std::to_string(e.offset) + "-" + std::to_string(e.end) + " in " +
                  std::to_string(e.statement.begin) + "-" + std::to_string(e.statement.end) + ": " +
                  e.message);
  return out;
}

std::vector<std::string> describe(const FileResult& r) {
  std::vector<std::string> out;
  for (const Finding& f : r.findings) {
    std::string d = f.rule + " " + std::to_string(f.span.begin) + "-" + std::to_string(f.span.end) +
                    " " + std::to_string(f.statement.begin) + "-" +
                    std::to_string(f.statement.end) + " " + f.message + " | " + f.help;
    for (const Fix& fix : f.fixes)
      for (const Edit& e : fix.edits)
        d += " edit " + std::to_string(e.span.begin) + "-" + std::to_string(e.span.end) + e.text;
    for (const Related& rel : f.related)
      d += " related " + std::to_string(rel.span.begin) + " " + rel.message;
    for (const Span& secret : f.redacted)
      d += " redacted " + std::to_string(secret.begin) + "-" + std::to_string(secret.end);
    out.push_back(d);
  }
  std::string statements = std::to_string(r.statements) + " statements:";
  for (const Span& s : r.statement_spans)
    statements += " " + std::to_string(s.begin) + "-" + std::to_string(s.end);
  out.push_back(statements);
  return out;
}

FileResult lint_with(const std::string& sql, const ParsedFile& parsed) {
  LintSettings settings = fixture_settings(sql);
  LintPlan plan(settings, RuleSelection{});
  return lint_parsed(std::make_shared<const SourceFile>("test.sql", sql), parsed, plan,
                     plan.settings());
}

std::vector<std::string> fixture_texts() {
  std::vector<std::string> out;
  for (const auto& dir : fs::directory_iterator(fs::path(source_dir()) / "fixtures"))
    for (const auto& f : fs::directory_iterator(dir.path()))
      if (f.path().extension() == ".sql") out.push_back(read_text(f.path().string()));
  return out;
}

TEST(ParseChunks, EveryFixtureParsesAndLintsTheSameInSmallChunks) {
  size_t chunked_files = 0;
  for (const std::string& sql : fixture_texts()) {
    ParsedFile whole = parse_sql(sql, 0);
    for (size_t chunk : {size_t{1}, size_t{64}, size_t{400}}) {
      ParsedFile chunked = parse_sql(sql, chunk);
      ASSERT_EQ(describe(chunked), describe(whole)) << "chunk " << chunk << ":\n" << sql;
      ASSERT_EQ(describe(lint_with(sql, chunked)), describe(lint_with(sql, whole)))
          << "chunk " << chunk << ":\n"
          << sql;
    }
    if (sql.size() > 64) ++chunked_files;
  }
  EXPECT_GT(chunked_files, 100u);  // the chunked path really ran on most fixtures
}

TEST(ParseChunks, AFileAboveTheThresholdIsChunkedWithTheSameResult) {
  // Every fixture, one after the other, until the file is well above the threshold; one of them
  // with a syntax error, so a chunk also goes through the recovering parse.
  std::string sql;
  std::vector<std::string> fixtures = fixture_texts();
  while (sql.size() < 3 * kParseChunkBytes)
    for (const std::string& f : fixtures) sql += f + "\n;\n";
  sql += "SELEC 1;\nCREATE INDEX big_idx ON orders (id);\n";
  ASSERT_GT(sql.size(), kParseChunkBytes);
  ParsedFile whole = parse_sql(sql, 0);
  ParsedFile chunked = parse_sql(sql);  // the default: chunked above kParseChunkBytes
  EXPECT_GT(chunked.trees.size(), 2u);  // several libpg_query parses, not one
  EXPECT_EQ(describe(chunked), describe(whole));
  // The chunks parsed on several threads: the same statements, in the same order.
  for (unsigned threads : {2u, 5u}) {
    ParsedFile parallel = parse_sql(sql, kParseChunkBytes, threads);
    EXPECT_EQ(parallel.trees.size(), chunked.trees.size()) << threads;
    EXPECT_EQ(describe(parallel), describe(whole)) << threads;
  }
  FileResult a = lint_with(sql, whole);
  LintPlan plan(fixture_settings(sql), RuleSelection{});
  FileResult b = lint_source(std::make_shared<const SourceFile>("test.sql", sql), plan);
  EXPECT_GT(a.findings.size(), 100u);
  EXPECT_EQ(describe(b), describe(a));
}

// Every thread of a run may be preparing a large file at once: their helper threads share one
// budget of `threads - 1`, instead of each starting `threads - 1` of its own.
TEST(ParseChunks, HelperThreadsComeFromOneBudgetForAllCallers) {
  std::string sql;
  for (int i = 0; sql.size() < 6 * kParseChunkBytes; ++i)
    sql += "CREATE TABLE t" + std::to_string(i) + " (id int, note text);\nINSERT INTO t" +
           std::to_string(i) + " VALUES (1, 'a;b'), (2, $$c;d$$); -- e;\n";
  const std::vector<std::string> whole = describe(parse_sql(sql, 0));
  parse_detail::peak_helper_threads(/*reset=*/true);
  std::vector<std::vector<std::string>> got(4);
  std::vector<std::thread> callers;
  for (size_t i = 0; i < got.size(); ++i)
    callers.emplace_back([&, i] { got[i] = describe(parse_sql(sql, kParseChunkBytes, 3)); });
  for (std::thread& t : callers) t.join();
  for (const auto& g : got) EXPECT_EQ(g, whole);
  unsigned peak = parse_detail::peak_helper_threads();
  EXPECT_GE(peak, 1u);  // helpers were used
  EXPECT_LE(peak, 2u);  // but never more than the budget, whatever the number of callers
}

// The runner parses PL/pgSQL bodies on its parsing threads (parse_bodies) and hands them to the
// linter: the findings are those of the linter parsing them itself, on every fixture.
TEST(ParseChunks, BodiesParsedAheadGiveTheSameFindings) {
  size_t with_bodies = 0;
  for (const std::string& sql : fixture_texts()) {
    auto file = std::make_shared<const SourceFile>("test.sql", sql);
    ParsedFile parsed = parse_sql(sql);
    ParsedBodies bodies = parse_bodies(*file, parsed);
    if (std::any_of(bodies.begin(), bodies.end(), [](const auto& b) { return b != nullptr; }))
      ++with_bodies;
    LintPlan plan(fixture_settings(sql), RuleSelection{});
    FileResult ahead = lint_parsed(file, parsed, plan, plan.settings(), true, nullptr, &bodies);
    FileResult own = lint_parsed(file, parsed, plan, plan.settings());
    EXPECT_EQ(describe(ahead), describe(own)) << sql.substr(0, 200);
  }
  EXPECT_GT(with_bodies, 10u);
}

std::string describe(const StatementSplit& s) {
  std::string d = "error '" + s.error + "' at " + std::to_string(s.cursor) + ":";
  for (auto [loc, len] : s.pieces) d += " " + std::to_string(loc) + "+" + std::to_string(len);
  return d;
}

// The split that decides where chunks end scans a large file a window at a time: the pieces,
// error and cursor are those of one scan of the whole text, whatever the window.
TEST(ParseChunks, TheSplitScannedInWindowsIsTheWholeScansSplit) {
  std::vector<std::string> texts = fixture_texts();
  texts.push_back(
      "SELECT 'a;b'; SELECT $$x;y$$; SELECT $t$ ; $$ ; $t$;\n"
      "CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2);\n"
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true "
      "THEN 1 END; END;\n/* a ; /* nested ; */ ; */ SELECT 'ü;ü' ;; ; -- c ; \n SELECT \"q;\";");
  texts.push_back("SELECT 'ü'; SELECT 1; SELECT 'unterminated ü; SELECT 2;");
  texts.push_back("SELECT 1; /* unterminated ; comment");
  texts.push_back("SELECT 1; SELECT $$ unterminated ; dollar");
  texts.push_back(";;; SELECT 1 ;;");
  size_t windowed = 0;
  for (const std::string& sql : texts) {
    std::string whole = describe(split_statements(sql));
    for (size_t window : {size_t{1}, size_t{7}, size_t{64}, size_t{400}}) {
      ASSERT_EQ(describe(split_statements(sql, window)), whole) << "window " << window << ":\n"
                                                                << sql;
    }
    if (sql.size() > 400) ++windowed;
  }
  EXPECT_GT(windowed, 50u);
  EXPECT_NE(describe(split_statements(texts[texts.size() - 4])).find("unterminated"),
            std::string::npos);
}

// Chunks are cut where a lexical scan finds a ';' (no scanner run over the whole file); the
// parse of each chunk confirms the cut. On valid SQL the cuts are taken, and the result is the
// whole-file parse's.
TEST(ParseChunks, LexicalCutsAreTakenOnValidSqlAndGiveTheWholeParse) {
  const std::string tricky =
      "SELECT 'a;b', E'it\\'s;', $$x;y$$, $t$ ; $$ ; $t$, \"q;\" FROM t;\n"
      "/* a ; /* nested ; */ ; */ SELECT a$b, $1 FROM u; -- c ;\n"
      "SELECT 'ü;ü' ;; ; SELECT U&'d\\0061;' ; SELECT 1;\n";
  ParsedFile whole = parse_sql(tricky, 0);
  ASSERT_TRUE(whole.errors.empty());
  for (size_t chunk : {size_t{1}, size_t{16}, size_t{64}}) {
    std::vector<size_t> cuts = parse_detail::lexical_cuts(tricky, chunk);
    EXPECT_EQ(cuts.size(), chunk == 1 ? 5u : chunk == 16 ? 4u : 1u) << chunk;
    for (size_t cut : cuts) EXPECT_EQ(tricky[cut - 1], ';') << cut;
    ParsedFile direct;
    EXPECT_TRUE(parse_detail::parse_at_cuts(tricky, 0, cuts, direct)) << chunk;
    EXPECT_EQ(direct.trees.size(), cuts.size() + 1);
    EXPECT_EQ(describe(parse_sql(tricky, chunk)), describe(whole)) << chunk;
    EXPECT_EQ(describe(parse_sql(tricky, chunk, 3)), describe(whole)) << chunk;
  }
  // On the fixtures (chunks of one statement each), the cuts hold except where a statement
  // has ';' inside it (BEGIN ATOMIC bodies, rule actions) or the fixture has a syntax error.
  size_t taken = 0;
  for (const std::string& sql : fixture_texts()) {
    ParsedFile out;
    if (parse_detail::parse_at_cuts(sql, 0, parse_detail::lexical_cuts(sql, 1), out)) ++taken;
  }
  EXPECT_GT(taken, 300u);
}

// A cut the parse does not confirm is refused, and the scanner decides the cuts instead.
TEST(ParseChunks, ACutInsideAStatementOrAfterACommentedSemicolonIsRefused) {
  auto refused = [](const std::string& sql, std::string_view after) {
    size_t cut = sql.find(after);
    EXPECT_NE(cut, std::string::npos);
    ParsedFile out;
    return !parse_detail::parse_at_cuts(sql, 0, {cut + after.size()}, out);
  };
  std::string atomic =
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n"
      "SELECT 3;\n";
  EXPECT_TRUE(refused(atomic, "SELECT 1;"));
  EXPECT_FALSE(refused(atomic, "END;"));
  std::string rule = "CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2);\nSELECT 3;\n";
  EXPECT_TRUE(refused(rule, "SELECT 1;"));
  EXPECT_FALSE(refused(rule, ");"));
  // The chunk parses, but its last ';' is in a comment: PostgreSQL did not end a statement there.
  std::string comment = "SELECT 1; -- x;\nSELECT 2;\n";
  EXPECT_TRUE(refused(comment, "x;"));
  EXPECT_FALSE(refused(comment, "SELECT 1;"));
  // Only comments before the cut: no statement ends there.
  EXPECT_TRUE(refused("/* a */ ;\nSELECT 1;", ";"));
  for (size_t chunk : {size_t{1}, size_t{8}}) {
    for (unsigned threads : {1u, 3u}) {
      EXPECT_EQ(describe(parse_sql(atomic, chunk, threads)), describe(parse_sql(atomic, 0)));
      EXPECT_EQ(describe(parse_sql(rule, chunk, threads)), describe(parse_sql(rule, 0)));
    }
  }
}

TEST(ParseChunks, ABrokenTokenFallsBackToTheWholeFileParse) {
  std::string sql = "SELECT 1;\nSELECT 2;\nSELECT 'unterminated;\nSELECT 3;\n";
  EXPECT_EQ(describe(parse_sql(sql, 4)), describe(parse_sql(sql, 0)));
}

// --- Streaming: a large file linted as it is parsed (lint_streamed), its chunks' trees dropped
// as it goes. The findings must be exactly lint_parsed's on the whole parse.

std::optional<FileResult> lint_streamed_with(const std::string& sql, size_t chunk, unsigned threads,
                                             size_t* peak = nullptr, StreamOptions options = {}) {
  LintSettings settings = fixture_settings(sql);
  LintPlan plan(settings, RuleSelection{});
  options.threads = threads;
  options.chunk_bytes = chunk;
  options.peak_chunks = peak;
  return lint_streamed(std::make_shared<const SourceFile>("test.sql", sql), plan, plan.settings(),
                       true, nullptr, options);
}

TEST(StreamedLint, EveryFixtureLintsTheSameStreamedInSmallChunks) {
  size_t streamed = 0;
  for (const std::string& sql : fixture_texts()) {
    std::vector<std::string> whole = describe(lint_with(sql, parse_sql(sql, 0)));
    for (size_t chunk : {size_t{64}, size_t{400}}) {
      for (unsigned threads : {1u, 3u}) {
        auto r = lint_streamed_with(sql, chunk, threads);
        if (!r) continue;  // not cut in two, or a syntax error: the caller parses it whole
        ++streamed;
        ASSERT_EQ(describe(*r), whole) << "chunk " << chunk << ", threads " << threads << ":\n"
                                       << sql;
      }
    }
  }
  EXPECT_GT(streamed, 400u);  // most fixtures, in each of the four ways
}

// Every fixture that parses, one after the other, in ~200 chunks: the same findings as the
// whole file's, with never more than a few chunks' trees held.
TEST(StreamedLint, ALargeFileHoldsOnlyAFewChunksAndLintsTheSame) {
  std::string sql;
  std::vector<std::string> fixtures;
  for (const std::string& f : fixture_texts())
    if (parse_sql(f, 0).errors.empty() && f.find("fixture:") == std::string::npos)
      fixtures.push_back(f);
  while (sql.size() < 800'000)
    for (const std::string& f : fixtures) sql += f + "\n;\n";
  ParsedFile whole = parse_sql(sql, 0);
  ASSERT_TRUE(whole.errors.empty());
  std::vector<std::string> expected = describe(lint_with(sql, whole));
  for (unsigned threads : {1u, 2u, 4u}) {
    size_t peak = 0;
    auto r = lint_streamed_with(sql, 4096, threads, &peak);
    ASSERT_TRUE(r.has_value()) << threads;
    EXPECT_EQ(describe(*r), expected) << threads;
    EXPECT_GE(peak, 1u);
    EXPECT_LE(peak, 3u) << threads;  // of about 200 chunks
  }
}

// What a later statement or the end of the file looks back at is still there after its chunk
// is dropped: the DROP ... IF EXISTS prefer-robust-stmts reads before a CREATE, the CREATE
// TABLE require-primary-key reports at the end.
TEST(StreamedLint, StatementsLookedBackAtOutliveTheirChunk) {
  std::string sql =
      "DROP INDEX IF EXISTS orders_note_idx;\n"
      "ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_id_positive;\n"
      "CREATE TABLE IF NOT EXISTS no_key (note text);\n";
  for (int i = 0; i < 3000; ++i)
    sql += "INSERT INTO orders (id, note) VALUES (" + std::to_string(i) + ", 'row " +
           std::to_string(i) + "');\n";
  sql +=
      "CREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);\n"
      "ALTER TABLE orders ADD CONSTRAINT orders_id_positive CHECK (id > 0) NOT VALID;\n";
  FileResult whole = lint_with(sql, parse_sql(sql, 0));
  std::vector<std::string> rules = rule_ids(whole);
  EXPECT_NE(std::find(rules.begin(), rules.end(), "require-primary-key"), rules.end());
  EXPECT_EQ(std::find(rules.begin(), rules.end(), "prefer-robust-stmts"), rules.end());
  size_t peak = 0;
  auto r = lint_streamed_with(sql, 2048, 1, &peak);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(describe(*r), describe(whole));
  EXPECT_LE(peak, 3u);
}

// psql meta-commands (pg_dump writes \restrict and \unrestrict around every dump) are blanked
// for the parser and reported as parse_file reports them: syntax errors for a framework that
// sends the file to the server, nothing for psql.
TEST(StreamedLint, MetaCommandsAreReportedAsInTheWholeFile) {
  std::string sql = "\\restrict abc123\nCREATE TABLE t (id bigint PRIMARY KEY);\n";
  for (int i = 0; i < 400; ++i) {
    sql += "INSERT INTO t VALUES (" + std::to_string(i) + ");\n";
    if (i == 200) sql += "\\connect other\n";
  }
  sql += "\\unrestrict abc123\n";
  auto file = std::make_shared<const SourceFile>("dump.sql", sql);
  for (const char* framework : {"flyway", "plain"}) {
    LintSettings settings;
    settings.framework = framework;
    LintPlan plan(settings, RuleSelection{});
    FileResult whole = lint_parsed(file, parse_file(*file), plan, plan.settings());
    StreamOptions options;
    options.chunk_bytes = 1024;
    auto streamed = lint_streamed(file, plan, plan.settings(), true, nullptr, options);
    ASSERT_TRUE(streamed.has_value()) << framework;
    EXPECT_EQ(describe(*streamed), describe(whole)) << framework;
    std::vector<std::string> rules = rule_ids(whole);
    EXPECT_EQ(std::count(rules.begin(), rules.end(), "syntax-error"),
              std::string(framework) == "flyway" ? 3 : 0)
        << framework;
  }
}

TEST(StreamedLint, ARefusedChunkOrTheCallerStopsTheStream) {
  std::string sql;
  for (int i = 0; i < 500; ++i) sql += "INSERT INTO t VALUES (" + std::to_string(i) + ");\n";
  std::string late_error = sql + "SELEC 1;\n" + sql;
  EXPECT_TRUE(lint_streamed_with(sql + sql, 1024, 2).has_value());
  EXPECT_FALSE(lint_streamed_with(late_error, 1024, 1).has_value());
  EXPECT_FALSE(lint_streamed_with(late_error, 1024, 3).has_value());
  // The caller's check on each chunk (Flyway: a statement that refuses a transaction block).
  std::string late_concurrently = sql + "CREATE INDEX CONCURRENTLY t_idx ON t (id);\n" + sql;
  StreamOptions options;
  options.refuse = [](const SourceFile& file, const ParsedFile& part) {
    for (const Statement& s : part.statements)
      if (file.text(s.span).find("CONCURRENTLY") != std::string_view::npos) return true;
    return false;
  };
  EXPECT_FALSE(lint_streamed_with(late_concurrently, 1024, 2, nullptr, options).has_value());
  EXPECT_TRUE(lint_streamed_with(sql + sql, 1024, 2, nullptr, options).has_value());
  // Too small to cut, or a NUL byte: not streamed.
  EXPECT_FALSE(lint_streamed_with("SELECT 1;", 1024, 1).has_value());
  EXPECT_FALSE(lint_streamed_with(sql + std::string(1, '\0') + sql, 1024, 1).has_value());
}

// `migsafe check` on the history in `dir`, every file streamed that can be (stream_bytes 1) on 1
// and 2 threads: the report of parsing every file whole, with `streamed` files streamed.
void expect_same_report_streamed(const fs::path& dir, size_t streamed) {
  auto check = [&](size_t stream_bytes, unsigned jobs) {
    CheckOptions options;
    options.paths = {dir.string()};
    options.format = "json";
    options.jobs = jobs;
    options.stream_bytes = stream_bytes;
    std::ostringstream out, err;
    int rc = run_check(options, out, err);
    return std::to_string(rc) + "\n" + out.str() + err.str();
  };
  std::string whole = check(SIZE_MAX, 1);
  for (unsigned jobs : {1u, 2u}) {
    linter_detail::streamed_files(/*reset=*/true);
    std::string got = check(1, jobs);
    auto [at, _] = std::mismatch(got.begin(), got.end(), whole.begin(), whole.end());
    size_t from = static_cast<size_t>(at - got.begin());
    EXPECT_TRUE(got == whole) << jobs << " jobs, first difference at " << from << ": "
                              << got.substr(from > 200 ? from - 200 : 0, 400);
    EXPECT_EQ(linter_detail::streamed_files(), streamed) << jobs;
  }
}

class StreamedHistory : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("migsafe-stream-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    fs::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  static std::string rows() {
    std::string out;
    for (int i = 0; out.size() < 3 * kParseChunkBytes; ++i)
      out += "INSERT INTO audit (id, note) VALUES (" + std::to_string(i) + ", 'row " +
             std::to_string(i) + "');\n";
    return out;
  }
  fs::path dir_;
};

// A Flyway history with large files. V2 is streamed until its last chunk, whose CREATE INDEX
// CONCURRENTLY makes Flyway run the file outside a transaction: it is then linted again, whole,
// on the history's schema as it was before it (replayed twice onto the same schema, its rename
// would find the table it creates itself; V3 alters a table it creates). V4 is streamed to its
// end.
TEST_F(StreamedHistory, AFlywayFileThatRefusesATransactionIsLintedAgainWhole) {
  write("db/V1__base.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, note text);\n");
  write("db/V2__seed.sql",
        "ALTER TABLE orders RENAME TO orders_old;\n"
        "CREATE TABLE orders (id bigint PRIMARY KEY, note text);\n"
        "ALTER TABLE orders_old ADD COLUMN archived boolean;\n"
        "CREATE TABLE audit (id bigint PRIMARY KEY, note text);\n" +
            rows() + "CREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);\n");
  write("db/V3__more.sql",
        "ALTER TABLE audit ADD COLUMN seen timestamptz;\n"
        "ALTER TABLE audit ALTER COLUMN note SET NOT NULL;\n");
  write("db/V4__seed.sql",
        "CREATE TABLE no_key (note text);\n"
        "ALTER TABLE orders ALTER COLUMN note TYPE varchar(20);\n" +
            rows() + "CREATE INDEX orders_id_idx ON orders (id);\n");
  write("db/V5__use.sql", "ALTER TABLE no_key ADD COLUMN id int;\n");
  expect_same_report_streamed(dir_ / "db", 1);  // V4; V2 was stopped
}

// golang-migrate runs a file of several statements as one implicit transaction. A file that
// cannot be streamed (one statement, here too small to cut) keeps that rule.
TEST_F(StreamedHistory, ImplicitTransactionsOfFilesThatAreNotStreamed) {
  write("m/000001_init.up.sql", "CREATE TABLE audit (id bigint PRIMARY KEY, note text);\n");
  write("m/000001_init.down.sql", "DROP TABLE audit;\n");
  write("m/000002_idx.up.sql", "CREATE INDEX CONCURRENTLY audit_note ON audit (note);\n");
  write("m/000002_idx.down.sql", "DROP INDEX CONCURRENTLY audit_note;\n");
  write("m/000003_seed.up.sql", rows() + "CREATE INDEX CONCURRENTLY audit_id ON audit (id);\n");
  write("m/000003_seed.down.sql", "DELETE FROM audit;\n");
  expect_same_report_streamed(dir_ / "m", 1);  // 000003's up script
}

}  // namespace
}  // namespace migsafe::test
