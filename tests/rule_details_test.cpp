// What the fixture format cannot express: the fixes rules offer (the edited SQL, whether the
// fix is marked safe), related locations, and which locks a message names.
#include <gtest/gtest.h>

#include <algorithm>

#include "helpers.hpp"

namespace migsafe::test {
namespace {

// `sql` with the edits of `fix` applied.
std::string applied(const std::string& sql, const Fix& fix) {
  std::vector<Edit> edits = fix.edits;
  std::stable_sort(edits.begin(), edits.end(),
                   [](const Edit& a, const Edit& b) { return a.span.begin > b.span.begin; });
  std::string out = sql;
  for (const Edit& e : edits) out.replace(e.span.begin, e.span.end - e.span.begin, e.text);
  return out;
}

// The single finding of `rule` in `sql`.
TEST(ConstraintMissingNotValidFix, AddsNotValidAndAValidateStatement) {
  std::string sql =
      "ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0), ADD COLUMN x int;\n"
      "SELECT 1;\n";
  Finding f = only_finding(sql, "constraint-missing-not-valid");
  ASSERT_EQ(f.fixes.size(), 1u);
  EXPECT_TRUE(f.fixes[0].safe);
  EXPECT_EQ(applied(sql, f.fixes[0]),
            "ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID, "
            "ADD COLUMN x int;\n"
            "ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;\n"
            "SELECT 1;\n");
}

TEST(ConstraintMissingNotValidFix, TerminatesALastStatementWithoutSemicolon) {
  std::string sql =
      "ALTER TABLE billing.invoices ADD CONSTRAINT \"Fk\" FOREIGN KEY (a) REFERENCES accounts";
  Finding f = only_finding(sql, "constraint-missing-not-valid");
  ASSERT_EQ(f.fixes.size(), 1u);
  EXPECT_EQ(
      applied(sql, f.fixes[0]),
      "ALTER TABLE billing.invoices ADD CONSTRAINT \"Fk\" FOREIGN KEY (a) REFERENCES accounts "
      "NOT VALID;\nALTER TABLE billing.invoices VALIDATE CONSTRAINT \"Fk\";");
}

TEST(ConstraintMissingNotValidFix, IsNotSafeInsideATransaction) {
  // The VALIDATE would run under the lock the ADD took, until COMMIT.
  Finding f =
      only_finding("BEGIN;\nALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0);\nCOMMIT;",
                   "constraint-missing-not-valid");
  ASSERT_EQ(f.fixes.size(), 1u);
  EXPECT_FALSE(f.fixes[0].safe);
}

TEST(ConstraintMissingNotValidFix, NoFixForAnUnnamedConstraint) {
  Finding f =
      only_finding("ALTER TABLE orders ADD CHECK (total > 0);", "constraint-missing-not-valid");
  EXPECT_TRUE(f.fixes.empty());
  EXPECT_NE(f.help.find("orders_total_check"), std::string::npos) << f.help;
}

TEST(ConstraintMissingNotValidRelated, PointsAtTheAddThatHoldsTheLock) {
  std::string sql =
      "BEGIN;\n"
      "ALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0) NOT VALID;\n"
      "ALTER TABLE orders VALIDATE CONSTRAINT c;\n"
      "COMMIT;\n";
  Finding f = only_finding(sql, "constraint-missing-not-valid");
  ASSERT_EQ(f.related.size(), 1u);
  EXPECT_EQ(sql.substr(f.related[0].span.begin, f.related[0].span.end - f.related[0].span.begin),
            "ALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0) NOT VALID;");
  EXPECT_NE(f.message.find("ACCESS EXCLUSIVE on orders"), std::string::npos) << f.message;
}

TEST(ConstraintMissingNotValidMessage, InlineCheckNamesOnlyTheTablesLock) {
  // The REFERENCES of the same column locks `customers` too, but that is another rule's finding.
  Finding f = only_finding(
      "ALTER TABLE orders ADD COLUMN c bigint DEFAULT 0 CHECK (c >= 0) REFERENCES customers;",
      "constraint-missing-not-valid");
  EXPECT_NE(f.message.find("takes ACCESS EXCLUSIVE on orders and holds it"), std::string::npos)
      << f.message;
  EXPECT_EQ(f.message.find("customers"), std::string::npos) << f.message;
}

TEST(ConstraintMissingNotValidMessage, ForeignKeyNamesBothTables) {
  Finding f = only_finding(
      "ALTER TABLE orders ADD CONSTRAINT f FOREIGN KEY (c) REFERENCES billing.customers;",
      "constraint-missing-not-valid");
  EXPECT_NE(f.message.find("SHARE ROW EXCLUSIVE on orders and billing.customers"),
            std::string::npos)
      << f.message;
  EXPECT_NE(f.message.find("writes on orders and billing.customers are blocked"), std::string::npos)
      << f.message;
}

}  // namespace
}  // namespace migsafe::test
