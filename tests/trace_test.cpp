// `migsafe trace` end to end against real throwaway clusters: the default mode (its own cluster
// with the earlier migrations replayed), --dsn on a cluster started here (rolled back unless
// --commit), refusals of remote servers, failures and JSON.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "db/cluster.hpp"
#include "db/pg.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;

#define REQUIRE_SERVER()                                                                     \
  if (!postgres_server_available() && std::getenv("MIGSAFE_REQUIRE_TOOLS")) {                \
    FAIL() << "PostgreSQL server binaries missing (apt-get install postgresql)";             \
  }                                                                                          \
  if (!postgres_server_available()) {                                                        \
    GTEST_SKIP() << "\n\n*** SKIPPED LOUDLY: no PostgreSQL server binaries for the trace "   \
                    "tests (install the postgresql package: scripts/setup.sh --test) ***\n"; \
  }

TEST(Trace, RefusesADatabaseThatIsNotOnThisMachine) {
  for (const char* dsn : {"host=db.example.com dbname=app", "postgresql://10.1.2.3/app",
                          "hostaddr=192.168.0.9 dbname=app", "host=/tmp,db.example.com"}) {
    auto r = run_migsafe(
        std::string("trace examples/unsafe/V2__index_orders_by_date.sql --dsn '") + dsn + "'", "",
        "cd '" + source_dir() + "' && ");
    EXPECT_EQ(r.exit_code, 2) << dsn;
    EXPECT_NE(r.err.find("refusing to trace"), std::string::npos) << dsn << "\n" << r.err;
    EXPECT_NE(r.err.find("--allow-remote"), std::string::npos) << r.err;
  }
  // PGHOST counts when the string names no host.
  auto r = run_migsafe("trace examples/unsafe/V2__index_orders_by_date.sql --dsn 'dbname=app'", "",
                       "cd '" + source_dir() + "' && PGHOST=db.example.com ");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("refusing to trace"), std::string::npos) << r.err;
}

TEST(Trace, LocalConnectionStringsAreAccepted) {
  std::string why;
  EXPECT_TRUE(db::is_local_conninfo("host=/var/run/postgresql dbname=app", &why)) << why;
  EXPECT_TRUE(db::is_local_conninfo("postgresql://localhost:5433/app", &why)) << why;
  EXPECT_TRUE(db::is_local_conninfo("postgresql://127.0.0.1/app", &why)) << why;
  EXPECT_TRUE(db::is_local_conninfo("postgresql://[::1]/app", &why)) << why;
  EXPECT_FALSE(db::is_local_conninfo("postgresql://db.internal/app", &why));
  EXPECT_FALSE(db::is_local_conninfo("not a = connection string = at all", &why));
}

TEST(Trace, ThrowawayClusterReplaysEarlierMigrationsAndMatchesThePrediction) {
  REQUIRE_SERVER();
  auto r = run_migsafe("trace examples/unsafe/V2__index_orders_by_date.sql", "",
                       "cd '" + source_dir() + "' && ");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("1 earlier migration replayed: V1__create_accounts.sql"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("observed   SHARE on orders; built index orders_placed_at_idx; "
                       "sequential scan of orders"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("held       ACCESS EXCLUSIVE on orders since line 2"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Rolled back."), std::string::npos) << r.out;
}

class TraceOnDsn : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_SERVER();
    cluster_.emplace();
    db::Connection c(cluster_->conninfo());
    c.exec("CREATE TABLE accounts (id bigint PRIMARY KEY, email text)");
    c.exec("INSERT INTO accounts SELECT g, 'a' || g FROM generate_series(1, 100) g");
    dir_ = fs::temp_directory_path() / ("migsafe-trace-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    cluster_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string write(const std::string& name, const std::string& sql) {
    fs::path p = dir_ / name;
    std::ofstream(p) << sql;
    return p.string();
  }
  std::string dsn() const { return cluster_->conninfo(); }
  bool column_exists(const std::string& column) {
    db::Connection c(cluster_->conninfo());
    return !c.query(
                 "SELECT 1 FROM information_schema.columns WHERE table_name = 'accounts' AND "
                 "column_name = '" +
                 column + "'")
                .rows.empty();
  }

  std::optional<db::ThrowawayCluster> cluster_;
  fs::path dir_;
};

TEST_F(TraceOnDsn, RollsBackUnlessCommitIsGiven) {
  std::string file = write("V2__nickname.sql",
                           "ALTER TABLE accounts ADD COLUMN nickname text;\n"
                           "CREATE INDEX accounts_nickname_idx ON accounts (nickname);\n");
  auto r = run_migsafe("trace '" + file + "' --dsn '" + dsn() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("the database named by --dsn"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("observed   ACCESS EXCLUSIVE on accounts"), std::string::npos) << r.out;
  EXPECT_FALSE(column_exists("nickname")) << "a trace without --commit must roll back";

  r = run_migsafe("trace '" + file + "' --commit --dsn '" + dsn() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Committed."), std::string::npos) << r.out;
  EXPECT_TRUE(column_exists("nickname"));
}

TEST_F(TraceOnDsn, StatementsOutsideATransactionBlockAreNotRunAndBlockCommit) {
  std::string file = write("V3__index.sql",
                           "ALTER TABLE accounts ADD COLUMN login text;\n"
                           "CREATE INDEX CONCURRENTLY accounts_login_idx ON accounts (login);\n");
  auto r = run_migsafe("trace '" + file + "' --commit --dsn '" + dsn() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("skipped    not run: it cannot run inside a transaction block"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("not committed"), std::string::npos) << r.out;
  EXPECT_FALSE(column_exists("login"));
}

TEST_F(TraceOnDsn, AFailingStatementStopsTheTraceWithExitCodeOne) {
  std::string file = write("V4__broken.sql",
                           "ALTER TABLE accounts ADD COLUMN score int;\n"
                           "ALTER TABLE no_such_table ADD COLUMN x int;\n"
                           "ALTER TABLE accounts ADD COLUMN level int;\n");
  auto r = run_migsafe("trace '" + file + "' --format json --dsn '" + dsn() + "'");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["statements"].size(), 3u);
  EXPECT_EQ(j["statements"][0]["status"], "ran");
  EXPECT_EQ(j["statements"][0]["observed"]["locks"][0]["relation"], "public.accounts");
  EXPECT_EQ(j["statements"][0]["observed"]["locks"][0]["modes"][0], "ACCESS EXCLUSIVE");
  EXPECT_EQ(j["statements"][1]["status"], "failed");
  EXPECT_NE(j["statements"][1]["reason"].get<std::string>().find("no_such_table"),
            std::string::npos);
  EXPECT_EQ(j["statements"][2]["status"], "not run");
  EXPECT_EQ(j["outcome"], "rolled back");
  EXPECT_FALSE(column_exists("score"));
}

}  // namespace
}  // namespace migsafe::test
