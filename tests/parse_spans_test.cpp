// Statement spans: a statement's span starts at its first token and includes its ';', whether
// the file parsed as a whole or had to be split around a syntax error.
#include <gtest/gtest.h>

#include "core/parse.hpp"

namespace migsafe::test {
namespace {

// The text of each statement that parsed.
std::vector<std::string> statement_texts(const std::string& sql) {
  ParsedFile parsed = parse_sql(sql);
  std::vector<std::string> out;
  for (const Statement& s : parsed.statements)
    if (s.node) out.push_back(sql.substr(s.span.begin, s.span.end - s.span.begin));
  return out;
}

TEST(ParseSpans, StatementsIncludeTheirSemicolon) {
  EXPECT_EQ(statement_texts("SELECT 1;\n-- note\nSELECT 2;\nSELECT 3"),
            (std::vector<std::string>{"SELECT 1;", "SELECT 2;", "SELECT 3"}));
}

TEST(ParseSpans, StatementsAroundASyntaxErrorKeepTheirSemicolon) {
  // The file is split and each piece parsed alone; the good statements must not lose their ';'.
  EXPECT_EQ(statement_texts("SELECT 1;\nSELEC 2;\nSELECT 3;\nSELECT 4"),
            (std::vector<std::string>{"SELECT 1;", "SELECT 3;", "SELECT 4"}));
}

TEST(ParseSpans, AnUnclosedParenthesisAtTheEndIsASyntaxError) {
  // The scanner's split drops a last statement whose parentheses are still open; it must still
  // be reported, not silently skipped.
  std::string sql = "SELECT 1;\nCREATE INDEX ON t (x";
  ParsedFile parsed = parse_sql(sql);
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_EQ(parsed.errors[0].offset, sql.size());
  EXPECT_EQ(parsed.errors[0].statement.begin, sql.find("CREATE"));
  EXPECT_EQ(statement_texts(sql), (std::vector<std::string>{"SELECT 1;"}));
}

}  // namespace
}  // namespace migsafe::test
