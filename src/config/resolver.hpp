// From a linted file's path to everything that decides how it is checked: the nearest config
// file (or --config), its [[overrides]] whose globs match, its `exclude`, and the command-line
// flags on top. The CLI runner and an editor integration share it: resolve(path) then
// lint_file().
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/linter.hpp"

namespace migsafe {

// Command-line flags; set ones win over every config file.
struct CliOverrides {
  std::optional<int> pg_version;
  std::optional<bool> assume_in_transaction;
  std::string framework;  // "" = not given
  std::optional<std::vector<std::string>> select;
  std::vector<std::string> ignore;
  std::optional<FailOn> fail_on;
};

// How one file is checked.
struct FilePlan {
  std::shared_ptr<const LintPlan> plan;
  FailOn fail_on = FailOn::Error;
  std::string config;       // the config file in effect ("" when none)
  std::string excluded_by;  // the `exclude` glob matching the file ("" when it is checked)
};

// Not thread-safe: resolve files from one thread, then lint them anywhere (plans are
// immutable and shared).
class ConfigResolver {
 public:
  // `config_file` non-empty: that file for every path (--config), loaded now. Throws
  // ConfigError for a bad config, std::invalid_argument for an unknown rule in the flags.
  explicit ConfigResolver(CliOverrides cli, const std::string& config_file = "");

  // `path` as given on the command line (relative to the working directory) or absolute.
  // Throws ConfigError when the config file that applies is bad.
  FilePlan resolve(const std::string& path);

 private:
  std::shared_ptr<const ConfigFile> config_for(const std::string& path);
  std::shared_ptr<const LintPlan> plan_for(const std::vector<const ConfigLayer*>& layers);

  CliOverrides cli_;
  std::shared_ptr<const ConfigFile> fixed_;
  std::map<std::string, std::shared_ptr<const ConfigFile>> loaded_;  // by absolute path
  std::map<std::string, std::string> dir_config_;  // directory -> config path ("" none)
  std::string cwd_;  // the working directory, read once (not once per file)
  std::map<std::string, std::shared_ptr<const LintPlan>> plans_;
};

// A file's path relative to a config file's directory, `/`-separated, or nullopt when it is
// not under that directory.
std::optional<std::string> relative_to(const std::string& path, const std::string& dir);

namespace config_detail {
// The directory of `path`, made absolute against `cwd`, as
// (cwd / path).lexically_normal().parent_path() spells it, when string operations give it: an
// absolute `path`, or a relative one and an absolute `cwd`, made of plain names
// (is_plain_relative); std::nullopt otherwise. It is asked once per file.
std::optional<std::string> plain_parent(std::string_view path, std::string_view cwd);
}  // namespace config_detail

// Parse, rules, then inline suppressions: the findings one file shows (before a baseline).
FileResult lint_file(std::shared_ptr<const SourceFile> file, const FilePlan& plan);

}  // namespace migsafe
