// Per-file settings from config layers and flags; see resolver.hpp.
#include "config/resolver.hpp"

#include <filesystem>
#include <stdexcept>

#include "config/glob.hpp"
#include "config/suppress.hpp"
#include "core/discover.hpp"
#include "core/rule.hpp"

namespace migsafe {

namespace fs = std::filesystem;

namespace {

void check_rules(const std::vector<std::string>& ids, const char* flag) {
  for (const auto& id : ids)
    if (rule_index(id) < 0) throw std::invalid_argument("unknown rule '" + id + "' in " + flag);
}

void select_only(std::vector<bool>& enabled, const std::vector<std::string>& ids) {
  std::fill(enabled.begin(), enabled.end(), false);
  for (const auto& id : ids) enabled[static_cast<size_t>(rule_index(id))] = true;
}

}  // namespace

std::optional<std::string> relative_to(const std::string& path, const std::string& dir) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec).lexically_normal();
  if (ec) return std::nullopt;
  fs::path rel = abs.lexically_relative(fs::path(dir).lexically_normal());
  std::string r = rel.generic_string();
  if (rel.empty() || r == ".." || r.rfind("../", 0) == 0) return std::nullopt;
  return r;
}

namespace config_detail {

std::optional<std::string> plain_parent(std::string_view path, std::string_view cwd) {
  std::optional<std::string> abs = plain_absolute(path, cwd);
  if (!abs) return std::nullopt;
  size_t slash = abs->rfind('/');
  abs->resize(slash == 0 ? 1 : slash);  // "/" for a name at the root
  return abs;
}

}  // namespace config_detail

ConfigResolver::ConfigResolver(CliOverrides cli, const std::string& config_file)
    : cli_(std::move(cli)) {
  std::error_code ec;
  cwd_ = fs::current_path(ec).string();
  if (cli_.select) check_rules(*cli_.select, "--select");
  check_rules(cli_.ignore, "--ignore");
  if (!config_file.empty()) fixed_ = std::make_shared<const ConfigFile>(load_config(config_file));
}

std::shared_ptr<const ConfigFile> ConfigResolver::config_for(const std::string& path) {
  if (fixed_) return fixed_;
  std::error_code ec;
  std::string key;
  if (auto parent = config_detail::plain_parent(path, cwd_)) {
    key = std::move(*parent);
  } else {
    fs::path p(path);
    key = (p.is_absolute() || cwd_.empty() ? fs::absolute(p, ec) : fs::path(cwd_) / p)
              .lexically_normal()
              .parent_path()
              .string();
  }
  auto hit = dir_config_.find(key);
  std::string found;
  if (hit != dir_config_.end()) {
    found = hit->second;
  } else {
    found = find_config(path).value_or("");
    dir_config_[key] = found;
  }
  if (found.empty()) return nullptr;
  auto it = loaded_.find(found);
  if (it != loaded_.end()) return it->second;
  // Show the config path relative to the working directory when it is under it.
  std::string shown = found;
  if (auto rel = relative_to(found, fs::current_path(ec).string())) shown = *rel;
  auto cfg = std::make_shared<ConfigFile>(load_config(shown));
  loaded_[found] = cfg;
  return cfg;
}

FilePlan ConfigResolver::resolve(const std::string& path) {
  FilePlan out;
  auto cfg = config_for(path);
  std::vector<const ConfigLayer*> layers;
  std::string key;
  if (cfg) {
    out.config = cfg->path;
    key = cfg->path;
    layers.push_back(&cfg->base);
    if (auto rel = relative_to(path, cfg->dir)) {
      for (const auto& glob : cfg->exclude) {
        if (glob_match(glob, *rel)) {
          out.excluded_by = glob;
          break;
        }
      }
      for (size_t i = 0; i < cfg->overrides.size(); ++i) {
        const ConfigOverride& o = cfg->overrides[i];
        for (const auto& glob : o.paths) {
          if (glob_match(glob, *rel)) {
            layers.push_back(&o.layer);
            key += "|" + std::to_string(i);
            break;
          }
        }
      }
    }
  }
  out.fail_on = FailOn::Error;
  for (const ConfigLayer* l : layers)
    if (l->fail_on) out.fail_on = *l->fail_on;
  if (cli_.fail_on) out.fail_on = *cli_.fail_on;
  auto it = plans_.find(key);
  if (it == plans_.end()) it = plans_.emplace(key, plan_for(layers)).first;
  out.plan = it->second;
  return out;
}

std::shared_ptr<const LintPlan> ConfigResolver::plan_for(
    const std::vector<const ConfigLayer*>& layers) {
  const auto& rules = all_rules();
  LintSettings settings;
  std::vector<bool> enabled(rules.size());
  for (size_t r = 0; r < rules.size(); ++r) enabled[r] = rules[r].meta.default_enabled;
  std::vector<std::optional<Severity>> severity(rules.size());
  std::vector<RuleOptions> options(rules.size());
  int reason_rule = rule_index(kRequireReasonRule);

  for (const ConfigLayer* l : layers) {
    if (l->pg_version) settings.pg_version = *l->pg_version;
    if (l->assume_in_transaction) settings.assume_in_transaction = *l->assume_in_transaction;
    if (l->framework) settings.framework = *l->framework;
    if (l->select) select_only(enabled, *l->select);
    if (l->require_suppression_reason && reason_rule >= 0)
      enabled[static_cast<size_t>(reason_rule)] = *l->require_suppression_reason;
    for (const auto& [id, rc] : l->rules) {
      size_t r = static_cast<size_t>(rule_index(id));
      if (rc.enabled) enabled[r] = *rc.enabled;
      if (rc.severity) severity[r] = *rc.severity;
      for (const auto& [k, v] : rc.options) options[r][k] = v;
    }
    for (const auto& id : l->ignore) enabled[static_cast<size_t>(rule_index(id))] = false;
  }
  if (cli_.pg_version) settings.pg_version = *cli_.pg_version;
  if (cli_.assume_in_transaction) settings.assume_in_transaction = *cli_.assume_in_transaction;
  if (!cli_.framework.empty()) settings.framework = cli_.framework;
  if (cli_.select) select_only(enabled, *cli_.select);
  for (const auto& id : cli_.ignore) enabled[static_cast<size_t>(rule_index(id))] = false;

  auto plan = std::make_shared<LintPlan>(std::move(settings), std::move(enabled));
  for (size_t r = 0; r < rules.size(); ++r) {
    if (severity[r]) plan->set_severity(r, *severity[r]);
    if (!options[r].empty()) plan->set_options(r, std::move(options[r]));
  }
  return plan;
}

FileResult lint_file(std::shared_ptr<const SourceFile> file, const FilePlan& plan) {
  FileResult r = lint_source(std::move(file), *plan.plan);
  apply_suppressions(r, *plan.plan);
  return r;
}

}  // namespace migsafe
