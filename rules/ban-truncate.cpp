// TRUNCATE of a table that existed before the migration: every row is gone at once, under an
// ACCESS EXCLUSIVE lock.
#include <fmt/format.h>

#include "core/check.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-truncate",
    .severity = Severity::Error,
    .category = "data",
    .summary = "TRUNCATE of an existing table",
    .why =
        "TRUNCATE removes every row at once without firing DELETE triggers, and takes ACCESS "
        "EXCLUSIVE on the table, blocking every read and write until the migration commits.",
    .instead =
        "Delete the rows that must go with a WHERE, in batches; keep TRUNCATE for tables the "
        "migration created or whose data is truly disposable.",
};

void visit(const PgQuery__TruncateStmt& s, Check& c) {
  const Effect& e = c.effect();
  for (const PgQuery__Node* n : std::span(s.relations, s.n_relations)) {
    const auto* rv = as<PgQuery__RangeVar>(n);
    if (!rv) continue;
    QualifiedName table = c.ctx().resolve(rv);
    if (c.ctx().is_new_table(table)) continue;
    std::string name = table.display();
    const RelationLock* lock = e.lock_on(table);
    std::string_view mode = lock ? lock_name(lock->mode) : lock_name(LockMode::AccessExclusive);
    auto finding = c.report(
        c.item_at(rv->location),
        fmt::format("TRUNCATE removes every row of {} at once (DELETE triggers do not fire{}) and "
                    "takes {} on it, blocking reads and writes until the migration commits",
                    name,
                    s.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE
                        ? "; CASCADE also empties every table that references it"
                        : "",
                    mode));
    finding.help(fmt::format(
        "If only some rows must go, delete them with a WHERE in batches outside the migration. "
        "If {} really is disposable (a cache, a staging table), make sure nothing reads or writes "
        "it and set a lock_timeout before the TRUNCATE.",
        name));
  }
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__TruncateStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
