// `migsafe check`: discover files, lint them in parallel on --jobs threads, and feed the
// reporter in input order as soon as each file's turn comes (deterministic output, bounded
// memory). Returns the process exit code: 0 clean, 1 findings at the fail level, 2 usage or
// I/O error.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "core/linter.hpp"

namespace migsafe {

enum class FailOn { Error, Warning, Info, Never };
bool parse_fail_on(std::string_view text, FailOn* out);

struct CheckOptions {
  std::vector<std::string> paths;
  std::string stdin_filename;  // name shown for "-"
  std::string format = "text";
  std::string output;          // empty: standard output
  std::string color = "auto";  // auto | always | never
  unsigned jobs = 0;           // 0: one per core
  LintSettings settings;
  RuleSelection rules;
  FailOn fail_on = FailOn::Error;
  bool fix = false;  // apply the safe fixes to the files (the report shows what is left)
};

int run_check(const CheckOptions& options, std::ostream& out, std::ostream& err);

// Whether a finding of severity `s` makes the run fail.
bool fails(Severity s, FailOn level);

}  // namespace migsafe
