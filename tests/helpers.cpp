#include "helpers.hpp"

#include "config/resolver.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>

#include "core/history.hpp"

namespace migsafe::test {

Finding only_finding(const std::string& sql, const std::string& rule, LintSettings settings) {
  FileResult r = lint(sql, {rule}, settings);
  EXPECT_EQ(r.findings.size(), 1u) << sql;
  return r.findings.empty() ? Finding{} : r.findings.front();
}

std::string apply_fix(std::string text, const Fix& fix) {
  std::vector<Edit> edits = fix.edits;
  std::sort(edits.begin(), edits.end(),
            [](const Edit& a, const Edit& b) { return a.span.begin > b.span.begin; });
  for (const Edit& e : edits) text.replace(e.span.begin, e.span.end - e.span.begin, e.text);
  return text;
}

std::string source_dir() {
  return MIGSAFE_SOURCE_DIR;
}

std::string read_text(const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_relative()) p = std::filesystem::path(source_dir()) / p;
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

FileResult lint(const std::string& sql, const std::vector<std::string>& rules,
                LintSettings settings) {
  RuleSelection sel;
  sel.select = rules;
  FilePlan plan;
  plan.plan = std::make_shared<const LintPlan>(std::move(settings), sel);
  return lint_file(std::make_shared<const SourceFile>("test.sql", sql), plan);
}

std::vector<std::string> rule_ids(const FileResult& r) {
  std::vector<std::string> ids;
  for (const auto& f : r.findings) ids.push_back(f.rule);
  return ids;
}

LintSettings fixture_settings(const std::string& sql) {
  namespace fs = std::filesystem;
  LintSettings s;
  static const std::regex header(R"(^--\s*fixture:\s*(.*))");
  std::smatch m;
  std::string first = sql.substr(0, sql.find('\n'));
  if (!std::regex_search(first, m, header)) return s;
  std::string opts = m[1];
  if (size_t cut = opts.find("--"); cut != std::string::npos) opts.resize(cut);  // -- expect:
  std::map<std::string, std::string> kv;
  static const std::regex item(R"(([a-z-]+)(?:=([^,\s]*))?)");
  for (std::sregex_iterator it(opts.begin(), opts.end(), item), e; it != e; ++it)
    kv[(*it)[1]] = (*it)[2];
  if (kv.count("pg-version")) s.pg_version = std::stoi(kv["pg-version"]);
  if (kv.count("assume-in-transaction")) s.assume_in_transaction = true;
  if (!kv.count("framework") || !kv.count("file")) return s;

  fs::path dir = fs::temp_directory_path() / ("migsafe-fixture-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  std::vector<std::string> names;
  std::stringstream hist(kv["history"]);
  for (std::string n; std::getline(hist, n, ';');)
    if (!n.empty()) names.push_back(n);
  PlanRequest req;
  auto add = [&](const std::string& name, const std::string& text) {
    fs::path p = dir / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    req.files.push_back(p.string());
    req.roots.push_back(dir.string());
    req.shown.push_back(name);
  };
  for (const auto& n : names)
    if (n == "sqitch.plan") {
      std::string plan = "%project=x\n";
      for (const auto& c : names)
        if (c.rfind("deploy/", 0) == 0)
          plan += c.substr(7, c.size() - 11) + " 2024-01-01T00:00:00Z a <a@b>\n";
      plan += kv["file"].substr(7, kv["file"].size() - 11) + " 2024-01-01T00:00:00Z a <a@b>\n";
      fs::create_directories(dir);
      std::ofstream(dir / "sqitch.plan") << plan;
    }
  for (const auto& n : names)
    if (n != "sqitch.plan") add(n, "");
  add(kv["file"], sql);
  req.framework = kv["framework"];
  if (kv.count("status")) {
    req.changes.active = true;
    req.changes.base_ref = kv.count("base") ? kv["base"] : "origin/main";
    ChangeStatus st = kv["status"] == "added"      ? ChangeStatus::Added
                      : kv["status"] == "modified" ? ChangeStatus::Modified
                                                   : ChangeStatus::Changed;
    std::error_code ec;
    req.changes.files[fs::weakly_canonical(req.files.back(), ec).lexically_normal().string()] = st;
  }
  HistoryPlan plan = plan_histories(req);
  for (const PlannedFile& f : plan.files)
    if (f.shown == kv["file"]) s.migration = complete_facts(f, prepare_source(f, sql));
  fs::remove_all(dir);
  return s;
}

namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

bool postgres_server_available() {
  namespace fs = std::filesystem;
  if (const char* dir = std::getenv("MIGSAFE_PG_BINDIR"))
    return fs::exists(fs::path(dir) / "initdb");
  std::error_code ec;
  for (const auto& v : fs::directory_iterator("/usr/lib/postgresql", ec))
    if (fs::exists(v.path() / "bin" / "initdb")) return true;
  return false;
}

namespace {

// Runs `cmd` with its stdout and stderr sent to the files `out` and `err`, and reads them back.
CommandResult run_redirected(const std::string& cmd, const std::string& out,
                             const std::string& err) {
  int status = std::system((cmd + " >" + q(out) + " 2>" + q(err)).c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

}  // namespace

CommandResult run_migsafe(const std::string& args, const std::string& input,
                          const std::string& prefix) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("migsafe-cli-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string in = (dir / "stdin").string(), out = (dir / "stdout").string(),
              err = (dir / "stderr").string();
  {
    std::ofstream f(in, std::ios::binary);
    f << input;
  }
  return run_redirected(prefix + "'" + MIGSAFE_BINARY + "' " + args + " <'" + in + "'", out, err);
}

CommandResult run_shell(const std::string& script) {
  TempDir scratch;
  std::string file = scratch.write("script.sh", script);
  std::string out = scratch.path("out"), err = scratch.path("err");
  return run_redirected("bash " + q(file) + " </dev/null", out, err);
}

std::string binary_dir() {
  return std::filesystem::path(MIGSAFE_BINARY).parent_path().string();
}

bool have_tool(const std::string& command, const std::string& hint) {
  if (std::system((command + " >/dev/null 2>&1").c_str()) == 0) return true;
  if (std::getenv("MIGSAFE_REQUIRE_TOOLS")) {
    ADD_FAILURE() << "`" << command << "` does not run: " << hint;
  } else {
    std::cout << "SKIPPED LOUDLY: `" << command << "` does not run (" << hint << ")\n";
  }
  return false;
}

std::string fenced_block(const std::string& markdown, const std::string& language,
                         const std::string& marker) {
  const std::string open = "```" + language + "\n";
  for (size_t at = markdown.find(open); at != std::string::npos; at = markdown.find(open, at + 1)) {
    size_t begin = at + open.size();
    size_t end = markdown.find("\n```", begin - 1);
    if (end == std::string::npos) break;
    std::string block = markdown.substr(begin, end + 1 - begin);
    if (block.find(marker) != std::string::npos) return block;
  }
  return "";
}

TempDir::TempDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info ? std::string(info->test_suite_name()) + "-" + info->name() : "x";
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '-';
  static std::atomic<int> count{0};
  dir_ = std::filesystem::temp_directory_path() / ("migsafe-test-" + std::to_string(::getpid()) +
                                                   "-" + name + "-" + std::to_string(count++));
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string TempDir::write(const std::string& rel, const std::string& text) const {
  std::filesystem::path p = dir_ / rel;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

std::string TempDir::read(const std::string& rel) const {
  return slurp((dir_ / rel).string());
}

std::string TempDir::path(const std::string& rel) const {
  return rel.empty() ? dir_.string() : (dir_ / rel).string();
}

std::string TempDir::cd(const std::string& rel) const {
  return "cd " + q(path(rel)) + " && ";
}

std::string q(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

}  // namespace migsafe::test
