// The lock model's claims that statement-not-allowed-in-transaction and
// enum-add-value-used-in-transaction rely on, checked against a real PostgreSQL: which statements
// PostgreSQL refuses inside a transaction block (Effect::no_transaction_block), and that a value
// added by ALTER TYPE ... ADD VALUE cannot be used before its transaction commits. The cluster is
// a throwaway one (scripts/pg-throwaway.sh: unix socket only, removed at the end). Without the
// server binaries the test is skipped loudly, unless MIGSAFE_REQUIRE_TOOLS is set.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "core/parse.hpp"
#include "helpers.hpp"
#include "model/context.hpp"
#include "model/locks.hpp"

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;

std::string shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string find_psql() {
  if (const char* dir = std::getenv("MIGSAFE_PG_BINDIR")) return std::string(dir) + "/psql";
  std::string best;
  if (fs::exists("/usr/lib/postgresql")) {
    for (const auto& e : fs::directory_iterator("/usr/lib/postgresql")) {
      fs::path psql = e.path() / "bin/psql";
      if (fs::exists(psql) && fs::exists(e.path() / "bin/initdb") && psql.string() > best)
        best = psql.string();
    }
  }
  return best;
}

class Server : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    psql_ = find_psql();
    if (psql_.empty()) return;
    dir_ = (fs::temp_directory_path() / ("migsafe-pg-" + std::to_string(::getpid()))).string();
    std::string started =
        shell(source_dir() + "/scripts/pg-throwaway.sh start " + sh_quote(dir_) + " 2>&1");
    up_ = started.find(dir_) != std::string::npos;
    if (!up_) ADD_FAILURE() << "could not start PostgreSQL: " << started;
  }
  static void TearDownTestSuite() {
    if (!dir_.empty()) shell(source_dir() + "/scripts/pg-throwaway.sh stop " + sh_quote(dir_));
  }
  void SetUp() override {
    if (psql_.empty()) {
      if (std::getenv("MIGSAFE_REQUIRE_TOOLS"))
        FAIL() << "PostgreSQL server binaries missing (apt-get install postgresql)";
      GTEST_SKIP() << "SKIPPED LOUDLY: no PostgreSQL server binaries under /usr/lib/postgresql";
    }
    if (!up_) FAIL() << "PostgreSQL did not start";
  }
  // Runs each command as its own query in one session; returns what psql printed.
  static std::string run(const std::vector<std::string>& commands) {
    std::string cmd = sh_quote(psql_) + " -h " + sh_quote(dir_) + " -U postgres -X -q";
    for (const std::string& c : commands) cmd += " -c " + sh_quote(c);
    return shell(cmd + " 2>&1");
  }

  static inline std::string psql_;
  static inline std::string dir_;
  static inline bool up_ = false;
};

Effect predict_one(const std::string& sql) {
  SourceFile file("t.sql", sql);
  ParsedFile parsed = parse_file(file);
  LintSettings settings;
  FileContext ctx(file, settings);
  return predict(parsed.statements.at(0), ctx);
}

TEST_F(Server, NoTransactionBlockMatchesWhatPostgresRefuses) {
  run({"CREATE TABLE orders (id int)", "CREATE INDEX orders_id_idx ON orders (id)",
       "CREATE TABLE m (k int) PARTITION BY RANGE (k)",
       "CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10)",
       "CREATE TYPE mood AS ENUM ('a')", "CREATE SCHEMA billing"});
  const std::vector<std::string> statements = {
      "VACUUM orders",
      "VACUUM (FULL) orders",
      "VACUUM (FULL false, ANALYZE) orders",
      "ANALYZE orders",
      "CLUSTER",
      "CLUSTER orders USING orders_id_idx",
      "REINDEX TABLE orders",
      "REINDEX SCHEMA billing",
      "REINDEX DATABASE postgres",
      "REINDEX SYSTEM postgres",
      "REINDEX TABLE CONCURRENTLY orders",
      "CREATE INDEX CONCURRENTLY orders_id2_idx ON orders (id)",
      "DROP INDEX CONCURRENTLY orders_id_idx",
      "CREATE DATABASE migsafe_scratch",
      "DROP DATABASE IF EXISTS migsafe_scratch",
      "ALTER SYSTEM SET work_mem = '4MB'",
      "CREATE TABLESPACE scratch LOCATION '/nonexistent'",
      "DROP TABLESPACE IF EXISTS scratch",
      "ALTER DATABASE postgres SET TABLESPACE pg_default",
      "ALTER DATABASE postgres SET work_mem = '4MB'",
      "DISCARD ALL",
      "DISCARD PLANS",
      "COMMIT PREPARED 'none'",
      "ALTER TABLE m DETACH PARTITION m1 CONCURRENTLY",
      "ALTER TABLE m DETACH PARTITION m1",
      "ALTER TYPE mood ADD VALUE 'b'",
      "LOCK TABLE orders",
      "CREATE SUBSCRIPTION s CONNECTION 'dbname=none' PUBLICATION p",
      "CREATE SUBSCRIPTION s CONNECTION 'dbname=none' PUBLICATION p WITH (connect = false)",
  };
  for (const std::string& sql : statements) {
    std::string out = run({"BEGIN", sql, "ROLLBACK"});
    bool refused = out.find("cannot run inside a transaction block") != std::string::npos ||
                   out.find("cannot be executed inside a transaction block") != std::string::npos;
    EXPECT_EQ(predict_one(sql).no_transaction_block, refused) << sql << "\n" << out;
  }
}

TEST_F(Server, NewEnumValueCannotBeUsedBeforeCommit) {
  run({"CREATE TYPE status AS ENUM ('new')", "CREATE TABLE tickets (s status, note text)",
       "INSERT INTO tickets VALUES ('new', 'done')"});
  // The fixture's claims: an enum use fails, the same text as plain text does not.
  std::string use = run({"BEGIN", "ALTER TYPE status ADD VALUE 'done'",
                         "UPDATE tickets SET s = 'done' WHERE note = 'done'", "ROLLBACK"});
  EXPECT_NE(use.find("unsafe use of new value \"done\""), std::string::npos) << use;
  std::string text = run({"BEGIN", "ALTER TYPE status ADD VALUE 'done'",
                          "UPDATE tickets SET note = 'done'::text", "ROLLBACK"});
  EXPECT_EQ(text.find("ERROR"), std::string::npos) << text;
  std::string committed = run(
      {"ALTER TYPE status ADD VALUE 'done'", "UPDATE tickets SET s = 'done' WHERE note = 'done'"});
  EXPECT_EQ(committed.find("ERROR"), std::string::npos) << committed;
}

}  // namespace
}  // namespace migsafe::test
