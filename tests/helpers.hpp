// Shared helpers for the tests: lint a string, read repository files, run the CLI.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/linter.hpp"

namespace migsafe::test {

std::string source_dir();
std::string read_text(const std::string& path);  // relative to the repository root, or absolute

// Lints `sql` with only `rules` enabled (all rules when empty), inline suppressions applied.
FileResult lint(const std::string& sql, const std::vector<std::string>& rules = {},
                LintSettings settings = {});

// The one finding `rule` reports on `sql` (a test failure when there is not exactly one).
Finding only_finding(const std::string& sql, const std::string& rule, LintSettings settings = {});

// `text` with the edits of one fix applied.
std::string apply_fix(std::string text, const Fix& fix);
std::vector<std::string> rule_ids(const FileResult& r);

// Settings from a fixture's first line, `-- fixture: key=value, flag, ...`:
//   pg-version=N, assume-in-transaction
//   framework=NAME file=NAME      the fixture is file NAME of a migration history
//   history=A;B;C                 the other files of that history (empty files)
//   status=added|modified|changed the fixture file's change status (the others are unchanged)
//   base=REF                      the ref a change set is compared with
// With framework/file, the history is planned for real (in a temporary directory) and the
// fixture file gets the planner's facts.
LintSettings fixture_settings(const std::string& sql);

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs the built migsafe binary with `args` (shell-quoted by the caller), stdin from `input`.
// `prefix` goes before the binary (e.g. "runuser -u nobody --").
CommandResult run_migsafe(const std::string& args, const std::string& input = "",
                          const std::string& prefix = "");

// Runs `script` with bash (stdin empty); stdout and stderr captured separately.
CommandResult run_shell(const std::string& script);

// The directory holding the migsafe binary under test (for PATH).
std::string binary_dir();

// Whether `command` runs (e.g. "pre-commit --version"). When it does not, the calling test is
// skipped loudly, or fails when MIGSAFE_REQUIRE_TOOLS is set (./dev test, CI): use
// `if (!have_tool(...)) return;` right after it.
bool have_tool(const std::string& command, const std::string& hint);

// The text of the first fenced block of `language` in `markdown` that contains `marker`
// (empty when there is none).
std::string fenced_block(const std::string& markdown, const std::string& language,
                         const std::string& marker);

// A fresh directory under /tmp for one test, removed afterwards.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // Writes `text` to `rel` (parents created); returns the absolute path.
  std::string write(const std::string& rel, const std::string& text) const;
  std::string read(const std::string& rel) const;
  std::string path(const std::string& rel = "") const;
  // A shell prefix that runs the command inside `rel`: "cd '<dir>/<rel>' && ".
  std::string cd(const std::string& rel = "") const;

 private:
  std::filesystem::path dir_;
};

// Single-quotes `s` for the shell.
std::string q(const std::string& s);

// Whether PostgreSQL server binaries (initdb) are installed, as scripts/pg-throwaway.sh finds
// them: tests that need a real server skip loudly without.
bool postgres_server_available();

}  // namespace migsafe::test
