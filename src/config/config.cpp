// Parsing and validating `.migsafe.toml` with toml++; see config.hpp.
#include "config/config.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <filesystem>

#include "config/glob.hpp"
#include "core/discover.hpp"
#include "core/rule.hpp"

namespace migsafe {

namespace fs = std::filesystem;

const std::vector<std::string_view>& frameworks() {
  static const std::vector<std::string_view> names = {"auto",           "plain",  "flyway",
                                                      "golang-migrate", "dbmate", "sqitch",
                                                      "liquibase",      "prisma", "diesel"};
  return names;
}

bool is_framework(std::string_view name) {
  const auto& all = frameworks();
  return std::find(all.begin(), all.end(), name) != all.end();
}

namespace {

std::string format_error(const std::string& file, unsigned line, unsigned column,
                         const std::string& key, const std::string& problem) {
  std::string where = line ? fmt::format("{}:{}:{}", file, line, column) : file;
  return key.empty() ? fmt::format("{}: {}", where, problem)
                     : fmt::format("{}: {}: {}", where, key, problem);
}

}  // namespace

ConfigError::ConfigError(std::string file, unsigned line, unsigned column, std::string key,
                         const std::string& problem)
    : std::runtime_error(format_error(file, line, column, key, problem)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      key_(std::move(key)) {}

std::string did_you_mean(std::string_view name, const std::vector<std::string_view>& candidates) {
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t diag = row[0];
      row[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diag = up;
      }
    }
    return row[b.size()];
  };
  std::string best;
  size_t best_distance = std::max<size_t>(2, name.size() / 3) + 1;
  for (std::string_view c : candidates) {
    // A truncated name (report_squawk for report_squawk_comments) is a likely slip too.
    bool prefix =
        name.size() >= 4 && (c.substr(0, name.size()) == name || name.substr(0, c.size()) == c);
    size_t d = prefix ? 1 : distance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(c);
    }
  }
  return best;
}

namespace {

const std::vector<std::string_view> kLayerKeys = {
    "pg_version", "framework", "assume_in_transaction",      "select",
    "ignore",     "fail_on",   "require_suppression_reason", "rules"};

std::vector<std::string_view> with(std::vector<std::string_view> keys,
                                   std::initializer_list<std::string_view> more) {
  keys.insert(keys.end(), more.begin(), more.end());
  return keys;
}

std::vector<std::string_view> rule_ids() {
  std::vector<std::string_view> ids;
  for (const auto& r : all_rules()) ids.push_back(r.meta.id);
  return ids;
}

std::string_view type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    default:
      return "a date/time";
  }
}

class Parser {
 public:
  explicit Parser(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const toml::source_region& at, const std::string& key,
                         const std::string& problem) const {
    throw ConfigError(path_, static_cast<unsigned>(at.begin.line),
                      static_cast<unsigned>(at.begin.column), key, problem);
  }

  // `where` always follows "unknown key"; `otherwise` only when no close name is found.
  [[noreturn]] void unknown_key(const toml::key& k, const std::string& dotted,
                                const std::vector<std::string_view>& allowed,
                                std::string_view where, std::string_view otherwise = "") const {
    std::string hint = did_you_mean(k.str(), allowed);
    std::string problem = "unknown key";
    if (!where.empty()) problem += fmt::format(" {}", where);
    if (!hint.empty())
      problem += fmt::format(" (did you mean '{}'?)", hint);
    else if (!otherwise.empty())
      problem += fmt::format(" {}", otherwise);
    fail(k.source(), dotted, problem);
  }

  std::string string_of(const toml::node& n, const std::string& key) const {
    if (!n.is_string())
      fail(n.source(), key, fmt::format("expected a string, got {}", type_name(n)));
    return n.as_string()->get();
  }

  bool bool_of(const toml::node& n, const std::string& key) const {
    if (!n.is_boolean())
      fail(n.source(), key, fmt::format("expected true or false, got {}", type_name(n)));
    return n.as_boolean()->get();
  }

  std::vector<std::pair<std::string, const toml::node*>> strings_of(const toml::node& n,
                                                                    const std::string& key) const {
    if (!n.is_array())
      fail(n.source(), key, fmt::format("expected an array of strings, got {}", type_name(n)));
    std::vector<std::pair<std::string, const toml::node*>> out;
    for (const toml::node& el : *n.as_array()) out.emplace_back(string_of(el, key), &el);
    return out;
  }

  std::vector<std::string> rule_list(const toml::node& n, const std::string& key) const {
    std::vector<std::string> out;
    for (auto& [id, el] : strings_of(n, key)) {
      check_rule(id, el->source(), key);
      out.push_back(id);
    }
    return out;
  }

  void check_rule(const std::string& id, const toml::source_region& at,
                  const std::string& key) const {
    if (rule_index(id) >= 0) return;
    std::string hint = did_you_mean(id, rule_ids());
    fail(at, key,
         hint.empty() ? fmt::format("unknown rule '{}' (see `migsafe rules`)", id)
                      : fmt::format("unknown rule '{}' (did you mean '{}'?)", id, hint));
  }

  std::vector<std::string> globs(const toml::node& n, const std::string& key) const {
    std::vector<std::string> out;
    for (auto& [glob, el] : strings_of(n, key)) {
      std::string problem = glob_problem(glob);
      if (!problem.empty()) fail(el->source(), key, fmt::format("'{}': {}", glob, problem));
      out.push_back(glob);
    }
    return out;
  }

  // One key of a layer; false when `key` is not a layer key.
  bool layer_key(const std::string& key, const toml::node& v, const std::string& prefix,
                 ConfigLayer& layer) const {
    std::string dotted = prefix + key;
    if (key == "pg_version") {
      if (!v.is_integer() || v.as_integer()->get() < 9 || v.as_integer()->get() > 18)
        fail(v.source(), dotted,
             fmt::format("expected a PostgreSQL major version from 9 to 18, got {}",
                         v.is_integer() ? std::to_string(v.as_integer()->get())
                                        : std::string(type_name(v))));
      layer.pg_version = static_cast<int>(v.as_integer()->get());
    } else if (key == "framework") {
      std::string name = string_of(v, dotted);
      if (!is_framework(name))
        fail(v.source(), dotted,
             fmt::format("unknown framework '{}' (expected one of: {})", name,
                         fmt::join(frameworks(), ", ")));
      layer.framework = name;
    } else if (key == "assume_in_transaction") {
      layer.assume_in_transaction = bool_of(v, dotted);
    } else if (key == "require_suppression_reason") {
      layer.require_suppression_reason = bool_of(v, dotted);
    } else if (key == "select") {
      layer.select = rule_list(v, dotted);
    } else if (key == "ignore") {
      layer.ignore = rule_list(v, dotted);
    } else if (key == "fail_on") {
      FailOn level;
      std::string text = string_of(v, dotted);
      if (!parse_fail_on(text, &level))
        fail(v.source(), dotted,
             fmt::format("expected error, warning, info or never, got '{}'", text));
      layer.fail_on = level;
    } else if (key == "rules") {
      rules_table(v, dotted, layer);
    } else {
      return false;
    }
    return true;
  }

  void rules_table(const toml::node& v, const std::string& dotted, ConfigLayer& layer) const {
    if (!v.is_table())
      fail(v.source(), dotted, fmt::format("expected a table of rules, got {}", type_name(v)));
    for (auto&& [k, rule_node] : *v.as_table()) {
      std::string id(k.str());
      std::string rule_key = dotted + "." + id;
      check_rule(id, k.source(), rule_key);
      if (!rule_node.is_table())
        fail(rule_node.source(), rule_key,
             fmt::format("expected a table (severity, enabled, options), got {}",
                         type_name(rule_node)));
      const RuleMeta& meta = find_rule(id)->meta;
      RuleConfig rc;
      for (auto&& [ok, ov] : *rule_node.as_table()) {
        std::string name(ok.str());
        std::string option_key = rule_key + "." + name;
        if (name == "severity") {
          Severity s;
          std::string text = string_of(ov, option_key);
          if (!parse_severity(text, &s))
            fail(ov.source(), option_key,
                 fmt::format("expected error, warning or info, got '{}'", text));
          rc.severity = s;
        } else if (name == "enabled") {
          rc.enabled = bool_of(ov, option_key);
        } else if (const RuleOption* opt = find_option(meta, name)) {
          rc.options[name] = option_value(*opt, ov, option_key);
        } else {
          std::vector<std::string_view> allowed = {"severity", "enabled"};
          for (const RuleOption& o : meta.options) allowed.push_back(o.name);
          unknown_key(ok, option_key, allowed, "",
                      meta.options.empty()
                          ? fmt::format("({} has no options; use severity or enabled)", id)
                          : fmt::format("(options of {}: {})", id,
                                        fmt::join(allowed.begin() + 2, allowed.end(), ", ")));
        }
      }
      layer.rules[id] = std::move(rc);
    }
  }

  std::string option_value(const RuleOption& opt, const toml::node& v,
                           const std::string& key) const {
    switch (opt.kind) {
      case RuleOption::Kind::String:
        return string_of(v, key);
      case RuleOption::Kind::Boolean:
        return bool_of(v, key) ? "true" : "false";
      case RuleOption::Kind::Integer:
        if (!v.is_integer())
          fail(v.source(), key, fmt::format("expected an integer, got {}", type_name(v)));
        return std::to_string(v.as_integer()->get());
    }
    return "";
  }

  ConfigOverride override_entry(const toml::node& entry, size_t index) const {
    std::string prefix = fmt::format("overrides[{}].", index);
    if (!entry.is_table())
      fail(entry.source(), "overrides",
           fmt::format("expected [[overrides]] tables, got {}", type_name(entry)));
    ConfigOverride o;
    bool has_paths = false;
    for (auto&& [k, v] : *entry.as_table()) {
      std::string key(k.str());
      if (key == "paths") {
        o.paths = globs(v, prefix + key);
        if (o.paths.empty()) fail(v.source(), prefix + key, "needs at least one glob");
        has_paths = true;
      } else if (key == "exclude" || key == "overrides") {
        fail(k.source(), prefix + key, "is only allowed at the top level of the file");
      } else if (!layer_key(key, v, prefix, o.layer)) {
        unknown_key(k, prefix + key, with(kLayerKeys, {"paths"}), "in [[overrides]]");
      }
    }
    if (!has_paths)
      fail(entry.source(), prefix + "paths",
           "missing: each [[overrides]] needs paths = [\"glob\", ...]");
    return o;
  }

  ConfigFile parse(std::string_view text) const {
    toml::table root;
    try {
      root = toml::parse(text, path_);
    } catch (const toml::parse_error& e) {
      throw ConfigError(path_, static_cast<unsigned>(e.source().begin.line),
                        static_cast<unsigned>(e.source().begin.column), "",
                        std::string(e.description()));
    }
    ConfigFile cfg;
    cfg.path = path_;
    std::error_code ec;
    fs::path abs = fs::absolute(path_, ec);
    cfg.dir = (ec ? fs::path(path_) : abs).lexically_normal().parent_path().string();
    for (auto&& [k, v] : root) {
      std::string key(k.str());
      if (key == "exclude") {
        cfg.exclude = globs(v, key);
      } else if (key == "overrides") {
        if (!v.is_array())
          fail(v.source(), key, fmt::format("expected [[overrides]] tables, got {}", type_name(v)));
        size_t i = 0;
        for (const toml::node& entry : *v.as_array())
          cfg.overrides.push_back(override_entry(entry, i++));
      } else if (!layer_key(key, v, "", cfg.base)) {
        unknown_key(k, key, with(kLayerKeys, {"exclude", "overrides"}), "");
      }
    }
    return cfg;
  }

 private:
  std::string path_;
};

}  // namespace

ConfigFile parse_config(std::string_view text, const std::string& path) {
  return Parser(path).parse(text);
}

ConfigFile load_config(const std::string& path) {
  std::string text, error;
  if (!read_file(path, text, error)) throw ConfigError(path, 0, 0, "", "cannot read: " + error);
  if (fs::is_directory(path)) throw ConfigError(path, 0, 0, "", "is a directory");
  return parse_config(text, path);
}

std::optional<std::string> find_config(const std::string& file) {
  std::error_code ec;
  fs::path dir = fs::absolute(file, ec).lexically_normal().parent_path();
  if (ec) return std::nullopt;
  for (;;) {
    fs::path candidate = dir / kConfigFileName;
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
    fs::path parent = dir.parent_path();
    if (parent == dir || dir.empty()) return std::nullopt;
    dir = parent;
  }
}

std::string starter_config() {
  return R"(# migsafe configuration: https://github.com/migsafe/migsafe#configuration
# migsafe reads the nearest .migsafe.toml above each file it checks (or the one given with
# --config); command-line flags win over this file. Remove the leading "# " to use a line.

# The PostgreSQL major version your migrations run on (rules differ for 10, 11 and 12+).
pg_version = 15

# The tool that runs your migrations: auto, plain, flyway, golang-migrate, dbmate, sqitch,
# liquibase, prisma or diesel.
# framework = "auto"

# true when your migration tool wraps each file in a transaction (Flyway, Django, Rails).
assume_in_transaction = false

# The lowest severity that fails the run with exit code 1: error, warning, info or never.
fail_on = "error"

# Run only these rules instead of the default set, or skip some of them.
# select = ["require-concurrent-index-creation", "require-lock-timeout"]
# ignore = ["ban-drop-column"]

# Require a reason on every suppression comment, after " -- ".
# require_suppression_reason = true

# Files never checked: globs relative to this file's directory, where ** spans directories.
# exclude = ["db/legacy/**"]

# Per rule: severity (error, warning or info), enabled (opt-in rules) and the rule's options.
# [rules.require-lock-timeout]
# severity = "error"

# Settings for some paths only; a later [[overrides]] entry wins over an earlier one.
# [[overrides]]
# paths = ["db/seeds/**"]
# ignore = ["require-lock-timeout"]
)";
}

std::string pre_commit_snippet() {
  return fmt::format(R"(repos:
  - repo: https://github.com/migsafe/migsafe
    rev: v{}
    hooks:
      - id: migsafe
)",
                     MIGSAFE_VERSION);
}

}  // namespace migsafe
