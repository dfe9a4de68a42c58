// The CI integrations as a user copies them from the README: the GitHub Action (action.yml)
// with the documented workflow, and the GitLab CI job. YAML is read with Debian's python3-yaml;
// the action's steps run through tests/tools/run_composite_action.py, which evaluates the
// runner's expressions and runs each `run:` step with bash, offline, against a temporary git
// repository with a pull-request branch.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "helpers.hpp"

namespace migsafe::test {
namespace {

using json = nlohmann::json;

const char* kPython = "/usr/bin/python3";

bool have_yaml() {
  return have_tool(std::string(kPython) + " -c 'import yaml'",
                   "scripts/setup.sh --test installs python3-yaml");
}

json yaml_to_json(const std::string& yaml) {
  TempDir d;
  std::string file = d.write("in.yml", yaml);
  auto r = run_shell(std::string(kPython) +
                     " -c 'import sys, json, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), "
                     "sys.stdout)' " +
                     q(file));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

// The README's snippet, which the docs page must show too.
std::string readme_yaml(const std::string& marker, const std::string& doc) {
  std::string block = fenced_block(read_text("README.md"), "yaml", marker);
  EXPECT_FALSE(block.empty()) << marker;
  EXPECT_NE(read_text(doc).find("```yaml\n" + block + "```"), std::string::npos)
      << doc << " must show the README's snippet";
  return block;
}

const std::string kEnv =
    "set -eu\nexport GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t "
    "GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t "
    "GIT_COMMITTER_EMAIL=t@example.com\n";

// main: V1 creates orders and (an old problem nobody should hear about in a pull request)
// indexes accounts without CONCURRENTLY. The branch adds V2, which indexes orders unsafely.
// Returns the base commit.
std::string pull_request_repo(const TempDir& dir) {
  dir.write("repo/db/migrations/V1__create_orders.sql",
            "CREATE TABLE orders (id bigint PRIMARY KEY, total_cents bigint NOT NULL);\n"
            "CREATE INDEX accounts_email_idx ON accounts (email);\n");
  auto r = run_shell(kEnv + dir.cd("repo") +
                     "git init -q -b main . && git add -A && git commit -qm base && "
                     "git rev-parse HEAD");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  dir.write("repo/db/migrations/V2__index_orders.sql",
            "CREATE INDEX orders_total_idx ON orders (total_cents);\n");
  auto b = run_shell(kEnv + dir.cd("repo") +
                     "git checkout -q -b feature && git add -A && git commit -qm 'add V2'");
  EXPECT_EQ(b.exit_code, 0) << b.err;
  return r.out.substr(0, r.out.find('\n'));
}

json run_action(const TempDir& dir, const json& inputs, const json& event) {
  json context = {{"workspace", dir.path("repo")},
                  {"inputs", inputs},
                  {"github", {{"action_path", source_dir()}, {"event", event}}},
                  {"runner", {{"temp", dir.path("runner-temp")}}}};
  std::string ctx = dir.write("context.json", context.dump());
  auto r = run_shell(std::string(kPython) + " " +
                     q(source_dir() + "/tests/tools/run_composite_action.py") + " " +
                     q(source_dir() + "/action.yml") + " " + q(ctx));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

const json& step(const json& report, const std::string& name_part) {
  for (const json& s : report["steps"])
    if (s["name"].get<std::string>().find(name_part) != std::string::npos) return s;
  throw std::runtime_error("no step " + name_part);
}

struct Annotation {
  std::string level, file, title, message;
  int line = 0;
};

std::vector<Annotation> annotations(const std::string& log) {
  std::vector<Annotation> out;
  std::regex re(R"(^::(error|warning|notice) file=([^,]+),line=(\d+),endLine=\d+(?:,col=\d+,)"
                R"(endColumn=\d+)?,title=([^:]+)::(.*)$)");
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("::", 0) != 0) continue;
    std::smatch m;
    EXPECT_TRUE(std::regex_match(line, m, re)) << "not a workflow command: " << line;
    if (m.empty()) continue;
    out.push_back(Annotation{m[1], m[2], m[4], m[5], std::stoi(m[3])});
  }
  return out;
}

// The documented workflow uses the action the way action.yml declares it.
TEST(GitHubAction, WorkflowUsesTheActionAsDeclared) {
  if (!have_yaml()) return;
  json action = yaml_to_json(read_text("action.yml"));
  json workflow = yaml_to_json(readme_yaml("migsafe/migsafe@", "docs/github-actions.md"));
  // PyYAML reads the key `on` as the boolean true (YAML 1.1).
  const json& on = workflow.contains("on") ? workflow["on"] : workflow["true"];
  EXPECT_TRUE(on.contains("pull_request"));
  const json& job = workflow["jobs"].begin().value();
  EXPECT_EQ(job["permissions"]["security-events"], "write");
  const json* uses = nullptr;
  bool deep_checkout = false;
  for (const json& s : job["steps"]) {
    std::string u = s.value("uses", "");
    if (u.rfind("actions/checkout@", 0) == 0) deep_checkout = s["with"]["fetch-depth"] == 0;
    if (u.rfind("migsafe/migsafe@", 0) == 0) uses = &s;
  }
  EXPECT_TRUE(deep_checkout) << "--since needs the history: fetch-depth: 0";
  ASSERT_TRUE(uses);
  for (const auto& [key, value] : (*uses)["with"].items())
    EXPECT_TRUE(action["inputs"].contains(key)) << "unknown input " << key;
  for (const auto& [key, spec] : action["inputs"].items())
    if (spec.value("required", false)) {
      EXPECT_TRUE((*uses)["with"].contains(key)) << "required input " << key;
    }

  // No step interpolates an expression into its script (inputs travel through env:, so a
  // branch or file name cannot inject shell code), and the build uses the repository's setup.
  for (const json& s : action["runs"]["steps"])
    if (s.contains("run")) {
      EXPECT_EQ(s["run"].get<std::string>().find("${{"), std::string::npos);
    }
  struct stat st {};
  ASSERT_EQ(::stat((source_dir() + "/scripts/setup.sh").c_str(), &st), 0);
  EXPECT_TRUE(st.st_mode & S_IXUSR);
  EXPECT_NE(read_text("action.yml").find("$MIGSAFE_SOURCE/scripts/setup.sh"), std::string::npos);
  EXPECT_NE(read_text("CMakeLists.txt").find("option(MIGSAFE_TESTS"), std::string::npos);
}

// A pull request: only the migration the branch adds is linted (--since the base commit), its
// findings are annotations and SARIF, the step fails, and the SARIF goes to the upload step.
TEST(GitHubAction, PullRequestAnnotatesOnlyTheNewMigration) {
  if (!have_yaml()) return;
  TempDir dir;
  std::string base = pull_request_repo(dir);
  json workflow = yaml_to_json(readme_yaml("migsafe/migsafe@", "docs/github-actions.md"));
  json inputs;
  for (const json& s : workflow["jobs"].begin().value()["steps"])
    if (s.value("uses", "").rfind("migsafe/migsafe@", 0) == 0) inputs = s["with"];
  inputs["binary"] = MIGSAFE_BINARY;  // the binary under test instead of a build
  json report = run_action(dir, inputs, {{"pull_request", {{"base", {{"sha", base}}}}}});
  EXPECT_EQ(report["inputs"]["since"], base);

  const json& build = step(report, "Build");
  EXPECT_EQ(build["exit_code"], 0);
  EXPECT_EQ(build["outputs"]["binary"], MIGSAFE_BINARY);

  const json& check = step(report, "Check");
  EXPECT_EQ(check["exit_code"], 1) << check["stderr"];
  auto notes = annotations(check["stdout"]);
  ASSERT_FALSE(notes.empty()) << check["stdout"] << check["stderr"];
  bool index_error = false;
  for (const Annotation& a : notes) {
    EXPECT_EQ(a.file, "db/migrations/V2__index_orders.sql") << a.message;
    if (a.level == "error" && a.line == 1 &&
        a.title == "migsafe%3A require-concurrent-index-creation")
      index_error = true;
  }
  EXPECT_TRUE(index_error) << check["stdout"];
  // The annotations are the findings of `migsafe check --since BASE` in the repository.
  auto cli =
      run_migsafe("check db/migrations --since " + base + " --format json", "", dir.cd("repo"));
  EXPECT_EQ(json::parse(cli.out)["findings"].size(), notes.size()) << cli.err;

  EXPECT_EQ(report["outputs"]["sarif-file"], "migsafe.sarif");
  EXPECT_EQ(report["outputs"]["exit-code"], "1");
  json sarif = json::parse(dir.read("repo/migsafe.sarif"));
  const json& results = sarif["runs"][0]["results"];
  ASSERT_EQ(results.size(), notes.size());
  for (const json& r : results)
    EXPECT_EQ(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              "db/migrations/V2__index_orders.sql");

  const json& upload = step(report, "Upload");
  EXPECT_TRUE(upload["ran"].get<bool>()) << "if: always() runs it after the failed check";
  EXPECT_EQ(upload["uses"].get<std::string>().rfind("github/codeql-action/upload-sarif@", 0), 0u);
  EXPECT_EQ(upload["with"]["sarif_file"], "migsafe.sarif");
}

// On a push (no pull request) every migration is linted; upload-sarif: false skips the upload.
TEST(GitHubAction, PushLintsEverythingAndUploadCanBeTurnedOff) {
  if (!have_yaml()) return;
  TempDir dir;
  pull_request_repo(dir);
  json report = run_action(
      dir, {{"paths", "db/migrations"}, {"binary", MIGSAFE_BINARY}, {"upload-sarif", "false"}},
      json::object());
  EXPECT_EQ(report["inputs"]["since"], "");
  const json& check = step(report, "Check");
  EXPECT_EQ(check["exit_code"], 1);
  std::set<std::string> files;
  for (const Annotation& a : annotations(check["stdout"])) files.insert(a.file);
  EXPECT_EQ(files, (std::set<std::string>{"db/migrations/V1__create_orders.sql",
                                          "db/migrations/V2__index_orders.sql"}));
  EXPECT_FALSE(step(report, "Upload")["ran"].get<bool>());
}

// A usage error (a path that does not exist) fails the step with migsafe's message and
// uploads nothing.
TEST(GitHubAction, UsageErrorFailsWithoutUpload) {
  if (!have_yaml()) return;
  TempDir dir;
  pull_request_repo(dir);
  json report =
      run_action(dir, {{"paths", "db/missing"}, {"binary", MIGSAFE_BINARY}}, json::object());
  const json& check = step(report, "Check");
  EXPECT_EQ(check["exit_code"], 2);
  EXPECT_NE(check["stderr"].get<std::string>().find("db/missing"), std::string::npos);
  EXPECT_EQ(report["outputs"]["sarif-file"], "");
  EXPECT_FALSE(step(report, "Upload")["ran"].get<bool>());
}

// The build step itself: the repository's setup script, then a Release build of the migsafe
// target alone, used by the check step. A full build takes minutes, so it runs only with
// MIGSAFE_SLOW_TESTS=1, which ./dev test (CI) sets (skipped loudly otherwise).
TEST(GitHubAction, BuildStepBuildsMigsafeFromSource) {
  if (!have_yaml()) return;
  if (!std::getenv("MIGSAFE_SLOW_TESTS")) {
    GTEST_SKIP() << "SKIPPED LOUDLY: a full build; run with MIGSAFE_SLOW_TESTS=1";
  }
  TempDir dir;
  pull_request_repo(dir);
  json report =
      run_action(dir, {{"paths", "db/migrations"}, {"upload-sarif", "false"}}, json::object());
  const json& build = step(report, "Build");
  ASSERT_EQ(build["exit_code"], 0) << build["stdout"] << build["stderr"];
  EXPECT_EQ(build["outputs"]["binary"], dir.path("runner-temp") + "/migsafe-build/migsafe");
  const json& check = step(report, "Check");
  EXPECT_EQ(check["exit_code"], 1) << check["stderr"];
  EXPECT_FALSE(annotations(check["stdout"]).empty());
}

// The GitLab job's script, run in a repository; the artifact is a Code Quality report.
TEST(GitLabCi, JobWritesACodeQualityReportAndFailsOnFindings) {
  if (!have_yaml()) return;
  json ci = yaml_to_json(readme_yaml("codequality", "docs/gitlab-ci.md"));
  ASSERT_EQ(ci.size(), 1u);
  const json& job = ci.begin().value();
  EXPECT_EQ(job["artifacts"]["when"], "always");
  std::string artifact = job["artifacts"]["reports"]["codequality"];

  // before_script builds from a clone of this repository: what it names must exist here.
  std::string before = job["before_script"].dump();
  EXPECT_NE(before.find("/opt/migsafe/scripts/setup.sh"), std::string::npos);
  EXPECT_NE(before.find("--target migsafe"), std::string::npos);
  EXPECT_NE(read_text("CMakeLists.txt").find("add_executable(migsafe "), std::string::npos);

  std::string script = "set -e\nexport PATH=" + q(binary_dir()) + ":\"$PATH\"\n";
  for (const json& line : job["script"]) script += line.get<std::string>() + "\n";

  TempDir dir;
  pull_request_repo(dir);
  auto r = run_shell(dir.cd("repo") + script);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("error[require-concurrent-index-creation]"), std::string::npos) << r.out;
  json issues = json::parse(dir.read("repo/" + artifact));
  ASSERT_TRUE(issues.is_array());
  ASSERT_GE(issues.size(), 2u);
  std::set<std::string> fingerprints, paths;
  const std::set<std::string> severities = {"info", "minor", "major", "critical", "blocker"};
  for (const json& i : issues) {
    EXPECT_TRUE(i.at("description").is_string());
    EXPECT_TRUE(i.at("check_name").is_string());
    EXPECT_TRUE(severities.count(i.at("severity").get<std::string>())) << i.dump();
    EXPECT_TRUE(fingerprints.insert(i.at("fingerprint").get<std::string>()).second) << i.dump();
    std::string path = i.at("location").at("path");
    paths.insert(path);
    EXPECT_TRUE(std::filesystem::exists(dir.path("repo/" + path))) << path;
    EXPECT_GE(i.at("location").at("lines").at("begin").get<int>(), 1);
  }
  EXPECT_EQ(paths.size(), 2u);

  // A clean repository: the job passes with an empty report.
  TempDir clean;
  clean.write("repo/db/migrations/V1__create.sql", "CREATE TABLE t (id bigint PRIMARY KEY);\n");
  auto ok = run_shell(clean.cd("repo") + script);
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_EQ(json::parse(clean.read("repo/" + artifact)), json::array());
}

}  // namespace
}  // namespace migsafe::test
