// `migsafe check`: discover files, resolve each one's config, lint them in parallel on --jobs
// threads (rules, then the filter stage: inline suppressions and the baseline), and feed the
// reporter in input order as soon as each file's turn comes (deterministic output, bounded
// memory). Returns the process exit code: 0 clean, 1 findings at the fail level, 2 usage or
// I/O error.
#pragma once

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
};

int run_check(const CheckOptions& options, std::ostream& out, std::ostream& err);

}  // namespace migsafe
