// DROP VIEW / DROP MATERIALIZED VIEW of a view the migration did not create: queries that still
// read it fail as soon as the drop commits.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/object_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-drop-view",
    .severity = Severity::Warning,
    .category = "compatibility",
    .summary = "DROP VIEW or DROP MATERIALIZED VIEW of a view the migration did not create",
    .why =
        "Code, reports and other services that still read the view fail with \"relation does "
        "not exist\" as soon as the drop commits.",
    .instead =
        "Stop reading the view in every client and deploy that first; drop it in a later "
        "migration. To change a view, CREATE OR REPLACE VIEW keeps its name working.",
};

void visit(const PgQuery__DropStmt& s, Check& c) {
  bool mat = s.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW;
  if (!mat && s.remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_VIEW) return;
  auto views = existing_dropped(s, c.ctx());
  if (views.empty()) return;
  std::string names = names_phrase(views);
  bool one = views.size() == 1;
  std::string noun = mat ? "materialized view" : "view";
  auto finding = c.report(
      c.statement_span(),
      fmt::format("DROP {} deletes {}{}: queries that still read {} fail with \"relation does "
                  "not exist\" from the moment this commits{}",
                  mat ? "MATERIALIZED VIEW" : "VIEW", names, mat ? " and its stored rows" : "",
                  one ? "it" : "them",
                  mat ? ", and bringing the rows back means running the view's query again" : ""));
  std::string steps = fmt::format(
      "Retire the {0}{1} in steps: stop reading {2} in the code and in everything else that "
      "queries the database (reports, dashboards, other services), deploy that, and drop {2} in a "
      "later migration.",
      noun, one ? "" : "s", one ? "it" : "them");
  if (mat)
    finding.help(steps +
                 " To replace a materialized view, create the new one under another name, switch "
                 "the readers to it, then drop the old one.");
  else
    finding.help(fmt::format(
        "{} To change what {} returns, `CREATE OR REPLACE VIEW {} AS ...` keeps the name "
        "working (it can add columns at the end, not remove or retype existing ones).",
        steps, one ? "it" : "a view", views.front().display()));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__DropStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
