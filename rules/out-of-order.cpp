// A migration added by the change set whose version is older than one already merged: the
// databases that are past that version never run it (or refuse to migrate).
#include <fmt/format.h>

#include <sstream>

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

Span file_span(const Check& c) {
  const SourceFile& f = c.file();
  size_t begin = f.bom_length();
  return Span{begin, f.line_start(1) + f.line_text(1).size()};
}

bool listed(std::string_view list, const std::string& framework) {
  std::stringstream ss{std::string(list)};
  for (std::string item; std::getline(ss, item, ',');) {
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (item == framework) return true;
  }
  return false;
}

void finish(Check& c) {
  const MigrationFacts* m = c.ctx().migration();
  if (!m || m->newer_applied.empty()) return;
  // dbmate, Prisma, diesel and sqitch apply every pending migration whatever its version.
  if (!listed(c.option("frameworks", "flyway,golang-migrate,plain"), m->framework)) return;
  std::string effect = m->framework == "flyway"
                           ? "Flyway fails validation on every database that has it (\"Detected "
                             "resolved migration not applied to database\") unless outOfOrder is "
                             "enabled"
                       : m->framework == "golang-migrate"
                           ? "golang-migrate never runs it on databases that are already past "
                             "that version"
                           : "a tool that applies migrations in order never runs it on databases "
                             "that are already past that version";
  c.report(file_span(c),
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
