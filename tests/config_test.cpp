// The configuration file as a user writes it: every key parsed, every mistake reported with the
// file, line and key (exit 2), the nearest .migsafe.toml found by walking up, --config for all
// files, [[overrides]] by glob, exclude, flags winning over the file, and `migsafe init`.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "config/config.hpp"
#include "config/glob.hpp"
#include "config/resolver.hpp"
#include "core/rule.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

size_t idx(std::string_view id) {
  int i = rule_index(id);
  EXPECT_GE(i, 0) << id;
  return static_cast<size_t>(i);
}

TEST(Config, ParsesEveryKey) {
  ConfigFile c = parse_config(R"(
pg_version = 12
framework = "flyway"
assume_in_transaction = true
select = ["require-lock-timeout", "ban-drop-column"]
ignore = ["ban-drop-table"]
fail_on = "warning"
require_suppression_reason = true
exclude = ["db/legacy/**", "*.tmp.sql"]

[rules.ban-drop-column]
severity = "error"
enabled = true

[rules.unused-suppression]
report_squawk_comments = false

[[overrides]]
paths = ["db/seeds/**"]
pg_version = 11
ignore = ["require-lock-timeout"]
[overrides.rules.require-lock-timeout]
severity = "info"
)",
                              "/repo/.migsafe.toml");
  EXPECT_EQ(c.dir, "/repo");
  EXPECT_EQ(c.base.pg_version, 12);
  EXPECT_EQ(c.base.framework, "flyway");
  EXPECT_EQ(c.base.assume_in_transaction, true);
  EXPECT_EQ(*c.base.select, (std::vector<std::string>{"require-lock-timeout", "ban-drop-column"}));
  EXPECT_EQ(c.base.ignore, std::vector<std::string>{"ban-drop-table"});
  EXPECT_EQ(c.base.fail_on, FailOn::Warning);
  EXPECT_EQ(c.base.require_suppression_reason, true);
  EXPECT_EQ(c.exclude, (std::vector<std::string>{"db/legacy/**", "*.tmp.sql"}));
  EXPECT_EQ(c.base.rules.at("ban-drop-column").severity, Severity::Error);
  EXPECT_EQ(c.base.rules.at("ban-drop-column").enabled, true);
  EXPECT_EQ(c.base.rules.at("unused-suppression").options.at("report_squawk_comments"), "false");
  ASSERT_EQ(c.overrides.size(), 1u);
  EXPECT_EQ(c.overrides[0].paths, std::vector<std::string>{"db/seeds/**"});
  EXPECT_EQ(c.overrides[0].layer.pg_version, 11);
  EXPECT_EQ(c.overrides[0].layer.rules.at("require-lock-timeout").severity, Severity::Info);
}

struct BadConfig {
  const char* text;
  unsigned line;
  const char* key;
  const char* problem;
};

TEST(Config, EveryMistakeNamesFileLineAndKey) {
  const BadConfig cases[] = {
      {"pg_version = 15\npg_versoin = 11\n", 2, "pg_versoin", "did you mean 'pg_version'"},
      {"pg_version = 8\n", 1, "pg_version", "from 9 to 18"},
      {"pg_version = \"15\"\n", 1, "pg_version", "from 9 to 18, got a string"},
      {"framework = \"rails\"\n", 1, "framework", "unknown framework 'rails'"},
      {"assume_in_transaction = \"yes\"\n", 1, "assume_in_transaction", "expected true or false"},
      {"select = [\n  \"ban-drop-column\",\n  \"ban-drop-colum\",\n]\n", 3, "select",
       "unknown rule 'ban-drop-colum' (did you mean 'ban-drop-column'?)"},
      {"ignore = \"ban-drop-column\"\n", 1, "ignore", "expected an array of strings"},
      {"fail_on = \"fatal\"\n", 1, "fail_on", "expected error, warning, info or never"},
      {"\n[rules.require-lock-timeot]\n", 2, "rules.require-lock-timeot",
       "did you mean 'require-lock-timeout'"},
      {"[rules.require-lock-timeout]\nseverity = \"fatal\"\n", 2,
       "rules.require-lock-timeout.severity", "expected error, warning or info"},
      {"[rules.syntax-error]\ntimeout = \"5s\"\n", 2, "rules.syntax-error.timeout",
       "unknown key (syntax-error has no options"},
      {"[rules.unused-suppression]\nreport_squawk_comments = 1\n", 2,
       "rules.unused-suppression.report_squawk_comments", "expected true or false"},
      {"[rules.unused-suppression]\nreport_squawk = false\n", 2,
       "rules.unused-suppression.report_squawk", "did you mean 'report_squawk_comments'"},
      {"exclude = [\"/db/old\"]\n", 1, "exclude", "remove the leading '/'"},
      {"exclude = [\"../other\"]\n", 1, "exclude", "'..' is not allowed"},
      {"[[overrides]]\nignore = [\"ban-drop-column\"]\n", 1, "overrides[0].paths", "missing"},
      {"[[overrides]]\npaths = []\n", 2, "overrides[0].paths", "at least one glob"},
      {"[[overrides]]\npaths = [\"a/**\"]\nexclude = [\"b\"]\n", 3, "overrides[0].exclude",
       "only allowed at the top level"},
      {"[[overrides]]\npaths = [\"a/**\"]\nfail-on = \"warning\"\n", 3, "overrides[0].fail-on",
       "did you mean 'fail_on'"},
      {"select = [\"ban-drop-column\"\n", 1, "", "end-of-file"},
  };
  for (const BadConfig& c : cases) {
    try {
      parse_config(c.text, "conf/.migsafe.toml");
      ADD_FAILURE() << "accepted:\n" << c.text;
    } catch (const ConfigError& e) {
      std::string what = e.what();
      EXPECT_EQ(e.file(), "conf/.migsafe.toml");
      EXPECT_EQ(e.line(), c.line) << what;
      EXPECT_EQ(e.key(), c.key) << what;
      EXPECT_EQ(what.rfind("conf/.migsafe.toml:" + std::to_string(c.line) + ":", 0), 0u) << what;
      EXPECT_NE(what.find(c.problem), std::string::npos) << what;
    }
  }
}

TEST(Config, BadConfigIsAUsageErrorNamingTheFile) {
  TempDir d;
  d.write("db/V1.sql", "SELECT 1;\n");
  d.write(".migsafe.toml", "pg_version = 15\n\n[rules.ban-drop-column]\nseverty = \"error\"\n");
  auto r = run_migsafe("check db", "", d.cd());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(".migsafe.toml:4:1: rules.ban-drop-column.severty: unknown key"),
            std::string::npos)
      << r.err;
}

TEST(Config, GlobsMatchSegmentsAndDirectories) {
  EXPECT_TRUE(glob_match("db/*.sql", "db/V1.sql"));
  EXPECT_FALSE(glob_match("db/*.sql", "db/sub/V1.sql"));  // * stays in one segment
  EXPECT_TRUE(glob_match("db/**/*.sql", "db/V1.sql"));    // ** may match no segment
  EXPECT_TRUE(glob_match("db/**/*.sql", "db/a/b/V1.sql"));
  EXPECT_TRUE(glob_match("**/seeds/*", "x/y/seeds/s.sql"));
  EXPECT_TRUE(glob_match("db/legacy", "db/legacy/V1.sql"));  // a directory covers its files
  EXPECT_TRUE(glob_match("db/legacy/**", "db/legacy/a/V1.sql"));
  EXPECT_FALSE(glob_match("db/legacy", "db/legacy2/V1.sql"));
  EXPECT_FALSE(glob_match("*.sql", "db/V1.sql"));  // no implicit "any directory"
  EXPECT_TRUE(glob_match("./db/V?.sql", "db/V1.sql"));
  EXPECT_TRUE(glob_match("db/V[0-9].sql", "db/V7.sql"));
  EXPECT_FALSE(glob_match("db/V[!0-9].sql", "db/V7.sql"));
  EXPECT_TRUE(glob_match("*/.hidden.sql", "db/.hidden.sql"));
  EXPECT_NE(glob_problem("db/[abc"), "");
  EXPECT_EQ(glob_problem("db/**/x_[ab].sql"), "");
}

TEST(Config, NearestConfigWinsWalkingUp) {
  TempDir d;
  d.write(".migsafe.toml", "pg_version = 11\n");
  d.write("svc/.migsafe.toml", "pg_version = 13\n");
  std::string deep = d.write("svc/db/migrations/V1.sql", "SELECT 1;\n");
  std::string top = d.write("other/V1.sql", "SELECT 1;\n");
  EXPECT_EQ(find_config(deep), d.path("svc/.migsafe.toml"));
  EXPECT_EQ(find_config(top), d.path(".migsafe.toml"));
  ConfigResolver resolver(CliOverrides{});
  EXPECT_EQ(resolver.resolve(deep).plan->settings().pg_version, 13);
  EXPECT_EQ(resolver.resolve(top).plan->settings().pg_version, 11);
  // Relative paths resolve from the working directory, as on the command line.
  std::filesystem::path cwd = std::filesystem::current_path();
  std::filesystem::current_path(d.path("svc/db"));
  EXPECT_EQ(resolver.resolve("migrations/V1.sql").plan->settings().pg_version, 13);
  std::filesystem::current_path(cwd);
  // Without a config anywhere up the tree, the defaults.
  std::filesystem::remove(d.path(".migsafe.toml"));
  auto none = find_config(top);
  EXPECT_TRUE(!none || none->rfind(d.path(), 0) != 0) << *none;
}

TEST(Config, DiscoveredPerFileOnTheCommandLine) {
  TempDir d;
  const char* drop = "ALTER TABLE users DROP COLUMN legacy;\n";
  d.write("a/.migsafe.toml", "ignore = [\"ban-drop-column\"]\n");
  d.write("a/db/V1.sql", drop);
  d.write("b/db/V1.sql", drop);
  auto r = run_migsafe("check --format gcc --select ban-drop-column a b", "", d.cd());
  EXPECT_EQ(r.exit_code, 0) << r.err;  // warnings only
  // --select on the command line replaces the set, so a/'s ignore is overridden: both report.
  EXPECT_NE(r.out.find("a/db/V1.sql:1:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("b/db/V1.sql:1:"), std::string::npos) << r.out;
  r = run_migsafe("check --format gcc a b", "", d.cd());
  EXPECT_EQ(r.out.find("a/db/V1.sql:1:19: warning: Dropping"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("b/db/V1.sql:1:19: warning: Dropping"), std::string::npos) << r.out;
}

TEST(Config, ExplicitConfigAppliesToEveryFile) {
  TempDir d;
  d.write("a/.migsafe.toml", "fail_on = \"never\"\n");
  d.write("ci.toml", "fail_on = \"warning\"\nselect = [\"ban-drop-column\"]\n");
  d.write("a/V1.sql", "ALTER TABLE users DROP COLUMN legacy;\n");
  EXPECT_EQ(run_migsafe("check a", "", d.cd()).exit_code, 0);  // a/.migsafe.toml: never
  auto r = run_migsafe("check --format gcc --config ci.toml a", "", d.cd());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // ci.toml: warning
  EXPECT_NE(r.out.find("[ban-drop-column]"), std::string::npos);
  EXPECT_EQ(r.out.find("[require-lock-timeout]"), std::string::npos);
  EXPECT_EQ(run_migsafe("check --config missing.toml a", "", d.cd()).exit_code, 2);
}

TEST(Config, OverridesApplyByGlobLaterWins) {
  TempDir d;
  d.write(".migsafe.toml", R"(
select = ["ban-drop-column"]

[[overrides]]
paths = ["db/seeds/**"]
[overrides.rules.ban-drop-column]
severity = "info"

[[overrides]]
paths = ["db/seeds/keep/*.sql"]
[overrides.rules.ban-drop-column]
severity = "error"
)");
  const char* drop = "ALTER TABLE users DROP COLUMN legacy;\n";
  d.write("db/V1.sql", drop);
  d.write("db/seeds/S1.sql", drop);
  d.write("db/seeds/keep/K1.sql", drop);
  auto r = run_migsafe("check --format gcc db", "", d.cd());
  EXPECT_NE(r.out.find("db/V1.sql:1:19: warning:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("db/seeds/S1.sql:1:19: note:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("db/seeds/keep/K1.sql:1:19: error:"), std::string::npos) << r.out;
  EXPECT_EQ(r.exit_code, 1);
  // The glob is relative to the config file's directory, wherever migsafe runs from.
  r = run_migsafe("check --format gcc seeds", "", d.cd("db"));
  EXPECT_NE(r.out.find("seeds/S1.sql:1:19: note:"), std::string::npos) << r.out;
}

TEST(Config, FlagsWinOverTheFile) {
  TempDir d;
  d.write(".migsafe.toml",
          "pg_version = 10\nfail_on = \"never\"\nassume_in_transaction = true\n"
          "ignore = [\"require-concurrent-index-creation\"]\n");
  d.write("V1.sql", "ALTER TABLE t ADD COLUMN c int DEFAULT 0;\nCREATE INDEX i ON t (c);\n");
  ConfigResolver from_file(CliOverrides{});
  FilePlan p = from_file.resolve(d.path("V1.sql"));
  EXPECT_EQ(p.plan->settings().pg_version, 10);
  EXPECT_TRUE(p.plan->settings().assume_in_transaction);
  EXPECT_EQ(p.fail_on, FailOn::Never);
  EXPECT_FALSE(p.plan->enabled(idx("require-concurrent-index-creation")));

  CliOverrides flags;
  flags.pg_version = 15;
  flags.assume_in_transaction = false;
  flags.fail_on = FailOn::Error;
  flags.select = std::vector<std::string>{"require-concurrent-index-creation"};
  ConfigResolver with_flags(flags);
  p = with_flags.resolve(d.path("V1.sql"));
  EXPECT_EQ(p.plan->settings().pg_version, 15);
  EXPECT_FALSE(p.plan->settings().assume_in_transaction);
  EXPECT_EQ(p.fail_on, FailOn::Error);
  EXPECT_TRUE(p.plan->enabled(idx("require-concurrent-index-creation")));
  EXPECT_FALSE(p.plan->enabled(idx("adding-field-with-default")));

  // The same through the command line: pg 10 rewrites on ADD COLUMN ... DEFAULT, 15 does not.
  auto r = run_migsafe("check --format gcc --fail-on error V1.sql", "", d.cd());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("[adding-field-with-default]"), std::string::npos) << r.out;
  r = run_migsafe("check --format gcc --pg-version 15 --fail-on error V1.sql", "", d.cd());
  EXPECT_EQ(r.out.find("[adding-field-with-default]"), std::string::npos) << r.out;
  EXPECT_EQ(run_migsafe("check V1.sql", "", d.cd()).exit_code, 0);  // fail_on = never
}

TEST(Config, ExcludeSkipsFilesFoundAndNamed) {
  TempDir d;
  d.write(".migsafe.toml", "exclude = [\"db/legacy\", \"**/*.draft.sql\"]\n");
  const char* bad = "CREATE INDEX i ON t (a);\n";
  d.write("db/V1.sql", bad);
  d.write("db/legacy/V0.sql", bad);
  d.write("db/V2.draft.sql", bad);
  auto r = run_migsafe("check --format json db", "", d.cd());
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["files"].size(), 1u) << r.out;
  EXPECT_EQ(j["files"][0]["path"], "db/V1.sql");
  EXPECT_EQ(r.err, "");  // directory recursion skips silently
  // A file named on the command line is skipped too (pre-commit and CI pass file names), with a
  // note saying why.
  r = run_migsafe("check db/legacy/V0.sql", "", d.cd());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.err.find("db/legacy/V0.sql: skipped: .migsafe.toml excludes it (db/legacy)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("no problems found (0 files"), std::string::npos) << r.out;
}

TEST(Config, OptInRulesAndRequiredReasons) {
  TempDir d;
  std::string sql = "-- migsafe-ignore ban-drop-column\nALTER TABLE users DROP COLUMN a;\n";
  d.write("V1.sql", sql);
  // Off by default: the suppression works and nothing is reported.
  EXPECT_EQ(run_migsafe("check V1.sql", "", d.cd()).exit_code, 0);
  for (const char* cfg : {"require_suppression_reason = true\n",
                          "[rules.require-suppression-reason]\nenabled = true\n"}) {
    d.write(".migsafe.toml", cfg);
    auto r = run_migsafe("check --format gcc V1.sql", "", d.cd());
    EXPECT_EQ(r.exit_code, 1) << cfg;
    EXPECT_NE(r.out.find("V1.sql:1:1: error: this migsafe-ignore comment does not say why"),
              std::string::npos)
        << r.out;
  }
  d.write(".migsafe.toml",
          "require_suppression_reason = true\n[[overrides]]\npaths = [\"V1.sql\"]\n"
          "require_suppression_reason = false\n");
  EXPECT_EQ(run_migsafe("check V1.sql", "", d.cd()).exit_code, 0);
}

TEST(Config, RuleOptionsReachTheRules) {
  TempDir d;
  d.write("V1.sql", "-- squawk-ignore ban-drop-column\nSELECT 1;\n");
  auto r = run_migsafe("check --format gcc V1.sql", "", d.cd());
  EXPECT_NE(r.out.find("[unused-suppression]"), std::string::npos) << r.out;
  d.write(".migsafe.toml", "[rules.unused-suppression]\nreport_squawk_comments = false\n");
  ConfigResolver resolver(CliOverrides{});
  EXPECT_EQ(resolver.resolve(d.path("V1.sql"))
                .plan->options(idx("unused-suppression"))
                .at("report_squawk_comments"),
            "false");
  r = run_migsafe("check --format gcc V1.sql", "", d.cd());
  EXPECT_EQ(r.out, "") << r.out;
}

TEST(Config, FrameworkIsKeptForTheFrameworkPresets) {
  TempDir d;
  d.write(".migsafe.toml", "framework = \"golang-migrate\"\n");
  ConfigResolver resolver(CliOverrides{});
  EXPECT_EQ(resolver.resolve(d.path("x.sql")).plan->settings().framework, "golang-migrate");
  CliOverrides flags;
  flags.framework = "flyway";
  EXPECT_EQ(ConfigResolver(flags).resolve(d.path("x.sql")).plan->settings().framework, "flyway");
  for (auto name : frameworks()) EXPECT_TRUE(is_framework(name));
}

TEST(Config, StdinUsesTheConfigOfItsFilename) {
  TempDir d;
  d.write("svc/.migsafe.toml", "ignore = [\"require-concurrent-index-creation\"]\n");
  std::string sql = "CREATE INDEX i ON t (a);\n";
  EXPECT_EQ(run_migsafe("check --stdin-filename svc/V1.sql -", sql, d.cd()).exit_code, 0);
  EXPECT_EQ(run_migsafe("check --stdin-filename other/V1.sql -", sql, d.cd()).exit_code, 1);
}

// A declared option is documented on the rule's page (under "## Options") and set through the
// config file; Check::option() returns the declared fallback when it is unset.
TEST(Config, DeclaredOptionsAreDocumented) {
  size_t options = 0;
  for (const auto& r : all_rules()) {
    if (r.meta.options.empty()) continue;
    std::string page = read_text("docs/rules/" + std::string(r.meta.id) + ".md");
    size_t at = page.find("\n## Options\n");
    ASSERT_NE(at, std::string::npos) << r.meta.id;
    std::string section = page.substr(at, page.find("\n## ", at + 1) - at);
    for (const RuleOption& o : r.meta.options) {
      ++options;
      EXPECT_NE(section.find("`" + std::string(o.name) + "`"), std::string::npos)
          << r.meta.id << ": option " << o.name << " is not documented";
      EXPECT_FALSE(o.help.empty());
      std::string value = o.kind == RuleOption::Kind::String ? "\"x\"" : std::string(o.fallback);
      EXPECT_NO_THROW(
          parse_config(fmt::format("[rules.{}]\n{} = {}\n", r.meta.id, o.name, value), "x.toml"))
          << r.meta.id << "." << o.name;
    }
  }
  EXPECT_GE(options, 1u);
}

TEST(Init, WritesAStarterThatParsesAndRefusesToOverwrite) {
  TempDir d;
  auto r = run_migsafe("init", "", d.cd());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(d.read(".migsafe.toml"), starter_config());
  EXPECT_NE(r.out.find("wrote .migsafe.toml\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(pre_commit_snippet()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("      - id: migsafe\n"), std::string::npos) << r.out;
  // The starter is a valid config, as written and with every example line uncommented.
  EXPECT_NO_THROW(parse_config(starter_config(), ".migsafe.toml"));
  std::string all =
      std::regex_replace(starter_config(), std::regex(R"((^|\n)# (\[|[a-z_]+ = ))"), "$1$2");
  EXPECT_NE(all.find("\n[[overrides]]\n"), std::string::npos) << all;
  EXPECT_NO_THROW(parse_config(all, "uncommented.toml")) << all;
  // Every top-level key the reference documents appears in the starter.
  for (const char* key :
       {"pg_version", "framework", "assume_in_transaction", "fail_on", "select", "ignore",
        "require_suppression_reason", "exclude", "[rules.", "[[overrides]]"})
    EXPECT_NE(starter_config().find(key), std::string::npos) << key;

  d.write(".migsafe.toml", "# mine\n");
  r = run_migsafe("init", "", d.cd());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
  EXPECT_EQ(d.read(".migsafe.toml"), "# mine\n");
  EXPECT_EQ(run_migsafe("init sub", "", d.cd()).exit_code, 2);  // not a directory
}

}  // namespace
}  // namespace migsafe::test
