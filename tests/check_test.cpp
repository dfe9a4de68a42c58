// Check::memo: a value several rules derive from one node is computed once per statement, and
// values of other nodes or other types are kept apart.
#include <gtest/gtest.h>

#include "core/check.hpp"
#include "core/column_util.hpp"
#include "core/walk.hpp"

namespace migsafe::test {
namespace {

TEST(CheckMemo, ComputesOncePerNodeAndTypeAndKeepsTheValue) {
  auto file = std::make_shared<const SourceFile>("m.sql", "SELECT 1");
  LintSettings settings;
  FileContext ctx(*file, settings);
  ParsedFile p = parse_sql("SELECT 1");
  std::vector<Finding> out;
  Check c(ctx, p.statements.at(0), out);
  int a = 0, b = 0;
  int x = 0, y = 0;
  const int& first = c.memo<int>(&x, [&] { return ++a * 10; });
  EXPECT_EQ(first, 10);
  EXPECT_EQ(c.memo<int>(&x, [&] { return ++a * 10; }), 10);
  EXPECT_EQ(&c.memo<int>(&x, [&] { return ++a * 10; }), &first);  // the same object
  EXPECT_EQ(a, 1);
  EXPECT_EQ(c.memo<int>(&y, [&] { return ++b; }), 1);                        // another node
  EXPECT_EQ(c.memo<std::string>(&x, [] { return std::string("s"); }), "s");  // another type
  EXPECT_EQ(c.memo<int>(&x, [&] { return ++a * 10; }), 10);
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 1);
}

TEST(CheckMemo, ColumnUseIsSharedByEveryRuleOfTheStatement) {
  std::string sql = "CREATE TABLE t (a varchar(20), b int)";
  auto file = std::make_shared<const SourceFile>("m.sql", sql);
  LintSettings settings;
  FileContext ctx(*file, settings);
  ParsedFile p = parse_sql(sql);
  std::vector<Finding> out;
  Check c(ctx, p.statements.at(0), out);
  std::vector<const std::optional<ColumnUse>*> uses;
  TreeWalker w;
  w.walk(unwrap(p.statements[0].node),
         [&](const ProtobufCMessage& m, std::span<const ProtobufCMessage* const> up) {
           if (const auto* def = as<PgQuery__ColumnDef>(&m)) {
             c.set_ancestors(up);
             const auto& u = column_use(*def, c);
             EXPECT_EQ(&column_use(*def, c), &u);  // a second rule asking gets the same value
             uses.push_back(&u);
           }
           return true;
         });
  ASSERT_EQ(uses.size(), 2u);
  ASSERT_TRUE(*uses[0] && *uses[1]);
  EXPECT_EQ((*uses[0])->column, "a");
  EXPECT_EQ((*uses[0])->type.name, "varchar");
  EXPECT_EQ((*uses[1])->column, "b");
  EXPECT_EQ((*uses[1])->type.name, "int4");
}

}  // namespace
}  // namespace migsafe::test
