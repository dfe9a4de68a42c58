#include "helpers.hpp"

#include "config/resolver.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace migsafe::test {

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
  std::string cmd =
      prefix + "'" + MIGSAFE_BINARY + "' " + args + " <'" + in + "' >'" + out + "' 2>'" + err + "'";
  int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

TempDir::TempDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info ? std::string(info->test_suite_name()) + "-" + info->name() : "x";
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '-';
  dir_ = std::filesystem::temp_directory_path() /
         ("migsafe-test-" + std::to_string(::getpid()) + "-" + name);
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
