// Inline suppressions as a migration author writes them: the next statement, the statement a
// comment trails or sits in, the whole file, `all`, squawk's comments, block comments; what is
// reported when a suppression suppresses nothing or has no reason; and that `--` inside a string
// is never a comment.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "config/suppress.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

const std::vector<std::string> kRules = {"require-concurrent-index-creation", "ban-drop-column",
                                         "unused-suppression"};

// (line, rule) of each reported finding.
std::vector<std::pair<uint32_t, std::string>> reported(const FileResult& r) {
  std::vector<std::pair<uint32_t, std::string>> out;
  for (const auto& f : r.findings) out.emplace_back(r.file->position(f.span.begin).line, f.rule);
  return out;
}

using Found = std::vector<std::pair<uint32_t, std::string>>;

TEST(Suppress, NextStatementOnly) {
  auto r = lint(
      "-- migsafe-ignore require-concurrent-index-creation -- orders is tiny\n"
      "CREATE INDEX a ON orders (x);\n"
      "CREATE INDEX b ON orders (y);\n",
      kRules);
  EXPECT_EQ(reported(r), (Found{{3, "require-concurrent-index-creation"}}));
  ASSERT_EQ(r.suppressed.size(), 1u);
  EXPECT_EQ(r.suppressed[0].kind, SuppressedFinding::Kind::Inline);
  EXPECT_EQ(r.suppressed[0].reason, "orders is tiny");
  EXPECT_EQ(r.suppressed[0].finding.rule, "require-concurrent-index-creation");
}

TEST(Suppress, CommentsBetweenStayBoundToTheNextStatement) {
  auto r = lint(
      "SELECT 1;\n"
      "-- migsafe-ignore require-concurrent-index-creation -- built at night\n"
      "\n"
      "-- the index for the report page\n"
      "CREATE INDEX a ON orders (x);\n",
      kRules);
  EXPECT_EQ(reported(r), Found{});
}

TEST(Suppress, TrailingAndInsideTheStatement) {
  auto r = lint(
      "CREATE INDEX a ON orders (x); -- migsafe-ignore require-concurrent-index-creation\n"
      "CREATE INDEX b ON orders (y);\n"
      "ALTER TABLE users\n"
      "  DROP COLUMN a, -- migsafe-ignore ban-drop-column -- unused since v40\n"
      "  DROP COLUMN b;\n",
      kRules);
  // The trailing comment is for the statement it ends, not the next one; the comment inside the
  // ALTER covers the whole statement.
  EXPECT_EQ(reported(r), (Found{{2, "require-concurrent-index-creation"}}));
  EXPECT_EQ(r.suppressed.size(), 3u);
}

TEST(Suppress, SeveralRulesAllAndBlockComments) {
  auto r = lint(
      "/* migsafe-ignore ban-drop-column,require-concurrent-index-creation -- both */\n"
      "ALTER TABLE users DROP COLUMN a;\n"
      "-- migsafe-ignore all -- everything here\n"
      "CREATE INDEX a ON orders (x);\n"
      "/* migsafe-ignore   ban-drop-column   require-concurrent-index-creation */\n"
      "CREATE INDEX b ON orders (y);\n",
      kRules);
  // The first comment's second name suppresses nothing on a DROP COLUMN; the third comment's
  // first name suppresses nothing on a CREATE INDEX.
  EXPECT_EQ(reported(r), (Found{{1, "unused-suppression"}, {5, "unused-suppression"}}));
  EXPECT_EQ(r.suppressed.size(), 3u);
}

TEST(Suppress, FileLevel) {
  auto r = lint(
      "CREATE INDEX a ON orders (x);\n"
      "ALTER TABLE users DROP COLUMN a;\n"
      "-- migsafe-ignore-file require-concurrent-index-creation -- seed data, empty tables\n"
      "CREATE INDEX b ON orders (y);\n",
      kRules);
  EXPECT_EQ(reported(r), (Found{{2, "ban-drop-column"}}));
  ASSERT_EQ(r.suppressed.size(), 2u);
  EXPECT_EQ(r.suppressed[0].kind, SuppressedFinding::Kind::File);
  EXPECT_EQ(r.suppressed[0].reason, "seed data, empty tables");
}

TEST(Suppress, SquawkCommentsAreHonoured) {
  auto r = lint(
      "-- squawk-ignore ban-drop-column\n"
      "ALTER TABLE users DROP COLUMN a;\n"
      "-- squawk-ignore prefer-robust-stmts-not-in-migsafe, require-concurrent-index-creation\n"
      "CREATE INDEX a ON orders (x);\n",
      kRules);
  EXPECT_EQ(reported(r), Found{});  // squawk rule names migsafe does not know are skipped
  EXPECT_EQ(r.suppressed.size(), 2u);
  // squawk's bare file-level comment ignores every rule.
  r = lint("-- squawk-ignore-file\nCREATE INDEX a ON orders (x);\nALTER TABLE u DROP COLUMN a;\n",
           kRules);
  EXPECT_EQ(reported(r), Found{});
  EXPECT_EQ(r.suppressed.size(), 2u);
}

TEST(Suppress, DashesInStringsAreNotComments) {
  auto r = lint(
      "SELECT '-- migsafe-ignore-file require-concurrent-index-creation';\n"
      "SELECT $x$ /* migsafe-ignore all */ $x$;\n"
      "CREATE INDEX a ON orders (x);\n",
      kRules);
  EXPECT_EQ(reported(r), (Found{{3, "require-concurrent-index-creation"}}));
  EXPECT_TRUE(r.suppressed.empty());
}

TEST(Suppress, UnusedAndUnknownNamesAreReported) {
  auto r = lint(
      "-- migsafe-ignore require-concurent-index-creation -- typo\n"
      "CREATE INDEX a ON orders (x);\n"
      "-- migsafe-ignore ban-drop-column -- stale\n"
      "CREATE INDEX CONCURRENTLY b ON orders (y);\n",
      kRules);
  EXPECT_EQ(reported(r), (Found{{1, "unused-suppression"},
                                {2, "require-concurrent-index-creation"},
                                {3, "unused-suppression"}}));
  const Finding& typo = r.findings[0];
  EXPECT_EQ(typo.severity, Severity::Warning);
  EXPECT_NE(typo.message.find("'require-concurent-index-creation' is not a migsafe rule"),
            std::string::npos);
  EXPECT_NE(typo.help.find("Did you mean 'require-concurrent-index-creation'?"), std::string::npos);
  // The span is the name; the fix replaces it with the suggestion.
  EXPECT_EQ(r.file->text(typo.span), "require-concurent-index-creation");
  ASSERT_EQ(typo.fixes.size(), 1u);
  EXPECT_EQ(typo.fixes[0].edits[0].text, "require-concurrent-index-creation");
  const Finding& stale = r.findings[2];
  EXPECT_NE(stale.message.find("nothing to suppress: ban-drop-column reports nothing on the "
                               "statement it applies to (line 4)"),
            std::string::npos)
      << stale.message;
  // Its fix removes the whole comment line.
  ASSERT_EQ(stale.fixes.size(), 1u);
  const Edit& e = stale.fixes[0].edits[0];
  std::string fixed = r.file->bytes();
  fixed.replace(e.span.begin, e.span.end - e.span.begin, e.text);
  EXPECT_EQ(fixed,
            "-- migsafe-ignore require-concurent-index-creation -- typo\n"
            "CREATE INDEX a ON orders (x);\n"
            "CREATE INDEX CONCURRENTLY b ON orders (y);\n");
}

TEST(Suppress, RemovingOneUnusedNameKeepsTheOthers) {
  std::string sql =
      "ALTER TABLE users DROP COLUMN a; -- migsafe-ignore require-concurrent-index-creation, "
      "ban-drop-column -- ok\n";
  auto r = lint(sql, kRules);
  ASSERT_EQ(reported(r), (Found{{1, "unused-suppression"}}));
  const Edit& e = r.findings[0].fixes.at(0).edits.at(0);
  sql.replace(e.span.begin, e.span.end - e.span.begin, e.text);
  EXPECT_EQ(sql, "ALTER TABLE users DROP COLUMN a; -- migsafe-ignore ban-drop-column -- ok\n");
  EXPECT_EQ(reported(lint(sql, kRules)), Found{});
}

TEST(Suppress, NotEnabledNoStatementNoNameAndSyntaxError) {
  auto r = lint(
      "-- migsafe-ignore renaming-table -- not selected in this run\n"
      "SELECT 1;\n"
      "-- migsafe-ignore -- forgot the rule\n"
      "SELECT 2;\n"
      "-- migsafe-ignore syntax-error\n"
      "SELECT * FROM WHERE;\n"
      "-- migsafe-ignore ban-drop-column\n",
      {"unused-suppression", "syntax-error", "ban-drop-column"});
  ASSERT_EQ(reported(r), (Found{{1, "unused-suppression"},
                                {3, "unused-suppression"},
                                {5, "unused-suppression"},
                                {6, "syntax-error"},
                                {7, "unused-suppression"}}));
  EXPECT_NE(r.findings[0].message.find("renaming-table is not enabled for this file"),
            std::string::npos);
  EXPECT_NE(r.findings[1].message.find("names no rule"), std::string::npos);
  EXPECT_NE(r.findings[2].message.find("syntax-error cannot be suppressed"), std::string::npos);
  EXPECT_NE(r.findings[4].message.find("follows the last statement"), std::string::npos);
}

TEST(Suppress, UnusedSuppressionOffMeansSilence) {
  auto r = lint("-- migsafe-ignore ban-drop-colum\nSELECT 1;\n", {"ban-drop-column"});
  EXPECT_EQ(reported(r), Found{});
}

TEST(Suppress, MissingReasonWhenRequired) {
  std::vector<std::string> rules = {"ban-drop-column", "require-suppression-reason"};
  auto r = lint(
      "-- migsafe-ignore ban-drop-column\n"
      "ALTER TABLE users DROP COLUMN a;\n"
      "-- migsafe-ignore ban-drop-column --   \n"
      "ALTER TABLE users DROP COLUMN b;\n"
      "-- migsafe-ignore ban-drop-column -- nobody reads c since v12\n"
      "ALTER TABLE users DROP COLUMN c;\n",
      rules);
  EXPECT_EQ(reported(r),
            (Found{{1, "require-suppression-reason"}, {3, "require-suppression-reason"}}));
  EXPECT_EQ(r.findings[0].severity, Severity::Error);
  EXPECT_EQ(r.suppressed.size(), 3u);  // the suppressions still work
  // A file-level comment naming the rule silences it; `all` does not.
  r = lint(
      "-- migsafe-ignore-file require-suppression-reason -- legacy file\n"
      "-- migsafe-ignore all\n"
      "ALTER TABLE users DROP COLUMN a;\n",
      rules);
  EXPECT_EQ(reported(r), Found{});
  r = lint("-- migsafe-ignore-file all\nALTER TABLE users DROP COLUMN a;\n", rules);
  EXPECT_EQ(reported(r), (Found{{1, "require-suppression-reason"}}));
}

TEST(Suppress, CommentsAreFoundByTheScanner) {
  SourceFile f("x.sql",
               "SELECT '--x', \"--y\", $$--z$$; -- migsafe-ignore a\n/* migsafe-ignore-file b -- "
               "why */ SELECT 1;\n");
  auto sups = find_suppressions(f, {Span{0, 29}, Span{75, 84}});
  ASSERT_EQ(sups.size(), 2u);
  EXPECT_EQ(sups[0].names.at(0).id, "a");
  EXPECT_EQ(sups[0].target, 0u);
  EXPECT_FALSE(sups[0].file_level);
  EXPECT_EQ(sups[1].names.at(0).id, "b");
  EXPECT_EQ(sups[1].reason, "why");
  EXPECT_TRUE(sups[1].file_level);
}

TEST(Suppress, SuppressedFindingsLeaveTheReportsButJsonListsThem) {
  TempDir d;
  d.write("V1.sql",
          "-- migsafe-ignore require-concurrent-index-creation -- 200 rows\n"
          "CREATE INDEX a ON orders (x);\n");
  auto r = run_migsafe("check --format json V1.sql", "", d.cd());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  for (const auto& f : j["findings"]) EXPECT_NE(f["rule"], "require-concurrent-index-creation");
  ASSERT_EQ(j["suppressed"].size(), 1u);
  EXPECT_EQ(j["suppressed"][0]["rule"], "require-concurrent-index-creation");
  EXPECT_EQ(j["suppressed"][0]["suppression"]["kind"], "inline");
  EXPECT_EQ(j["suppressed"][0]["suppression"]["reason"], "200 rows");
  EXPECT_EQ(j["summary"]["suppressed"], 1);
  // SARIF leaves it out: code scanning ignores SARIF's own suppressions.
  auto s = nlohmann::json::parse(run_migsafe("check --format sarif V1.sql", "", d.cd()).out);
  for (const auto& res : s["runs"][0]["results"])
    EXPECT_NE(res["ruleId"], "require-concurrent-index-creation");
  auto t = run_migsafe("check --color never V1.sql", "", d.cd());
  EXPECT_NE(t.out.find("; 1 suppressed by comments\n"), std::string::npos) << t.out;
}

}  // namespace
}  // namespace migsafe::test
