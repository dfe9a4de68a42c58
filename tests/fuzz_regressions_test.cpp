// Every input a fuzz target ever crashed on, replayed through the same entry point
// (tests/fuzz/targets.hpp) by the normal test run, so a fixed bug that comes back fails here
// too. scripts/fuzz.sh says where to put a new crash: tests/fuzz/regressions/<target>/.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz/targets.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;

std::string slurp_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(FuzzRegressions, EveryRecordedCrashRunsCleanlyThroughItsTarget) {
  fs::path root = fs::path(source_dir()) / "tests/fuzz/regressions";
  size_t replayed = 0;
  for (const auto& target : fuzz::targets()) {
    fs::path dir = root / target.name;
    ASSERT_TRUE(fs::is_directory(dir)) << dir << " is missing";
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (!entry.is_regular_file() || entry.path().filename().string().front() == '.') continue;
      std::string input = slurp_bytes(entry.path());
      SCOPED_TRACE(entry.path().string());
      EXPECT_NO_THROW(target.run(input));
      ++replayed;
    }
  }
  EXPECT_GT(replayed, 0u);
}

// The targets accept what users write: every fixture through the lint and suppression
// targets, and the README's complete config through the config target.
TEST(FuzzRegressions, TargetsRunTheSeedInputs) {
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(source_dir()) / "fixtures")) {
    if (entry.path().extension() != ".sql") continue;
    std::string sql = slurp_bytes(entry.path());
    SCOPED_TRACE(entry.path().string());
    EXPECT_NO_THROW(fuzz::lint(std::string(1, '\x05') + sql));
    EXPECT_NO_THROW(fuzz::suppress(sql));
  }
  EXPECT_NO_THROW(
      fuzz::config("pg_version = 14\nexclude = [\"db/legacy/**\"]\n"
                   "[[overrides]]\npaths = [\"db/**\"]\nignore = [\"ban-drop-table\"]\n"));
}

}  // namespace
}  // namespace migsafe::test
