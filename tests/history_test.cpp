// Migration histories as users lay them out: every framework's directory layout, its order, its
// down scripts and its transactions; schema replay across files; change sets from a real
// (temporary) git repository; Django / Alembic output piped through stdin.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/history.hpp"
#include "core/rule.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;

class History : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    return tmp_.write(name, text);
  }
  std::string path(const std::string& rel = "") const { return tmp_.path(rel); }

  struct Hit {
    std::string file;  // relative to the test directory
    int line;
    std::string rule;
    std::string message;
  };
  // Runs `migsafe check --format json ARGS` and returns the findings.
  std::vector<Hit> check(const std::string& args, int* exit_code = nullptr,
                         const std::string& input = "") {
    auto r = run_migsafe("check --format json " + args, input);
    if (exit_code) *exit_code = r.exit_code;
    std::vector<Hit> out;
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    if (j.is_discarded()) {
      ADD_FAILURE() << "not JSON: " << r.out << r.err;
      return out;
    }
    for (const auto& f : j["findings"]) {
      std::string p = f["path"];
      std::string prefix = dir_.string() + "/";
      if (p.rfind(prefix, 0) == 0) p = p.substr(prefix.size());
      out.push_back(Hit{p, f["start"]["line"], f["rule"], f["message"]});
    }
    last_files_.clear();
    for (const auto& f : j["files"]) {
      std::string p = f["path"];
      std::string prefix = dir_.string() + "/";
      if (p.rfind(prefix, 0) == 0) p = p.substr(prefix.size());
      last_files_.push_back(p);
    }
    return out;
  }
  static std::set<std::string> rules_in(const std::vector<Hit>& hits, const std::string& file) {
    std::set<std::string> out;
    for (const auto& h : hits)
      if (h.file == file) out.insert(h.rule);
    return out;
  }
  static const Hit* find(const std::vector<Hit>& hits, const std::string& file,
                         const std::string& rule) {
    for (const auto& h : hits)
      if (h.file == file && h.rule == rule) return &h;
    return nullptr;
  }
  void git(const std::string& args) {
    std::string cmd = "git -C " + q(dir_.string()) + " " + args + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  void git_init() {
    git("init -q -b main");
    git("config user.email t@example.com");
    git("config user.name test");
  }

  TempDir tmp_;
  fs::path dir_{tmp_.path()};
  std::vector<std::string> last_files_;
};

const char* kTx = "ban-concurrent-index-creation-in-transaction";

TEST_F(History, FlywayOrderTransactionsAndReplayAcrossFiles) {
  write("db/V1__init.sql", "CREATE TABLE users (id bigint PRIMARY KEY, name varchar(50));\n");
  // Rewrite-free: the type comes from V1, so this is not reported.
  write("db/V2__widen.sql", "ALTER TABLE users ALTER COLUMN name TYPE varchar(100);\n");
  write("db/V10__narrow.sql", "ALTER TABLE users ALTER COLUMN name TYPE varchar(20);\n");
  // Alone, CREATE INDEX CONCURRENTLY makes Flyway run the file without a transaction.
  write("db/V11__index.sql", "CREATE INDEX CONCURRENTLY users_name_idx ON users (name);\n");
  // A script configuration turns the transaction off explicitly.
  write("db/V12__idx2.sql",
        "SET lock_timeout = '1s';\nCREATE INDEX CONCURRENTLY users_id_idx ON users (id);\n");
  write("db/V12__idx2.sql.conf", "executeInTransaction=false\n");
  write("db/R__view.sql", "CREATE OR REPLACE VIEW user_names AS SELECT name FROM users;\n");
  write("db/U2__widen.sql", "ALTER TABLE users ALTER COLUMN name TYPE varchar(50);\n");
  write("db/notes.sql", "SELECT 1;\n");
  auto hits = check("--select changing-column-type,migration-naming," + std::string(kTx) + " " +
                    q(path("db")));
  std::vector<std::string> order = {"db/V1__init.sql",    "db/V2__widen.sql",  "db/U2__widen.sql",
                                    "db/V10__narrow.sql", "db/V11__index.sql", "db/V12__idx2.sql",
                                    "db/R__view.sql",     "db/notes.sql"};
  EXPECT_EQ(last_files_, order);
  EXPECT_TRUE(rules_in(hits, "db/V2__widen.sql").empty());
  const Hit* narrow = find(hits, "db/V10__narrow.sql", "changing-column-type");
  ASSERT_TRUE(narrow);
  EXPECT_NE(narrow->message.find("varchar(100)"), std::string::npos) << narrow->message;
  EXPECT_TRUE(rules_in(hits, "db/V11__index.sql").empty());
  EXPECT_TRUE(rules_in(hits, "db/V12__idx2.sql").empty());
  EXPECT_TRUE(find(hits, "db/notes.sql", "migration-naming"));
  // The undo script is linted on its own (no history schema): the column's type is unknown there,
  // so the change may rewrite.
  const Hit* undo = find(hits, "db/U2__widen.sql", "changing-column-type");
  ASSERT_TRUE(undo);
  EXPECT_NE(undo->message.find("not known"), std::string::npos) << undo->message;
}

TEST_F(History, TheConfigFileNamesTheFramework) {
  write("db/V1__init.sql", "CREATE TABLE t (a int);\n");
  write("db/add_users.sql", "CREATE TABLE users (id bigint);\n");
  // Half the names are Flyway's: detected as Flyway.
  EXPECT_TRUE(find(check("--select migration-naming " + q(path("db"))), "db/add_users.sql",
                   "migration-naming"));
  write("db/.migsafe.toml", "framework = \"plain\"\n");
  EXPECT_TRUE(check("--select migration-naming " + q(path("db"))).empty());
  // The flag wins over the file.
  EXPECT_TRUE(find(check("--framework flyway --select migration-naming " + q(path("db"))),
                   "db/add_users.sql", "migration-naming"));
}

TEST_F(History, FlywayMixedFileRunsInATransaction) {
  write("V1__init.sql", "CREATE TABLE t (a int);\n");
  write("V2__both.sql",
        "SET lock_timeout = '1s';\nBEGIN;\nCOMMIT;\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n");
  auto hits = check("--framework flyway --select " + std::string(kTx) + " " + q(path()));
  // Flyway would refuse the mix anyway; with only a CIC it runs it outside a transaction.
  EXPECT_TRUE(rules_in(hits, "V2__both.sql").empty());
  write("V3__plain.sql", "CREATE TABLE u (a int);\nCREATE INDEX u_a ON u (a);\n");
  hits = check("--framework flyway --select require-concurrent-index-creation " + q(path()));
  EXPECT_TRUE(rules_in(hits, "V3__plain.sql").empty()) << "u is new in V3";
}

TEST_F(History, GolangMigrateUpDownAndImplicitTransaction) {
  write("m/000001_init.up.sql", "CREATE TABLE t (a int, b int);\n");
  write("m/000001_init.down.sql", "DROP TABLE t;\n");
  // Two statements in one Exec: PostgreSQL runs them as one implicit transaction.
  write("m/000002_idx.up.sql",
        "SET lock_timeout = '1s';\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n");
  write("m/000002_idx.down.sql", "DROP INDEX CONCURRENTLY t_a;\n");
  write("m/000003_idx.up.sql", "CREATE INDEX CONCURRENTLY t_b ON t (b);\n");
  auto hits = check("--select " + std::string(kTx) + ",missing-down-migration " + q(path("m")));
  std::vector<std::string> order = {"m/000001_init.up.sql", "m/000001_init.down.sql",
                                    "m/000002_idx.up.sql", "m/000002_idx.down.sql",
                                    "m/000003_idx.up.sql"};
  EXPECT_EQ(last_files_, order);
  EXPECT_TRUE(find(hits, "m/000002_idx.up.sql", kTx));
  EXPECT_FALSE(find(hits, "m/000003_idx.up.sql", kTx)) << "a single statement is no transaction";
  EXPECT_TRUE(find(hits, "m/000003_idx.up.sql", "missing-down-migration"));
  EXPECT_FALSE(find(hits, "m/000002_idx.up.sql", "missing-down-migration"));
  EXPECT_FALSE(find(hits, "m/000001_init.down.sql", "missing-down-migration"));
}

TEST_F(History, DbmateSectionsAndTransactionFalse) {
  write("db/migrations/20240101000000_init.sql",
        "-- migrate:up\nCREATE TABLE t (a int);\n\n-- migrate:down\nDROP TABLE t;\n");
  write("db/migrations/20240102000000_idx.sql",
        "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n\n"
        "-- migrate:down\nDROP INDEX t_a;\n");
  write("db/migrations/20240103000000_idx.sql",
        "-- migrate:up\nCREATE INDEX CONCURRENTLY t_a2 ON t (a);\n");
  auto hits = check("--select " + std::string(kTx) +
                    ",require-concurrent-index-deletion,missing-down-migration,ban-drop-table " +
                    q(path("db/migrations")));
  EXPECT_FALSE(find(hits, "db/migrations/20240102000000_idx.sql", kTx));
  EXPECT_TRUE(find(hits, "db/migrations/20240103000000_idx.sql", kTx));
  // The down sections are not linted: they run only on rollback.
  EXPECT_FALSE(find(hits, "db/migrations/20240101000000_init.sql", "ban-drop-table"));
  EXPECT_FALSE(
      find(hits, "db/migrations/20240102000000_idx.sql", "require-concurrent-index-deletion"));
  EXPECT_TRUE(find(hits, "db/migrations/20240103000000_idx.sql", "missing-down-migration"));
}

TEST_F(History, SqitchPlanOrder) {
  write("sqitch.plan",
        "%syntax-version=1.0.0\n%project=app\n\nusers 2024-01-01T00:00:00Z A <a@x>\n"
        "accounts [users] 2024-01-02T00:00:00Z A <a@x>\n@v1.0 2024-01-03T00:00:00Z A <a@x>\n");
  write("deploy/users.sql", "BEGIN;\nCREATE TABLE users (id int, name text);\nCOMMIT;\n");
  write("deploy/accounts.sql",
        "BEGIN;\nCREATE INDEX users_name ON users (name);\nCREATE TABLE accounts (id int);\n"
        "COMMIT;\n");
  write("revert/users.sql", "BEGIN;\nDROP TABLE users;\nCOMMIT;\n");
  write("verify/users.sql", "SELECT id FROM users WHERE false;\n");
  write("deploy/stray.sql", "SELECT 1;\n");
  auto hits = check(
      "--select require-concurrent-index-creation,missing-down-migration,"
      "migration-naming " +
      q(path()));
  std::vector<std::string> order = {"deploy/users.sql", "verify/users.sql", "revert/users.sql",
                                    "deploy/accounts.sql", "deploy/stray.sql"};
  EXPECT_EQ(last_files_, order);
  // users comes from an earlier change of the plan: existing, so the index is reported.
  EXPECT_TRUE(find(hits, "deploy/accounts.sql", "require-concurrent-index-creation"));
  EXPECT_TRUE(find(hits, "deploy/accounts.sql", "missing-down-migration"));
  EXPECT_FALSE(find(hits, "deploy/users.sql", "missing-down-migration"));
  EXPECT_TRUE(find(hits, "deploy/stray.sql", "migration-naming"));
}

TEST_F(History, LiquibaseChangesetsRunInTheirOwnTransactions) {
  write("changelog/001.sql",
        "--liquibase formatted sql\n\n--changeset alice:1\nCREATE TABLE t (a int);\n"
        "--rollback DROP TABLE t;\n\n--changeset alice:2 runInTransaction:false\n"
        "CREATE INDEX CONCURRENTLY t_a ON t (a);\n\n--changeset alice:3\n"
        "CREATE INDEX CONCURRENTLY t_b ON t (a);\n");
  auto hits = check("--select " + std::string(kTx) + " " + q(path("changelog")));
  std::vector<int> lines;
  for (const auto& h : hits) lines.push_back(h.line);
  EXPECT_EQ(lines, std::vector<int>{11}) << "only the changeset that runs in a transaction";
}

TEST_F(History, PrismaDirectoriesInOrderWithSchemaFromEarlierMigrations) {
  write("prisma/migrations/migration_lock.toml", "provider = \"postgresql\"\n");
  write("prisma/migrations/20240101000000_init/migration.sql",
        "CREATE TABLE \"User\" (id int, email text);\n");
  write("prisma/migrations/20240201000000_email/migration.sql",
        "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\" (email);\n");
  auto hits = check("--select require-concurrent-index-creation " + q(path("prisma/migrations")));
  EXPECT_EQ(last_files_.size(), 2u);
  EXPECT_TRUE(find(hits, "prisma/migrations/20240201000000_email/migration.sql",
                   "require-concurrent-index-creation"));
}

TEST_F(History, DieselUpDownAndMetadata) {
  write("migrations/2024-01-01-000000_init/up.sql", "CREATE TABLE t (a int);\n");
  write("migrations/2024-01-01-000000_init/down.sql", "DROP TABLE t;\n");
  write("migrations/2024-01-02-000000_idx/up.sql", "CREATE INDEX CONCURRENTLY t_a ON t (a);\n");
  write("migrations/2024-01-02-000000_idx/down.sql", "DROP INDEX t_a;\n");
  write("migrations/2024-01-03-000000_idx/up.sql", "CREATE INDEX CONCURRENTLY t_b ON t (a);\n");
  write("migrations/2024-01-03-000000_idx/metadata.toml", "run_in_transaction = false\n");
  auto hits =
      check("--select " + std::string(kTx) + ",missing-down-migration " + q(path("migrations")));
  EXPECT_TRUE(find(hits, "migrations/2024-01-02-000000_idx/up.sql", kTx));
  EXPECT_FALSE(find(hits, "migrations/2024-01-03-000000_idx/up.sql", kTx));
  EXPECT_TRUE(find(hits, "migrations/2024-01-03-000000_idx/up.sql", "missing-down-migration"));
  EXPECT_EQ(last_files_.size(), 5u);
}

TEST_F(History, PlainFilesReplayInNaturalOrder) {
  write("sql/1_init.sql",
        "CREATE TABLE t (id int PRIMARY KEY);\nCREATE VIEW v AS SELECT id FROM t;\n");
  write("sql/10_drop.sql", "ALTER TABLE t DROP COLUMN id;\n");
  write("sql/2_more.sql", "ALTER TABLE t ADD COLUMN b int;\n");
  auto hits = check("--select ban-drop-column " + q(path("sql")));
  EXPECT_EQ(last_files_,
            (std::vector<std::string>{"sql/1_init.sql", "sql/2_more.sql", "sql/10_drop.sql"}));
  const Hit* h = find(hits, "sql/10_drop.sql", "ban-drop-column");
  ASSERT_TRUE(h);
  EXPECT_NE(h->message.find("view v"), std::string::npos) << h->message;
}

TEST_F(History, DjangoAndAlembicOutputThroughStdin) {
  // `python manage.py sqlmigrate shop 0002` prints the migration's SQL in BEGIN/COMMIT.
  std::string django =
      "BEGIN;\n--\n-- Add field placed_at to order\n--\n"
      "ALTER TABLE \"shop_order\" ADD COLUMN \"placed_at\" timestamp with time zone NULL;\n"
      "CREATE INDEX \"shop_order_placed_at_idx\" ON \"shop_order\" (\"placed_at\");\nCOMMIT;\n";
  auto hits = check(
      "--select require-concurrent-index-creation --stdin-filename "
      "shop/migrations/0002_order_placed_at.py -",
      nullptr, django);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].file, "shop/migrations/0002_order_placed_at.py");
  EXPECT_EQ(hits[0].line, 6);
  // `alembic upgrade 1a2b:3c4d --sql` prints offline SQL with its version bookkeeping.
  std::string alembic =
      "BEGIN;\n\n-- Running upgrade 1a2b -> 3c4d\n\n"
      "ALTER TABLE orders ADD COLUMN status VARCHAR(20) NOT NULL;\n\n"
      "UPDATE alembic_version SET version_num='3c4d' WHERE alembic_version.version_num = "
      "'1a2b';\n\nCOMMIT;\n";
  hits = check("--select adding-required-field --stdin-filename alembic/versions/3c4d_status.py -",
               nullptr, alembic);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].line, 5);
}

TEST_F(History, SinceLintsOnlyTheChangeSetWithHistoryAsContext) {
  git_init();
  write("db/V1__init.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n");
  write("db/V3__orders.sql", "CREATE TABLE orders (id bigint PRIMARY KEY);\n");
  git("add -A");
  git("commit -qm base");
  git("checkout -q -b feature");
  // New in the change set: a table and its index (quiet), an index on an old table (reported),
  // a version older than the merged V3 (out of order), and an edit to merged V1.
  write("db/V4__tags.sql",
        "CREATE TABLE tags (id int, user_id bigint);\nCREATE INDEX tags_user ON tags (user_id);\n"
        "CREATE INDEX users_email ON users (email);\n");
  write("db/V2__late.sql", "SELECT 1;\n");
  write("db/V1__init.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text, x int);\n");
  git("add db/V4__tags.sql");
  git("commit -qm feature");
  int rc = 0;
  auto hits = check(
      "--since main --select require-concurrent-index-creation,out-of-order,"
      "modified-applied-migration " +
          q(path("db")),
      &rc);
  EXPECT_EQ(rc, 1);
  std::set<std::string> linted(last_files_.begin(), last_files_.end());
  EXPECT_EQ(linted,
            (std::set<std::string>{"db/V1__init.sql", "db/V2__late.sql", "db/V4__tags.sql"}));
  EXPECT_TRUE(find(hits, "db/V1__init.sql", "modified-applied-migration"));
  EXPECT_TRUE(find(hits, "db/V2__late.sql", "out-of-order"));
  std::vector<int> idx_lines;
  for (const auto& h : hits)
    if (h.rule == "require-concurrent-index-creation") idx_lines.push_back(h.line);
  EXPECT_EQ(idx_lines, std::vector<int>{3});
  // Nothing changed since HEAD's own commit except the uncommitted files.
  auto r = run_migsafe("check --since no-such-ref " + q(path("db")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no-such-ref"), std::string::npos);
}

TEST_F(History, ChangedFilesAreLintedWithTheOthersAsContext) {
  write("db/V1__init.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n");
  write("db/V2__tags.sql",
        "CREATE TABLE tags (id int);\nCREATE INDEX tags_id ON tags (id);\n"
        "CREATE INDEX users_email ON users (email);\n");
  auto hits = check("--select require-concurrent-index-creation " + q(path("db")) + " --changed " +
                    q(path("db/V2__tags.sql")));
  EXPECT_EQ(last_files_, std::vector<std::string>{"db/V2__tags.sql"});
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].line, 3);
}

TEST_F(History, SinceOutsideARepositoryIsAUsageError) {
  write("V1__a.sql", "SELECT 1;\n");
  auto r = run_migsafe("check --since main " + q(path()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("git repository"), std::string::npos) << r.err;
}

TEST_F(History, RulesSeeTypesAndIndexesFromEarlierFiles) {
  write("db/V1__init.sql",
        "CREATE TABLE accounts (id int PRIMARY KEY, name varchar(100));\n"
        "CREATE TABLE invoices (id bigint PRIMARY KEY, account_id bigint);\n"
        "CREATE INDEX invoices_account ON invoices (account_id);\n");
  // Must match accounts.id (integer): widening this column alone is not the fix.
  write("db/V2__orders.sql",
        "CREATE TABLE orders (id bigint PRIMARY KEY, account_id int REFERENCES accounts);\n");
  // The index from V1 covers this foreign key; the one on orders has none.
  write("db/V3__fks.sql",
        "ALTER TABLE invoices ADD CONSTRAINT invoices_account_fk FOREIGN KEY (account_id) "
        "REFERENCES accounts NOT VALID;\n"
        "ALTER TABLE orders ADD COLUMN invoice_id bigint REFERENCES invoices;\n");
  write("db/V4__narrow.sql", "ALTER TABLE accounts ALTER COLUMN name TYPE varchar(20);\n");
  auto hits = check(
      "--select prefer-bigint-over-int,require-index-for-foreign-key,"
      "narrowing-type-change,unusable-index-for-constraint " +
      q(path("db")));
  EXPECT_TRUE(find(hits, "db/V1__init.sql", "prefer-bigint-over-int"));
  EXPECT_FALSE(find(hits, "db/V2__orders.sql", "prefer-bigint-over-int"));
  std::vector<int> fk_lines;
  for (const auto& h : hits)
    if (h.rule == "require-index-for-foreign-key" && h.file == "db/V3__fks.sql")
      fk_lines.push_back(h.line);
  EXPECT_EQ(fk_lines, std::vector<int>{2}) << "only orders.invoice_id lacks an index";
  const Hit* narrow = find(hits, "db/V4__narrow.sql", "narrowing-type-change");
  ASSERT_TRUE(narrow) << "the old type varchar(100) comes from V1";
  EXPECT_NE(narrow->message.find("100"), std::string::npos) << narrow->message;
  // USING INDEX with an index V1 did not make unique.
  write("db/V5__pk.sql",
        "ALTER TABLE invoices ADD CONSTRAINT invoices_account_key UNIQUE USING INDEX "
        "invoices_account;\n");
  hits = check("--select unusable-index-for-constraint " + q(path("db")));
  ASSERT_TRUE(find(hits, "db/V5__pk.sql", "unusable-index-for-constraint"));
  EXPECT_NE(find(hits, "db/V5__pk.sql", "unusable-index-for-constraint")
                ->message.find("not a unique index"),
            std::string::npos);
}

TEST_F(History, ValidatedCheckFromAnEarlierFileLetsSetNotNullSkipItsScan) {
  write("db/V1__init.sql", "CREATE TABLE orders (id bigint, placed_at timestamptz);\n");
  write("db/V2__check.sql",
        "ALTER TABLE orders ADD CONSTRAINT placed_nn CHECK (placed_at IS NOT NULL) NOT VALID;\n");
  write("db/V4__not_null.sql", "ALTER TABLE orders ALTER COLUMN placed_at SET NOT NULL;\n");
  auto hits = check("--select adding-not-nullable-field " + q(path("db")));
  const Hit* h = find(hits, "db/V4__not_null.sql", "adding-not-nullable-field");
  ASSERT_TRUE(h) << "the CHECK is not validated yet";
  write("db/V3__validate.sql", "ALTER TABLE orders VALIDATE CONSTRAINT placed_nn;\n");
  hits = check("--select adding-not-nullable-field " + q(path("db")));
  EXPECT_TRUE(hits.empty()) << hits.size();
  // PostgreSQL 11 cannot use the CHECK: the scan stays.
  hits = check("--pg-version 11 --select adding-not-nullable-field " + q(path("db")));
  EXPECT_TRUE(find(hits, "db/V4__not_null.sql", "adding-not-nullable-field"));
}

TEST_F(History, ObjectsCreatedInTheChangeSetAreNewInItsLaterFiles) {
  git_init();
  write("db/V1__init.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n");
  git("add -A");
  git("commit -qm base");
  write("db/V2__tags.sql", "CREATE TABLE tags (id int, name text);\n");
  write("db/V3__tag_index.sql",
        "CREATE INDEX tags_name ON tags (name);\nALTER TABLE tags ADD COLUMN n int NOT NULL;\n"
        "CREATE INDEX users_id2 ON users (id);\n");
  auto hits =
      check("--since HEAD --select require-concurrent-index-creation,adding-required-field " +
            q(path("db")));
  ASSERT_EQ(hits.size(), 1u) << "tags is new (created by the change set); users is not";
  EXPECT_EQ(hits[0].file, "db/V3__tag_index.sql");
  EXPECT_EQ(hits[0].line, 3);
  // Without a change set every file is history for the next: tags exists by V3.
  hits = check("--select require-concurrent-index-creation " + q(path("db")));
  EXPECT_EQ(hits.size(), 2u);
}

TEST_F(History, LiquibaseRollbacksAreRequiredWhenConfigured) {
  std::string sql =
      "--liquibase formatted sql\n--changeset a:1\nCREATE TABLE t (a int);\n"
      "--rollback DROP TABLE t;\n--changeset a:2\nALTER TABLE t ADD COLUMN b int;\n";
  std::string header =
      "-- fixture: framework=liquibase, file=changelog.sql\n";  // place it in a history
  LintSettings settings = fixture_settings(header + sql);
  ASSERT_TRUE(settings.migration);
  EXPECT_EQ(settings.migration->changesets.size(), 2u);
  RuleSelection sel;
  sel.select = {"missing-down-migration"};
  LintPlan plan(settings, sel);
  auto lint_with = [&](const std::string& frameworks) {
    plan.set_options(static_cast<size_t>(rule_index("missing-down-migration")),
                     RuleOptions{{"frameworks", frameworks}});
    return lint_source(std::make_shared<const SourceFile>("changelog.sql", header + sql), plan);
  };
  EXPECT_TRUE(lint_with("golang-migrate").findings.empty()) << "opt-in for Liquibase";
  auto r = lint_with("liquibase,golang-migrate");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.file->position(r.findings[0].span.begin).line, 6u);
  EXPECT_NE(r.findings[0].message.find("a:2"), std::string::npos);
}

// plan_histories resolves each path (links, `..`) as weakly_canonical would, resolving each
// directory once and a file on its own only when it is a link: a file reached through a linked
// directory or a `..` joins its real history, a linked file the history of its target, and a
// change set names files by their real path; a Flyway `.conf` is found from one listing.
TEST(HistoryPlan, PathsThroughLinksAndDotDotLandInTheirRealHistory) {
  TempDir tmp;
  tmp.write("real/V1__a.sql", "CREATE TABLE a (id int);\n");
  tmp.write("real/V2__b.sql", "CREATE TABLE b (id int);\n");
  tmp.write("real/sub/keep.txt", "");
  tmp.write("elsewhere/V3__c.sql", "CREATE TABLE c (id int);\n");
  tmp.write("real/V4__d.sql", "CREATE INDEX CONCURRENTLY d_idx ON a (id);\n");
  tmp.write("real/V4__d.sql.conf", "executeInTransaction=false\n");
  fs::create_directory_symlink(tmp.path("real"), tmp.path("link"));
  fs::create_symlink(tmp.path("elsewhere/V3__c.sql"), tmp.path("real/V3__c.sql"));
  PlanRequest req;
  req.files = {tmp.path("link/V1__a.sql"), tmp.path("real/sub/../V2__b.sql"),
               tmp.path("real/V3__c.sql"), tmp.path("real/V4__d.sql")};
  req.roots = req.files;
  req.shown = req.files;
  req.framework = "flyway";
  req.changes.active = true;
  req.changes.files[fs::weakly_canonical(tmp.path("real/V2__b.sql")).string()] =
      ChangeStatus::Added;
  HistoryPlan plan = plan_histories(req);
  ASSERT_TRUE(plan.errors.empty());
  ASSERT_EQ(plan.files.size(), 4u);
  std::map<size_t, const PlannedFile*> by_input;
  for (const PlannedFile& f : plan.files) by_input[f.input] = &f;
  EXPECT_EQ(by_input[0]->history, by_input[1]->history);  // link/ and sub/.. are real/
  EXPECT_NE(by_input[2]->history, by_input[0]->history);  // the linked file lives elsewhere
  EXPECT_EQ(by_input[3]->history, by_input[0]->history);
  EXPECT_EQ(plan.histories, 2u);
  EXPECT_TRUE(by_input[1]->fresh);   // the change set's file, found by its real path
  EXPECT_FALSE(by_input[0]->fresh);  // an unchanged one
  EXPECT_EQ(by_input[3]->transactions, TransactionRule::None);  // its .conf turns it off
  EXPECT_EQ(by_input[0]->transactions, TransactionRule::FlywayAuto);
}

// A Flyway directory with many migrations is listed once for `.conf` files instead of one open
// per file: a `.conf` beside a late migration still turns its transaction off, and the others
// keep Flyway's default.
TEST(HistoryPlan, FlywayConfFilesAreFoundInALargeDirectory) {
  TempDir tmp;
  PlanRequest req;
  for (int i = 1; i <= 80; ++i)
    req.files.push_back(tmp.write("db/V" + std::to_string(i) + "__m.sql", "SELECT 1;\n"));
  tmp.write("db/V3__m.sql.conf", "executeInTransaction=false\n");
  tmp.write("db/V70__m.sql.conf", "executeInTransaction=false\n");
  tmp.write("db/V71__m.sql.conf", "executeInTransaction=true\n");
  req.roots = req.files;
  req.shown = req.files;
  req.framework = "flyway";
  HistoryPlan plan = plan_histories(req);
  ASSERT_EQ(plan.files.size(), 80u);
  size_t off = 0;
  for (const PlannedFile& f : plan.files) {
    bool expect_off = f.input == 2 || f.input == 69;
    EXPECT_EQ(f.transactions == TransactionRule::None, expect_off) << f.path;
    off += f.transactions == TransactionRule::None;
  }
  EXPECT_EQ(off, 2u);
}

}  // namespace
}  // namespace migsafe::test
