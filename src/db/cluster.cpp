// Throwaway cluster; see cluster.hpp.
#include "db/cluster.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "core/embedded.hpp"

namespace migsafe::db {

namespace {

// Runs the embedded pg-throwaway.sh with `args`; output goes to `log`. Returns the exit code.
int run_script(const std::vector<std::string>& args, const std::string& log) {
  std::string_view script = embedded("scripts/pg-throwaway.sh");
  if (script.empty()) throw std::runtime_error("pg-throwaway.sh is not embedded in this build");
  std::vector<std::string> argv = {"bash", "-c", std::string(script), "pg-throwaway"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  // Whatever the parent has buffered must not be written twice by the child.
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("cannot start bash");
  if (pid == 0) {
    int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int in = open("/dev/null", O_RDONLY);
    if (out < 0 || in < 0) _exit(127);
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    dup2(in, STDIN_FILENO);
    execvp("bash", cargv.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

ThrowawayCluster::ThrowawayCluster() {
  std::string pattern = (std::filesystem::temp_directory_path() / "migsafe-pg-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary directory");
  dir_ = pattern;
  std::string log = dir_ + ".log";
  int rc = run_script({"start", dir_}, log);
  std::string output = slurp(log);
  std::filesystem::remove(log);
  if (rc != 0) {
    run_script({"stop", dir_}, "/dev/null");
    std::filesystem::remove_all(dir_);
    if (rc == 3) throw NoServer("no PostgreSQL server binaries (initdb, pg_ctl) are installed");
    throw std::runtime_error("cannot start a throwaway PostgreSQL cluster:\n" + output);
  }
}

ThrowawayCluster::~ThrowawayCluster() {
  run_script({"stop", dir_}, "/dev/null");
}

std::string ThrowawayCluster::conninfo(const std::string& dbname) const {
  return "host=" + dir_ + " user=postgres dbname=" + dbname;
}

}  // namespace migsafe::db
