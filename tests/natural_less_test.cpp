// natural_less (the order of a migration history's files) skips the prefix two paths share
// before it walks them; it must answer as a walk from the first byte does.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/discover.hpp"

namespace migsafe::test {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The order from the first byte, on tokens: a digit run is one token, compared by value, then
// by length (fewer leading zeros first); any other byte is a token of its own, compared as
// unsigned; a string that runs out of tokens first is less.
std::vector<std::string> tokens(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    size_t end = i + 1;
    if (is_digit(s[i]))
      while (end < s.size() && is_digit(s[end])) ++end;
    out.push_back(s.substr(i, end - i));
    i = end;
  }
  return out;
}

bool reference(const std::string& a, const std::string& b) {
  std::vector<std::string> ta = tokens(a), tb = tokens(b);
  for (size_t k = 0; k < ta.size() && k < tb.size(); ++k) {
    const std::string &x = ta[k], &y = tb[k];
    if (is_digit(x[0]) && is_digit(y[0])) {
      std::string vx = x.substr(std::min(x.find_first_not_of('0'), x.size()));
      std::string vy = y.substr(std::min(y.find_first_not_of('0'), y.size()));
      if (vx.size() != vy.size()) return vx.size() < vy.size();
      if (vx != vy) return vx < vy;
      if (x.size() != y.size()) return x.size() < y.size();
    } else if (x[0] != y[0]) {
      return static_cast<unsigned char>(x[0]) < static_cast<unsigned char>(y[0]);
    }
  }
  return ta.size() < tb.size();
}

TEST(NaturalLess, NumbersCompareByValue) {
  EXPECT_TRUE(natural_less("V2__a.sql", "V10__a.sql"));
  EXPECT_FALSE(natural_less("V10__a.sql", "V2__a.sql"));
  // The strings differ inside a digit run they share the start of.
  EXPECT_TRUE(natural_less("V19__a.sql", "V100__a.sql"));
  EXPECT_TRUE(natural_less("dir/V9", "dir/V10"));
  EXPECT_TRUE(natural_less("V1", "V12"));
  EXPECT_FALSE(natural_less("V12", "V1"));
  // Same value: fewer leading zeros first, then the rest.
  EXPECT_TRUE(natural_less("V1_b", "V01_a"));
  EXPECT_TRUE(natural_less("V007", "V0007"));
  EXPECT_FALSE(natural_less("same", "same"));
  EXPECT_TRUE(natural_less("", "a"));
  EXPECT_FALSE(natural_less("a", ""));
}

TEST(NaturalLess, MatchesAWalkFromTheFirstByte) {
  // Short strings over digits (zeros weighted up), a separator and two letters, with a shared
  // prefix of random length: every way two paths can differ inside or after a digit run.
  std::mt19937 rng(20261122);
  const std::string alphabet = "0001239_/ab";
  auto random_string = [&](size_t max) {
    std::string s(rng() % (max + 1), ' ');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    return s;
  };
  for (int n = 0; n < 200000; ++n) {
    std::string prefix = random_string(6);
    std::string a = prefix + random_string(5), b = prefix + random_string(5);
    ASSERT_EQ(natural_less(a, b), reference(a, b)) << '"' << a << "\" < \"" << b << '"';
    ASSERT_EQ(natural_less(b, a), reference(b, a)) << '"' << b << "\" < \"" << a << '"';
  }
}

TEST(NaturalLess, SortsAHistoryAsAWalkDoes) {
  std::vector<std::string> paths;
  for (int v : {1, 2, 9, 10, 11, 19, 100, 101, 1000})
    for (const char* pad : {"", "0", "00"})
      paths.push_back("/work/db/migrations/V" + std::string(pad) + std::to_string(v) + "__x.sql");
  std::vector<std::string> ours = paths, theirs = paths;
  std::shuffle(ours.begin(), ours.end(), std::mt19937(7));
  theirs = ours;
  std::stable_sort(ours.begin(), ours.end(), natural_less);
  std::stable_sort(theirs.begin(), theirs.end(), reference);
  EXPECT_EQ(ours, theirs);
  EXPECT_EQ(ours.front(), "/work/db/migrations/V1__x.sql");
  EXPECT_EQ(ours.back(), "/work/db/migrations/V001000__x.sql");
}

}  // namespace
}  // namespace migsafe::test
