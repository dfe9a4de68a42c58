// The registry, rules/, docs/rules/ and fixtures/ must agree: every registered rule has its
// source file, a docs page with every section, and a fixture folder with bad.sql and ok.sql;
// the docs examples behave (the first triggers the rule, the second does not); the rule tables
// in README.md and docs/rules/README.md are what `migsafe rules --format markdown` prints.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "core/rule.hpp"
#include "helpers.hpp"
#include "report/rules_table.hpp"

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;

std::set<std::string> stems(const std::string& dir, const std::string& ext, bool dirs = false) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(fs::path(source_dir()) / dir)) {
    if (dirs) {
      if (e.is_directory()) out.insert(e.path().filename().string());
    } else if (e.path().extension() == ext) {
      out.insert(e.path().stem().string());
    }
  }
  return out;
}

std::set<std::string> registry_ids() {
  std::set<std::string> out;
  for (const auto& r : all_rules()) out.insert(std::string(r.meta.id));
  return out;
}

TEST(Parity, RegistryMatchesRuleFiles) {
  EXPECT_EQ(registry_ids(), stems("rules", ".cpp"));
}

TEST(Parity, RegistryMatchesDocsPages) {
  auto docs = stems("docs/rules", ".md");
  docs.erase("README");
  EXPECT_EQ(registry_ids(), docs);
}

TEST(Parity, RegistryMatchesFixtureFolders) {
  auto dirs = stems("fixtures", "", true);
  dirs.erase("locks");
  EXPECT_EQ(registry_ids(), dirs);
  for (const auto& id : registry_ids()) {
    EXPECT_TRUE(fs::exists(fs::path(source_dir()) / "fixtures" / id / "bad.sql")) << id;
    EXPECT_TRUE(fs::exists(fs::path(source_dir()) / "fixtures" / id / "ok.sql")) << id;
  }
}

TEST(Parity, RuleIdsAreKebabCase) {
  std::regex kebab("^[a-z][a-z0-9]*(-[a-z0-9]+)*$");
  for (const auto& id : registry_ids()) EXPECT_TRUE(std::regex_match(id, kebab)) << id;
}

TEST(Parity, MetadataIsComplete) {
  for (const auto& r : all_rules()) {
    EXPECT_FALSE(r.meta.summary.empty()) << r.meta.id;
    EXPECT_FALSE(r.meta.why.empty()) << r.meta.id;
    EXPECT_FALSE(r.meta.instead.empty()) << r.meta.id;
    EXPECT_FALSE(r.meta.category.empty()) << r.meta.id;
  }
}

// The text of section `title` (up to the next "## "), or nullopt.
std::optional<std::string> section(const std::string& page, const std::string& title) {
  size_t at = page.find("\n## " + title + "\n");
  if (at == std::string::npos) return std::nullopt;
  size_t body = at + title.size() + 5;
  size_t next = page.find("\n## ", body);
  return page.substr(body, next == std::string::npos ? std::string::npos : next - body);
}

std::optional<std::string> first_sql_block(const std::string& text) {
  static const std::regex block("```sql\\n([\\s\\S]*?)```");
  std::smatch m;
  if (!std::regex_search(text, m, block)) return std::nullopt;
  return m[1].str();
}

TEST(Parity, DocsPagesHaveEverySection) {
  for (const auto& r : all_rules()) {
    std::string id(r.meta.id);
    std::string page = read_text("docs/rules/" + id + ".md");
    EXPECT_EQ(page.rfind("# " + id + "\n", 0), 0u) << id << ": the title must be the rule id";
    EXPECT_NE(page.find("\n" + std::string(r.meta.summary) + "\n"), std::string::npos)
        << id << ": the page must repeat the one-line summary from the registry";
    for (const char* s :
         {"Why is this dangerous?", "Example", "Use instead", "Suppression", "References"})
      EXPECT_TRUE(section(page, s).has_value()) << id << ": missing section '" << s << "'";
  }
}

TEST(Parity, DocsExamplesBehave) {
  for (const auto& r : all_rules()) {
    std::string id(r.meta.id);
    std::string page = read_text("docs/rules/" + id + ".md");
    auto example = section(page, "Example");
    auto instead = section(page, "Use instead");
    ASSERT_TRUE(example && instead) << id;
    auto bad = first_sql_block(*example);
    auto good = first_sql_block(*instead);
    ASSERT_TRUE(bad.has_value()) << id << ": Example has no ```sql block";
    ASSERT_TRUE(good.has_value()) << id << ": Use instead has no ```sql block";
    // A history rule's example starts with a `-- fixture:` line naming its place in a history.
    LintSettings settings = fixture_settings(*bad);
    if (r.meta.min_pg) settings.pg_version = std::max(settings.pg_version, r.meta.min_pg);
    if (r.meta.max_pg) settings.pg_version = std::min(settings.pg_version, r.meta.max_pg);
    auto ids = rule_ids(lint(*bad, {id}, settings));
    EXPECT_TRUE(std::count(ids.begin(), ids.end(), id) > 0)
        << id << ": the Example does not trigger the rule";
    settings = fixture_settings(*good);
    if (r.meta.min_pg) settings.pg_version = std::max(settings.pg_version, r.meta.min_pg);
    if (r.meta.max_pg) settings.pg_version = std::min(settings.pg_version, r.meta.max_pg);
    ids = rule_ids(lint(*good, {id}, settings));
    EXPECT_EQ(std::count(ids.begin(), ids.end(), id), 0)
        << id << ": the Use instead example triggers the rule";
  }
}

// Every page shows every way to suppress its rule: the comment for one statement, the comment
// for a file, the config file's `ignore` list and the --ignore flag. syntax-error cannot be
// suppressed by a comment and says so; the suppression rules report comments and the history
// rules the file itself, so only the file-level comment applies to them.
TEST(Parity, SuppressionSectionsShowEveryForm) {
  for (const auto& r : all_rules()) {
    std::string id(r.meta.id);
    auto sec = section(read_text("docs/rules/" + id + ".md"), "Suppression");
    ASSERT_TRUE(sec.has_value()) << id;
    EXPECT_NE(sec->find("ignore = [\"" + id + "\"]"), std::string::npos)
        << id << ": Suppression must show `ignore = [\"" << id << "\"]` in .migsafe.toml";
    EXPECT_NE(sec->find("--ignore " + id), std::string::npos)
        << id << ": Suppression must show `--ignore " << id << "`";
    if (id == "syntax-error") {
      EXPECT_NE(sec->find("cannot be suppressed by a comment"), std::string::npos) << id;
      continue;
    }
    EXPECT_NE(sec->find("-- migsafe-ignore-file " + id), std::string::npos)
        << id << ": Suppression must show `-- migsafe-ignore-file " << id << "`";
    // History rules report the file itself, the suppression rules a comment: only the
    // file-level comment applies.
    if (id == "unused-suppression" || id == "require-suppression-reason" ||
        r.meta.category == "history")
      continue;
    EXPECT_NE(sec->find("-- migsafe-ignore " + id + " -- "), std::string::npos)
        << id << ": Suppression must show `-- migsafe-ignore " << id << " -- <reason>`";
  }
}

// Rules that share squawk's id but behave differently say how, under one heading.
TEST(Parity, SquawkDifferencesAreDocumented) {
  for (const char* id :
       {"adding-field-with-default", "adding-foreign-key-constraint", "adding-not-nullable-field",
        "adding-serial-primary-key-field", "ban-uncommitted-transaction", "changing-column-type",
        "constraint-missing-not-valid", "disallowed-unique-constraint", "prefer-bigint-over-int",
        "prefer-bigint-over-smallint", "prefer-robust-stmts", "prefer-timestamptz",
        "require-concurrent-index-creation", "require-concurrent-index-deletion",
        "require-lock-timeout", "require-statement-timeout"}) {
    std::string page = read_text(std::string("docs/rules/") + id + ".md");
    EXPECT_NE(page.find("\n### Differences from squawk\n"), std::string::npos)
        << id << ": needs a '### Differences from squawk' note";
  }
}

// The rule tables list the rules grouped by category (each category one block of rows) with
// their default severity.
TEST(Parity, RuleTableGroupsByCategoryWithSeverity) {
  std::string table = rules_markdown("");
  std::vector<std::string> order;
  size_t rows = 0;
  static const std::regex row(
      R"(^\| \[([a-z0-9-]+)\]\([^)]*\) \| ([a-z]+) \| ([a-z]+)( \(opt-in\))? \|)");
  std::istringstream lines(table);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, row)) continue;
    ++rows;
    const RuleDef* def = find_rule(m[1].str());
    ASSERT_NE(def, nullptr) << line;
    EXPECT_EQ(m[2].str(), def->meta.category) << line;
    EXPECT_EQ(m[3].str(), severity_name(def->meta.severity)) << line;
    EXPECT_EQ(m[4].matched, !def->meta.default_enabled) << line;
    if (order.empty() || order.back() != m[2].str()) {
      EXPECT_EQ(std::count(order.begin(), order.end(), m[2].str()), 0)
          << "category " << m[2].str() << " appears in two blocks";
      order.push_back(m[2].str());
    }
  }
  EXPECT_EQ(rows, all_rules().size());
}

std::string between_markers(const std::string& text) {
  const std::string begin = "<!-- rules:begin -->\n", end = "<!-- rules:end -->";
  size_t a = text.find(begin), b = text.find(end);
  if (a == std::string::npos || b == std::string::npos || b < a) return "<markers missing>";
  return text.substr(a + begin.size(), b - a - begin.size());
}

TEST(Parity, ReadmeRuleTableMatchesRegistry) {
  EXPECT_EQ(between_markers(read_text("README.md")), rules_markdown("docs/rules/"))
      << "regenerate with: build/migsafe rules --format markdown";
}

TEST(Parity, DocsIndexMatchesRegistry) {
  EXPECT_EQ(between_markers(read_text("docs/rules/README.md")), rules_markdown(""))
      << "regenerate with: scripts/update-rule-tables.sh";
}

}  // namespace
}  // namespace migsafe::test
