// Table sizes: `migsafe stats` against a throwaway PostgreSQL cluster, the loopback-only guard,
// and `check --stats`: a locking finding on a tiny table drops to info, one on a large table
// names its size.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/pgstats.hpp"
#include "db/pg.hpp"
#include "helpers.hpp"
#include "model/stats.hpp"

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;

TEST(Stats, OnlyLocalServersUnlessAllowed) {
  // The same guard as `migsafe trace` (db::is_local_conninfo, tested in trace_test.cpp too).
  std::string why;
  EXPECT_TRUE(db::is_local_conninfo("host=/var/run/postgresql dbname=app", &why)) << why;
  EXPECT_TRUE(db::is_local_conninfo("postgresql://localhost:5433/app", &why)) << why;
  EXPECT_TRUE(db::is_local_conninfo("host=127.0.0.1 dbname=app", &why)) << why;
  EXPECT_TRUE(db::is_local_conninfo("postgresql://[::1]/app", &why)) << why;
  EXPECT_FALSE(db::is_local_conninfo("postgresql://db.prod.internal/app", &why));
  EXPECT_EQ(why, "host db.prod.internal is neither a unix socket nor a loopback address");
  EXPECT_FALSE(db::is_local_conninfo("host=localhost,10.0.0.5 dbname=app", &why));
  EXPECT_FALSE(db::is_local_conninfo("hostaddr=10.1.2.3 dbname=app", &why));
  EXPECT_FALSE(db::is_local_conninfo("service=prod", &why));
  EXPECT_EQ(why, "service=prod (a service file can name any host)");
  EXPECT_FALSE(db::is_local_conninfo("this is = not valid '", &why));
  auto r = run_migsafe("stats --dsn postgresql://db.prod.internal/app");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("db.prod.internal"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--allow-remote"), std::string::npos) << r.err;
}

TEST(Stats, FileFormatErrorsAreReported) {
  std::string e;
  EXPECT_FALSE(TableStats::parse("[]", e));
  EXPECT_FALSE(TableStats::parse("{\"tables\": [{\"name\": 1}]}", e));
  auto ok = TableStats::parse(
      "{\"version\":1,\"tables\":[{\"schema\":\"app\",\"name\":\"t\",\"rows\":5,\"bytes\":8192}]}",
      e);
  ASSERT_TRUE(ok);
  ASSERT_TRUE(ok->find(QualifiedName{"app", "t"}));
  EXPECT_EQ(ok->find(QualifiedName{"app", "t"})->rows, 5);
  EXPECT_EQ(format_rows(40000000), "40,000,000 rows");
  EXPECT_EQ(format_bytes(3LL * 1024 * 1024 * 1024), "3.0 GB");
}

class StatsServer : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("migsafe-pg-" + std::to_string(::getpid()));
    std::string start = "'" + source_dir() + "/scripts/pg-throwaway.sh' start '" + dir_.string() +
                        "' >/dev/null 2>&1";
    if (std::system(start.c_str()) != 0) {
      if (std::getenv("MIGSAFE_REQUIRE_TOOLS")) FAIL() << "cannot start PostgreSQL";
      GTEST_SKIP() << "SKIPPED LOUDLY: no PostgreSQL server (scripts/setup.sh --test)";
    }
    started_ = true;
    dsn_ = "host=" + dir_.string() + " user=postgres dbname=postgres";
  }
  void TearDown() override {
    if (started_)
      std::system(("'" + source_dir() + "/scripts/pg-throwaway.sh' stop '" + dir_.string() +
                   "' >/dev/null 2>&1")
                      .c_str());
  }
  void psql(const std::string& sql) {
    std::string cmd = "psql -X -q -v ON_ERROR_STOP=1 '" + dsn_ + "' -c \"" + sql + "\" >/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << sql;
  }
  fs::path dir_;
  std::string dsn_;
  bool started_ = false;
};

TEST_F(StatsServer, StatsFeedCheckSeverityAndMessages) {
  psql(
      "CREATE TABLE tiny (id int); INSERT INTO tiny SELECT generate_series(1, 10);"
      "CREATE TABLE big (id int, note text);"
      "INSERT INTO big SELECT g, 'x' FROM generate_series(1, 50000) g;"
      "CREATE SCHEMA billing; CREATE TABLE billing.invoices (id int); ANALYZE;");
  fs::path out = dir_ / "stats.json";
  auto r = run_migsafe("stats --dsn '" + dsn_ + "' -o '" + out.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(read_text(out.string()));
  std::map<std::string, long long> rows;
  for (const auto& t : j["tables"])
    rows[t["schema"].get<std::string>() + "." + t["name"].get<std::string>()] = t["rows"];
  EXPECT_EQ(rows["public.tiny"], 10);
  EXPECT_EQ(rows["public.big"], 50000);
  EXPECT_TRUE(rows.count("billing.invoices"));

  fs::path mig = dir_ / "m" / "001.sql";
  fs::create_directories(mig.parent_path());
  std::ofstream(mig) << "CREATE INDEX tiny_id ON tiny (id);\nCREATE INDEX big_id ON big (id);\n"
                        "CREATE INDEX other_id ON other (id);\n";
  r = run_migsafe("check --format json --select require-concurrent-index-creation --stats '" +
                  out.string() + "' '" + mig.string() + "'");
  auto report = nlohmann::json::parse(r.out);
  ASSERT_EQ(report["findings"].size(), 3u) << r.out;
  EXPECT_EQ(report["findings"][0]["severity"], "info");
  EXPECT_NE(report["findings"][0]["message"].get<std::string>().find("10 rows"), std::string::npos);
  EXPECT_EQ(report["findings"][1]["severity"], "error");
  EXPECT_NE(report["findings"][1]["message"].get<std::string>().find("big has about 50,000 rows"),
            std::string::npos)
      << report["findings"][1]["message"];
  // A table the statistics do not know keeps its finding as it was.
  EXPECT_EQ(report["findings"][2]["severity"], "error");
  EXPECT_EQ(report["findings"][2]["message"].get<std::string>().find("rows"), std::string::npos);

  r = run_migsafe("stats --dsn 'host=" + dir_.string() + " user=postgres dbname=nope'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot connect"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace migsafe::test
