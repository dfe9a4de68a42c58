// Change sets from git; see changeset.hpp.
#include "core/changeset.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <memory>

namespace migsafe {

namespace fs = std::filesystem;

namespace {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

struct Run {
  int status = -1;
  std::string out;
};

// Runs git with `args` in `dir`; stderr is discarded (failures are reported by exit status).
Run git(const std::string& dir, const std::string& args) {
  Run r;
  std::string cmd = "git -C " + shell_quote(dir) + " " + args + " 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[1 << 14];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string normalise(const fs::path& p) {
  std::error_code ec;
  return fs::weakly_canonical(p, ec).lexically_normal().string();
}

std::vector<std::string> split_nul(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find('\0', start);
    if (end == std::string::npos) end = s.size();
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string changes_since(const std::string& ref, const std::string& where, ChangeSet& out) {
  std::error_code ec;
  fs::path dir = fs::absolute(where, ec);
  if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
  Run top = git(dir.string(), "rev-parse --show-toplevel");
  if (top.status != 0) return "--since needs a git repository, and " + where + " is not inside one";
  fs::path root = trim(top.out);
  Run verify = git(root.string(), "rev-parse --verify --quiet " + shell_quote(ref + "^{commit}"));
  if (verify.status != 0)
    return "--since " + ref + ": no such commit, branch or tag in " + root.string() +
           " (in CI, fetch it first: git fetch origin main)";
  // Changes of the branch since it forked from REF (merge base), as in a pull request.
  Run base = git(root.string(), "merge-base " + shell_quote(ref) + " HEAD");
  std::string base_commit = base.status == 0 ? trim(base.out) : trim(verify.out);
  Run diff =
      git(root.string(), "diff --name-status --no-renames -z " + shell_quote(base_commit) + " --");
  if (diff.status != 0) return "git diff against " + ref + " failed in " + root.string();
  out.active = true;
  out.base_ref = ref;
  auto fields = split_nul(diff.out);
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    const std::string& st = fields[i];
    const std::string& path = fields[i + 1];
    ChangeStatus s;
    if (st == "A")
      s = ChangeStatus::Added;
    else if (st == "M" || st == "T")
      s = ChangeStatus::Modified;
    else
      continue;  // deleted: nothing to lint
    out.files[normalise(root / path)] = s;
  }
  Run untracked = git(root.string(), "ls-files --others --exclude-standard -z");
  for (const auto& path : split_nul(untracked.out))
    if (!path.empty()) out.files[normalise(root / path)] = ChangeStatus::Added;
  return "";
}

void mark_changed(const std::vector<std::string>& files, ChangeSet& out) {
  out.active = true;
  for (const auto& f : files) {
    std::error_code ec;
    out.files[normalise(fs::absolute(f, ec))] = ChangeStatus::Changed;
  }
}

}  // namespace migsafe
