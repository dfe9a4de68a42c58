// A migration that existed at the base ref and was edited: databases that already ran it never
// run the edit.
#include <fmt/format.h>

#include "core/check.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "modified-applied-migration",
    .severity = Severity::Error,
    .category = "history",
    .summary = "an edit to a migration that is already merged",
    .why =
        "Migration tools run each migration once: a database that already ran the old version "
        "never runs the edit, so environments drift apart, and Flyway, Liquibase and Prisma "
        "refuse to migrate at all because the checksum changed.",
    .instead = "Leave merged migrations as they are and fix forward with a new migration.",
};

void finish(Check& c) {
  const MigrationFacts* m = c.ctx().migration();
  if (!m || !m->modified_applied) return;
  std::string tool = m->framework == "flyway"      ? "; Flyway fails validation (checksum mismatch)"
                     : m->framework == "liquibase" ? "; Liquibase fails (checksum changed)"
                     : m->framework == "prisma"    ? "; Prisma reports the migration as modified"
                                                   : "";
  c.report(c.line_span(1),
           fmt::format("{} already exists at {} and was edited: databases that ran it never run "
                       "the edit{}",
                       m->name, m->base_ref.empty() ? "the base" : m->base_ref, tool))
      .help(fmt::format("Restore {} as it is at {} (`git checkout {} -- <file>`) and put the "
                        "change in a new migration.",
                        m->name, m->base_ref.empty() ? "the base" : m->base_ref,
                        m->base_ref.empty() ? "<base>" : m->base_ref));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .finish = finish}};

}  // namespace
}  // namespace migsafe
