// Schema replay: what the catalog learns from each statement kind it models, the questions rules
// ask it (indexes leading with a foreign key's columns, the type of a referenced key, what still
// uses a column or table), and that it records what it cannot model as unknown. The replay of
// the examples and of a few hundred generated migrations must model every statement of the kinds
// it claims.
#include <gtest/gtest.h>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/parse.hpp"
#include "helpers.hpp"
#include "model/catalog.hpp"

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;

struct Replayed {
  Catalog catalog;
  std::vector<ReplayOutcome> outcomes;
};

Replayed replay(const std::string& sql, Catalog start = {}) {
  Replayed r{std::move(start), {}};
  ParsedFile parsed = parse_sql(sql);
  EXPECT_TRUE(parsed.errors.empty()) << sql;
  ReplayState st;
  for (const Statement& s : parsed.statements) {
    st.statement = s.index;
    r.outcomes.push_back(r.catalog.apply(s.node, st));
  }
  return r;
}

QualifiedName pub(const std::string& n) {
  return QualifiedName{"public", n};
}

// children() answers from an index that a plain CREATE TABLE no longer rebuilds: it must still
// follow every change of parents, asked between the statements of a history.
TEST(Catalog, ChildrenFollowPartitionsAndInheritanceAsTheyChange) {
  Catalog cat;
  ReplayState st;
  auto apply = [&](const std::string& sql) {
    ParsedFile parsed = parse_sql(sql);
    ASSERT_TRUE(parsed.errors.empty()) << sql;
    for (const Statement& s : parsed.statements) cat.apply(s.node, st);
  };
  auto names = [&](const std::string& parent) {
    std::vector<std::string> out;
    for (const TableInfo* t : cat.children(pub(parent))) out.push_back(t->name.name);
    std::sort(out.begin(), out.end());
    return out;
  };
  using V = std::vector<std::string>;
  apply("CREATE TABLE p (id bigint, at date) PARTITION BY RANGE (at);");
  apply("CREATE TABLE p1 PARTITION OF p FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');");
  EXPECT_EQ(names("p"), V{"p1"});
  apply("CREATE TABLE plain (id bigint);");  // no parents: the index stays as it is
  apply("CREATE TABLE p2 (id bigint, at date);");
  EXPECT_EQ(names("p"), V{"p1"});
  apply("ALTER TABLE p ATTACH PARTITION p2 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');");
  EXPECT_EQ(names("p"), (V{"p1", "p2"}));
  apply("DROP TABLE p1;");
  EXPECT_EQ(names("p"), V{"p2"});
  apply("CREATE TABLE p1 (id bigint, at date);");  // the same name again, not a partition
  EXPECT_EQ(names("p"), V{"p2"});
  apply("ALTER TABLE p DETACH PARTITION p2;");
  EXPECT_TRUE(names("p").empty());
  apply("CREATE TABLE kid (x int) INHERITS (plain);");
  EXPECT_EQ(names("plain"), V{"kid"});
  apply("DROP TABLE kid; CREATE TABLE kid (x int);");
  EXPECT_TRUE(names("plain").empty());
}

TEST(Catalog, TablesColumnsAndConstraints) {
  auto r = replay(
      "CREATE TABLE accounts (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT "
      "NULL UNIQUE, total numeric(10,2) DEFAULT 0, total2 numeric GENERATED ALWAYS AS (total * 2) "
      "STORED);\n"
      "CREATE TABLE orders (id bigserial PRIMARY KEY, account_id int REFERENCES accounts, note "
      "varchar(50), CONSTRAINT orders_note_check CHECK (note IS NOT NULL) NOT VALID);\n");
  const TableInfo* a = r.catalog.table(pub("accounts"));
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->columns_known);
  EXPECT_TRUE(a->column("id")->identity);
  EXPECT_TRUE(a->column("id")->not_null);
  EXPECT_EQ(a->column("total")->type.display(), "numeric(10,2)");
  EXPECT_TRUE(a->column("total")->has_default);
  EXPECT_TRUE(a->column("total2")->generated);
  ASSERT_TRUE(a->primary_key());
  EXPECT_EQ(a->primary_key()->name, "accounts_pkey");
  const IndexInfo* pk = r.catalog.index(pub("accounts_pkey"));
  ASSERT_TRUE(pk);
  EXPECT_TRUE(pk->unique);
  EXPECT_EQ(pk->constraint, "accounts_pkey");
  EXPECT_TRUE(r.catalog.index(pub("accounts_email_key")));
  const TableInfo* o = r.catalog.table(pub("orders"));
  const ConstraintInfo* fk = o->constraint("orders_account_id_fkey");
  ASSERT_TRUE(fk);
  EXPECT_EQ(fk->references, pub("accounts"));
  // prefer-bigint-over-int asks: what type is the key this foreign key must match?
  auto refs = r.catalog.referenced_columns(*fk);
  ASSERT_EQ(refs.size(), 1u);
  ASSERT_TRUE(refs[0]);
  EXPECT_EQ(refs[0]->type.display(), "integer");
  EXPECT_FALSE(o->constraint("orders_note_check")->validated);
  EXPECT_EQ(o->constraint("orders_note_check")->not_null_column, "note");
  for (const auto& out : r.outcomes) EXPECT_EQ(out.kind, ReplayOutcome::Modeled);
}

TEST(Catalog, IndexesForForeignKeys) {
  auto r = replay(
      "CREATE TABLE t (a int, b int, c int);\n"
      "CREATE INDEX t_ab ON t (a, b);\n"
      "CREATE INDEX t_c_partial ON t (c) WHERE c > 0;\n"
      "CREATE UNIQUE INDEX t_lower ON t (lower(a::text));\n");
  EXPECT_TRUE(r.catalog.index_leading_with(pub("t"), {"a"}));
  EXPECT_TRUE(r.catalog.index_leading_with(pub("t"), {"b", "a"}));
  EXPECT_FALSE(r.catalog.index_leading_with(pub("t"), {"b"}));
  EXPECT_FALSE(r.catalog.index_leading_with(pub("t"), {"c"})) << "partial";
  EXPECT_TRUE(r.catalog.index(pub("t_lower"))->expressions);
  EXPECT_EQ(r.catalog.indexes_on(pub("t")).size(), 3u);
}

TEST(Catalog, ViewsAndWhatTheyRead) {
  auto r = replay(
      "CREATE TABLE users (id int, name text, email text);\n"
      "CREATE TABLE orders (id int, user_id int, total int);\n"
      "CREATE VIEW v_all AS SELECT * FROM users;\n"
      "CREATE VIEW v_join AS SELECT u.name, total FROM users u JOIN orders o ON o.user_id = "
      "u.id;\n"
      "CREATE MATERIALIZED VIEW mv AS WITH x AS (SELECT 1 AS one) SELECT email FROM users, x;\n");
  const ViewInfo* all = r.catalog.view(pub("v_all"));
  ASSERT_TRUE(all);
  EXPECT_EQ(all->reads[0].columns, (std::set<std::string>{"email", "id", "name"}));
  const ViewInfo* join = r.catalog.view(pub("v_join"));
  ASSERT_EQ(join->reads.size(), 2u);
  EXPECT_EQ(join->reads[0].columns, (std::set<std::string>{"id", "name"}));
  EXPECT_EQ(join->reads[1].columns, (std::set<std::string>{"total", "user_id"}));
  EXPECT_TRUE(r.catalog.view(pub("mv"))->materialized);
  EXPECT_EQ(r.catalog.view(pub("mv"))->reads.size(), 1u) << "the CTE is not a relation";

  auto deps = r.catalog.dependents_of_column(pub("users"), "name");
  std::vector<std::string> names;
  for (const auto& d : deps) names.push_back(d.describe());
  EXPECT_EQ(names, (std::vector<std::string>{"view v_all", "view v_join"}));
  EXPECT_TRUE(r.catalog.dependents_of_column(pub("orders"), "id").empty());
}

TEST(Catalog, DependentsOfColumnsAndTables) {
  auto r = replay(
      "CREATE TABLE users (id int PRIMARY KEY, email text);\n"
      "CREATE TABLE orders (id int, user_id int REFERENCES users (id));\n"
      "CREATE INDEX users_email_idx ON users (email);\n");
  std::vector<std::string> names;
  for (const auto& d : r.catalog.dependents_of_column(pub("users"), "id"))
    names.push_back(d.describe());
  EXPECT_EQ(names, (std::vector<std::string>{"index users_pkey",
                                             "foreign key orders_user_id_fkey on orders"}));
  names.clear();
  for (const auto& d : r.catalog.dependents_of_table(pub("users"))) names.push_back(d.describe());
  EXPECT_EQ(names, (std::vector<std::string>{"foreign key orders_user_id_fkey on orders"}));
  // DROP COLUMN takes its indexes and constraints along; CASCADE the foreign keys of others.
  auto after = replay("ALTER TABLE users DROP COLUMN email;", r.catalog);
  EXPECT_FALSE(after.catalog.index(pub("users_email_idx")));
  after = replay("DROP TABLE users CASCADE;", r.catalog);
  EXPECT_FALSE(after.catalog.table(pub("users")));
  EXPECT_TRUE(after.catalog.table(pub("orders"))->constraints.empty());
}

TEST(Catalog, RenamesFollowEverywhere) {
  auto r = replay(
      "CREATE TABLE users (id int PRIMARY KEY, name text);\n"
      "CREATE TABLE orders (user_id int REFERENCES users (id));\n"
      "CREATE INDEX users_name_idx ON users (name);\n"
      "CREATE VIEW v AS SELECT name FROM users;\n"
      "ALTER TABLE users RENAME COLUMN name TO full_name;\n"
      "ALTER TABLE users RENAME TO people;\n"
      "ALTER INDEX users_name_idx RENAME TO people_name_idx;\n"
      "ALTER TABLE people RENAME CONSTRAINT users_pkey TO people_pkey;\n");
  EXPECT_FALSE(r.catalog.table(pub("users")));
  const TableInfo* p = r.catalog.table(pub("people"));
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->column("full_name"));
  EXPECT_EQ(r.catalog.index(pub("people_name_idx"))->columns,
            std::vector<std::string>{"full_name"});
  EXPECT_EQ(r.catalog.index(pub("people_name_idx"))->table, pub("people"));
  EXPECT_TRUE(r.catalog.index(pub("people_pkey")));
  EXPECT_EQ(r.catalog.table(pub("orders"))->constraints[0].references, pub("people"));
  EXPECT_EQ(r.catalog.view(pub("v"))->reads[0].relation, pub("people"));
  EXPECT_TRUE(r.catalog.view(pub("v"))->reads[0].columns.count("full_name"));
}

TEST(Catalog, EnumsSchemasAndPartitions) {
  auto r = replay(
      "CREATE SCHEMA billing;\n"
      "CREATE TYPE billing.status AS ENUM ('new', 'paid');\n"
      "ALTER TYPE billing.status ADD VALUE 'void' BEFORE 'paid';\n"
      "ALTER TYPE billing.status RENAME VALUE 'new' TO 'open';\n"
      "CREATE TABLE billing.events (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE "
      "(at);\n"
      "CREATE TABLE billing.events_2024 PARTITION OF billing.events FOR VALUES FROM "
      "('2024-01-01') TO ('2025-01-01');\n"
      "CREATE TABLE billing.events_old (id bigint NOT NULL, at date NOT NULL);\n"
      "ALTER TABLE billing.events ATTACH PARTITION billing.events_old FOR VALUES FROM "
      "('2000-01-01') TO ('2024-01-01');\n"
      "CREATE TABLE public.moved (id int);\nCREATE INDEX moved_id ON moved (id);\n"
      "ALTER TABLE moved SET SCHEMA billing;\n");
  EXPECT_TRUE(r.catalog.has_schema("billing"));
  const EnumInfo* e = r.catalog.enum_type(QualifiedName{"billing", "status"});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->values, (std::vector<std::string>{"open", "void", "paid"}));
  QualifiedName events{"billing", "events"}, part{"billing", "events_2024"};
  EXPECT_EQ(r.catalog.table(events)->kind, TableKind::Partitioned);
  EXPECT_EQ(r.catalog.table(part)->kind, TableKind::Partition);
  EXPECT_EQ(r.catalog.table(part)->parent, events);
  EXPECT_TRUE(r.catalog.table(part)->column("at")) << "a partition has its parent's columns";
  EXPECT_EQ(r.catalog.table(QualifiedName{"billing", "events_old"})->kind, TableKind::Partition);
  EXPECT_EQ(r.catalog.dependents_of_table(events).size(), 2u);
  EXPECT_TRUE(r.catalog.table(QualifiedName{"billing", "moved"}));
  EXPECT_TRUE(r.catalog.index(QualifiedName{"billing", "moved_id"}));
  for (const auto& out : r.outcomes) EXPECT_NE(out.kind, ReplayOutcome::Unknown) << out.reason;
  auto dropped = replay("DROP SCHEMA billing CASCADE;", r.catalog);
  EXPECT_FALSE(dropped.catalog.table(events));
  EXPECT_FALSE(dropped.catalog.enum_type(QualifiedName{"billing", "status"}));
}

TEST(Catalog, WhatItCannotModelIsUnknownNotGuessed) {
  auto r = replay(
      "DO $$ BEGIN EXECUTE 'ALTER TABLE t ADD COLUMN x int'; END $$;\n"
      "CREATE TABLE copy AS SELECT * FROM somewhere;\n"
      "CREATE TABLE liked (LIKE unknown_table);\n"
      "CREATE TABLE kid (a int);\nALTER TABLE kid INHERIT parent;\n"
      "INSERT INTO kid VALUES (1);\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';\n");
  std::vector<ReplayOutcome::Kind> kinds;
  for (const auto& o : r.outcomes) kinds.push_back(o.kind);
  EXPECT_EQ(kinds, (std::vector<ReplayOutcome::Kind>{
                       ReplayOutcome::Unknown, ReplayOutcome::Unknown, ReplayOutcome::Unknown,
                       ReplayOutcome::Modeled, ReplayOutcome::Unknown, ReplayOutcome::NoEffect,
                       ReplayOutcome::NoEffect}));
  EXPECT_FALSE(r.catalog.table(pub("copy"))->columns_known);
  EXPECT_FALSE(r.catalog.table(pub("liked"))->columns_known);
  EXPECT_FALSE(r.catalog.table(pub("kid"))->columns_known);
  // LIKE a known table copies its columns.
  auto like = replay(
      "CREATE TABLE a (x int NOT NULL DEFAULT 1);\nCREATE TABLE b (LIKE a);\n"
      "CREATE TABLE c (LIKE a INCLUDING DEFAULTS);\n");
  EXPECT_TRUE(like.catalog.table(pub("b"))->column("x")->not_null);
  EXPECT_FALSE(like.catalog.table(pub("b"))->column("x")->has_default);
  EXPECT_TRUE(like.catalog.table(pub("c"))->column("x")->has_default);
}

TEST(Catalog, SettleMovesThisFilesObjectsIntoHistoryOrTheChangeSet) {
  auto r = replay("CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);\n");
  EXPECT_TRUE(is_new(r.catalog.table(pub("t"))->origin));
  Catalog change_set = r.catalog;
  change_set.settle(Origin::ChangeSet);
  EXPECT_EQ(change_set.table(pub("t"))->origin, Origin::ChangeSet);
  EXPECT_TRUE(is_new(change_set.index(pub("t_a"))->origin));
  r.catalog.settle(Origin::History);
  EXPECT_FALSE(is_new(r.catalog.table(pub("t"))->origin));
  EXPECT_FALSE(is_new(r.catalog.table(pub("t"))->column("a")->origin));
}

// Every statement kind the catalog models, in one history (the coverage file below), the
// bundled examples, and 300 generated migrations: `migsafe schema` must model all of them.
const char* kCoverage = R"(CREATE SCHEMA app;
SET search_path = app;
CREATE TYPE mood AS ENUM ('sad', 'ok');
ALTER TYPE mood ADD VALUE 'happy' AFTER 'ok';
ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';
ALTER TYPE mood RENAME TO feeling;
CREATE TABLE people (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text NOT NULL, mood feeling);
CREATE TABLE pets (id int PRIMARY KEY, owner bigint, CONSTRAINT pets_owner_fk FOREIGN KEY (owner) REFERENCES people (id) NOT VALID);
ALTER TABLE pets VALIDATE CONSTRAINT pets_owner_fk;
CREATE INDEX CONCURRENTLY pets_owner_idx ON pets (owner);
CREATE UNIQUE INDEX IF NOT EXISTS people_name_key ON people (name);
ALTER TABLE people ADD CONSTRAINT people_name_unique UNIQUE USING INDEX people_name_key;
ALTER TABLE people ADD COLUMN IF NOT EXISTS nick varchar(20) DEFAULT 'x', ALTER COLUMN nick TYPE varchar(40);
ALTER TABLE people ALTER COLUMN nick SET NOT NULL, ALTER COLUMN nick DROP DEFAULT;
ALTER TABLE people ALTER COLUMN nick DROP NOT NULL, ALTER COLUMN nick SET DEFAULT 'y';
ALTER TABLE people ADD CONSTRAINT nick_nn CHECK (nick IS NOT NULL) NOT VALID;
ALTER TABLE people VALIDATE CONSTRAINT nick_nn;
ALTER TABLE people DROP CONSTRAINT nick_nn;
ALTER TABLE people ALTER COLUMN id DROP IDENTITY;
ALTER TABLE people ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;
ALTER TABLE people ADD COLUMN upper_name text GENERATED ALWAYS AS (upper(name)) STORED;
ALTER TABLE people ALTER COLUMN upper_name DROP EXPRESSION;
ALTER TABLE people SET (fillfactor = 90), ALTER COLUMN name SET STATISTICS 500;
CREATE VIEW pet_owners AS SELECT p.name, x.id FROM people p JOIN pets x ON x.owner = p.id;
CREATE OR REPLACE VIEW pet_owners AS SELECT p.name, x.id, x.owner FROM people p JOIN pets x ON x.owner = p.id;
CREATE MATERIALIZED VIEW names AS SELECT name FROM people;
ALTER VIEW pet_owners RENAME TO owners;
ALTER MATERIALIZED VIEW names RENAME TO all_names;
CREATE TABLE log (at date NOT NULL, msg text) PARTITION BY RANGE (at);
CREATE TABLE log_2024 PARTITION OF log FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE log_old (LIKE log INCLUDING DEFAULTS);
ALTER TABLE log ATTACH PARTITION log_old FOR VALUES FROM ('2000-01-01') TO ('2024-01-01');
ALTER TABLE log DETACH PARTITION log_old;
ALTER TABLE log_old RENAME COLUMN msg TO message;
ALTER TABLE log_old RENAME CONSTRAINT log_old_pkey TO log_old_key;
ALTER INDEX pets_owner_idx RENAME TO pets_owner_ix;
ALTER TABLE log_old SET SCHEMA public;
DROP INDEX CONCURRENTLY IF EXISTS pets_owner_ix;
DROP MATERIALIZED VIEW all_names;
DROP VIEW owners;
ALTER TABLE pets DROP COLUMN owner CASCADE;
DROP TABLE IF EXISTS public.log_old;
DROP TYPE IF EXISTS unused_type;
CREATE TABLE scratch (a int);
ALTER TABLE scratch RENAME TO scratch2;
DROP TABLE scratch2;
COMMENT ON TABLE people IS 'people';
CREATE SEQUENCE seq;
GRANT SELECT ON people TO PUBLIC;
INSERT INTO people (name) VALUES ('a');
UPDATE people SET nick = 'z';
)";

nlohmann::json schema_json(const std::string& args) {
  auto r = run_migsafe("schema --format json " + args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out, nullptr, false);
}

TEST(CatalogReplay, ModelsEveryStatementOfTheExamplesTheCorpusAndTheCoverageHistory) {
  fs::path dir = fs::temp_directory_path() / ("migsafe-replay-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "coverage");
  std::ofstream(dir / "coverage" / "V1__everything.sql") << kCoverage;
  std::string gen = (fs::path(MIGSAFE_BINARY).parent_path() / "gen-corpus").string();
  ASSERT_EQ(
      std::system(("'" + gen + "' '" + (dir / "corpus").string() + "' 300 0 >/dev/null").c_str()),
      0);
  size_t statements = 0;
  for (const std::string& target :
       {source_dir() + "/examples/safe", source_dir() + "/examples/unsafe",
        (dir / "coverage").string(), (dir / "corpus").string()}) {
    auto j = schema_json("'" + target + "'");
    ASSERT_FALSE(j.is_discarded()) << target;
    for (const auto& h : j["histories"])
      for (const auto& u : h["unknown"])
        ADD_FAILURE() << u["path"] << ":" << u["line"] << ": " << u["reason"];
    EXPECT_EQ(j["summary"]["unknown"], 0) << target;
    statements += j["summary"]["statements"].get<size_t>();
  }
  EXPECT_GT(statements, 1500u);
  // The coverage history ends with the schema it describes.
  auto j = schema_json("'" + (dir / "coverage").string() + "'");
  const auto& schema = j["histories"][0]["schema"];
  std::set<std::string> tables;
  for (const auto& t : schema["tables"]) tables.insert(t["name"]);
  EXPECT_EQ(tables, (std::set<std::string>{"app.log", "app.log_2024", "app.people", "app.pets"}));
  EXPECT_EQ(schema["enums"][0]["values"], nlohmann::json({"blue", "ok", "happy"}));
  fs::remove_all(dir);
}

TEST(CatalogReplay, CountsWhatItCannotModel) {
  fs::path dir = fs::temp_directory_path() / ("migsafe-unknown-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "001.sql") << "CREATE TABLE t (a int);\nDO $$ BEGIN NULL; END $$;\n";
  auto j = schema_json("'" + dir.string() + "'");
  EXPECT_EQ(j["summary"]["unknown"], 1);
  EXPECT_EQ(j["histories"][0]["unknown"][0]["line"], 2);
  auto text = run_migsafe("schema '" + dir.string() + "'");
  EXPECT_NE(text.out.find("unknown: "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("table t (a integer)"), std::string::npos) << text.out;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace migsafe::test
