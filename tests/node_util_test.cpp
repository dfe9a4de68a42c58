// Parse-tree readers that rules and the lock model share: utility option lists and the names
// messages give statements.
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

std::string kind_of(const std::string& sql) {
  ParsedFile p = parse_sql(sql);
  EXPECT_EQ(p.statements.size(), 1u) << sql;
  return statement_kind(p.statements.at(0).node);
}

TEST(StatementKind, NamesTheStatementAsWritten) {
  EXPECT_EQ(kind_of("ALTER TABLE t ADD COLUMN c int"), "ALTER TABLE");
  EXPECT_EQ(kind_of("ALTER INDEX i SET (fillfactor = 70)"), "ALTER INDEX");
  EXPECT_EQ(kind_of("CREATE UNIQUE INDEX i ON t (c)"), "CREATE INDEX");
  EXPECT_EQ(kind_of("CREATE INDEX CONCURRENTLY i ON t (c)"), "CREATE INDEX CONCURRENTLY");
  EXPECT_EQ(kind_of("DROP INDEX i"), "DROP INDEX");
  EXPECT_EQ(kind_of("DROP INDEX CONCURRENTLY i"), "DROP INDEX CONCURRENTLY");
  EXPECT_EQ(kind_of("DROP TABLE IF EXISTS a, b CASCADE"), "DROP TABLE");
  EXPECT_EQ(kind_of("DROP MATERIALIZED VIEW v"), "DROP MATERIALIZED VIEW");
  EXPECT_EQ(kind_of("ALTER TABLE t RENAME COLUMN a TO b"), "ALTER TABLE ... RENAME COLUMN");
  EXPECT_EQ(kind_of("ALTER TABLE t RENAME TO u"), "ALTER TABLE ... RENAME TO");
  EXPECT_EQ(kind_of("ALTER INDEX i RENAME TO j"), "ALTER INDEX ... RENAME TO");
  EXPECT_EQ(kind_of("REINDEX INDEX CONCURRENTLY i"), "REINDEX INDEX CONCURRENTLY");
  EXPECT_EQ(kind_of("REINDEX (CONCURRENTLY false) TABLE t"), "REINDEX TABLE");
  EXPECT_EQ(kind_of("VACUUM (FULL) t"), "VACUUM FULL");
  EXPECT_EQ(kind_of("ANALYZE t"), "ANALYZE");
  EXPECT_EQ(kind_of("LOCK TABLE t IN ACCESS EXCLUSIVE MODE"), "LOCK TABLE");
  EXPECT_EQ(kind_of("TRUNCATE t"), "TRUNCATE");
  EXPECT_EQ(kind_of("CREATE TABLE t (id int REFERENCES u)"), "CREATE TABLE");
  EXPECT_EQ(kind_of("REFRESH MATERIALIZED VIEW CONCURRENTLY v"),
            "REFRESH MATERIALIZED VIEW CONCURRENTLY");
  EXPECT_EQ(kind_of("UPDATE t SET a = 1"), "UPDATE");
  EXPECT_EQ(kind_of("GRANT SELECT ON t TO r"), "");
}

}  // namespace
}  // namespace migsafe::test
