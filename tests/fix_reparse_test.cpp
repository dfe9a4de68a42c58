// Every fix that any fixture finding carries, applied on its own: the result must still parse
// (PostgreSQL's grammar and, inside DO blocks, its PL/pgSQL grammar), and a fix marked safe
// must make its finding go away. Prints how many findings carry fixes and how many are safe.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <regex>

#include "helpers.hpp"

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;

// The optional first line of a fixture, as tests/fixture_test.cpp reads it.
LintSettings fixture_settings(const std::string& sql) {
  LintSettings s;
  std::smatch m;
  std::string first = sql.substr(0, sql.find('\n'));
  static const std::regex header(R"(^--\s*fixture:\s*(.*))");
  if (!std::regex_search(first, m, header)) return s;
  std::string opts = m[1];
  static const std::regex pg(R"(pg-version=(\d+))");
  if (std::regex_search(opts, m, pg)) s.pg_version = std::stoi(m[1]);
  s.assume_in_transaction = opts.find("assume-in-transaction") != std::string::npos;
  return s;
}

// Where `offset` moves to once the fix's edits before it are applied.
size_t shifted(size_t offset, const Fix& fix) {
  long delta = 0;
  for (const Edit& e : fix.edits)
    if (e.span.end <= offset)
      delta += static_cast<long>(e.text.size()) - static_cast<long>(e.span.end - e.span.begin);
  return static_cast<size_t>(static_cast<long>(offset) + delta);
}

size_t syntax_errors(const std::string& sql, const LintSettings& settings) {
  return lint(sql, {"syntax-error"}, settings).findings.size();
}

TEST(FixReparse, EveryFixtureFixParsesAndSafeFixesRemoveTheirFinding) {
  size_t files = 0, findings = 0, with_fix = 0, fixes = 0, safe = 0;
  for (const auto& dir : fs::directory_iterator(fs::path(source_dir()) / "fixtures")) {
    std::string rule = dir.path().filename().string();
    if (!dir.is_directory() || rule == "locks") continue;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
      if (entry.path().extension() != ".sql") continue;
      ++files;
      std::string path = entry.path().string();
      std::string sql = read_text(path);
      LintSettings settings = fixture_settings(sql);
      FileResult r = lint(sql, {rule}, settings);
      size_t errors_before = syntax_errors(sql, settings);
      for (const Finding& f : r.findings) {
        ++findings;
        if (!f.fixes.empty()) ++with_fix;
        for (const Fix& fix : f.fixes) {
          ++fixes;
          std::string where =
              path + ":" + std::to_string(r.file->position(f.span.begin).line) + " " + fix.title;
          std::string fixed = apply_fix(sql, fix);
          EXPECT_LE(syntax_errors(fixed, settings), errors_before)
              << where << "\nthe fixed file does not parse:\n"
              << fixed;
          if (!fix.safe) continue;
          ++safe;
          FileResult after = lint(fixed, {rule}, settings);
          size_t at = shifted(f.span.begin, fix);
          for (const Finding& g : after.findings)
            EXPECT_FALSE(g.rule == f.rule && g.span.begin == at)
                << where << "\nthe safe fix did not remove its finding:\n"
                << fixed;
        }
      }
    }
  }
  std::cout << "[ fixes    ] " << files << " fixture files, " << findings << " findings, "
            << with_fix << " with a fix, " << fixes << " fixes (" << safe << " safe)\n";
  EXPECT_GT(safe, 0u);
  EXPECT_GT(fixes, safe);
}

}  // namespace
}  // namespace migsafe::test
