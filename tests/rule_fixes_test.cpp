// What the fixes and related locations of some rules do to a user's file: the text after the
// edits, and whether --fix may apply them on its own.
#include <gtest/gtest.h>

#include <algorithm>

#include "helpers.hpp"

namespace migsafe::test {
namespace {

// The only finding of `rule` in `sql`.
TEST(ConcurrentIndexDeletionFix, InsertsConcurrentlyAndIsSafeOnlyWhenItWillRun) {
  std::string sql = "DROP INDEX IF EXISTS users_email_idx;\n";
  Finding f = only_finding(sql, "require-concurrent-index-deletion");
  ASSERT_EQ(f.fixes.size(), 1u);
  EXPECT_TRUE(f.fixes[0].safe);
  EXPECT_EQ(apply_fix(sql, f.fixes[0]), "DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;\n");

  for (std::string unsafe : {"BEGIN;\nDROP INDEX a_idx;\nCOMMIT;\n", "DROP INDEX a_idx, b_idx;\n",
                             "DROP INDEX a_idx CASCADE;\n"}) {
    Finding g = only_finding(unsafe, "require-concurrent-index-deletion");
    ASSERT_EQ(g.fixes.size(), 1u) << unsafe;
    EXPECT_FALSE(g.fixes[0].safe) << unsafe;
  }
  LintSettings assumed;
  assumed.assume_in_transaction = true;
  Finding g = only_finding("DROP INDEX a_idx;", "require-concurrent-index-deletion", assumed);
  ASSERT_EQ(g.fixes.size(), 1u);
  EXPECT_FALSE(g.fixes[0].safe);
}

TEST(LockTimeoutFix, InsertsSetBeforeTheStatementAndIsNeverSafe) {
  std::string sql = "SELECT 1;\n  ALTER TABLE users ADD COLUMN nickname text;\n";
  Finding f = only_finding(sql, "require-lock-timeout");
  ASSERT_EQ(f.fixes.size(), 1u);
  EXPECT_FALSE(f.fixes[0].safe);
  EXPECT_EQ(
      apply_fix(sql, f.fixes[0]),
      "SELECT 1;\n  SET lock_timeout = '5s';\n  ALTER TABLE users ADD COLUMN nickname text;\n");

  std::string tx = "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;\n";
  Finding g = only_finding(tx, "require-lock-timeout");
  ASSERT_EQ(g.fixes.size(), 1u);
  EXPECT_EQ(apply_fix(tx, g.fixes[0]),
            "BEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD COLUMN nickname "
            "text;\nCOMMIT;\n");
}

TEST(ConcurrentIndexInTransaction, PointsAtTheBegin) {
  std::string sql = "BEGIN;\nCREATE INDEX CONCURRENTLY i ON t (c);\nCOMMIT;\n";
  Finding f = only_finding(sql, "ban-concurrent-index-creation-in-transaction");
  ASSERT_EQ(f.related.size(), 1u);
  EXPECT_EQ(f.related[0].span.begin, 0u);
  EXPECT_EQ(sql.substr(f.span.begin, f.span.end - f.span.begin),
            "CREATE INDEX CONCURRENTLY i ON t (c);");

  LintSettings assumed;
  assumed.assume_in_transaction = true;
  Finding g = only_finding("CREATE INDEX CONCURRENTLY i ON t (c);",
                           "ban-concurrent-index-creation-in-transaction", assumed);
  EXPECT_TRUE(g.related.empty());
  EXPECT_NE(g.help.find("disable_ddl_transaction!"), std::string::npos);
}

}  // namespace
}  // namespace migsafe::test
