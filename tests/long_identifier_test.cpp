// identifier-too-long's cheap test before it scans a statement (may_hold_long_identifier): it
// skips ahead instead of reading every byte, and must never say "no" where a byte-at-a-time
// reading finds a long run or quoted stretch.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/names.hpp"
#include "core/parse.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

// Every byte in turn: a run of identifier bytes, or a "..." stretch ("" inside it), longer
// than `limit`; an unclosed '"' counts as one.
bool reference(std::string_view text, size_t limit) {
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') {
      size_t close = i + 1;
      for (;; ++close) {
        if (close >= text.size()) return true;
        if (text[close] != '"') continue;
        if (close + 1 < text.size() && text[close + 1] == '"') {
          ++close;
          continue;
        }
        break;
      }
      if (close - i - 1 > limit) return true;
      i = close;
      run = 0;
      continue;
    }
    run = is_identifier_byte(text[i]) ? run + 1 : 0;
    if (run > limit) return true;
  }
  return false;
}

TEST(LongIdentifier, TheSkippingTestAgreesWithReadingEveryByte) {
  const std::vector<std::string> pieces = {"a",  "b_", "x1", "$",       "\xc3\xa9", " ",
                                           ",",  "(",  ")",  "'",       "\"",       "\"\"",
                                           "\n", "--", ".",  "aaaaaaaa"};
  uint64_t state = 7;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<size_t>(state >> 33);
  };
  size_t yes = 0, no = 0;
  for (int round = 0; round < 20000; ++round) {
    // Lean on identifier bytes in some rounds, so runs reach the limit as often as not.
    size_t lean = next() % 4;
    std::string text;
    for (size_t i = 0, n = next() % 300; i < n; ++i)
      text += next() % 4 < lean ? pieces[next() % 5] : pieces[next() % pieces.size()];
    for (size_t limit : {size_t{1}, size_t{3}, size_t{8}, size_t{63}}) {
      bool want = reference(text, limit);
      ASSERT_EQ(may_hold_long_identifier(text, limit), want) << limit << ": " << text;
      (want ? yes : no)++;
    }
  }
  EXPECT_GT(yes, 10000u);
  EXPECT_GT(no, 5000u);
  for (const auto& dir : std::filesystem::directory_iterator(source_dir() + "/fixtures"))
    for (const auto& f : std::filesystem::directory_iterator(dir.path())) {
      std::string sql = read_text(f.path().string());
      EXPECT_EQ(may_hold_long_identifier(sql, 63), reference(sql, 63)) << f.path();
    }
}

TEST(LongIdentifier, RunsAndQuotedNamesAtTheLimit) {
  std::string a63(63, 'a'), a64(64, 'a');
  EXPECT_FALSE(may_hold_long_identifier("CREATE TABLE " + a63 + " (id int);", 63));
  EXPECT_TRUE(may_hold_long_identifier("CREATE TABLE " + a64 + " (id int);", 63));
  EXPECT_TRUE(may_hold_long_identifier("SELECT 1, " + a64, 63));  // at the very end
  EXPECT_TRUE(may_hold_long_identifier(a64, 63));                 // the whole text
  std::string spaced = "\"" + std::string(40, 'b') + " " + std::string(30, 'c') + "\"";
  EXPECT_TRUE(may_hold_long_identifier("CREATE TABLE " + spaced + " ();", 63));
  std::string escaped = "\"" + std::string(40, 'b') + "\"\"" + std::string(30, 'c') + "\"";
  EXPECT_TRUE(may_hold_long_identifier("CREATE TABLE " + escaped + " ();", 63));
  EXPECT_TRUE(may_hold_long_identifier("SELECT '\"', x", 63));  // unclosed: the scanner decides
  EXPECT_FALSE(may_hold_long_identifier("INSERT INTO t VALUES (1, 'a b c'), (2, 'd e f');", 63));
}

}  // namespace
}  // namespace migsafe::test
