// Lock-model answers the oracle cannot check on the PostgreSQL 15 it runs (other versions,
// statements it does not know), and the held-lock facts rules build on.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/parse.hpp"
#include "helpers.hpp"
#include "model/context.hpp"
#include "model/locks.hpp"
#include "model/timeline.hpp"

namespace migsafe::test {
namespace {

Effect predict_last(const std::string& sql, int pg = 15) {
  SourceFile file("test.sql", sql);
  ParsedFile parsed = parse_file(file);
  LintSettings settings;
  settings.pg_version = pg;
  FileContext ctx(file, settings);
  Effect last;
  for (const Statement& stmt : parsed.statements) {
    last = predict(stmt, ctx);
    ctx.advance(stmt, [&]() -> const Effect& { return last; });
  }
  return last;
}

LockMode mode_on(const Effect& e, const std::string& name) {
  const RelationLock* l = e.lock_on(QualifiedName{"public", name});
  return l ? l->mode : LockMode::None;
}

TEST(LockModelVersions, AlterIndexRenameTakesAccessExclusiveBefore12) {
  EXPECT_EQ(mode_on(predict_last("ALTER INDEX i RENAME TO j;", 11), "i"),
            LockMode::AccessExclusive);
  EXPECT_EQ(mode_on(predict_last("ALTER INDEX i RENAME TO j;", 12), "i"),
            LockMode::ShareUpdateExclusive);
}

TEST(LockModelVersions, AttachPartitionLocksTheParentLessFrom12) {
  const char* sql = "ALTER TABLE events ATTACH PARTITION events_1 FOR VALUES IN (1);";
  EXPECT_EQ(mode_on(predict_last(sql, 11), "events"), LockMode::AccessExclusive);
  EXPECT_EQ(mode_on(predict_last(sql, 12), "events"), LockMode::ShareUpdateExclusive);
  EXPECT_EQ(mode_on(predict_last(sql, 12), "events_1"), LockMode::AccessExclusive);
}

TEST(LockModelVersions, EnumAddValueInATransactionBlockFrom12) {
  EXPECT_TRUE(predict_last("ALTER TYPE mood ADD VALUE 'meh';", 11).no_transaction_block);
  Effect e = predict_last("ALTER TYPE mood ADD VALUE 'meh';", 12);
  EXPECT_FALSE(e.no_transaction_block);
  EXPECT_FALSE(e.notes.empty());
  EXPECT_FALSE(predict_last("ALTER TYPE mood RENAME VALUE 'a' TO 'b';", 11).no_transaction_block);
}

TEST(LockModelVersions, StatementsAVersionLacksAreUnknown) {
  EXPECT_FALSE(predict_last("REINDEX INDEX CONCURRENTLY i;", 11).known);
  EXPECT_TRUE(predict_last("REINDEX INDEX CONCURRENTLY i;", 12).known);
  EXPECT_FALSE(predict_last("ALTER TABLE e DETACH PARTITION p CONCURRENTLY;", 13).known);
  EXPECT_TRUE(predict_last("ALTER TABLE e DETACH PARTITION p CONCURRENTLY;", 14).known);
  EXPECT_FALSE(predict_last("ALTER TABLE t SET ACCESS METHOD heap2;", 14).known);
}

TEST(LockModelVersions, DefaultsRewriteBefore11) {
  EXPECT_EQ(predict_last("ALTER TABLE t ADD COLUMN c int DEFAULT 0;", 10).rewrite, Tri::Yes);
  EXPECT_EQ(predict_last("ALTER TABLE t ADD COLUMN c int DEFAULT 0;", 11).rewrite, Tri::No);
}

TEST(LockModelUnknown, CodeItDoesNotAnalyseIsUnknownNotGuessed) {
  for (const char* sql : {"DO $$ BEGIN PERFORM 1; END $$;", "CALL refresh_everything();",
                          "EXECUTE prepared_statement;"}) {
    Effect e = predict_last(sql);
    EXPECT_FALSE(e.known) << sql;
    EXPECT_FALSE(e.unknown_reason.empty()) << sql;
    EXPECT_TRUE(e.locks.empty()) << sql;
  }
}

TEST(LockModelUnknown, UnseenForeignKeysAreSaidToBeUnknown) {
  Effect e = predict_last("TRUNCATE orders CASCADE;");
  EXPECT_TRUE(e.more_relations);
  Effect d = predict_last("ALTER TABLE orders DROP CONSTRAINT orders_customer_fkey;");
  EXPECT_TRUE(d.more_relations);
  Effect known = predict_last(
      "ALTER TABLE orders ADD CONSTRAINT orders_customer_fkey FOREIGN KEY (customer_id) "
      "REFERENCES customers (id) NOT VALID;\n"
      "ALTER TABLE orders DROP CONSTRAINT orders_customer_fkey;");
  EXPECT_FALSE(known.more_relations);
  EXPECT_EQ(mode_on(known, "customers"), LockMode::AccessExclusive);
}

TEST(LockModelNoTransactionBlock, StatementsPostgresRefusesInsideOne) {
  for (const char* sql : {"CREATE INDEX CONCURRENTLY i ON t (c);", "DROP INDEX CONCURRENTLY i;",
                          "VACUUM t;", "CREATE DATABASE x;", "ALTER SYSTEM SET work_mem = '1MB';",
                          "DISCARD ALL;", "REINDEX SCHEMA public;", "CLUSTER;"})
    EXPECT_TRUE(predict_last(sql).no_transaction_block) << sql;
  for (const char* sql : {"ANALYZE t;", "CLUSTER t USING t_pkey;", "DISCARD PLANS;",
                          "REINDEX TABLE t;", "CREATE INDEX i ON t (c);"})
    EXPECT_FALSE(predict_last(sql).no_transaction_block) << sql;
}

// Flyway's check for a statement that must run outside a transaction skips predicting the kinds
// never_refuses_transaction_block lists: none of them may ever be predicted to refuse one.
TEST(LockModelNoTransactionBlock, TheKindsThatAreNotPredictedForItNeverRefuseOne) {
  namespace fs = std::filesystem;
  size_t refusing = 0, skipped = 0;
  auto check = [&](const std::string& sql, int pg) {
    SourceFile file("test.sql", sql);
    ParsedFile parsed = parse_file(file);
    LintSettings settings;
    settings.pg_version = pg;
    FileContext ctx(file, settings);
    for (const Statement& stmt : parsed.statements) {
      Effect e = predict(stmt, ctx);
      ctx.advance(stmt, [&]() -> const Effect& { return e; });
      bool never = never_refuses_transaction_block(stmt);
      skipped += never;
      if (!e.no_transaction_block) continue;
      ++refusing;
      EXPECT_FALSE(never) << "PostgreSQL " << pg << ": " << file.text(stmt.span);
    }
  };
  for (const auto& dir : fs::directory_iterator(fs::path(source_dir()) / "fixtures"))
    for (const auto& f : fs::directory_iterator(dir.path()))
      if (f.path().extension() == ".sql")
        for (int pg : {11, 14, 17}) check(read_text(f.path().string()), pg);
  check("ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY; ALTER TYPE e ADD VALUE 'x';", 11);
  check("ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY; REINDEX TABLE CONCURRENTLY t;", 17);
  EXPECT_GT(refusing, 100u);
  EXPECT_GT(skipped, 1000u);
}

TEST(LockModelHeld, LocksAreHeldUntilTheTransactionEnds) {
  std::string sql =
      "BEGIN;\n"
      "ALTER TABLE orders ADD COLUMN a int;\n"
      "CREATE INDEX i ON users (email);\n"
      "COMMIT;\n"
      "CREATE INDEX j ON users (name);\n";
  auto file = std::make_shared<const SourceFile>("t.sql", sql);
  FileTimeline t = build_timeline(file, LintSettings{});
  ASSERT_EQ(t.statements.size(), 5u);
  const StatementLocks& index = t.statements[2];
  EXPECT_EQ(index.transaction, 1);
  ASSERT_EQ(index.held.size(), 1u);
  EXPECT_EQ(index.held[0].lock.relation.name, "orders");
  EXPECT_EQ(index.held[0].lock.mode, LockMode::AccessExclusive);
  EXPECT_EQ(index.held[0].kind, "ALTER TABLE");
  EXPECT_EQ(slow_work(index.effect), "builds an index on users");
  // After COMMIT nothing is held, and the statement runs on its own.
  EXPECT_EQ(t.statements[4].transaction, 0);
  EXPECT_TRUE(t.statements[4].held.empty());
}

TEST(LockModelHeld, NewTablesAreNotHeldOnExistingOnes) {
  std::string sql =
      "BEGIN;\n"
      "CREATE TABLE audit (id int);\n"
      "ALTER TABLE audit ADD COLUMN at timestamptz;\n"
      "UPDATE orders SET x = 1;\n";
  auto file = std::make_shared<const SourceFile>("t.sql", sql);
  FileTimeline t = build_timeline(file, LintSettings{});
  EXPECT_TRUE(t.statements[3].held.empty());
  EXPECT_TRUE(t.statements[3].effect.changes_rows);
}

TEST(LockModelAlternatives, PredictAfterAppliesTheEarlierSteps) {
  SourceFile file("t.sql", "");
  LintSettings settings;
  FileContext ctx(file, settings);
  Effect validate = predict_after(
      {"ALTER TABLE orders ADD CONSTRAINT f FOREIGN KEY (c) REFERENCES customers (id) NOT VALID",
       "ALTER TABLE orders VALIDATE CONSTRAINT f"},
      ctx);
  EXPECT_EQ(mode_on(validate, "orders"), LockMode::ShareUpdateExclusive);
  EXPECT_EQ(mode_on(validate, "customers"), LockMode::RowShare);
  EXPECT_TRUE(ctx.catalog().table(QualifiedName{"public", "orders"}) == nullptr)
      << "the file's own context must not change";
  EXPECT_FALSE(predict_sql("not sql at all", ctx).known);
}

}  // namespace
}  // namespace migsafe::test
