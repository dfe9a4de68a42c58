// display_path (the path a report shows: relative to the base directory when below it) answers
// most paths without std::filesystem; it must answer as the std::filesystem reading does.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>

#include "report/formats.hpp"

namespace migsafe::test {
namespace {

std::string reference(const std::string& path, const std::string& base_dir) {
  namespace fs = std::filesystem;
  if (base_dir.empty() || path.empty() || path == "-") return path;
  fs::path p(path);
  if (p.is_relative()) return p.lexically_normal().generic_string();
  fs::path rel = p.lexically_relative(base_dir);
  std::string r = rel.generic_string();
  if (rel.empty() || r.rfind("..", 0) == 0) return p.generic_string();
  return r;
}

TEST(DisplayPath, BelowTheBaseDirectoryIsRelative) {
  EXPECT_EQ(display_path("/work/db/V1__a.sql", "/work"), "db/V1__a.sql");
  EXPECT_EQ(display_path("/work/db/V1__a.sql", "/work/"), "db/V1__a.sql");
  EXPECT_EQ(display_path("/work/db/V1__a.sql", "/"), "work/db/V1__a.sql");
  EXPECT_EQ(display_path("/workshop/a.sql", "/work"), "/workshop/a.sql");
  EXPECT_EQ(display_path("/work/../x/a.sql", "/work"), "/work/../x/a.sql");
  EXPECT_EQ(display_path("/work/..x/a.sql", "/work"), "/work/..x/a.sql");
  EXPECT_EQ(display_path("/work/./a.sql", "/work"), "./a.sql");
  EXPECT_EQ(display_path("/work//a.sql", "/work"), "a.sql");
  EXPECT_EQ(display_path("-", "/work"), "-");
  EXPECT_EQ(display_path("db/./a.sql", "/work"), "db/a.sql");
}

TEST(DisplayPath, MatchesStdFilesystemOnRandomPaths) {
  const char* parts[] = {"a", "b", "work", "..", ".", "", "..x", "x..", "V1__a.sql", ".hidden"};
  std::mt19937 rng(11);
  auto random_path = [&](bool absolute, size_t max) {
    std::string s = absolute ? "/" : "";
    size_t n = 1 + rng() % max;
    for (size_t i = 0; i < n; ++i) {
      if (i) s += '/';
      s += parts[rng() % std::size(parts)];
    }
    return s;
  };
  for (int n = 0; n < 50000; ++n) {
    std::string base = random_path(rng() % 8 != 0, 3);
    if (rng() % 4 == 0) base += '/';
    // Often the base itself, then more parts: the case the shortcut takes.
    std::string path = rng() % 3 ? base + "/" + random_path(false, 3) : random_path(true, 5);
    ASSERT_EQ(display_path(path, base), reference(path, base))
        << "path \"" << path << "\" base \"" << base << '"';
  }
}

}  // namespace
}  // namespace migsafe::test
