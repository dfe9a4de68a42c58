// The `.migsafe.toml` configuration file: parsed and validated in one place (an unknown key,
// rule or bad value is a ConfigError naming the file, line and key), found by walking up from
// a linted file. Turning a config into the plan for one file is config/resolver.hpp's job.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.hpp"
#include "core/linter.hpp"

namespace migsafe {

// The file name searched for, from a linted file's directory up to the filesystem root.
inline constexpr std::string_view kConfigFileName = ".migsafe.toml";

// The values the `framework` key (and --framework) accepts.
const std::vector<std::string_view>& frameworks();
bool is_framework(std::string_view name);

// A bad config file: `what()` is "FILE:LINE:COLUMN: KEY: problem".
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string file, unsigned line, unsigned column, std::string key,
              const std::string& problem);
  const std::string& file() const { return file_; }
  unsigned line() const { return line_; }
  unsigned column() const { return column_; }
  const std::string& key() const { return key_; }

 private:
  std::string file_;
  unsigned line_, column_;
  std::string key_;
};

struct RuleConfig {
  std::optional<Severity> severity;
  std::optional<bool> enabled;
  RuleOptions options;  // declared RuleMeta::options only, as strings
};

// The settings one table of the file sets: the top level, or one `[[overrides]]` entry.
// Unset keys leave what an earlier layer (or the default) said.
struct ConfigLayer {
  std::optional<int> pg_version;
  std::optional<std::string> framework;
  std::optional<bool> assume_in_transaction;
  std::optional<std::vector<std::string>> select;  // replaces the default rule set
  std::vector<std::string> ignore;
  std::optional<FailOn> fail_on;
  std::optional<bool> require_suppression_reason;
  std::map<std::string, RuleConfig, std::less<>> rules;  // `[rules.<id>]`
};

struct ConfigOverride {
  std::vector<std::string> paths;  // globs, relative to the config file's directory
  ConfigLayer layer;
};

struct ConfigFile {
  std::string path;  // as it should be shown in messages
  std::string dir;   // absolute directory that globs are relative to
  ConfigLayer base;
  std::vector<std::string> exclude;
  std::vector<ConfigOverride> overrides;
};

// Parses config text; `path` names the file in errors and decides `dir`. Throws ConfigError.
ConfigFile parse_config(std::string_view text, const std::string& path);
// Reads and parses a config file. Throws ConfigError (an unreadable file is line 0).
ConfigFile load_config(const std::string& path);

// The nearest `.migsafe.toml` in the directory of `file` or one of its parents, or nullopt.
std::optional<std::string> find_config(const std::string& file);

// The closest candidate to `name` if it is a plausible typo, else "".
std::string did_you_mean(std::string_view name, const std::vector<std::string_view>& candidates);

// The commented starter file `migsafe init` writes; it parses with parse_config().
std::string starter_config();
// The `.pre-commit-config.yaml` snippet `migsafe init` prints (hook id `migsafe`).
std::string pre_commit_snippet();

}  // namespace migsafe
