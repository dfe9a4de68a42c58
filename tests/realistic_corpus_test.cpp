// Lints the realism-focused corpus (tests/corpus/): migration histories in the styles of Rails,
// Django, Alembic, Prisma, golang-migrate, Flyway, dbmate and hand-written playbooks. Safe
// recipes must stay free of errors and of the locking findings their recipe avoids, unsafe ones
// must trigger the rules they were written to trigger, and only the invalid files may report a
// syntax error. A false positive that comes back on real-world-style SQL fails here.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "core/rule.hpp"
#include "corpus/realistic_corpus.hpp"
#include "helpers.hpp"

namespace migsafe {
namespace {

using test::q;
using test::run_migsafe;
using test::TempDir;

struct Linted {
  std::vector<corpus::Entry> entries;
  std::map<std::string, std::vector<nlohmann::json>> findings;  // by corpus-relative path
  int exit_code = -1;
  std::string err;
};

// Generates the corpus once for the whole suite (about 1,500 files) and lints it.
const Linted& linted() {
  static Linted result;
  static bool done = false;
  static TempDir dir;  // removed when the test program exits
  if (done) return result;
  done = true;
  std::string root = dir.path("corpus");
  corpus::Options o;
  o.apps = 48;
  result.entries = corpus::generate(root, o);
  test::CommandResult r = run_migsafe("check --format json " + q(root));
  result.exit_code = r.exit_code;
  result.err = r.err;
  if (r.exit_code == 2) return result;
  nlohmann::json report = nlohmann::json::parse(r.out);
  std::string prefix = root + "/";
  for (const auto& f : report["findings"]) {
    std::string path = f["path"].get<std::string>();
    if (path.starts_with(prefix)) path = path.substr(prefix.size());
    result.findings[path].push_back(f);
  }
  return result;
}

std::string describe(const nlohmann::json& f) {
  return f["rule"].get<std::string>() + " at line " +
         std::to_string(f["start"]["line"].get<int>()) + ": " + f["message"].get<std::string>();
}

TEST(RealisticCorpus, IsDeterministicAndLabelled) {
  TempDir a, b;
  corpus::Options o;
  o.apps = 8;
  auto first = corpus::generate(a.path("c"), o);
  auto second = corpus::generate(b.path("c"), o);
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) {
    ASSERT_EQ(first[i].path, second[i].path);
    EXPECT_EQ(a.read("c/" + first[i].path), b.read("c/" + second[i].path)) << first[i].path;
  }
  auto back = corpus::read_manifest(a.path("c"));
  ASSERT_EQ(back.size(), first.size());
  for (const auto& e : back)
    for (const auto& id : e.expect)
      EXPECT_NE(find_rule(id), nullptr) << e.path << " expects unknown rule " << id;
}

TEST(RealisticCorpus, LintsWithoutCrashOrInternalError) {
  const Linted& l = linted();
  ASSERT_GT(l.entries.size(), 1000u);
  EXPECT_EQ(l.exit_code, 1) << l.err;  // findings, never a usage or internal error
  std::map<std::string, size_t> kinds;
  for (const auto& e : l.entries) kinds[e.kind]++;
  EXPECT_GT(kinds["safe"], 500u);
  EXPECT_GT(kinds["unsafe"], 100u);
}

TEST(RealisticCorpus, SyntaxErrorsOnlyWhereTheSqlIsInvalid) {
  const Linted& l = linted();
  ASSERT_NE(l.exit_code, 2) << l.err;
  for (const auto& e : l.entries) {
    bool invalid = e.kind == "invalid";
    bool reported = false;
    auto it = l.findings.find(e.path);
    if (it != l.findings.end())
      for (const auto& f : it->second)
        if (f["rule"] == "syntax-error") {
          reported = true;
          EXPECT_TRUE(invalid) << e.path << ": " << describe(f);
        }
    if (invalid) {
      EXPECT_TRUE(reported) << e.path << " should not parse";
    }
  }
}

// Rules whose findings on a safe recipe would be false positives at any severity: the recipe
// exists to avoid exactly what they report.
const std::set<std::string> kAvoidedBySafeRecipes = {
    "adding-field-with-default",
    "adding-foreign-key-constraint",
    "adding-not-nullable-field",
    "adding-required-field",
    "backfill-in-ddl-transaction",
    "ban-concurrent-index-creation-in-transaction",
    "ban-unbatched-backfill",
    "changing-column-type",
    "constraint-missing-not-valid",
    "disallowed-unique-constraint",
    "lock-held-during-slow-statement",
    "narrowing-type-change",
    "require-concurrent-index-creation",
    "require-concurrent-index-deletion",
    "require-concurrent-refresh-matview",
    "require-concurrent-reindex",
    "require-statement-timeout",
    "statement-not-allowed-in-transaction",
};

TEST(RealisticCorpus, SafeRecipesHaveNoErrorsAndNoLockingFalsePositives) {
  const Linted& l = linted();
  ASSERT_NE(l.exit_code, 2) << l.err;
  size_t checked = 0;
  for (const auto& e : l.entries) {
    if (e.kind != "safe" && e.kind != "dump" && e.kind != "odd") continue;
    ++checked;
    auto it = l.findings.find(e.path);
    if (it == l.findings.end()) continue;
    for (const auto& f : it->second) {
      std::string rule = f["rule"].get<std::string>();
      EXPECT_NE(f["severity"], "error")
          << e.path << " (" << e.style << ", " << e.recipe << "): " << describe(f);
      EXPECT_FALSE(e.kind == "safe" && kAvoidedBySafeRecipes.count(rule))
          << e.path << " (" << e.style << ", " << e.recipe << "): " << describe(f);
    }
  }
  EXPECT_GT(checked, 500u);
}

TEST(RealisticCorpus, UnsafeRecipesTriggerTheirRules) {
  const Linted& l = linted();
  ASSERT_NE(l.exit_code, 2) << l.err;
  std::set<std::string> seen;
  for (const auto& e : l.entries) {
    if (e.kind != "unsafe") continue;
    std::set<std::string> got;
    auto it = l.findings.find(e.path);
    if (it != l.findings.end())
      for (const auto& f : it->second) got.insert(f["rule"].get<std::string>());
    for (const auto& id : e.expect) {
      EXPECT_TRUE(got.count(id)) << e.path << " (" << e.style << ", " << e.recipe
                                 << ") should trigger " << id;
      seen.insert(id);
    }
  }
  // The corpus exercises a broad set of rules, not a handful.
  EXPECT_GE(seen.size(), 25u);
}

}  // namespace
}  // namespace migsafe
