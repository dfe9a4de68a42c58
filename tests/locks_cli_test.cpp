// `migsafe locks` as a user runs it: the table, the JSON, earlier files' schema, bad input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "helpers.hpp"

namespace migsafe::test {
namespace {

TEST(LocksCli, TableShowsLocksHeldLocksAndWork) {
  auto r = run_migsafe("locks examples/unsafe/V6__order_priority.sql", "",
                       "cd '" + source_dir() + "' && ");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("SHARE             orders  writes, DDL         builds an index on orders"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("held since line 4                       ACCESS EXCLUSIVE  orders  "
                       "reads, writes, DDL  taken by ALTER TABLE"),
            std::string::npos)
      << r.out;
}

TEST(LocksCli, JsonCarriesEveryStatementWithItsTransactionAndHeldLocks) {
  auto r = run_migsafe("locks --format json -",
                       "BEGIN;\nALTER TABLE orders ADD COLUMN a int;\n"
                       "CREATE INDEX CONCURRENTLY i ON orders (a);\nCOMMIT;\n"
                       "DO $$ BEGIN END $$;\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["pg_version"], 15);
  const auto& s = j["files"][0]["statements"];
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[1]["kind"], "ALTER TABLE");
  EXPECT_EQ(s[1]["transaction"]["id"], 1);
  EXPECT_EQ(s[1]["transaction"]["kind"], "explicit");
  EXPECT_EQ(s[1]["locks"][0]["mode"], "ACCESS EXCLUSIVE");
  EXPECT_EQ(s[1]["locks"][0]["pg_mode"], "AccessExclusiveLock");
  EXPECT_EQ(s[1]["locks"][0]["relation"], "public.orders");
  EXPECT_EQ(s[1]["locks"][0]["blocks"]["reads"], true);
  EXPECT_EQ(s[2]["no_transaction_block"], true);
  EXPECT_EQ(s[2]["waits_for_older_transactions"], true);
  ASSERT_EQ(s[2]["held"].size(), 1u);
  EXPECT_EQ(s[2]["held"][0]["since"]["line"], 2);
  EXPECT_EQ(s[4]["known"], false);
  EXPECT_EQ(s[4]["transaction"]["kind"], "none");
  EXPECT_TRUE(s[4]["unknown_reason"].is_string());
}

TEST(LocksCli, LaterFilesSeeTheSchemaOfEarlierOnes) {
  // V2 creates orders_placed_at_idx; by V5 its table is known, so a REINDEX names it.
  auto r = run_migsafe("locks --format json examples/unsafe/", "", "cd '" + source_dir() + "' && ");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  const auto& v5 = j["files"][4];
  EXPECT_EQ(v5["path"], "examples/unsafe/V5__widen_and_rename.sql");
  // total_cents was created as int in V1: the type change is a certain rewrite.
  EXPECT_EQ(v5["statements"][0]["rewrite"], "yes");
}

TEST(LocksCli, MissingFilesAreUsageErrors) {
  auto r = run_migsafe("locks /nonexistent/V1.sql");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent/V1.sql"), std::string::npos) << r.err;
  r = run_migsafe("locks --format yaml x.sql");
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace migsafe::test
