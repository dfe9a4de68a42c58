// The data-driven fixture test: every fixtures/<rule>/*.sql is linted with only that rule
// enabled, and the exact multiset of (line, rule) findings must equal the `-- expect: <rule>`
// comments. A missing finding and an unexpected one both fail.
//
// A fixture may start with a settings line:  -- fixture: pg-version=11, assume-in-transaction
// History rules name the fixture's place in a migration history there (see fixture_settings).
// `with=<rule>` (repeatable) enables another rule too, whose findings must then be expected as
// well (for rules about other rules' findings, such as unused-suppression). The filter stage
// (inline suppressions) runs as in `migsafe check`.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>

#include "config/resolver.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;

struct FixtureFile {
  std::string rule;
  std::string path;
  friend void PrintTo(const FixtureFile& f, std::ostream* os) { *os << f.path; }
};

std::vector<FixtureFile> all_fixtures() {
  std::vector<FixtureFile> out;
  fs::path root = fs::path(source_dir()) / "fixtures";
  for (const auto& dir : fs::directory_iterator(root)) {
    if (!dir.is_directory()) continue;
    std::string rule = dir.path().filename().string();
    if (rule == "locks") continue;  // the lock-model oracle's statements, not a rule
    for (const auto& f : fs::directory_iterator(dir.path())) {
      if (f.path().extension() == ".sql") out.push_back({rule, f.path().string()});
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return out;
}

std::string header(const std::string& sql) {
  static const std::regex line(R"(^--\s*fixture:\s*(.*))");
  std::smatch m;
  std::string first = sql.substr(0, sql.find('\n'));
  return std::regex_search(first, m, line) ? m[1].str() : "";
}

std::vector<std::string> also_enabled(const std::string& sql) {
  std::vector<std::string> out;
  std::string opts = header(sql);
  static const std::regex with(R"(with=([a-z0-9-]+))");
  for (std::sregex_iterator it(opts.begin(), opts.end(), with), e; it != e; ++it)
    out.push_back((*it)[1]);
  return out;
}

std::multiset<std::pair<uint32_t, std::string>> expectations(const std::string& sql) {
  std::multiset<std::pair<uint32_t, std::string>> out;
  static const std::regex expect(R"(--\s*expect:\s*([a-z0-9, -]+))");
  uint32_t line = 1;
  size_t start = 0;
  while (start <= sql.size()) {
    size_t end = sql.find('\n', start);
    std::string text =
        sql.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::smatch m;
    if (std::regex_search(text, m, expect)) {
      std::string ids = m[1];
      std::regex sep(R"([,\s]+)");
      for (std::sregex_token_iterator it(ids.begin(), ids.end(), sep, -1), e; it != e; ++it) {
        if (!it->str().empty()) out.insert({line, it->str()});
      }
    }
    if (end == std::string::npos) break;
    start = end + 1;
    ++line;
  }
  return out;
}

class Fixture : public ::testing::TestWithParam<FixtureFile> {};

TEST_P(Fixture, FindingsMatchExpectations) {
  const FixtureFile& fx = GetParam();
  std::string sql = read_text(fx.path);
  RuleSelection sel;
  sel.select = {fx.rule};
  for (const auto& id : also_enabled(sql)) sel.select.push_back(id);
  FilePlan plan;
  plan.plan = std::make_shared<const LintPlan>(fixture_settings(sql), sel);
  FileResult r = lint_file(std::make_shared<const SourceFile>(fx.path, sql), plan);
  std::multiset<std::pair<uint32_t, std::string>> got;
  for (const Finding& f : r.findings) got.insert({r.file->position(f.span.begin).line, f.rule});
  auto want = expectations(sql);
  std::string detail;
  for (const auto& [line, id] : want)
    if (got.count({line, id}) < want.count({line, id}))
      detail += "  missing: line " + std::to_string(line) + " " + id + "\n";
  for (const auto& [line, id] : got)
    if (want.count({line, id}) < got.count({line, id}))
      detail += "  unexpected: line " + std::to_string(line) + " " + id + "\n";
  EXPECT_EQ(got, want) << fx.path << "\n" << detail;
}

std::string fixture_name(const ::testing::TestParamInfo<FixtureFile>& info) {
  std::string name = info.param.rule + "_" + fs::path(info.param.path).stem().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Rules, Fixture, ::testing::ValuesIn(all_fixtures()), fixture_name);

TEST(FixtureSelfTest, EveryBadFixtureExpectsItsRule) {
  for (const auto& fx : all_fixtures()) {
    if (fs::path(fx.path).filename() != "bad.sql") continue;
    auto want = expectations(read_text(fx.path));
    bool has =
        std::any_of(want.begin(), want.end(), [&](const auto& e) { return e.second == fx.rule; });
    EXPECT_TRUE(has) << fx.path << " expects no finding of its own rule";
  }
}

}  // namespace
}  // namespace migsafe::test
