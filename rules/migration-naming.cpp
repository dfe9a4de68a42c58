// A file in a migration directory whose name the framework does not read as a migration (or
// that does not match the configured pattern): the tool skips it, so its changes never run.
#include <fmt/format.h>

#include <regex>

#include "core/check.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "migration-naming",
    .severity = Severity::Error,
    .category = "history",
    .summary = "a migration file the framework does not recognise by its name",
    .why =
        "Migration tools find migrations by their file names: Flyway, golang-migrate and dbmate "
        "skip files that do not match their pattern, and sqitch deploys only changes listed in "
        "sqitch.plan, so the schema change never reaches production while the code that needs "
        "it does.",
    .instead = "Rename the file to the framework's convention (or add the change to sqitch.plan).",
};

void finish(Check& c) {
  const MigrationFacts* m = c.ctx().migration();
  if (!m) return;
  std::string pattern(c.option("pattern", ""));
  std::string base = m->name.substr(m->name.rfind('/') + 1);
  if (!pattern.empty()) {
    std::regex re;
    try {
      re = std::regex(pattern);
    } catch (const std::regex_error&) {
      c.report(c.line_span(1), fmt::format("migration-naming: the configured pattern `{}` is not a "
                                           "valid regular expression",
                                           pattern));
      return;
    }
    if (std::regex_search(base, re)) return;
    c.report(c.line_span(1),
             fmt::format("{} does not match the migration naming pattern `{}` configured for "
                         "this project",
                         m->name, pattern))
        .help(fmt::format("Rename the file so that its name matches `{}`.", pattern));
    return;
  }
  if (m->named_ok || m->framework == "plain" || m->framework == "liquibase") return;
  std::string consequence =
      m->framework == "sqitch"
          ? "sqitch deploys only the changes listed in sqitch.plan, so this script never runs"
          : fmt::format(
                "{} does not read it as a migration and skips it, so its changes never "
                "run",
                m->framework);
  c.report(c.line_span(1), fmt::format("{} is not named like a {} migration: {}", m->name,
                                       m->framework, consequence))
      .help(m->framework == "sqitch"
                ? std::string("Add the change with `sqitch add <change>` (which writes "
                              "deploy/, revert/ and verify/ scripts and the plan entry), or add "
                              "it to sqitch.plan by hand.")
                : fmt::format("Rename it to {}.", m->expected_name));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .finish = finish}};

}  // namespace
}  // namespace migsafe
