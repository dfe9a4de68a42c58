// REFRESH MATERIALIZED VIEW without CONCURRENTLY on an existing view: ACCESS EXCLUSIVE keeps
// every reader out while the view's query runs again.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "require-concurrent-refresh-matview",
    .severity = Severity::Error,
    .category = "locking",
    .summary = "REFRESH MATERIALIZED VIEW of an existing view without CONCURRENTLY",
    .why =
        "A plain REFRESH holds ACCESS EXCLUSIVE on the materialized view while it runs the view's "
        "query again and writes a new copy: every read of the view waits until it commits.",
    .instead =
        "Give the view a unique index and use REFRESH MATERIALIZED VIEW CONCURRENTLY, which takes "
        "EXCLUSIVE: reads continue while it applies the differences.",
};

void visit(const PgQuery__RefreshMatViewStmt& s, Check& c) {
  // WITH NO DATA only empties the view (no query runs): a different, brief operation.
  if (s.concurrent || s.skip_data || !s.relation) return;
  QualifiedName view = c.ctx().resolve(s.relation);
  const RelationLock* lock = c.effect().lock_on(view);
  if (!lock || lock->is_new) return;
  std::string name = view.display();
  auto finding = c.report(
      c.statement_span(),
      fmt::format("REFRESH MATERIALIZED VIEW {0} takes {1} on {0} while it runs the view's query "
                  "again and writes a new copy: every read of {0} waits until the refresh "
                  "commits",
                  name, lock_name(lock->mode)));
  finding.help(fmt::format(
      "Once, give {0} a unique index over plain columns without a WHERE clause (`CREATE UNIQUE "
      "INDEX CONCURRENTLY ON {0} (<key columns>);`), then refresh it with `REFRESH MATERIALIZED "
      "VIEW CONCURRENTLY {0};`: that takes EXCLUSIVE, which lets reads continue, and writes only "
      "the rows that changed. It is slower when most rows change, and {0} must already be "
      "populated. Regular refreshes belong in a scheduled job rather than in a migration.",
      name));
  if (auto kw = c.tokens().find_word(c.statement_span().begin, "view")) {
    Fix fix;
    // It fails without a suitable unique index, which the migration may not show.
    fix.title = "Add CONCURRENTLY (needs a unique index on the view)";
    fix.safe = false;
    fix.edits.push_back(Edit{Span{kw->end, kw->end}, " CONCURRENTLY"});
    finding.fix(std::move(fix));
  }
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__RefreshMatViewStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
