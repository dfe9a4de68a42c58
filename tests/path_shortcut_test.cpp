// Paths answered with string operations instead of std::filesystem (ten thousand instructions a
// file): display_path (the path a report shows, relative to the base directory when below it)
// and the directory the config resolver looks up a file's config for. Each must answer as the
// std::filesystem reading does.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <span>
#include <string>

#include "config/resolver.hpp"
#include "core/discover.hpp"
#include "core/history.hpp"
#include "helpers.hpp"
#include "report/formats.hpp"

namespace migsafe::test {
namespace {

// 1 to `max` parts joined by '/', after a '/' when `absolute`.
std::string random_path(std::mt19937& rng, std::span<const char* const> parts, bool absolute,
                        size_t max) {
  std::string s = absolute ? "/" : "";
  size_t n = 1 + rng() % max;
  for (size_t i = 0; i < n; ++i) {
    if (i) s += '/';
    s += parts[rng() % parts.size()];
  }
  return s;
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
  auto random = [&](bool absolute, size_t max) { return random_path(rng, parts, absolute, max); };
  for (int n = 0; n < 50000; ++n) {
    std::string base = random(rng() % 8 != 0, 3);
    if (rng() % 4 == 0) base += '/';
    // Often the base itself, then more parts: the case the shortcut takes.
    std::string path = rng() % 3 ? base + "/" + random(false, 3) : random(true, 5);
    ASSERT_EQ(display_path(path, base), report_detail::display_path_general(path, base))
        << "path \"" << path << "\" base \"" << base << '"';
  }
}

TEST(PlainRelative, NamesJoinedBySingleSlashes) {
  EXPECT_TRUE(is_plain_relative("a"));
  EXPECT_TRUE(is_plain_relative("db/V1__a.sql"));
  EXPECT_TRUE(is_plain_relative("..x/x.."));
  for (const char* p : {"", "/a", "a/", "a//b", "./a", "a/.", "a/../b", ".."})
    EXPECT_FALSE(is_plain_relative(p)) << p;
}

std::string parent_reference(const std::string& path, const std::string& cwd) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p(path);
  return (p.is_absolute() || cwd.empty() ? fs::absolute(p, ec) : fs::path(cwd) / p)
      .lexically_normal()
      .parent_path()
      .string();
}

TEST(PlainParent, MatchesStdFilesystemWhereItAnswers) {
  EXPECT_EQ(config_detail::plain_parent("db/V1.sql", "/work"), "/work/db");
  EXPECT_EQ(config_detail::plain_parent("V1.sql", "/work"), "/work");
  EXPECT_EQ(config_detail::plain_parent("V1.sql", "/"), "/");
  EXPECT_EQ(config_detail::plain_parent("db/V1.sql", "/"), "/db");
  EXPECT_EQ(config_detail::plain_parent("/x/V1.sql", ""), "/x");
  EXPECT_EQ(config_detail::plain_parent("/V1.sql", "/work"), "/");
  EXPECT_EQ(config_detail::plain_parent("./V1.sql", "/work"), std::nullopt);
  EXPECT_EQ(config_detail::plain_parent("V1.sql", "/work/"), std::nullopt);
  EXPECT_EQ(config_detail::plain_parent("V1.sql", ""), std::nullopt);

  const char* parts[] = {"a", "b", "..", ".", "", "..x", "V1__a.sql"};
  std::mt19937 rng(5);
  auto random = [&](bool absolute, size_t max) { return random_path(rng, parts, absolute, max); };
  size_t answered = 0;
  for (int n = 0; n < 50000; ++n) {
    std::string cwd = rng() % 8 ? random(true, 3) : rng() % 2 ? "/" : "";
    std::string path = random(rng() % 3 == 0, 4);
    if (auto fast = config_detail::plain_parent(path, cwd)) {
      ++answered;
      ASSERT_EQ(*fast, parent_reference(path, cwd))
          << "path \"" << path << "\" cwd \"" << cwd << '"';
    }
  }
  EXPECT_GT(answered, 5000u);
}

TEST(PathNormaliser, MatchesStdFilesystemWithLinksAndMissingFiles) {
  namespace fs = std::filesystem;
  TempDir dir;
  dir.write("db/a/V1__x.sql", "SELECT 1;\n");
  dir.write("db/b/V2__y.sql", "SELECT 1;\n");
  fs::create_symlink("a/V1__x.sql", dir.path("db/link.sql"));      // a file link
  fs::create_directory_symlink("a", dir.path("db/dirlink"));       // a directory link
  fs::create_symlink("nowhere.sql", dir.path("db/dangling.sql"));  // a dangling one
  std::vector<std::string> rel;
  for (const char* p : {"db/a/V1__x.sql", "db/b/V2__y.sql", "db/link.sql", "db/dirlink/V1__x.sql",
                        "db/dangling.sql", "db/missing.sql", "db/nodir/V9.sql", "db/./a/V1__x.sql",
                        "db/b/../a/V1__x.sql", "db//a/V1__x.sql", "db/a/", "db/a/.", "db/a/..",
                        "db/dirlink/../b/V2__y.sql"})
    rel.push_back(p);
  std::string base = fs::canonical(dir.path()).string();
  fs::path saved = fs::current_path();
  for (const std::string& cwd : {base, base + "/db", std::string("/")}) {
    fs::current_path(cwd);
    history_detail::PathNormaliser fast, reference;
    for (const std::string& p : rel) {
      // Relative to the working directory, and absolute (spelled under the temp directory).
      std::string r = cwd == base ? p : cwd == "/" ? base.substr(1) + "/" + p : p.substr(3);
      for (const std::string& path : {r, base + "/" + p}) {
        EXPECT_EQ(fast(path), reference.general(path)) << path << " from " << cwd;
        EXPECT_EQ(fast(path), history_detail::PathNormaliser().general(path)) << path;
      }
    }
  }
  fs::current_path(saved);
  // The answers themselves: links resolved, plain names kept.
  history_detail::PathNormaliser n;
  EXPECT_EQ(n(base + "/db/link.sql"), base + "/db/a/V1__x.sql");
  EXPECT_EQ(n(base + "/db/dirlink/V1__x.sql"), base + "/db/a/V1__x.sql");
  EXPECT_EQ(n(base + "/db/b/V2__y.sql"), base + "/db/b/V2__y.sql");
  EXPECT_EQ(n("-"), "-");
}

}  // namespace
}  // namespace migsafe::test
