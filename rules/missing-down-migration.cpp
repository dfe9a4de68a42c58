// A migration without the down / revert / rollback script its framework pairs it with.
#include <fmt/format.h>

#include "core/check.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "missing-down-migration",
    .severity = Severity::Warning,
    .category = "history",
    .summary = "a migration without its down (revert, rollback) script",
    .why =
        "When a deploy goes wrong, rolling back runs the down script; without one the tool "
        "stops (golang-migrate, sqitch) or does nothing (dbmate, diesel, Liquibase), and the "
        "schema has to be repaired by hand while the incident is on.",
    .instead =
        "Write the down script next to the migration, undoing exactly what it does (and saying "
        "so when a change cannot be undone, such as a dropped column's data).",
};

void finish(Check& c) {
  const MigrationFacts* m = c.ctx().migration();
  if (!m || !m->pairs_down || m->has_down) return;
  // Flyway undo migrations are a paid feature, and many Liquibase users roll forward: opt in.
  if (!c.option_lists("frameworks", "golang-migrate,diesel,dbmate,sqitch", m->framework)) return;
  if (m->framework == "liquibase") {
    for (const ChangesetFacts& cs : m->changesets) {
      if (cs.has_rollback) continue;
      uint32_t line = c.file().position(cs.header.begin).line;
      c.report(c.line_span(line),
               fmt::format("changeset {} has no `--rollback`: Liquibase cannot roll back raw SQL "
                           "on its own, so `liquibase rollback` fails here",
                           cs.id))
          .help(
              "Add `--rollback <SQL>` lines after the changeset's SQL that undo it (or "
              "`--rollback empty` when there is nothing to undo).");
    }
    return;
  }
  c.report(c.line_span(1),
           fmt::format("{} has no down migration ({}): rolling back a bad deploy stops here and "
                       "the schema has to be repaired by hand",
                       m->name, m->down_name))
      .help(fmt::format("Add {} that undoes this migration.", m->down_name));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .finish = finish}};

}  // namespace
}  // namespace migsafe
