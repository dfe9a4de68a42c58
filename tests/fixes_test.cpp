// `check --diff` and `check --fix` as a user runs them: the diff applies and shows every fix
// labelled, --fix writes only safe fixes through a temporary file (permissions kept, symbolic
// links followed, untouched files untouched), overlapping fixes are skipped, and the exit code
// reflects what is left.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/fixes.hpp"
#include "core/source.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;

// Applies a unified diff (as fix_diff writes it) to `text`, checking every context and removed
// line: what `patch` would do.
std::string apply_diff(const std::string& text, const std::string& diff) {
  std::vector<std::string> lines;
  for (size_t s = 0; s < text.size();) {
    size_t nl = text.find('\n', s);
    size_t e = nl == std::string::npos ? text.size() : nl + 1;
    lines.push_back(text.substr(s, e - s));
    s = e;
  }
  std::vector<std::string> out;
  size_t next = 0;  // index of the next old line not yet copied
  std::istringstream in(diff);
  std::string line;
  bool in_hunk = false;
  char last = 0;
  while (std::getline(in, line)) {
    if (line.rfind("@@ -", 0) == 0) {
      size_t old_start = std::stoul(line.substr(4));
      for (; next + 1 < old_start; ++next) out.push_back(lines.at(next));
      in_hunk = true;
      continue;
    }
    if (!in_hunk || line.empty()) continue;
    char mark = line[0];
    std::string body = line.substr(1) + "\n";
    if (mark == '\\') {  // "\ No newline at end of file": the line before it has none
      if (last != '-' && !out.empty() && !out.back().empty()) out.back().pop_back();
      continue;
    }
    last = mark;
    if (mark == ' ' || mark == '-') {
      std::string old = lines.at(next++);
      if (old.back() != '\n') old += '\n';
      EXPECT_EQ(old, body) << "context or removed line does not match";
      if (mark == ' ') out.push_back(body);
    } else if (mark == '+') {
      out.push_back(body);
    }
  }
  for (; next < lines.size(); ++next) out.push_back(lines[next]);
  std::string result;
  for (const auto& l : out) result += l;
  return result;
}

Finding finding_with(std::string rule, size_t at, std::vector<Fix> fixes) {
  Finding f;
  f.rule = std::move(rule);
  f.span = Span{at, at + 1};
  f.fixes = std::move(fixes);
  return f;
}

Fix fix_of(bool safe, std::vector<Edit> edits, std::string title = "t") {
  Fix f;
  f.title = std::move(title);
  f.safe = safe;
  f.edits = std::move(edits);
  return f;
}

TEST(FixSelection, OverlappingFixesAreSkippedAndDuplicatesMerged) {
  std::vector<Finding> findings = {
      finding_with("a", 0, {fix_of(true, {Edit{Span{5, 5}, " X"}})}),
      finding_with("b", 1, {fix_of(true, {Edit{Span{3, 7}, "Y"}})}),     // overlaps a
      finding_with("c", 2, {fix_of(true, {Edit{Span{5, 5}, " X"}})}),    // same as a
      finding_with("d", 3, {fix_of(true, {Edit{Span{7, 9}, "Z"}})}),     // touches nothing
      finding_with("e", 4, {fix_of(false, {Edit{Span{9, 9}, "W"}})}),    // touches d
      finding_with("f", 5, {fix_of(false, {Edit{Span{20, 20}, "V"}})}),  // unsafe, free
      finding_with("g", 6, {fix_of(true, {Edit{Span{30, 30}, "U"}, Edit{Span{30, 31}, ""}})}),
  };
  FixSelection all = select_fixes(findings, false);
  std::vector<std::string> chosen, skipped;
  for (const auto& c : all.chosen) chosen.push_back(c.finding->rule);
  for (const auto& c : all.overlapping)
    skipped.push_back(c.finding->rule + "<" + c.blocked_by->rule);
  EXPECT_EQ(chosen, (std::vector<std::string>{"a", "d", "f"}));
  EXPECT_EQ(skipped, (std::vector<std::string>{"b<a", "e<d"}));
  FixSelection safe = select_fixes(findings, true);
  EXPECT_EQ(safe.chosen.size(), 2u);
  EXPECT_EQ(apply_fixes("0123456789", safe.chosen), "01234 X56Z9");
}

TEST(FixDiff, AppliesBackToTheFixedTextWithLabels) {
  std::string sql =
      "-- one\nALTER TABLE users ADD COLUMN a int;\n\n\n\n\n\n\n\nCREATE INDEX i ON users (a);\n"
      "DROP INDEX j;";  // no final newline
  FileResult r = lint(sql, {"require-lock-timeout", "require-concurrent-index-creation",
                            "require-concurrent-index-deletion"});
  FixSelection sel = select_fixes(r.findings, false);
  ASSERT_EQ(sel.chosen.size(), 3u);
  std::string diff = fix_diff(*r.file, sel);
  EXPECT_NE(diff.find("# migsafe: 3 fixes for test.sql (2 safe: applied by --fix; 1 unsafe"),
            std::string::npos)
      << diff;
  EXPECT_NE(diff.find("test.sql:2:1 [unsafe] require-lock-timeout: Insert"), std::string::npos);
  EXPECT_NE(diff.find("--- a/test.sql\n+++ b/test.sql\n@@ -1,5 +1,6 @@ require-lock-timeout "
                      "[unsafe]\n"),
            std::string::npos)
      << diff;
  EXPECT_NE(diff.find("require-concurrent-index-creation [safe], "
                      "require-concurrent-index-deletion [safe]"),
            std::string::npos)
      << diff;
  EXPECT_NE(diff.find("+DROP INDEX CONCURRENTLY j;\n\\ No newline at end of file\n"),
            std::string::npos)
      << diff;
  EXPECT_EQ(apply_diff(sql, diff), apply_fixes(sql, sel.chosen)) << diff;
}

TEST(FixDiff, CrlfAndMultiByteLinesRoundTrip) {
  std::string sql = "-- é ü\r\nCREATE INDEX i ON t (x); -- 🙂\r\nSELECT 1;\r\n";
  FileResult r = lint(sql, {"require-concurrent-index-creation", "require-lock-timeout"});
  FixSelection sel = select_fixes(r.findings, false);
  ASSERT_FALSE(sel.chosen.empty());
  std::string diff = fix_diff(*r.file, sel);
  EXPECT_NE(diff.find("+CREATE INDEX CONCURRENTLY i ON t (x); -- 🙂\r\n"), std::string::npos);
  EXPECT_EQ(apply_diff(sql, diff), apply_fixes(sql, sel.chosen));
}

class FixCli : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    return tmp_.write(name, text);
  }
  std::vector<std::string> listing() {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }
  TempDir tmp_;
  fs::path dir_{tmp_.path()};
};

// The rules these tests read the fixes of (other rules may add fixes of their own).
// (Last on the command line: a list option would take the paths after it as rule ids.)
const std::string kRules =
    " --select=require-concurrent-index-creation,require-concurrent-index-deletion,"
    "require-lock-timeout";

const char* kMigration =
    "ALTER TABLE users ADD COLUMN email text;\n"
    "CREATE INDEX users_email_idx ON users (email);\n";

TEST_F(FixCli, DiffShowsEveryFixAndWritesNothing) {
  std::string f = write("V1.sql", kMigration);
  auto r = run_migsafe("check --diff '" + f + "'" + kRules);
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the findings are still there
  EXPECT_NE(r.out.find("[unsafe] require-lock-timeout"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[safe] require-concurrent-index-creation"), std::string::npos);
  EXPECT_NE(r.out.find("+CREATE INDEX CONCURRENTLY users_email_idx ON users (email);"),
            std::string::npos);
  EXPECT_EQ(read_text(f), kMigration);
  EXPECT_EQ(apply_diff(kMigration, r.out.substr(r.out.find("--- "))),
            "SET lock_timeout = '5s';\n"
            "ALTER TABLE users ADD COLUMN email text;\n"
            "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n");
  auto clean = run_migsafe("check --diff '" + write("V2.sql", "SELECT 1;\n") + "'");
  EXPECT_EQ(clean.exit_code, 0);
  EXPECT_EQ(clean.out, "");
  auto json = run_migsafe("check --diff --format json '" + f + "'");
  EXPECT_EQ(json.exit_code, 2);
}

TEST_F(FixCli, FixAppliesOnlySafeFixesKeepsModeAndReportsWhatIsLeft) {
  std::string f = write("V1.sql", kMigration);
  ::chmod(f.c_str(), 0640);
  std::string untouched = write("V2.sql", "ALTER TABLE users ADD COLUMN nick text;\n");
  struct stat before {};
  ::stat(untouched.c_str(), &before);
  auto r = run_migsafe("check --fix --color never --format gcc '" + f + "' '" + untouched + "'" +
                       kRules);
  EXPECT_EQ(read_text(f),
            "ALTER TABLE users ADD COLUMN email text;\n"
            "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n");
  EXPECT_NE(r.err.find("fixed " + f + ":2:1 [require-concurrent-index-creation] Add CONCURRENTLY"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("applied 1 fix to 1 file; 2 more need review"), std::string::npos) << r.err;
  // What is left: the unsafe lock_timeout warning on each file, no error: exit 0.
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("require-concurrent-index-creation"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("V1.sql:1:1: warning:"), std::string::npos) << r.out;
  struct stat st {};
  ::stat(f.c_str(), &st);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  struct stat after {};
  ::stat(untouched.c_str(), &after);
  EXPECT_EQ(after.st_ino, before.st_ino) << "a file without a safe fix is never rewritten";
  EXPECT_EQ(listing(), (std::vector<std::string>{"V1.sql", "V2.sql"})) << "no temporary file left";

  auto again = run_migsafe("check --fix '" + f + "'" + kRules);
  EXPECT_NE(again.err.find("applied 0 fixes to 0 files"), std::string::npos) << again.err;
}

TEST_F(FixCli, FixExitCodeCountsWhatRemains) {
  std::string f = write("V1.sql", "DROP INDEX a_idx;\nCREATE INDEX b_idx ON t (x);\n");
  auto r = run_migsafe("check --fix --fail-on warning '" + f + "'" + kRules);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(read_text(f),
            "DROP INDEX CONCURRENTLY a_idx;\nCREATE INDEX CONCURRENTLY b_idx ON t (x);\n");
  std::string tx = write("V2.sql", "BEGIN;\nCREATE INDEX c_idx ON t (x);\nCOMMIT;\n");
  auto u = run_migsafe("check --fix '" + tx + "'" + kRules);
  EXPECT_EQ(u.exit_code, 1) << "the fix is unsafe inside BEGIN: nothing applied, error remains";
  EXPECT_EQ(read_text(tx), "BEGIN;\nCREATE INDEX c_idx ON t (x);\nCOMMIT;\n");
}

TEST_F(FixCli, OverlappingFixesAreAppliedInLaterPasses) {
  // prefer-robust-stmts and require-concurrent-index-deletion both insert after DROP INDEX:
  // one pass cannot apply both; the next pass, linting the fixed text, applies the other.
  std::string f = write("V1.sql", "DROP INDEX a_idx;\nSELECT 1;\n");
  auto r = run_migsafe("check --fix '" + f +
                       "' --select=prefer-robust-stmts,require-concurrent-index-deletion");
  EXPECT_EQ(read_text(f), "DROP INDEX CONCURRENTLY IF EXISTS a_idx;\nSELECT 1;\n") << r.err;
  EXPECT_NE(r.err.find("applied 2 fixes to 1 file"), std::string::npos) << r.err;
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(FixCli, FixFollowsSymlinksAndRefusesStdin) {
  std::string target = write("real.sql", "CREATE INDEX i ON t (x);\n");
  fs::path link = dir_ / "link.sql";
  fs::create_symlink("real.sql", link);
  auto r = run_migsafe("check --fix '" + link.string() + "'" + kRules);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(read_text(target), "CREATE INDEX CONCURRENTLY i ON t (x);\n");

  auto s = run_migsafe("check --fix -", "CREATE INDEX i ON t (x);\n");
  EXPECT_EQ(s.exit_code, 2);
  EXPECT_NE(s.err.find("--fix cannot rewrite standard input"), std::string::npos) << s.err;
  auto both = run_migsafe("check --fix --diff '" + target + "'");
  EXPECT_EQ(both.exit_code, 2);
}

TEST_F(FixCli, FixInsideADoBlockIsQuotedAndStillParses) {
  // The CONCURRENTLY fix inside a DO block is never safe (it fails there), but --diff shows it
  // re-quoted for the literal.
  std::string f =
      write("V1.sql", "DO 'BEGIN EXECUTE ''CREATE INDEX i ON t (x) WHERE y = ''''''''''; END';\n");
  auto r = run_migsafe("check --diff '" + f + "'" + kRules);
  EXPECT_NE(r.out.find("+DO 'BEGIN EXECUTE ''SET LOCAL lock_timeout = ''''5s'''';\n"
                       "+CREATE INDEX CONCURRENTLY i ON t (x) WHERE y = ''''''''''; END';\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("(0 safe: applied by --fix; 2 unsafe"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace migsafe::test
