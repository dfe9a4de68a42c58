// `migsafe check`: discover files, resolve each one's config, plan their migration histories
// (framework, order, change set), read and parse them on --jobs threads ahead of an in-order
// stage that replays each history's schema and runs the rules, then the filter stage (inline
// suppressions and the baseline), and feed the reporter in plan order as soon as each file's
// turn comes (deterministic output; memory bounded by the files in flight plus one schema per
// history). Returns the process exit code: 0 clean, 1 findings at the fail level, 2 usage or
// I/O error.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "config/resolver.hpp"
#include "core/linter.hpp"

namespace migsafe {

struct CheckOptions {
  std::vector<std::string> paths;
  std::string stdin_filename;  // name shown for "-"
  std::string format = "text";
  std::string output;          // empty: standard output
  std::string color = "auto";  // auto | always | never
  unsigned jobs = 0;           // 0: one per core
  std::string config;          // --config FILE for every path; empty: the nearest .migsafe.toml
  CliOverrides flags;          // flags given on the command line win over config files
  std::string framework;       // --framework; "" = not set (then the config's, if any)
  std::string baseline;        // --baseline FILE: tolerate the findings it lists
  std::string write_baseline;  // --write-baseline FILE: record the current findings
  bool fix = false;            // --fix: apply the safe fixes (the report shows what is left)
  std::string since;           // --since GIT_REF: lint only what changed since it
  std::vector<std::string> changed;  // --changed FILE...: lint only these
  std::string stats;                 // --stats FILE: production table sizes
  // A file at least this large is linted as it is parsed (lint_streamed); for tests.
  size_t stream_bytes = kStreamBytes;
};

int run_check(const CheckOptions& options, std::ostream& out, std::ostream& err);

// One migration linted as `migsafe check --changed PATH <its history's directory>` would lint
// it: the earlier files of its history replayed as schema context, its framework's transaction
// rules, its config, suppressions applied, with `text` (an editor's unsaved buffer) in place of
// the bytes on disk. Nothing when PATH is not a file on disk, its config excludes it, or its
// directory cannot be planned (messages on `err`): the caller lints the text on its own.
std::optional<FileResult> lint_in_history(const std::string& path, const std::string& text,
                                          std::ostream& err);

// `migsafe schema`: replays the histories under `options.paths` and prints the catalog each
// ends with, and every statement the catalog could not model ("text" or "json").
int run_schema(const CheckOptions& options, std::ostream& out, std::ostream& err);

}  // namespace migsafe
