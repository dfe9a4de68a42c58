// Lock-model cases that the rule fixtures cannot pin down on their own: whether an inline
// REFERENCES on ADD COLUMN is validated against the existing rows.
#include <gtest/gtest.h>

#include "core/parse.hpp"
#include "model/context.hpp"
#include "model/locks.hpp"

namespace migsafe::test {
namespace {

// The lock model's prediction for the last statement of `sql`, after replaying the others.
Effect predict_last(const std::string& sql) {
  SourceFile file("test.sql", sql);
  ParsedFile parsed = parse_file(file);
  LintSettings settings;
  FileContext ctx(file, settings);
  Effect last;
  for (const Statement& stmt : parsed.statements) {
    last = predict(stmt, ctx);
    ctx.advance(stmt, [&]() -> const Effect& { return last; });
  }
  return last;
}

TEST(LocksForeignKey, InlineReferencesOnAllNullColumnIsNotValidated) {
  // PostgreSQL marks the key valid without reading the table: every new value is NULL.
  Effect e = predict_last("ALTER TABLE orders ADD COLUMN customer_id bigint REFERENCES customers;");
  EXPECT_FALSE(e.validates_foreign_key);
  EXPECT_EQ(e.scan, Tri::No);
  const RelationLock* ref = e.lock_on(QualifiedName{"public", "customers"});
  ASSERT_NE(ref, nullptr);
  EXPECT_EQ(ref->mode, LockMode::ShareRowExclusive);
}

TEST(LocksForeignKey, InlineReferencesWithDefaultIsValidated) {
  Effect e = predict_last(
      "ALTER TABLE orders ADD COLUMN status_id int NOT NULL DEFAULT 1 REFERENCES statuses (id);");
  EXPECT_TRUE(e.validates_foreign_key);
  EXPECT_EQ(e.scan, Tri::Yes);
}

TEST(LocksForeignKey, DefaultOnAnotherNewColumnValidatesEveryInlineKey) {
  Effect e = predict_last(
      "ALTER TABLE orders ADD COLUMN customer_id bigint REFERENCES customers, "
      "ADD COLUMN priority int DEFAULT 0;");
  ASSERT_EQ(e.subcommands.size(), 2u);
  EXPECT_TRUE(e.subcommands[0].validates_foreign_key);
  EXPECT_FALSE(e.subcommands[1].validates_foreign_key);
}

TEST(LocksForeignKey, AddForeignKeyConstraintInTheSameStatementValidatesInlineKeys) {
  Effect e = predict_last(
      "ALTER TABLE orders ADD COLUMN customer_id bigint REFERENCES customers, "
      "ADD CONSTRAINT orders_shop_fkey FOREIGN KEY (shop_id) REFERENCES shops NOT VALID;");
  ASSERT_EQ(e.subcommands.size(), 2u);
  EXPECT_TRUE(e.subcommands[0].validates_foreign_key);
  EXPECT_FALSE(e.subcommands[1].validates_foreign_key);
}

TEST(LocksForeignKey, NotValidSkipsTheCheckAndValidateRunsIt) {
  EXPECT_FALSE(predict_last("ALTER TABLE orders ADD CONSTRAINT f FOREIGN KEY (customer_id) "
                            "REFERENCES customers NOT VALID;")
                   .validates_foreign_key);
  EXPECT_TRUE(predict_last("ALTER TABLE orders ADD CONSTRAINT f FOREIGN KEY (customer_id) "
                           "REFERENCES customers;")
                  .validates_foreign_key);
  EXPECT_TRUE(predict_last("ALTER TABLE orders ADD CONSTRAINT f FOREIGN KEY (customer_id) "
                           "REFERENCES customers NOT VALID;\n"
                           "ALTER TABLE orders VALIDATE CONSTRAINT f;")
                  .validates_foreign_key);
}

}  // namespace
}  // namespace migsafe::test
