// The nesting bound that keeps deeply nested statements away from libpg_query's and
// protobuf-c's recursion (core/nesting.hpp): deep ones are refused with a position, large but
// flat ones (data, long lists, AND chains) are parsed as before.
#include <gtest/gtest.h>

#include <string>

#include "core/nesting.hpp"
#include "core/parse.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

TEST(Nesting, OperatorChainsParenthesesCastsAndCaseCount) {
  EXPECT_FALSE(check_nesting("SELECT 1" + repeat(" + 1", 999) + ";").too_deep);
  NestingCheck plus = check_nesting("SELECT 1" + repeat(" + 1", 1001) + ";");
  EXPECT_TRUE(plus.too_deep);
  EXPECT_EQ(plus.offset, 9u + 4 * 1000);  // the operator that passes the bound
  EXPECT_TRUE(check_nesting("SELECT " + repeat("(", 1001) + "1" + repeat(")", 1001)).too_deep);
  EXPECT_TRUE(check_nesting("SELECT x" + repeat("::text", 1001)).too_deep);
  EXPECT_TRUE(check_nesting("SELECT a" + repeat(" || a", 1001)).too_deep);
  EXPECT_TRUE(check_nesting("SELECT " + repeat("CASE WHEN a THEN ", 1001) + "1").too_deep);
  EXPECT_TRUE(check_nesting("SELECT " + repeat("NOT ", 1001) + "true").too_deep);
  EXPECT_TRUE(check_nesting("SELECT " + repeat("- ", 1001) + "1").too_deep);
}

TEST(Nesting, FlatStatementsOfAnySizeAreNotRefused) {
  // 100,000 rows of data: each row's operators end at its comma.
  EXPECT_FALSE(
      check_nesting("INSERT INTO t VALUES " + repeat("(1 + 2, -3, 'a' || 'b'),", 100000) + "(0);")
          .too_deep);
  // AND / OR chains are flattened by PostgreSQL; comparisons cannot chain.
  EXPECT_FALSE(
      check_nesting("SELECT 1 WHERE a = 1" + repeat(" AND a <> 1 OR b >= 2", 5000)).too_deep);
  // Each statement starts over.
  EXPECT_FALSE(check_nesting(repeat("SELECT 1" + repeat(" + 1", 500) + ";\n", 100)).too_deep);
  // Parentheses close: depth, not count.
  EXPECT_FALSE(check_nesting("SELECT " + repeat("((1 + 1) * (2 - 1)), ", 5000) + "0").too_deep);
}

TEST(Nesting, StringsIdentifiersDollarQuotesAndCommentsAreSkipped) {
  std::string deep = repeat("(+", 2000);
  for (const std::string& sql :
       {"SELECT '" + deep + "';", "SELECT E'\\'" + deep + "';", "SELECT \"" + deep + "\";",
        "SELECT $x$" + deep + "$x$;", "DO $$" + deep + "$$;", "-- " + deep + "\nSELECT 1;",
        "/* /* " + deep + " */ */ SELECT 1;"}) {
    EXPECT_FALSE(check_nesting(sql).too_deep) << sql.substr(0, 20);
  }
  EXPECT_TRUE(check_nesting("SELECT $1 " + deep).too_deep) << "$1 is a parameter, not a quote";
}

TEST(Nesting, ATooDeepStatementIsASyntaxErrorAndTheOthersAreParsed) {
  std::string sql = "SELECT 1;\nSELECT 1" + repeat(" + 1", 20000) + ";\nCREATE INDEX i ON t (a);\n";
  ParsedFile parsed = parse_sql(sql);
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_NE(parsed.errors[0].message.find("nested too deeply"), std::string::npos);
  EXPECT_EQ(parsed.errors[0].offset, sql.find('\n') + 1 + 9 + 4 * 1000);
  ASSERT_EQ(parsed.statements.size(), 3u);
  EXPECT_NE(parsed.statements[0].node, nullptr);
  EXPECT_EQ(parsed.statements[1].node, nullptr);
  EXPECT_NE(parsed.statements[2].node, nullptr);
  FileResult r = lint(sql, {"require-concurrent-index-creation", "syntax-error"});
  EXPECT_EQ(rule_ids(r),
            (std::vector<std::string>{"syntax-error", "require-concurrent-index-creation"}));
}

}  // namespace
}  // namespace migsafe::test
