// What the fixes and related locations of the availability and compatibility rules do to a
// user's file: the text after the edits, and whether --fix may apply them on its own.
#include <gtest/gtest.h>

#include <algorithm>

#include "helpers.hpp"

namespace migsafe::test {
namespace {

std::string fixed(const std::string& sql, const std::string& rule, bool* safe = nullptr) {
  Finding f = only_finding(sql, rule);
  EXPECT_EQ(f.fixes.size(), 1u) << sql;
  if (f.fixes.empty()) return sql;
  if (safe) *safe = f.fixes[0].safe;
  return apply_fix(sql, f.fixes[0]);
}

TEST(ReindexFix, InsertsConcurrentlyAfterTheKindKeyword) {
  bool safe = false;
  EXPECT_EQ(fixed("REINDEX (VERBOSE) TABLE orders;", "require-concurrent-reindex", &safe),
            "REINDEX (VERBOSE) TABLE CONCURRENTLY orders;");
  EXPECT_TRUE(safe);
  EXPECT_EQ(fixed("reindex index billing.orders_pkey;", "require-concurrent-reindex", &safe),
            "reindex index CONCURRENTLY billing.orders_pkey;");
  EXPECT_TRUE(safe);
  EXPECT_EQ(fixed("REINDEX SCHEMA billing;", "require-concurrent-reindex", &safe),
            "REINDEX SCHEMA CONCURRENTLY billing;");
  // Inside a transaction block, or with an explicit option, the edit alone would fail.
  fixed("BEGIN;\nREINDEX TABLE orders;\nCOMMIT;\n", "require-concurrent-reindex", &safe);
  EXPECT_FALSE(safe);
  fixed("REINDEX (CONCURRENTLY false) TABLE orders;", "require-concurrent-reindex", &safe);
  EXPECT_FALSE(safe);
}

TEST(PartitionDetachFix, InsertsConcurrentlyAfterTheQualifiedNameAndIsNeverSafe) {
  bool safe = true;
  EXPECT_EQ(fixed("ALTER TABLE m DETACH PARTITION archive.m_2023;",
                  "require-concurrent-partition-detach", &safe),
            "ALTER TABLE m DETACH PARTITION archive.m_2023 CONCURRENTLY;");
  EXPECT_FALSE(safe);
}

TEST(RefreshMatviewFix, InsertsConcurrentlyAndIsNeverSafe) {
  bool safe = true;
  EXPECT_EQ(fixed("REFRESH MATERIALIZED VIEW totals WITH DATA;",
                  "require-concurrent-refresh-matview", &safe),
            "REFRESH MATERIALIZED VIEW CONCURRENTLY totals WITH DATA;");
  EXPECT_FALSE(safe);
}

TEST(CascadeFixes, RemoveTheKeywordAndAreNeverSafe) {
  bool safe = true;
  EXPECT_EQ(fixed("DROP TYPE order_status CASCADE;", "ban-drop-cascade", &safe),
            "DROP TYPE order_status;");
  EXPECT_FALSE(safe);
  EXPECT_EQ(fixed("ALTER TABLE orders DROP COLUMN c CASCADE, ADD COLUMN d int;", "ban-drop-cascade",
                  &safe),
            "ALTER TABLE orders DROP COLUMN c, ADD COLUMN d int;");
  EXPECT_EQ(fixed("TRUNCATE customers  CASCADE ;", "ban-truncate-cascade", &safe),
            "TRUNCATE customers ;");
  EXPECT_FALSE(safe);
}

TEST(EnumValueInTransaction, PointsAtTheLiteralAndTheAlterType) {
  std::string sql =
      "BEGIN;\nALTER TYPE mood ADD VALUE 'meh';\nUPDATE people SET mood = 'meh';\nCOMMIT;\n";
  Finding f = only_finding(sql, "enum-add-value-used-in-transaction");
  EXPECT_EQ(sql.substr(f.span.begin, f.span.end - f.span.begin), "'meh'");
  ASSERT_EQ(f.related.size(), 1u);
  EXPECT_EQ(sql.substr(f.related[0].span.begin, f.related[0].span.end - f.related[0].span.begin),
            "ALTER TYPE mood ADD VALUE 'meh';");
  EXPECT_NE(f.help.find("COMMIT"), std::string::npos);

  LintSettings assumed;
  assumed.assume_in_transaction = true;
  Finding g = only_finding("ALTER TYPE mood ADD VALUE 'meh';\nSELECT 'meh'::mood;\n",
                           "enum-add-value-used-in-transaction", assumed);
  EXPECT_NE(g.help.find("migration file of its own"), std::string::npos);
}

TEST(StatementNotAllowedInTransaction, PointsAtTheBeginOrNamesTheFrameworkSwitches) {
  std::string sql = "BEGIN;\nVACUUM orders;\nCOMMIT;\n";
  Finding f = only_finding(sql, "statement-not-allowed-in-transaction");
  ASSERT_EQ(f.related.size(), 1u);
  EXPECT_EQ(f.related[0].span.begin, 0u);
  LintSettings assumed;
  assumed.assume_in_transaction = true;
  Finding g =
      only_finding("CREATE DATABASE reporting;", "statement-not-allowed-in-transaction", assumed);
  EXPECT_TRUE(g.related.empty());
  EXPECT_NE(g.help.find("executeInTransaction=false"), std::string::npos);
}

TEST(AttachPartitionHelp, BuildsTheCheckFromTheBound) {
  Finding f = only_finding(
      "ALTER TABLE orders ATTACH PARTITION orders_2024 FOR VALUES FROM ('2024-01-01') TO "
      "('2025-01-01');",
      "attach-partition-without-check");
  EXPECT_NE(f.help.find("CHECK (<partition key> IS NOT NULL AND <partition key> >= '2024-01-01' "
                        "AND <partition key> < '2025-01-01') NOT VALID"),
            std::string::npos)
      << f.help;
}

}  // namespace
}  // namespace migsafe::test
