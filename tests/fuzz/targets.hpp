// The fuzz targets' entry points, shared by the libFuzzer binaries (tests/fuzz/fuzz_*.cpp,
// built with -DMIGSAFE_FUZZ=ON) and by the GoogleTest suite, which replays every input under
// tests/fuzz/regressions/<target>/ through the same function. Each takes arbitrary bytes and
// must return normally: a crash, a sanitizer report, an escaping exception or a broken
// invariant (std::logic_error) is a bug.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace migsafe::fuzz {

// The whole lint pipeline on one file: parse, context and catalog replay, every rule (opt-in
// ones too), inline suppressions, every report format, fix selection, --diff and applying the
// fixes. The first byte picks the PostgreSQL version (bits 0-2), the transaction assumption
// (bit 3) and whether the SARIF report is rendered too (bits 4 to 7 all set).
void lint(std::string_view data);

// The `.migsafe.toml` parser (toml++ and the validation on top), then, for a file it accepts,
// the resolver's per-file plans and the globs.
void config(std::string_view data);

// The inline suppression parser: comments found with the scanner, bound to statements, then
// applied to findings on every statement.
void suppress(std::string_view data);

struct Target {
  std::string_view name;
  void (*run)(std::string_view);
};
// Every target, by the name its directories use (tests/fuzz/regressions/<name>/).
const std::vector<Target>& targets();

}  // namespace migsafe::fuzz
