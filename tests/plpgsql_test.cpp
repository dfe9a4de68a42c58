// Statements inside DO blocks, constant EXECUTE strings and called routines: the rules fire
// there, the spans point at the exact bytes in the file (through dollar quotes, doubled quotes,
// E'' escapes, multi-byte text and CRLF), fixes are re-quoted for the literal they land in, and
// the body runs in the caller's transaction.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/parse.hpp"
#include "core/plpgsql.hpp"
#include "core/text_map.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

std::string text_of(const FileResult& r, Span s) {
  return std::string(r.file->text(s));
}

const char* kIndex = "require-concurrent-index-creation";

TEST(Plpgsql, DoBlockStatementHasItsExactSpan) {
  std::string sql =
      "SELECT 1;\n"
      "DO $$\n"
      "BEGIN\n"
      "  CREATE INDEX users_email_idx ON users (email);\n"
      "END $$;\n";
  FileResult r = lint(sql, {kIndex});
  ASSERT_EQ(r.findings.size(), 1u);
  const Finding& f = r.findings[0];
  EXPECT_EQ(text_of(r, f.span), "CREATE INDEX users_email_idx ON users (email)");
  Position p = r.file->position(f.span.begin);
  EXPECT_EQ(p.line, 4u);
  EXPECT_EQ(p.column, 3u);
  ASSERT_EQ(f.fixes.size(), 1u);
  EXPECT_FALSE(f.fixes[0].safe) << "CONCURRENTLY fails inside a DO block";
  EXPECT_EQ(apply_fix(sql, f.fixes[0]).find("CREATE INDEX CONCURRENTLY users_email_idx"),
            sql.find("CREATE INDEX"));
}

TEST(Plpgsql, MultiByteTextAndCrlfKeepColumnsAndLines) {
  std::string sql =
      "-- é\r\n"
      "DO $body$ /* ünïcødé € */ BEGIN\r\n"
      "  RAISE NOTICE 'ü';\r\n"
      "  /* 🙂 */ CREATE INDEX i ON t (x);\r\n"
      "END $body$;\r\n";
  FileResult r = lint(sql, {kIndex});
  ASSERT_EQ(r.findings.size(), 1u);
  Position p = r.file->position(r.findings[0].span.begin);
  EXPECT_EQ(p.line, 4u);
  EXPECT_EQ(p.column, 11u);  // "  /* 🙂 */ " is 10 code points
  EXPECT_EQ(text_of(r, r.findings[0].span), "CREATE INDEX i ON t (x)");
}

TEST(Plpgsql, QuotedBodyWithDoubledQuotes) {
  // The body is a '' string: '' inside it reads as one quote.
  std::string sql = "DO 'BEGIN CREATE INDEX i ON t (x) WHERE y = ''a''; END';\n";
  FileResult r = lint(sql, {kIndex});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(text_of(r, r.findings[0].span), "CREATE INDEX i ON t (x) WHERE y = ''a''");
  EXPECT_EQ(r.file->position(r.findings[0].span.begin).column, 11u);
}

TEST(Plpgsql, ExecuteStringsOfEveryQuotingStyle) {
  std::string sql =
      "DO $$\n"
      "BEGIN\n"
      "  EXECUTE 'CREATE INDEX a ON t (x) WHERE y = ''it''''s''';\n"
      "  EXECUTE E'CREATE INDEX b ON t (x) WHERE y = \\'\\u00e9\\'';\n"
      "  EXECUTE $q$CREATE INDEX c ON t (x) WHERE y = 'q'$q$;\n"
      "  EXECUTE 'CREATE INDEX d ' || 'ON t (x)';\n"
      "  EXECUTE 'CREATE INDEX e'\n"
      "          ' ON t (x)';\n"
      "END $$;\n";
  FileResult r = lint(sql, {kIndex});
  ASSERT_EQ(r.findings.size(), 5u);
  EXPECT_EQ(text_of(r, r.findings[0].span), "CREATE INDEX a ON t (x) WHERE y = ''it''''s''");
  EXPECT_EQ(text_of(r, r.findings[1].span), "CREATE INDEX b ON t (x) WHERE y = \\'\\u00e9\\'");
  EXPECT_EQ(text_of(r, r.findings[2].span), "CREATE INDEX c ON t (x) WHERE y = 'q'");
  EXPECT_EQ(text_of(r, r.findings[3].span), "CREATE INDEX d ' || 'ON t (x)");
  EXPECT_EQ(text_of(r, r.findings[4].span), "CREATE INDEX e'\n          ' ON t (x)");
  // Just inside the opening quote: ' E' $q$ ' '
  std::vector<uint32_t> columns = {12, 13, 14, 12, 12};
  for (size_t i = 0; i < columns.size(); ++i)
    EXPECT_EQ(r.file->position(r.findings[i].span.begin).column, columns[i]) << i;
}

TEST(Plpgsql, NestedDollarTagsAndNestedDoBlocks) {
  std::string sql =
      "DO $outer$\n"
      "BEGIN\n"
      "  EXECUTE $inner$CREATE INDEX a ON t (x)$inner$;\n"
      "  EXECUTE 'DO $$ BEGIN EXECUTE ''CREATE INDEX b ON t (y)''; END $$';\n"
      "END $outer$;\n";
  FileResult r = lint(sql, {kIndex});
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(text_of(r, r.findings[0].span), "CREATE INDEX a ON t (x)");
  EXPECT_EQ(text_of(r, r.findings[1].span), "CREATE INDEX b ON t (y)");
  EXPECT_EQ(r.file->position(r.findings[1].span.begin).column, 34u);
}

TEST(Plpgsql, FixTextIsRequotedForTheLiteralItLandsIn) {
  // require-lock-timeout inserts SET LOCAL lock_timeout = '5s'; its quotes are doubled once
  // per level of '' quoting, and the fixed file parses and no longer needs the fix.
  std::string sql = "DO 'BEGIN EXECUTE ''ALTER TABLE users ADD COLUMN a int''; END';\n";
  FileResult r = lint(sql, {"require-lock-timeout"});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(text_of(r, r.findings[0].span), "ALTER TABLE users ADD COLUMN a int");
  ASSERT_EQ(r.findings[0].fixes.size(), 1u);
  std::string fixed = apply_fix(sql, r.findings[0].fixes[0]);
  EXPECT_EQ(fixed,
            "DO 'BEGIN EXECUTE ''SET LOCAL lock_timeout = ''''5s'''';\n"
            "ALTER TABLE users ADD COLUMN a int''; END';\n");
  FileResult again = lint(fixed, {"require-lock-timeout", "syntax-error"});
  EXPECT_TRUE(again.findings.empty())
      << again.findings[0].rule << ": " << again.findings[0].message;
}

TEST(Plpgsql, FixThatCannotBeQuotedIsDropped) {
  // In a dollar-quoted body a '$' in the fix text could end the quote: the fix is not offered.
  TextMap map;
  uint32_t piece = map.add_piece({QuoteLayer{QuoteLayer::Dollar, "$$"}});
  for (size_t k = 0; k < 4; ++k) map.push(TextMap::Source{10 + k, 11 + k, piece, true});
  std::string text = "a$b";
  EXPECT_FALSE(map.requote_edit(Span{11, 11}, text));
  text = "ab";
  EXPECT_TRUE(map.requote_edit(Span{11, 12}, text));
  EXPECT_FALSE(map.requote_edit(Span{9, 12}, text)) << "starts outside the literal";
}

TEST(Plpgsql, EditsMayNotStraddleTwoConcatenatedLiterals) {
  auto a = decode_string_literal("'ab'", 0);
  auto b = decode_string_literal("'cd'", 8);
  ASSERT_TRUE(a && b);
  TextMap m = a->map;
  m.append(b->map);
  std::string t = "x";
  EXPECT_TRUE(m.requote_edit(Span{1, 3}, t));    // "ab"
  EXPECT_FALSE(m.requote_edit(Span{2, 10}, t));  // "b' || 'c"
  EXPECT_TRUE(m.requote_edit(Span{3, 3}, t));    // after b, inside the first literal
  EXPECT_TRUE(m.requote_edit(Span{9, 9}, t));    // before c, inside the second
  EXPECT_FALSE(m.requote_edit(Span{5, 5}, t));   // between the literals
}

TEST(Plpgsql, DecodesEveryStringLiteralForm) {
  auto std_q = decode_string_literal("'it''s'", 100);
  ASSERT_TRUE(std_q);
  EXPECT_EQ(std_q->value, "it's");
  EXPECT_EQ(std_q->map.span(Span{2, 3}), (Span{103, 105}));  // ' comes from ''
  auto esc = decode_string_literal("E'a\\n\\x41\\101\\u00e9\\U0001F642\\''", 0);
  ASSERT_TRUE(esc);
  EXPECT_EQ(esc->value, "a\nAA\xc3\xa9\xf0\x9f\x99\x82'");
  EXPECT_EQ(esc->map.span(Span{4, 6}), (Span{13, 19}));  // é comes from \u00e9
  auto cont = decode_string_literal("'a' -- note\n  'b'", 0);
  ASSERT_TRUE(cont);
  EXPECT_EQ(cont->value, "ab");
  EXPECT_EQ(cont->map.span(Span{1, 2}), (Span{15, 16}));
  auto dollar = decode_string_literal("$x$ $$ $x$", 5);
  ASSERT_TRUE(dollar);
  EXPECT_EQ(dollar->value, " $$ ");
  EXPECT_EQ(dollar->map.span(Span{0, 4}), (Span{8, 12}));
  EXPECT_FALSE(decode_string_literal("U&'\\0041'", 0));
  EXPECT_FALSE(decode_string_literal("'a' 'b'", 0)) << "no newline: not one literal";
  EXPECT_FALSE(decode_string_literal("E'\\0'", 0)) << "PostgreSQL rejects NUL";
}

TEST(Plpgsql, IntoAndPerformAreFoundAndSetConfigCounts) {
  std::string sql =
      "DO $$\n"
      "DECLARE n int;\n"
      "BEGIN\n"
      "  SELECT count(*) INTO n FROM users;\n"
      "  PERFORM set_config('lock_timeout', '2s', false);\n"
      "  ALTER TABLE users ADD COLUMN a int;\n"
      "END $$;\n"
      "ALTER TABLE users ADD COLUMN b int;\n";
  EXPECT_TRUE(lint(sql, {"require-lock-timeout"}).findings.empty())
      << "PERFORM set_config sets lock_timeout for the session";
}

TEST(Plpgsql, SetLocalEndsWithTheBlockButSetDoesNot) {
  std::string local =
      "DO $$ BEGIN SET LOCAL lock_timeout = '2s'; ALTER TABLE users ADD COLUMN a int; END $$;\n"
      "ALTER TABLE users ADD COLUMN b int;\n";
  FileResult r = lint(local, {"require-lock-timeout"});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.file->position(r.findings[0].span.begin).line, 2u);
  std::string session =
      "DO $$ BEGIN SET lock_timeout = '2s'; END $$;\n"
      "ALTER TABLE users ADD COLUMN b int;\n";
  EXPECT_TRUE(lint(session, {"require-lock-timeout"}).findings.empty());
}

TEST(Plpgsql, ConcurrentlyInsideABlockFailsAsPostgreSQLSays) {
  FileResult r = lint("DO $$ BEGIN CREATE INDEX CONCURRENTLY i ON t (x); END $$;",
                      {"ban-concurrent-index-creation-in-transaction"});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NE(r.findings[0].message.find("cannot be executed from a function"), std::string::npos)
      << r.findings[0].message;
  FileResult top = lint("CREATE INDEX CONCURRENTLY i ON t (x);",
                        {"ban-concurrent-index-creation-in-transaction"});
  EXPECT_TRUE(top.findings.empty());
}

TEST(Plpgsql, CommitInsideTheBlockReleasesItsLocks) {
  const char* rule = "constraint-missing-not-valid";
  std::string held =
      "DO $$ BEGIN\n"
      "  ALTER TABLE orders ADD CONSTRAINT c CHECK (x > 0) NOT VALID;\n"
      "  ALTER TABLE orders VALIDATE CONSTRAINT c;\n"
      "END $$;\n";
  FileResult r = lint(held, {rule});
  ASSERT_EQ(r.findings.size(), 1u) << "VALIDATE in the block's transaction keeps the lock";
  EXPECT_EQ(r.file->position(r.findings[0].span.begin).line, 3u);
  std::string committed =
      "DO $$ BEGIN\n"
      "  ALTER TABLE orders ADD CONSTRAINT c CHECK (x > 0) NOT VALID;\n"
      "  COMMIT;\n"
      "  ALTER TABLE orders VALIDATE CONSTRAINT c;\n"
      "END $$;\n";
  EXPECT_TRUE(lint(committed, {rule}).findings.empty());
}

TEST(Plpgsql, RoutineBodiesRunWhenCalledNotWhenDefined) {
  std::string defined =
      "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\n"
      "BEGIN CREATE INDEX i ON t (x); END $$;\n";
  EXPECT_TRUE(lint(defined, {kIndex}).findings.empty());

  std::string called = defined + "SELECT f();\nCALL g();\nSELECT f();\n";
  FileResult r = lint(called, {kIndex});
  ASSERT_EQ(r.findings.size(), 1u) << "two calls, one finding";
  EXPECT_EQ(text_of(r, r.findings[0].span), "CREATE INDEX i ON t (x)");
  ASSERT_EQ(r.findings[0].related.size(), 1u);
  EXPECT_EQ(text_of(r, r.findings[0].related[0].span), "SELECT f();");

  std::string procedure =
      "CREATE PROCEDURE app.p() LANGUAGE plpgsql AS $$ BEGIN DROP INDEX app.old_idx; END $$;\n"
      "SET search_path = app;\n"
      "CALL p();\n";
  EXPECT_EQ(lint(procedure, {"require-concurrent-index-deletion"}).findings.size(), 1u);

  std::string recursive =
      "CREATE FUNCTION r() RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM r(); END $$;\n"
      "SELECT r();\n";
  EXPECT_TRUE(lint(recursive, {kIndex, "unchecked-dynamic-sql", "syntax-error"}).findings.empty());
}

TEST(Plpgsql, SyntaxErrorsInBodiesAndExecuteStrings) {
  std::string sql =
      "DO $$\n"
      "BEGIN\n"
      "  CREAT INDEX i ON t (x);\n"
      "END $$;\n"
      "DO $$ BEGIN EXECUTE 'CREATE INDEX ON t (x'; END $$;\n"
      "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1 END $$;\n";
  FileResult r = lint(sql, {"syntax-error"});
  ASSERT_EQ(r.findings.size(), 3u);
  EXPECT_EQ(text_of(r, r.findings[0].span), "CREAT");
  EXPECT_EQ(r.file->position(r.findings[0].span.begin).line, 3u);
  EXPECT_NE(r.findings[0].message.find("PL/pgSQL"), std::string::npos);
  // The EXECUTE string is only parsed when it runs: the position is inside the string.
  EXPECT_EQ(r.file->position(r.findings[1].span.begin).line, 5u);
  EXPECT_EQ(r.file->position(r.findings[1].span.begin).column, 42u);
  EXPECT_EQ(r.file->position(r.findings[2].span.begin).line, 6u);
}

TEST(Plpgsql, BodiesTheParserCannotTypeAreNotSyntaxErrors) {
  // Valid PL/pgSQL that libpg_query's parser rejects for want of a catalog (it cannot tell that
  // refcursor is a cursor type): no false syntax error.
  std::string sql =
      "DO $$ DECLARE c refcursor; BEGIN OPEN c FOR SELECT 1; CLOSE c; END $$;\n"
      "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\n"
      "DECLARE c CURSOR (k bigint) FOR SELECT k; BEGIN OPEN c(1); CLOSE c; END $$;\n";
  EXPECT_TRUE(lint(sql, {"syntax-error"}).findings.empty());
}

TEST(Plpgsql, StatementsWithoutAPlpgsqlBodyAreLeftAlone) {
  for (std::string sql : {
           "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;",
           "CREATE FUNCTION f() RETURNS int LANGUAGE sql RETURN 1;",
           "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ CREATE INDEX i ON t (x) $$;",
           "DO LANGUAGE plpython3u $$ plpy.execute('CREATE INDEX i ON t (x)') $$;",
           "CREATE FUNCTION f() RETURNS int AS 'f.so', 'f' LANGUAGE c;",
       }) {
    FileResult r =
        lint(sql, {kIndex, "require-lock-timeout", "unchecked-dynamic-sql", "syntax-error"});
    EXPECT_TRUE(r.findings.empty()) << sql << "\n" << r.findings[0].rule;
  }
}

TEST(Plpgsql, TablesCreatedInsideTheBlockAreNew) {
  std::string sql =
      "DO $$ BEGIN\n"
      "  CREATE TABLE audit (id bigint, at timestamptz);\n"
      "  CREATE INDEX audit_at_idx ON audit (at);\n"
      "END $$;\n"
      "CREATE INDEX audit_id_idx ON audit (id);\n";
  EXPECT_TRUE(lint(sql, {kIndex}).findings.empty());
}

}  // namespace
}  // namespace migsafe::test

namespace migsafe::test {
namespace {

// plpgsql_body finds the body literal with the lexical skipping (no scanner) when it can: the
// span must be the scanner's, on every DO block and routine of the fixtures and examples and on
// the ways a body can be written; where the quick look gives up, the scanner decides.
TEST(Plpgsql, TheBodyLiteralFoundWithoutTheScannerIsTheScannersToken) {
  namespace fs = std::filesystem;
  std::vector<std::string> texts = {
      "DO $$ BEGIN NULL; END $$;",
      "DO 'BEGIN NULL; END';",
      "DO E'BEGIN RAISE NOTICE \\'x\\'; END';",
      "DO LANGUAGE plpgsql $body$ BEGIN NULL; END $body$;",
      "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;",
      "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql as/* c */-- d\n  'BEGIN RETURN 1; END';",
      "CREATE FUNCTION f() RETURNS int AS e'BEGIN RETURN 1; END' LANGUAGE plpgsql;",
      "CREATE PROCEDURE p() LANGUAGE plpgsql AS $x$ BEGIN COMMIT; END $x$;",
      "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS U&'BEGIN RETURN 1; END';",
      "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS 'BEGIN ' 'RETURN 1; END';",
      "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS 'BEGIN'\n'RETURN 1; END';"};
  for (const char* dir : {"fixtures", "examples"})
    for (const auto& e : fs::recursive_directory_iterator(fs::path(source_dir()) / dir))
      if (e.is_regular_file() && e.path().extension() == ".sql")
        texts.push_back(read_text(e.path().string()));
  size_t bodies = 0, quick = 0;
  for (const std::string& sql : texts) {
    auto file = std::make_shared<const SourceFile>("m.sql", sql);
    ParsedFile p = parse_sql(sql);
    for (const Statement& s : p.statements) {
      auto scanned = body_literal_span(*file, s, true);
      auto found = body_literal_span(*file, s, false);
      if (!scanned) continue;
      ++bodies;
      if (!found) continue;  // the quick look gave up: plpgsql_body asks the scanner
      ++quick;
      EXPECT_EQ(found->begin, scanned->begin) << file->text(s.span);
      EXPECT_EQ(found->end, scanned->end) << file->text(s.span);
    }
  }
  EXPECT_GT(bodies, 30u);
  EXPECT_GT(quick, bodies * 8 / 10);
}

}  // namespace
}  // namespace migsafe::test
