// A migration added by the change set whose version is older than one already merged: the
// databases that are past that version never run it (or refuse to migrate).
#include <fmt/format.h>

#include "core/check.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "out-of-order",
    .severity = Severity::Error,
    .category = "history",
    .summary = "a new migration with a version older than an already merged one",
    .why =
        "Databases that already ran the newer migration are past this version: Flyway refuses "
        "to migrate (validation fails unless outOfOrder is on), golang-migrate only moves "
        "forward from the current version and never runs it, and environments end up with "
        "different schemas depending on when they migrated.",
    .instead = "Give the new migration a version after the newest merged one.",
};

void finish(Check& c) {
  const MigrationFacts* m = c.ctx().migration();
  if (!m || m->newer_applied.empty()) return;
  // dbmate, Prisma, diesel and sqitch apply every pending migration whatever its version.
  if (!c.option_lists("frameworks", "flyway,golang-migrate,plain", m->framework)) return;
  std::string effect = m->framework == "flyway"
                           ? "Flyway fails validation on every database that has it (\"Detected "
                             "resolved migration not applied to database\") unless outOfOrder is "
                             "enabled"
                       : m->framework == "golang-migrate"
                           ? "golang-migrate never runs it on databases that are already past "
                             "that version"
                           : "a tool that applies migrations in order never runs it on databases "
                             "that are already past that version";
  c.report(c.line_span(1),
           fmt::format("{} (version {}) is new in this change but older than {} (version {}), "
                       "which is already merged: {}",
                       m->name, m->version, m->newer_applied, m->newer_version, effect))
      .help(fmt::format("Rename it to a version after {} (for example with the current "
                        "timestamp), so it runs after every migration that is already applied.",
                        m->newer_version));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .finish = finish}};

}  // namespace
}  // namespace migsafe
