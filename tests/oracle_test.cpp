// The lock oracle: every statement in fixtures/locks/ runs on a real PostgreSQL (a throwaway
// cluster started here), and what the server does must equal what the lock model predicts,
// relation by relation: the lock modes (pg_locks), rewrites (relfilenode changes), sequential
// scans (pg_stat_*_user_tables), index builds, "cannot run inside a transaction block" and
// "waits for older transactions". Any difference fails the test. fixtures/locks/README.md
// describes the fixture format; docs/locks.md the comparison rules.
//
// MIGSAFE_ORACLE_FILTER=substring runs only the fixtures whose file name contains it;
// MIGSAFE_ORACLE_VERBOSE=1 prints every prediction and observation.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

#include "core/discover.hpp"
#include "core/parse.hpp"
#include "db/cluster.hpp"
#include "db/observe.hpp"
#include "db/pg.hpp"
#include "helpers.hpp"
#include "model/history.hpp"

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;

struct OracleFixture {
  std::string path;
  std::string name;
  std::string description;
  std::vector<std::string> blockers;  // "-- blocker:" lines, in order
  std::shared_ptr<const SourceFile> file;
  std::vector<std::string> setup;  // every statement but the last
  std::string statement;           // the last one: the statement under test
};

std::string header(const std::string& text, const std::string& key) {
  std::string tag = "-- " + key + ":";
  size_t at = text.find(tag);
  if (at == std::string::npos) return "";
  size_t end = text.find('\n', at);
  std::string v = text.substr(at + tag.size(), end - at - tag.size());
  while (!v.empty() && v.front() == ' ') v.erase(v.begin());
  return v;
}

std::vector<OracleFixture> load_fixtures() {
  std::vector<std::string> paths;
  for (const auto& entry : fs::directory_iterator(source_dir() + "/fixtures/locks")) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".sql" || name == "schema.sql" || name == "data.sql") continue;
    paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end(), natural_less);
  std::vector<OracleFixture> out;
  for (const std::string& p : paths) {
    OracleFixture f;
    f.path = p;
    f.name = fs::path(p).filename().string();
    std::string text = read_text(p);
    f.description = header(text, "oracle");
    for (size_t at = text.find("-- blocker:"); at != std::string::npos;
         at = text.find("-- blocker:", at + 1)) {
      size_t end = text.find('\n', at);
      std::string v = text.substr(at + 11, end - at - 11);
      while (!v.empty() && v.front() == ' ') v.erase(v.begin());
      f.blockers.push_back(v);
    }
    f.file = std::make_shared<const SourceFile>(f.name, text);
    ParsedFile parsed = parse_file(*f.file);
    for (size_t i = 0; i < parsed.statements.size(); ++i) {
      std::string sql(f.file->text(parsed.statements[i].span));
      if (i + 1 == parsed.statements.size())
        f.statement = sql;
      else
        f.setup.push_back(sql);
    }
    out.push_back(std::move(f));
  }
  return out;
}

// The lock model's prediction for the fixture's last statement.
Effect predict_fixture(const OracleFixture& f, std::shared_ptr<const Catalog> history, int pg,
                       bool in_transaction) {
  LintSettings settings;
  settings.pg_version = pg;
  settings.assume_in_transaction = in_transaction;
  settings.base_catalog = std::move(history);
  ParsedFile parsed = parse_file(*f.file);
  FileContext ctx(*f.file, settings);
  Effect last;
  for (const Statement& stmt : parsed.statements) {
    last = predict(stmt, ctx);
    ctx.advance(stmt, [&]() -> const Effect& { return last; });
  }
  return last;
}

// Reads every relation the prediction locks, so the statement under test has to wait for the
// blocker and is seen holding (or asking for) its locks.
std::string default_blocker(const Effect& e) {
  std::string sql;
  std::set<QualifiedName> done;
  for (const RelationLock& l : e.locks) {
    QualifiedName rel = l.relation;
    if (rel.empty() || l.is_new || l.role == RelationRole::Index) continue;
    if (!done.insert(rel).second) continue;
    sql += "SELECT 1 FROM " + db::quote_identifier(rel.schema) + "." +
           db::quote_identifier(rel.name) + " LIMIT 1;";
  }
  return sql.empty() ? "SELECT 1" : sql;
}

std::string describe(const Effect& e) {
  std::string out;
  for (const RelationLock& l : e.locks) {
    out += "    " + l.describe();
    if (l.is_new) out += " (new)";
    if (!l.phase.empty()) out += " [" + l.phase + "]";
    if (l.rewrite != Tri::No) out += l.rewrite == Tri::Yes ? " rewrite" : " rewrite?";
    if (l.scan != Tri::No) out += l.scan == Tri::Yes ? " scan" : " scan?";
    out += "\n";
  }
  if (e.builds_index) out += "    builds an index\n";
  if (e.no_transaction_block) out += "    cannot run in a transaction block\n";
  if (e.waits_for_older_transactions) out += "    waits for older transactions\n";
  return out;
}

std::string describe(const db::Observation& o) {
  std::string out;
  for (const db::ObservedLock& l : o.locks) {
    out += "    " + l.relation.display() + ":";
    for (LockMode m : l.modes) out += " " + std::string(lock_name(m));
    out += "\n";
  }
  for (const auto& r : o.rewritten) out += "    rewritten " + r.display() + "\n";
  for (const auto& r : o.scanned) out += "    scanned " + r.display() + "\n";
  for (const auto& r : o.rebuilt_indexes) out += "    index built " + r.display() + "\n";
  if (o.outside_transaction) out += "    (outside a transaction block)\n";
  if (o.waited_for_older_transactions) out += "    waited for older transactions\n";
  if (!o.error.empty()) out += "    error: " + o.error + "\n";
  return out;
}

class Oracle : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      cluster_ = new db::ThrowawayCluster();
    } catch (const db::ThrowawayCluster::NoServer& e) {
      skip_reason_ = e.what();
      return;
    }
    db::Connection admin(cluster_->conninfo());
    // Nothing but the statements under test may take locks or change statistics.
    admin.exec("ALTER SYSTEM SET autovacuum = off");
    admin.exec("SELECT pg_reload_conf()");
    admin.exec("CREATE TABLESPACE oracle_space LOCATION " +
               db::quote_literal(cluster_->tablespace_dir()));
    admin.exec("CREATE DATABASE oracle_template");
    {
      db::Connection seed(cluster_->conninfo("oracle_template"));
      seed.exec(read_text("fixtures/locks/schema.sql"));
      seed.exec(read_text("fixtures/locks/data.sql"));
    }
    admin.exec("CREATE DATABASE oracle TEMPLATE oracle_template");
    server_major_ = admin.server_version() / 10000;
    auto schema =
        std::make_shared<const SourceFile>("schema.sql", read_text("fixtures/locks/schema.sql"));
    LintSettings settings;
    settings.pg_version = server_major_;
    history_ = replay_history({schema}, settings);
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }
  void SetUp() override {
    if (!skip_reason_.empty() && std::getenv("MIGSAFE_REQUIRE_TOOLS"))
      FAIL() << "the lock oracle needs a PostgreSQL server: " << skip_reason_;
    if (!skip_reason_.empty()) {
      GTEST_SKIP() << "\n\n*** SKIPPED LOUDLY: the lock oracle needs a PostgreSQL server: "
                   << skip_reason_ << " (install the postgresql package: scripts/setup.sh --test)"
                   << " ***\n";
    }
  }

  static db::ThrowawayCluster* cluster_;
  static std::string skip_reason_;
  static std::shared_ptr<const Catalog> history_;
  static int server_major_;
};

db::ThrowawayCluster* Oracle::cluster_ = nullptr;
std::string Oracle::skip_reason_;
std::shared_ptr<const Catalog> Oracle::history_;
int Oracle::server_major_ = 0;

TEST_F(Oracle, EveryFixtureStatementMatchesTheServer) {
  const char* filter = std::getenv("MIGSAFE_ORACLE_FILTER");
  bool verbose = std::getenv("MIGSAFE_ORACLE_VERBOSE") != nullptr;
  std::vector<OracleFixture> fixtures = load_fixtures();
  size_t run = 0, outside = 0, failed = 0;
  auto started = std::chrono::steady_clock::now();
  db::Connection admin(cluster_->conninfo());
  db::Connection conn(cluster_->conninfo("oracle"));
  conn.exec("SET statement_timeout = '30s'");
  for (const OracleFixture& f : fixtures) {
    if (filter && f.name.find(filter) == std::string::npos) continue;
    ++run;
    EXPECT_FALSE(f.description.empty()) << f.path << ": the first line must be `-- oracle: ...`";
    Effect predicted = predict_fixture(f, history_, server_major_, true);
    conn.exec("BEGIN");
    db::Observation seen;
    try {
      for (const std::string& s : f.setup) conn.exec(s);
      db::TransactionObserver observer(conn);
      seen = observer.run(f.statement);
    } catch (const db::PgError& e) {
      seen.error = std::string("setup failed: ") + e.what();
    }
    conn.exec("ROLLBACK");
    if (seen.no_transaction_block) {
      // Run it on its own, in a fresh copy of the database, watched from a second connection.
      ++outside;
      predicted = predict_fixture(f, history_, server_major_, false);
      std::string dbname = "oracle_" + std::to_string(run);
      admin.exec("CREATE DATABASE " + dbname + " TEMPLATE oracle_template");
      try {
        {
          db::Connection setup(cluster_->conninfo(dbname));
          for (const std::string& s : f.setup) setup.exec(s);
        }
        seen = db::observe_outside_transaction(
            cluster_->conninfo(dbname), f.statement,
            f.blockers.empty() ? std::vector<std::string>{default_blocker(predicted)} : f.blockers);
      } catch (const db::PgError& e) {
        seen = db::Observation{};
        seen.error = std::string("setup failed: ") + e.what();
      }
      admin.exec("DROP DATABASE " + dbname + " WITH (FORCE)");
    }
    std::vector<std::string> diffs = db::compare(predicted, seen);
    if (!seen.ran && !seen.error.empty() && diffs.empty())
      diffs.push_back("the statement failed: " + seen.error);
    if (verbose || !diffs.empty()) {
      std::cout << (diffs.empty() ? "ok   " : "FAIL ") << f.name << ": " << f.description << "\n  "
                << f.statement << "\n  predicted:\n"
                << describe(predicted) << "  observed:\n"
                << describe(seen);
      for (const std::string& d : diffs) std::cout << "  MISMATCH " << d << "\n";
    }
    if (!diffs.empty()) {
      ++failed;
      std::string all;
      for (const std::string& d : diffs) all += "\n  " + d;
      ADD_FAILURE() << f.path << ": " << f.statement << all;
    }
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "lock oracle: " << run << " statements (" << outside
            << " outside a transaction block) on PostgreSQL " << conn.server_version_text() << ", "
            << failed << " mismatching, " << seconds << " s\n";
  if (!filter) {
    EXPECT_GE(run, 80u) << "the oracle must cover at least 80 statements";
  }
}

}  // namespace
}  // namespace migsafe::test
