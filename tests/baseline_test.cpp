// Baselines the way a team adopts migsafe on an old repository: write one, keep working, and
// only new findings fail, even after statements move to other lines; fixed findings show up as
// stale entries; a broken baseline file is a usage error.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "config/baseline.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

using nlohmann::json;

const char* kOld =
    "CREATE INDEX orders_placed_at_idx ON orders (placed_at);\n"
    "ALTER TABLE users DROP COLUMN legacy_flag;\n"
    "ALTER TABLE users DROP COLUMN legacy_flag;\n";

TEST(Baseline, RoundTripSurvivesMovedLinesAndReportsStaleEntries) {
  TempDir d;
  d.write("db/V1.sql", kOld);
  d.write("db/V2.sql", "ALTER TABLE orders DROP COLUMN note;\n");
  // Two rules, so that the counts below do not move when rules are added.
  const std::string check = "check --select require-concurrent-index-creation,ban-drop-column ";
  auto w =
      run_migsafe(check + "--format gcc --write-baseline migsafe-baseline.json db", "", d.cd());
  EXPECT_EQ(w.exit_code, 0) << w.err;  // every finding is now known
  EXPECT_NE(w.err.find("wrote 4 findings to migsafe-baseline.json"), std::string::npos) << w.err;
  EXPECT_NE(w.out.find("db/V1.sql:1:1: error:"), std::string::npos) << w.out;  // still reported
  json b = json::parse(d.read("migsafe-baseline.json"));
  EXPECT_EQ(b["migsafe_baseline"], 1);
  ASSERT_EQ(b["entries"].size(), 4u);
  const json& first = b["entries"][0];
  EXPECT_EQ(first["path"], "db/V1.sql");
  EXPECT_EQ(first["line"], 1);
  EXPECT_EQ(first["rule"], "require-concurrent-index-creation");
  EXPECT_TRUE(std::string(first["fingerprint"]).size() == 16);
  // The two identical DROP COLUMN statements are told apart by their occurrence index.
  std::vector<int> occurrences;
  for (const auto& e : b["entries"])
    if (e["path"] == "db/V1.sql" && e["rule"] == "ban-drop-column")
      occurrences.push_back(e["occurrence"]);
  EXPECT_EQ(occurrences, (std::vector<int>{0, 1}));

  // Clean against its own baseline.
  auto r = run_migsafe(check + "--color never --baseline migsafe-baseline.json db", "", d.cd());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("no problems found (2 files, 4 statements); 4 in the baseline"),
            std::string::npos)
      << r.out;

  // Edits that move statements and change their layout keep them known; a new finding fails.
  d.write("db/V1.sql",
          "-- orders, reworked\n\n"
          "SELECT 1;\n"
          "CREATE   INDEX orders_placed_at_idx\n    ON orders (placed_at);\n"
          "alter table users drop column legacy_flag;\n"
          "ALTER TABLE users DROP COLUMN legacy_flag;\n"
          "CREATE INDEX orders_total_idx ON orders (total);\n");
  r = run_migsafe(check + "--format gcc --baseline migsafe-baseline.json db", "", d.cd());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out,
            "db/V1.sql:8:1: error: CREATE INDEX takes a SHARE lock on orders: writes are blocked "
            "until the index is built, which reads the whole table "
            "[require-concurrent-index-creation]\n");
  EXPECT_EQ(r.err, "");

  // Fixing a finding leaves its entry stale: reported on stderr and in the JSON report.
  d.write("db/V2.sql", "SELECT 1;\n");
  r = run_migsafe(check + "--format json --baseline migsafe-baseline.json db", "", d.cd());
  EXPECT_NE(r.err.find("migsafe-baseline.json: 1 stale entry"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("  db/V2.sql:1: ban-drop-column\n"), std::string::npos) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["baseline"]["file"], "migsafe-baseline.json");
  EXPECT_EQ(j["baseline"]["matched"], 3);
  ASSERT_EQ(j["baseline"]["stale"].size(), 1u);
  EXPECT_EQ(j["baseline"]["stale"][0]["path"], "db/V2.sql");
  EXPECT_EQ(j["summary"]["baselined"], 3);
  ASSERT_EQ(j["findings"].size(), 1u);
  ASSERT_EQ(j["suppressed"].size(), 3u);
  EXPECT_EQ(j["suppressed"][0]["suppression"]["kind"], "baseline");
  // Stale entries do not fail the run; checking another file says nothing about V2's entries.
  r = run_migsafe(check + "--baseline migsafe-baseline.json db/V1.sql", "", d.cd());
  EXPECT_EQ(r.err.find("stale"), std::string::npos) << r.err;
}

TEST(Baseline, OneMoreIdenticalStatementIsNew) {
  TempDir d;
  d.write("V1.sql", "ALTER TABLE users DROP COLUMN a;\n");
  run_migsafe("check --select ban-drop-column --write-baseline b.json V1.sql", "", d.cd());
  d.write("V1.sql", "ALTER TABLE users DROP COLUMN a;\nALTER TABLE users DROP COLUMN a;\n");
  auto r = run_migsafe("check --format gcc --select ban-drop-column --baseline b.json V1.sql", "",
                       d.cd());
  EXPECT_NE(r.out.find("V1.sql:2:"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("V1.sql:1:"), std::string::npos) << r.out;
}

TEST(Baseline, PathsAreRelativeToTheBaselineFile) {
  TempDir d;
  d.write("repo/db/V1.sql", "CREATE INDEX i ON t (a);\n");
  run_migsafe("check --write-baseline repo/baseline.json repo/db", "", d.cd());
  json b = json::parse(d.read("repo/baseline.json"));
  EXPECT_EQ(b["entries"][0]["path"], "db/V1.sql");
  // From another working directory the same entries match.
  EXPECT_EQ(run_migsafe("check --baseline ../baseline.json V1.sql", "", d.cd("repo/db")).exit_code,
            0);
  EXPECT_EQ(run_migsafe("check --baseline baseline.json db", "", d.cd("repo")).exit_code, 0);
  EXPECT_EQ(run_migsafe("check db", "", d.cd("repo")).exit_code, 1);
}

TEST(Baseline, SuppressedByCommentsIsNotBaselined) {
  TempDir d;
  d.write("V1.sql", "-- migsafe-ignore ban-drop-column -- ok\nALTER TABLE users DROP COLUMN a;\n");
  run_migsafe("check --select ban-drop-column --write-baseline b.json V1.sql", "", d.cd());
  EXPECT_TRUE(json::parse(d.read("b.json"))["entries"].empty());
}

TEST(Baseline, BadBaselineIsAUsageError) {
  TempDir d;
  d.write("V1.sql", "SELECT 1;\n");
  for (const char* text : {"not json", "{\"entries\": []}", "{\"migsafe_baseline\": 2}",
                           "{\"migsafe_baseline\": 1, \"entries\": [{\"path\": 1}]}"}) {
    d.write("b.json", text);
    auto r = run_migsafe("check --baseline b.json V1.sql", "", d.cd());
    EXPECT_EQ(r.exit_code, 2) << text;
    EXPECT_NE(r.err.find("b.json: not a migsafe baseline"), std::string::npos) << r.err;
  }
  auto r = run_migsafe("check --baseline missing.json V1.sql", "", d.cd());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing.json"), std::string::npos);
  // Never written over a file being checked.
  r = run_migsafe("check --write-baseline V1.sql V1.sql", "", d.cd());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(d.read("V1.sql"), "SELECT 1;\n");
}

TEST(Baseline, SarifLeavesBaselinedResultsOut) {
  TempDir d;
  d.write("V1.sql", "CREATE INDEX i ON t (a);\n");
  run_migsafe("check --write-baseline b.json V1.sql", "", d.cd());
  d.write("V2.sql", "CREATE INDEX j ON t (b);\n");
  auto r = run_migsafe("check --format sarif --baseline b.json V1.sql V2.sql", "", d.cd());
  json s = json::parse(r.out);
  for (const auto& res : s["runs"][0]["results"])
    EXPECT_EQ(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "V2.sql");
  EXPECT_FALSE(s["runs"][0]["results"].empty());
}

TEST(Baseline, APasswordNeverReachesTheFile) {
  TempDir d;
  // Unparseable, so the fingerprint is a hash of the text: it must be the masked text.
  d.write("a/V1.sql", "CREATE ROLE x PASSWORD 'aaaa-secret' SUPERUSERR;\n");
  d.write("b/V1.sql", "CREATE ROLE x PASSWORD 'bbbb-secret' SUPERUSERR;\n");
  run_migsafe("check --write-baseline a.json a", "", d.cd());
  run_migsafe("check --write-baseline b.json b", "", d.cd());
  std::string a = d.read("a.json"), b = d.read("b.json");
  EXPECT_EQ(a.find("aaaa-secret"), std::string::npos) << a;
  json ja = json::parse(a), jb = json::parse(b);
  ASSERT_FALSE(ja["entries"].empty());
  EXPECT_EQ(ja["entries"][0]["fingerprint"], jb["entries"][0]["fingerprint"]);
}

TEST(Baseline, StatementFingerprintIgnoresLayoutNotMeaning) {
  EXPECT_EQ(statement_fingerprint("CREATE INDEX i ON t (a);"),
            statement_fingerprint("create   index i\n on t(a) -- note\n;"));
  EXPECT_NE(statement_fingerprint("CREATE INDEX i ON t (a);"),
            statement_fingerprint("CREATE INDEX i ON t (b);"));
  // Unparseable text and comments still get a stable fingerprint.
  EXPECT_EQ(statement_fingerprint("SELEC 1"), statement_fingerprint("SELEC  1"));
  EXPECT_NE(statement_fingerprint("-- migsafe-ignore a"),
            statement_fingerprint("-- migsafe-ignore b"));
}

}  // namespace
}  // namespace migsafe::test
