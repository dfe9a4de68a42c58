// Parse-tree readers that rules and the lock model share: utility option lists.
#include <gtest/gtest.h>

#include "core/node_util.hpp"
#include "core/parse.hpp"
#include "model/context.hpp"
#include "model/locks.hpp"

namespace migsafe::test {
namespace {

// The options list of the only statement of `sql` (REINDEX params or VACUUM options).
bool option_of(const std::string& sql, std::string_view name) {
  ParsedFile p = parse_sql(sql);
  EXPECT_EQ(p.statements.size(), 1u) << sql;
  const PgQuery__Node* n = p.statements.at(0).node;
  if (n->node_case == PG_QUERY__NODE__NODE_REINDEX_STMT)
    return option_enabled(items(n->reindex_stmt->params, n->reindex_stmt->n_params), name);
  if (n->node_case == PG_QUERY__NODE__NODE_VACUUM_STMT)
    return option_enabled(items(n->vacuum_stmt->options, n->vacuum_stmt->n_options), name);
  ADD_FAILURE() << "not REINDEX or VACUUM: " << sql;
  return false;
}

TEST(OptionEnabled, BareAndExplicitValues) {
  EXPECT_TRUE(option_of("REINDEX TABLE CONCURRENTLY t", "concurrently"));
  EXPECT_TRUE(option_of("REINDEX (CONCURRENTLY) TABLE t", "concurrently"));
  EXPECT_TRUE(option_of("REINDEX (CONCURRENTLY true) TABLE t", "concurrently"));
  EXPECT_TRUE(option_of("REINDEX (CONCURRENTLY on) TABLE t", "concurrently"));
  EXPECT_TRUE(option_of("REINDEX (CONCURRENTLY 1) TABLE t", "concurrently"));
  EXPECT_FALSE(option_of("REINDEX TABLE t", "concurrently"));
  EXPECT_FALSE(option_of("REINDEX (VERBOSE) TABLE t", "concurrently"));
  // The parser hands these over as String / Integer nodes, not A_Const.
  EXPECT_FALSE(option_of("REINDEX (CONCURRENTLY false) TABLE t", "concurrently"));
  EXPECT_FALSE(option_of("REINDEX (CONCURRENTLY OFF) TABLE t", "concurrently"));
  EXPECT_FALSE(option_of("REINDEX (CONCURRENTLY 0) TABLE t", "concurrently"));
  EXPECT_TRUE(option_of("VACUUM (FULL) t", "full"));
  EXPECT_FALSE(option_of("VACUUM (FULL false) t", "full"));
  EXPECT_FALSE(option_of("VACUUM (FULL 0, ANALYZE) t", "full"));
}

// The lock model reads the same options: a switched-off CONCURRENTLY / FULL is the plain form.
TEST(OptionEnabled, LockModelHonoursSwitchedOffOptions) {
  auto strongest = [](const std::string& sql) {
    SourceFile file("t.sql", sql);
    ParsedFile p = parse_file(file);
    LintSettings settings;
    FileContext ctx(file, settings);
    Effect e = predict(p.statements.at(0), ctx);
    const RelationLock* l = e.strongest_on_existing();
    return l ? l->mode : LockMode::None;
  };
  EXPECT_EQ(strongest("REINDEX (CONCURRENTLY false) TABLE t"), LockMode::AccessExclusive);
  EXPECT_EQ(strongest("REINDEX (CONCURRENTLY) TABLE t"), LockMode::ShareUpdateExclusive);
  EXPECT_EQ(strongest("VACUUM (FULL false) t"), LockMode::ShareUpdateExclusive);
  EXPECT_EQ(strongest("VACUUM (FULL) t"), LockMode::AccessExclusive);
}

}  // namespace
}  // namespace migsafe::test
