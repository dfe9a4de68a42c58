#include "helpers.hpp"

#include <sys/wait.h>

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
  LintPlan plan(std::move(settings), sel);
  return lint_source(std::make_shared<const SourceFile>("test.sql", sql), plan);
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

}  // namespace migsafe::test
