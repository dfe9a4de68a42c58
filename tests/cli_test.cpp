// The command line as a user drives it: every format, every exit code, stdin, --output, and
// the promise never to write to the files being checked.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "helpers.hpp"

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;

class Cli : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    return tmp_.write(name, text);
  }

  TempDir tmp_;
  fs::path dir_{tmp_.path()};
};

const char* kUnsafe = "-- add an index\nCREATE INDEX users_email_idx ON users (email);\n";
const char* kSafe = "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n";

TEST_F(Cli, TextReportShowsLocationSourceAndHelp) {
  std::string f = write("001.sql", kUnsafe);
  auto r = run_migsafe("check --color never --select require-concurrent-index-creation " + q(f));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("error[require-concurrent-index-creation]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("001.sql:2:1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 | CREATE INDEX users_email_idx ON users (email);"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("^^^^"), std::string::npos);
  EXPECT_NE(r.out.find("= help:"), std::string::npos);
  EXPECT_NE(r.out.find("= docs: "), std::string::npos);
  EXPECT_NE(r.out.find("1 error in 1 of 1 file (1 statement)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\x1b["), std::string::npos) << "no colour with --color never";
}

TEST_F(Cli, CleanRunExitsZero) {
  std::string f = write("001.sql", kSafe);
  auto r = run_migsafe("check --color never " + q(f));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("no problems found (1 file, 1 statement)"), std::string::npos) << r.out;
}

TEST_F(Cli, GccFormatIsOneLinePerFindingOneBased) {
  std::string f = write("a.sql", "SELECT 1;\n\tCREATE INDEX i ON t (a);\n");
  auto r = run_migsafe("check --format gcc --select require-concurrent-index-creation " + q(f));
  EXPECT_EQ(r.exit_code, 1);
  std::regex line(
      R"(^(.*a\.sql):2:2: error: CREATE INDEX takes a SHARE lock on t: .* \[require-concurrent-index-creation\]\n$)");
  EXPECT_TRUE(std::regex_match(r.out, line)) << r.out;
}

TEST_F(Cli, JsonFormatCarriesPositionsOffsetsAndFixes) {
  std::string f = write("a.sql", "SELECT 'é';\nCREATE INDEX i ON t (a);\n");
  auto r = run_migsafe("check --format json --select require-concurrent-index-creation " + q(f));
  EXPECT_EQ(r.exit_code, 1);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema_version"], 1);
  ASSERT_EQ(j["findings"].size(), 1u);
  const auto& fd = j["findings"][0];
  EXPECT_EQ(fd["rule"], "require-concurrent-index-creation");
  EXPECT_EQ(fd["severity"], "error");
  EXPECT_EQ(fd["start"]["line"], 2);
  EXPECT_EQ(fd["start"]["column"], 1);
  EXPECT_EQ(fd["start"]["offset"], 13);  // "SELECT 'é';\n" is 13 bytes
  EXPECT_EQ(fd["end"]["column"], 25);
  ASSERT_EQ(fd["fixes"].size(), 1u);
  EXPECT_EQ(fd["fixes"][0]["edits"][0]["text"], " CONCURRENTLY");
  EXPECT_EQ(fd["fixes"][0]["edits"][0]["start"]["column"], 13);
  EXPECT_EQ(j["summary"]["errors"], 1);
  EXPECT_EQ(j["summary"]["statements"], 2);
}

TEST_F(Cli, SarifIsCleanWithEmptyResults) {
  std::string f = write("a.sql", kSafe);
  auto r = run_migsafe("check --format sarif " + q(f));
  EXPECT_EQ(r.exit_code, 0);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["version"], "2.1.0");
  EXPECT_TRUE(j["runs"][0]["results"].is_array());
  EXPECT_TRUE(j["runs"][0]["results"].empty());
  EXPECT_FALSE(j["runs"][0]["tool"]["driver"]["rules"].empty());
}

TEST_F(Cli, SarifResultsUseRelativeUrisAndRegions) {
  write("migrations/0002 add index.sql", kUnsafe);
  // Run from the temp dir so the URI is relative to it.
  std::string cmd = "cd " + q(dir_.string()) + " && " + MIGSAFE_BINARY +
                    " check --format sarif --select require-concurrent-index-creation migrations";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  EXPECT_EQ(WEXITSTATUS(pclose(p)), 1);
  auto j = nlohmann::json::parse(out);
  const auto& res = j["runs"][0]["results"];
  ASSERT_EQ(res.size(), 1u);
  const auto& loc = res[0]["locations"][0]["physicalLocation"];
  EXPECT_EQ(loc["artifactLocation"]["uri"], "migrations/0002%20add%20index.sql");
  EXPECT_EQ(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
  EXPECT_EQ(loc["region"]["startLine"], 2);
  EXPECT_EQ(loc["region"]["startColumn"], 1);
  EXPECT_EQ(j["runs"][0]["columnKind"], "unicodeCodePoints");
  EXPECT_EQ(res[0]["ruleId"], "require-concurrent-index-creation");
  int idx = res[0]["ruleIndex"];
  EXPECT_EQ(j["runs"][0]["tool"]["driver"]["rules"][idx]["id"],
            "require-concurrent-index-creation");
}

TEST_F(Cli, FailOnControlsTheExitCode) {
  std::string f = write("a.sql", kUnsafe);
  EXPECT_EQ(run_migsafe("check --fail-on never " + q(f)).exit_code, 0);
  EXPECT_EQ(run_migsafe("check --fail-on error " + q(f)).exit_code, 1);
  EXPECT_EQ(run_migsafe("check --fail-on warning " + q(f)).exit_code, 1);
}

TEST_F(Cli, SelectAndIgnore) {
  std::string f = write("a.sql", kUnsafe);
  EXPECT_EQ(run_migsafe("check --ignore require-concurrent-index-creation " + q(f)).exit_code, 0);
  EXPECT_EQ(run_migsafe("check --select syntax-error " + q(f)).exit_code, 0);
  EXPECT_EQ(run_migsafe("check --select syntax-error,require-concurrent-index-creation " + q(f))
                .exit_code,
            1);
}

TEST_F(Cli, UsageErrorsExitTwoWithAMessage) {
  std::string f = write("a.sql", kSafe);
  auto missing = run_migsafe("check " + q((dir_ / "nope.sql").string()));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.sql"), std::string::npos) << missing.err;
  auto unknown = run_migsafe("check --select no-such-rule " + q(f));
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no-such-rule"), std::string::npos);
  EXPECT_EQ(run_migsafe("check --format xml " + q(f)).exit_code, 2);
  EXPECT_EQ(run_migsafe("check --bogus-flag " + q(f)).exit_code, 2);
  EXPECT_EQ(run_migsafe("").exit_code, 2);
  EXPECT_EQ(run_migsafe("check").exit_code, 2);
}

TEST_F(Cli, UnreadableFileIsAnErrorButOthersAreStillChecked) {
  std::string bad = write("b.sql", kSafe);
  std::string good = write("a.sql", kUnsafe);
  fs::permissions(bad, fs::perms::none);
  // Root reads every file, so as root (CI) run migsafe as `nobody`.
  std::string as_user = ::geteuid() == 0 ? "runuser -u nobody -- " : "";
  fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec);
  auto r = run_migsafe("check --format gcc " + q(good) + " " + q(bad), "", as_user);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("b.sql"), std::string::npos);
  EXPECT_NE(r.out.find("require-concurrent-index-creation"), std::string::npos);
}

TEST_F(Cli, StdinWithFilename) {
  auto r = run_migsafe("check --format gcc --stdin-filename db/migrate/001.sql -", kUnsafe);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out.rfind("db/migrate/001.sql:2:1: error:", 0), 0u) << r.out;
}

TEST_F(Cli, OutputFileAndNeverOverwritingInputs) {
  std::string f = write("a.sql", kUnsafe);
  std::string report = (dir_ / "report.json").string();
  auto r = run_migsafe("check --format json -o " + q(report) + " " + q(f));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty());
  EXPECT_TRUE(nlohmann::json::accept(read_text(report)));
  auto clash = run_migsafe("check --format json -o " + q(f) + " " + q(f));
  EXPECT_EQ(clash.exit_code, 2);
  EXPECT_EQ(read_text(f), kUnsafe) << "the linted file must never be written";
}

TEST_F(Cli, DirectoriesRecurseInNaturalOrderAndJobsDoNotChangeOutput) {
  for (int i : {1, 2, 10, 9, 100})
    write("m/V" + std::to_string(i) + "__x.sql",
          "CREATE INDEX i" + std::to_string(i) + " ON t (a);\n");
  write("m/sub/V3__y.sql", kUnsafe);
  write("m/notes.txt", "CREATE INDEX nope ON t (a);");
  std::string sel = "--select require-concurrent-index-creation ";
  auto one = run_migsafe("check --format gcc -j 1 " + sel + q((dir_ / "m").string()));
  auto many = run_migsafe("check --format gcc -j 4 " + sel + q((dir_ / "m").string()));
  EXPECT_EQ(one.out, many.out);
  std::vector<std::string> order;
  std::regex file(R"(/m/([^:]+):)");
  for (std::sregex_iterator it(one.out.begin(), one.out.end(), file), e; it != e; ++it)
    order.push_back((*it)[1]);
  // Flyway (detected from the names) reads a location recursively: one history in version order.
  std::vector<std::string> want = {"V1__x.sql", "V2__x.sql",  "sub/V3__y.sql",
                                   "V9__x.sql", "V10__x.sql", "V100__x.sql"};
  EXPECT_EQ(order, want) << one.out;
  // Plain ordered files: each directory is a history in natural order.
  auto plain =
      run_migsafe("check --format gcc --framework plain " + sel + q((dir_ / "m").string()));
  order.clear();
  for (std::sregex_iterator it(plain.out.begin(), plain.out.end(), file), e; it != e; ++it)
    order.push_back((*it)[1]);
  want = {"V1__x.sql", "V2__x.sql", "V9__x.sql", "V10__x.sql", "V100__x.sql", "sub/V3__y.sql"};
  EXPECT_EQ(order, want) << plain.out;
}

TEST_F(Cli, ColorAlwaysUsesAnsiCodes) {
  std::string f = write("a.sql", kUnsafe);
  EXPECT_NE(run_migsafe("check --color always " + q(f)).out.find("\x1b["), std::string::npos);
}

TEST_F(Cli, RulesExplainAndVersion) {
  auto rules = run_migsafe("rules");
  EXPECT_EQ(rules.exit_code, 0);
  EXPECT_NE(rules.out.find("require-concurrent-index-creation"), std::string::npos);
  auto json = run_migsafe("rules --format json");
  EXPECT_FALSE(nlohmann::json::parse(json.out).empty());
  auto explain = run_migsafe("explain require-concurrent-index-creation");
  EXPECT_EQ(explain.exit_code, 0);
  EXPECT_NE(explain.out.find("## Why is this dangerous?"), std::string::npos);
  EXPECT_EQ(run_migsafe("explain no-such-rule").exit_code, 2);
  auto version = run_migsafe("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("migsafe ", 0), 0u);
}

// libpq (and the 23 libraries it pulls in) is loaded only by the commands that connect: the
// start-up of every other run, a one-file pre-commit check included, does not pay for it.
TEST(Startup, LibpqIsLoadedOnlyByTheCommandsThatConnect) {
  TempDir dir;
  std::string file = dir.write("V1__t.sql", "CREATE TABLE t (id bigint PRIMARY KEY);\n");
  CommandResult check = run_migsafe("check " + q(file), "", "env LD_DEBUG=libs ");
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.err.find("libpg_query"), std::string::npos) << "LD_DEBUG had no effect";
  EXPECT_EQ(check.err.find("libpq.so"), std::string::npos) << "check loaded libpq";
  CommandResult stats = run_migsafe(
      "stats --dsn " + q("host=" + dir.path("no-socket") + " dbname=x"), "", "env LD_DEBUG=libs ");
  EXPECT_EQ(stats.exit_code, 2);
  EXPECT_NE(stats.err.find("libpq.so.5"), std::string::npos) << "stats did not load libpq";
  EXPECT_NE(stats.err.find("cannot connect"), std::string::npos) << stats.err;
}

}  // namespace
}  // namespace migsafe::test
