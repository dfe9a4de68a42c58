// The nesting bound that keeps deeply nested statements away from libpg_query's and
// protobuf-c's recursion (core/nesting.hpp): deep ones are refused with a position, large but
// flat ones (data, long lists, AND chains) are parsed as before.
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

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

// The bound as first written, a byte at a time with no tables: the table-driven scan must give
// the same answer (too deep or not, and where) on any text.
NestingCheck reference_nesting(std::string_view s) {
  auto is_op = [](char c) {
    return std::string_view("+-*/<>=~!@#%^&|`?").find(c) != std::string_view::npos;
  };
  auto lower_is = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
    return true;
  };
  std::vector<size_t> runs{0};
  size_t total = 0;
  auto add = [&] {
    ++runs.back();
    return ++total > kMaxNesting;
  };
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (size_t past = skip_literal(s, i); past != i) {
      i = past;
    } else if (c == '(' || c == '[') {
      runs.push_back(0);
      if (++total > kMaxNesting) return {true, i};
      ++i;
    } else if (c == ')' || c == ']') {
      if (runs.size() > 1) {
        total -= runs.back() + 1;
        runs.pop_back();
      }
      ++i;
    } else if (c == ',' || c == ';') {
      if (c == ';') {
        runs.assign(1, 0);
        total = 0;
      } else {
        total -= runs.back();
        runs.back() = 0;
      }
      ++i;
    } else if (c == ':' && i + 1 < s.size() && s[i + 1] == ':') {
      if (add()) return {true, i};
      i += 2;
    } else if (is_op(c)) {
      size_t j = i;
      while (j < s.size() && is_op(s[j]) && s.compare(j, 2, "--") != 0 &&
             s.compare(j, 2, "/*") != 0)
        ++j;
      std::string_view op = s.substr(i, j - i);
      bool comparison = op == "=" || op == "<" || op == ">" || op == "<=" || op == ">=" ||
                        op == "<>" || op == "!=";
      if (!comparison && add()) return {true, i};
      i = j;
    } else if (is_identifier_byte(c)) {
      size_t j = i;
      while (j < s.size() && is_identifier_byte(s[j])) ++j;
      std::string_view word = s.substr(i, j - i);
      if ((lower_is(word, "case") || lower_is(word, "not")) && add()) return {true, i};
      i = j;
    } else {
      ++i;
    }
  }
  return {};
}

TEST(Nesting, TheScanAgreesWithTheByteAtATimeReferenceOnAnyText) {
  // Random text from pieces the scan treats specially (closed and unclosed literals included),
  // in runs long enough to pass the bound: a fixed seed, so a failure is reproducible.
  const std::vector<std::string> pieces = {
      "(",     ")",        "[",         "]",      ",",       ";",           ":",      "::",
      "+",     "-",        "*",         "/",      "<",       ">=",          "<>",     "!=",
      "||",    "->>",      "=",         "CASE",   "case",    "Not",         "note",   "a",
      "x1",    "$1",       "a$b",       "$$",     "$t$",     "'s'",         "E'\\''", "e'x'",
      "\"q\"", "$$ ( $$",  "$t$ ) $t$", "-- (\n", "/* ( */", "/* /* */ */", " ",      "\n",
      "\t",    "\xc3\xa9", "'",         "\"",     "/*",      "E'\\"};
  uint64_t state = 42;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<size_t>(state >> 33);
  };
  size_t deep = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    size_t length = 1 + next() % 3000;
    // Most rounds lean on one piece, to build long chains and deep nesting; the pieces that
    // open a literal without closing it come rarely.
    const std::string& lean = pieces[next() % (pieces.size() - 5)];
    for (size_t i = 0; i < length; ++i) {
      size_t pick = next() % 1000;
      text += pick < 700   ? lean
              : pick < 995 ? pieces[next() % (pieces.size() - 5)]
                           : pieces[next() % pieces.size()];
    }
    NestingCheck want = reference_nesting(text), got = check_nesting(text);
    deep += want.too_deep;
    ASSERT_EQ(got.too_deep, want.too_deep) << text;
    ASSERT_EQ(got.offset, want.offset) << text;
  }
  EXPECT_GT(deep, 10u);  // the bound was passed, not only stayed under
  for (const auto& dir : std::filesystem::directory_iterator(source_dir() + "/fixtures"))
    for (const auto& f : std::filesystem::directory_iterator(dir.path())) {
      std::string sql = read_text(f.path().string());
      EXPECT_EQ(check_nesting(sql).too_deep, reference_nesting(sql).too_deep) << f.path();
    }
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
