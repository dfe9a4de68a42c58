// Positions are 1-based lines and columns in Unicode code points; tabs count one column; CRLF
// and a UTF-8 BOM are handled; a statement's span starts at its first token, not at a comment.
#include <gtest/gtest.h>

#include "core/parse.hpp"
#include "core/source.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

Position pos_of(const SourceFile& f, std::string_view needle) {
  size_t at = f.bytes().find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return f.position(at);
}

TEST(Positions, MultiByteCharactersCountAsOneColumn) {
  SourceFile f("x.sql", "SELECT 'héllo wörld', 'ünïcode' AS x; -- 日本語\nSELECT 2;");
  Position p = pos_of(f, "'ünïcode'");
  EXPECT_EQ(p.line, 1u);
  EXPECT_EQ(p.column, 23u);
  EXPECT_EQ(pos_of(f, "SELECT 2").line, 2u);
  EXPECT_EQ(pos_of(f, "SELECT 2").column, 1u);
}

TEST(Positions, EveryOffsetIsOnTheLineCountedByHand) {
  // Newlines at the start, the end, in a row and far apart.
  std::string text = "\n\nab\ncd\n\n" + std::string(300, 'x') + "\ny\n";
  SourceFile f("t.sql", text);
  uint32_t line = 1;
  for (size_t i = 0; i <= text.size(); ++i) {
    EXPECT_EQ(f.position(i).line, line) << i;
    if (i < text.size() && text[i] == '\n') ++line;
  }
  EXPECT_EQ(SourceFile("t.sql", "").position(0).line, 1u);
  EXPECT_EQ(SourceFile("t.sql", "no newline").position(10).line, 1u);
}

TEST(Positions, TabIsOneColumn) {
  SourceFile f("x.sql", "\t\tCREATE INDEX i ON t (a);");
  EXPECT_EQ(pos_of(f, "CREATE").column, 3u);
}

TEST(Positions, CrlfLineEndings) {
  SourceFile f("x.sql", "SELECT 1;\r\nSELECT 2;\r\n\r\n  SELECT 3;\r\n");
  EXPECT_EQ(pos_of(f, "SELECT 2").line, 2u);
  EXPECT_EQ(pos_of(f, "SELECT 3").line, 4u);
  EXPECT_EQ(pos_of(f, "SELECT 3").column, 3u);
  EXPECT_EQ(f.line_text(2), "SELECT 2;");
}

TEST(Positions, BomIsNotAColumn) {
  SourceFile f("x.sql", "\xEF\xBB\xBFSELECT 1;");
  EXPECT_EQ(f.bom_length(), 3u);
  EXPECT_EQ(pos_of(f, "SELECT").column, 1u);
  EXPECT_EQ(f.line_text(1), "SELECT 1;");
}

TEST(Statements, SpanStartsAtFirstTokenNotComment) {
  SourceFile f("x.sql",
               "-- leading comment\n/* block\n comment */\n  CREATE TABLE a (id int); -- trailing\n"
               "\n-- before second\nALTER TABLE a ADD COLUMN b int;\n-- trailing comment at end\n");
  ParsedFile p = parse_file(f);
  ASSERT_EQ(p.statements.size(), 2u);
  EXPECT_EQ(f.text(p.statements[0].span), "CREATE TABLE a (id int);");
  EXPECT_EQ(f.position(p.statements[0].span.begin).line, 4u);
  EXPECT_EQ(f.position(p.statements[0].span.begin).column, 3u);
  EXPECT_EQ(f.text(p.statements[1].span), "ALTER TABLE a ADD COLUMN b int;");
}

TEST(Statements, LastStatementWithoutSemicolonEndsAtItsLastToken) {
  SourceFile f("x.sql", "SELECT 1;\nSELECT 2 -- no semicolon\n-- and a comment\n");
  ParsedFile p = parse_file(f);
  ASSERT_EQ(p.statements.size(), 2u);
  EXPECT_EQ(f.text(p.statements[1].span), "SELECT 2");
}

TEST(Statements, BomFileParsesAndOffsetsIncludeTheBom) {
  SourceFile f("x.sql",
               "\xEF\xBB\xBF"
               "CREATE INDEX i ON t (a);");
  ParsedFile p = parse_file(f);
  ASSERT_EQ(p.statements.size(), 1u);
  EXPECT_TRUE(p.errors.empty());
  EXPECT_EQ(p.statements[0].span.begin, 3u);
}

TEST(Recovery, SyntaxErrorDoesNotHideTheRestOfTheFile) {
  auto r = lint(
      "CREATE INDEX a_idx ON a (x);\n"
      "ALTER TABLE users ADD COLUMN email text NOT NUL;\n"
      "CREATE INDEX b_idx ON b (x);\n",
      {"syntax-error", "require-concurrent-index-creation"});
  ASSERT_EQ(r.findings.size(), 3u);
  EXPECT_EQ(r.findings[0].rule, "require-concurrent-index-creation");
  EXPECT_EQ(r.findings[1].rule, "syntax-error");
  EXPECT_EQ(r.findings[2].rule, "require-concurrent-index-creation");
  Position p = r.file->position(r.findings[1].span.begin);
  EXPECT_EQ(p.line, 2u);
  EXPECT_EQ(p.column, 45u);  // at "NUL", where PostgreSQL names the error
  EXPECT_EQ(r.file->text(r.findings[1].span), "NUL");
}

TEST(Recovery, ErrorPositionCountsCodePointsBeforeIt) {
  auto r = lint("SELECT 'ééé' , ;\n", {"syntax-error"});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.file->position(r.findings[0].span.begin).column, 16u);
}

TEST(Recovery, UnterminatedTokensAreReportedWhereTheyStart) {
  for (std::string tail : {"'unterminated string", "$$ unterminated dollar", "\"unterminated ident",
                           "/* unterminated comment"}) {
    auto r = lint("CREATE INDEX a_idx ON a (x);\nSELECT " + tail + "\n",
                  {"syntax-error", "require-concurrent-index-creation"});
    ASSERT_EQ(r.findings.size(), 2u) << tail;
    EXPECT_EQ(r.findings[0].rule, "require-concurrent-index-creation") << tail;
    EXPECT_EQ(r.findings[1].rule, "syntax-error") << tail;
    Position p = r.file->position(r.findings[1].span.begin);
    EXPECT_EQ(p.line, 2u) << tail;
    EXPECT_EQ(p.column, 8u) << tail;
  }
}

TEST(Recovery, StatementStartingWithAnIdentifierIsNotDropped) {
  // pg_query_split_with_scanner (libpg_query 15-4.0) silently loses "SELEC 3;": the syntax
  // error must still be reported, and the statements around it linted.
  auto r = lint("SELECT 1;\nSELEC 3;\nCREATE INDEX a_idx ON a (x);\nfoo bar;\n",
                {"syntax-error", "require-concurrent-index-creation"});
  ASSERT_EQ(rule_ids(r), (std::vector<std::string>{
                             "syntax-error", "require-concurrent-index-creation", "syntax-error"}));
  EXPECT_EQ(r.file->position(r.findings[0].span.begin).line, 2u);
  EXPECT_EQ(r.file->position(r.findings[2].span.begin).line, 4u);
  EXPECT_EQ(r.statements, 4u);
}

TEST(Recovery, SemicolonsInsideBodiesDoNotSplitStatements) {
  auto r = lint(
      "SELEC 1;\n"
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql\n"
      "BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END;\n"
      "CREATE RULE r AS ON INSERT TO t DO INSTEAD (SELECT 1; SELECT 2);\n"
      "CREATE INDEX a_idx ON a (x);\n",
      {"syntax-error", "require-concurrent-index-creation"});
  EXPECT_EQ(rule_ids(r),
            (std::vector<std::string>{"syntax-error", "require-concurrent-index-creation"}));
  EXPECT_EQ(r.statements, 4u);
}

TEST(Recovery, NulByteIsReportedAndTheRestIsLinted) {
  std::string sql = "SELECT 1;\nSELECT '";
  sql += '\0';
  sql += "';\nCREATE INDEX b_idx ON b (x);\n";
  auto r = lint(sql, {"syntax-error", "require-concurrent-index-creation"});
  ASSERT_GE(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].rule, "syntax-error");
  EXPECT_NE(r.findings[0].message.find("NUL"), std::string::npos);
  EXPECT_EQ(r.findings.back().rule, "require-concurrent-index-creation");
}

TEST(Recovery, EmptyAndCommentOnlyFilesHaveNoStatements) {
  EXPECT_TRUE(lint("").findings.empty());
  EXPECT_EQ(lint("").statements, 0u);
  auto r = lint("-- just a comment\n/* and another */\n");
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.statements, 0u);
}

}  // namespace
}  // namespace migsafe::test
