// Model facts the availability and compatibility rules rely on that their fixtures cannot pin
// down alone: statements PostgreSQL refuses inside a transaction block, the statement_timeout
// criterion, ATTACH PARTITION's scan, objects created earlier in a file, enum values added in the
// open transaction, and what a narrowing type change does to stored values.
#include <gtest/gtest.h>

#include "core/parse.hpp"
#include "model/context.hpp"
#include "model/locks.hpp"
#include "model/types.hpp"

namespace migsafe::test {
namespace {

// Replays `sql` statement by statement and calls `each(ctx, effect)` BEFORE each is applied.
template <class F>
void replay(const std::string& sql, F each, LintSettings settings = {}) {
  SourceFile file("test.sql", sql);
  ParsedFile parsed = parse_file(file);
  ASSERT_TRUE(parsed.errors.empty()) << sql;
  FileContext ctx(file, settings);
  for (const Statement& stmt : parsed.statements) {
    Effect e = predict(stmt, ctx);
    each(ctx, e);
    ctx.advance(stmt, [&]() -> const Effect& { return e; });
  }
}

Effect predict_last(const std::string& sql, LintSettings settings = {}) {
  Effect last;
  replay(
      sql, [&](const FileContext&, const Effect& e) { last = e; }, settings);
  return last;
}

TEST(NoTransactionBlock, StatementsPostgresRefusesInsideOne) {
  for (const char* sql :
       {"CREATE DATABASE x", "DROP DATABASE x", "ALTER SYSTEM SET work_mem = '4MB'",
        "CREATE TABLESPACE t LOCATION '/srv'", "DROP TABLESPACE t", "VACUUM orders",
        "VACUUM FULL orders", "CLUSTER", "REINDEX SCHEMA public", "REINDEX DATABASE app",
        "ALTER DATABASE app SET TABLESPACE fast", "DISCARD ALL", "COMMIT PREPARED 'x'",
        "CREATE SUBSCRIPTION s CONNECTION 'dbname=x' PUBLICATION p", "DROP SUBSCRIPTION s",
        "ALTER TABLE m DETACH PARTITION m1 CONCURRENTLY", "CREATE INDEX CONCURRENTLY i ON t (c)"})
    EXPECT_TRUE(predict_last(sql).no_transaction_block) << sql;
  for (const char* sql : {"ANALYZE orders", "CLUSTER orders", "REINDEX TABLE orders",
                          "ALTER DATABASE app SET work_mem = '4MB'", "DISCARD PLANS",
                          "CREATE SUBSCRIPTION s CONNECTION 'dbname=x' PUBLICATION p WITH "
                          "(connect = false)",
                          "ALTER TYPE mood ADD VALUE 'meh'", "LOCK TABLE orders"})
    EXPECT_FALSE(predict_last(sql).no_transaction_block) << sql;
  LintSettings pg11;
  pg11.pg_version = 11;
  EXPECT_TRUE(predict_last("ALTER TYPE mood ADD VALUE 'meh'", pg11).no_transaction_block);
}

TEST(StatementTimeoutCriterion, StrongLockWhileWorking) {
  auto long_blocking = [](const std::string& sql) {
    return holds_blocking_lock_while_working(predict_last(sql));
  };
  EXPECT_TRUE(long_blocking("CREATE INDEX i ON orders (c)"));
  EXPECT_TRUE(long_blocking("ALTER TABLE orders ALTER COLUMN c TYPE bigint"));
  EXPECT_TRUE(long_blocking("ALTER TABLE orders ADD CONSTRAINT c CHECK (x > 0)"));
  EXPECT_TRUE(long_blocking("VACUUM FULL orders"));
  EXPECT_TRUE(long_blocking("REFRESH MATERIALIZED VIEW totals"));
  EXPECT_TRUE(long_blocking("REINDEX TABLE orders"));
  // Brief locks, locks that block nobody, and new tables.
  EXPECT_FALSE(long_blocking("ALTER TABLE orders ADD COLUMN c text"));
  EXPECT_FALSE(long_blocking("CREATE INDEX CONCURRENTLY i ON orders (c)"));
  EXPECT_FALSE(long_blocking("ALTER TABLE orders VALIDATE CONSTRAINT c"));
  EXPECT_FALSE(long_blocking("REFRESH MATERIALIZED VIEW CONCURRENTLY totals"));
  EXPECT_FALSE(long_blocking("UPDATE orders SET c = 1"));
  EXPECT_FALSE(long_blocking("CREATE TABLE t (id int); CREATE INDEX i ON t (id)"));
  EXPECT_FALSE(long_blocking("CREATE TABLE t (id int); REINDEX TABLE t"));
}

TEST(StatementTimeoutCriterion, ContextRemembersTheFirstUntilATimeoutIsSet) {
  std::vector<bool> seen;
  replay(
      "CREATE INDEX a ON t (c); CREATE INDEX b ON t (c); SET statement_timeout = '10min'; "
      "CREATE INDEX d ON t (c); RESET statement_timeout; CREATE INDEX e ON t (c);",
      [&](const FileContext& ctx, const Effect&) {
        seen.push_back(ctx.long_blocking_without_statement_timeout().has_value());
      });
  EXPECT_EQ(seen, (std::vector<bool>{false, true, true, false, false, false}));
}

TEST(AttachPartition, ScanIsSkippedOnlyWithAKnownValidCheck) {
  const char* attach = "ALTER TABLE m ATTACH PARTITION m1 FOR VALUES FROM (1) TO (10);";
  EXPECT_EQ(predict_last(attach).scan, Tri::Maybe);
  EXPECT_EQ(predict_last(std::string("ALTER TABLE m1 ADD CONSTRAINT b CHECK (k >= 1 AND k < 10) "
                                     "NOT VALID;") +
                         attach)
                .scan,
            Tri::Maybe);
  EXPECT_EQ(
      predict_last(std::string("ALTER TABLE m1 ADD CONSTRAINT b CHECK (k IS NOT NULL);") + attach)
          .scan,
      Tri::Maybe);
  EXPECT_EQ(predict_last(std::string("ALTER TABLE m1 ADD CONSTRAINT b CHECK (k >= 1 AND k < 10) "
                                     "NOT VALID; ALTER TABLE m1 VALIDATE CONSTRAINT b;") +
                         attach)
                .scan,
            Tri::No);
}

TEST(CreatedObjects, PlainCreatesAreNewOrReplaceIsNot) {
  std::vector<bool> at_end;
  replay(
      "CREATE VIEW v AS SELECT 1; CREATE OR REPLACE VIEW w AS SELECT 1; "
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'; "
      "CREATE TYPE mood AS ENUM ('a'); CREATE DOMAIN posint AS int; "
      "CREATE SEQUENCE s; CREATE SEQUENCE IF NOT EXISTS s2; CREATE SCHEMA app; "
      "ALTER VIEW v RENAME TO v2; SELECT 1;",
      [&](const FileContext& ctx, const Effect&) {
        at_end = {
            ctx.is_new_object(ObjectKind::View, {"public", "v"}),
            ctx.is_new_object(ObjectKind::View, {"public", "w"}),
            ctx.is_new_object(ObjectKind::Function, {"public", "f"}),
            ctx.is_new_object(ObjectKind::Type, {"public", "mood"}),
            ctx.is_new_object(ObjectKind::Type, {"public", "posint"}),
            ctx.is_new_object(ObjectKind::Sequence, {"public", "s"}),
            ctx.is_new_object(ObjectKind::Sequence, {"public", "s2"}),
            ctx.is_new_object(ObjectKind::Schema, {"", "app"}),
            ctx.is_new_object(ObjectKind::Function, {"app", "anything"}),
            ctx.is_new_object(ObjectKind::View, {"public", "v2"}),
            ctx.is_new_object(ObjectKind::View, {"other", "v"}),
        };
      });
  EXPECT_EQ(at_end, (std::vector<bool>{true, false, true, true, true, true, false, true, true, true,
                                       false}));
}

TEST(AddedEnumValues, LastUntilTheTransactionEnds) {
  std::vector<size_t> counts;
  replay(
      "ALTER TYPE mood ADD VALUE 'a'; BEGIN; ALTER TYPE mood ADD VALUE 'b'; "
      "ALTER TYPE mood RENAME VALUE 'x' TO 'y'; SELECT 1; COMMIT; SELECT 1;",
      [&](const FileContext& ctx, const Effect&) {
        counts.push_back(ctx.enum_values_added_in_transaction().size());
      });
  EXPECT_EQ(counts, (std::vector<size_t>{0, 0, 0, 1, 1, 1, 0}));

  LintSettings assumed;
  assumed.assume_in_transaction = true;
  counts.clear();
  replay(
      "ALTER TYPE mood ADD VALUE 'a'; SELECT 1; COMMIT; SELECT 1;",
      [&](const FileContext& ctx, const Effect&) {
        counts.push_back(ctx.enum_values_added_in_transaction().size());
      },
      assumed);
  EXPECT_EQ(counts, (std::vector<size_t>{0, 1, 1, 0}));
}

TypeRef type_of(const std::string& spelling) {
  ParsedFile p = parse_sql("SELECT NULL::" + spelling);
  const auto* sel = p.statements.at(0).node->select_stmt;
  const auto* target = sel->target_list[0]->res_target;
  return type_ref(target->val->type_cast->type_name);
}

TEST(Narrowing, WhatAChangeDoesToStoredValues) {
  auto fails = [](const char* a, const char* b) {
    return narrowing_type_change(type_of(a), type_of(b), false).fails;
  };
  auto loses = [](const char* a, const char* b, bool cast = false) {
    return narrowing_type_change(type_of(a), type_of(b), cast).loses;
  };
  EXPECT_EQ(fails("varchar(50)", "varchar(20)"), "values longer than 20 characters");
  EXPECT_EQ(fails("text", "varchar(20)"), "values longer than 20 characters");
  EXPECT_EQ(loses("varchar(50)", "varchar(20)", true),
            "values longer than 20 characters are cut to 20");
  EXPECT_EQ(fails("bigint", "int"), "values outside the range of integer");
  EXPECT_EQ(loses("numeric(10,4)", "numeric(10,2)"),
            "digits after the 2nd decimal place are rounded away");
  EXPECT_EQ(fails("numeric(10,2)", "numeric(8,2)"),
            "values with more than 6 digits before the decimal point");
  EXPECT_EQ(loses("numeric", "int"), "the fractional part is rounded away");
  EXPECT_EQ(fails("numeric(9,0)", "int"), "");
  EXPECT_EQ(fails("numeric(12,2)", "int"), "values outside the range of integer");
  EXPECT_EQ(loses("timestamp(6)", "timestamp(3)"),
            "fractional seconds beyond 3 digits are rounded");
  EXPECT_EQ(loses("timestamptz", "timestamp(0)"), loses("timestamptz", "timestamp"));
  EXPECT_NE(loses("timestamptz", "timestamp").find("session TimeZone"), std::string::npos);
  EXPECT_EQ(loses("timestamptz", "date"), "the time of day is dropped");
  EXPECT_EQ(loses("float8", "real"), "digits beyond the 6th significant digit are rounded");
  EXPECT_EQ(loses("json", "jsonb").substr(0, 14), "duplicate obje");
  EXPECT_EQ(loses("bigint", "float8"),
            "integers beyond 9,007,199,254,740,992 lose their last digits");
  // Widening and rewrite-only changes lose nothing.
  for (auto [a, b] :
       std::vector<std::pair<const char*, const char*>>{{"varchar(20)", "varchar(50)"},
                                                        {"varchar(20)", "text"},
                                                        {"int", "bigint"},
                                                        {"smallint", "real"},
                                                        {"numeric(8,2)", "numeric(10,2)"},
                                                        {"numeric(8,2)", "numeric"},
                                                        {"int", "numeric(12,0)"},
                                                        {"timestamp(3)", "timestamp"},
                                                        {"timestamp", "timestamptz"},
                                                        {"jsonb", "json"},
                                                        {"int", "text"},
                                                        {"cidr", "inet"}})
    EXPECT_FALSE(narrowing_type_change(type_of(a), type_of(b), false).any()) << a << " -> " << b;
}

}  // namespace
}  // namespace migsafe::test
