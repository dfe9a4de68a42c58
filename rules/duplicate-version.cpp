// Two migrations of one history with the same version: the framework refuses to run, or runs
// only one of them.
#include <fmt/format.h>

#include "core/check.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "duplicate-version",
    .severity = Severity::Error,
    .category = "history",
    .summary = "two migrations with the same version",
    .why =
        "A migration tool keys applied migrations by version: Flyway and golang-migrate refuse "
        "to start with two migrations of one version, and tools that record only the version "
        "apply one of them and treat the other as done. Two branches that each added the next "
        "number meet like this after a merge.",
    .instead = "Give the newer migration the next free version.",
};

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out;
}

void finish(Check& c) {
  const MigrationFacts* m = c.ctx().migration();
  if (!m || m->same_version.empty() || m->version.empty()) return;
  std::string effect =
      m->framework == "flyway" ? "Flyway stops with \"Found more than one migration with version\""
      : m->framework == "golang-migrate" ? "golang-migrate stops with a duplicate migration error"
                                         : "the tool runs only one of them, or fails";
  c.report(c.line_span(1), fmt::format("{} has version {}, like {}: {}, so no later migration is "
                                       "applied",
                                       m->name, m->version, join(m->same_version), effect))
      .help(fmt::format("Renumber the migration that was added last (usually the one in this "
                        "change) to the next free version after the newest migration, and keep "
                        "the other as it is: it may already be applied somewhere."));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .finish = finish}};

}  // namespace
}  // namespace migsafe
