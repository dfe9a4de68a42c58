// Locks are released only at COMMIT: once a statement has taken ACCESS EXCLUSIVE on an existing
// table, a later statement of the same transaction that rewrites a table, reads every row or
// builds an index keeps that table blocked for reads and writes for as long as it runs.
// Row-changing statements (backfills) are backfill-in-ddl-transaction's.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "lock-held-during-slow-statement",
    .severity = Severity::Error,
    .category = "locking",
    .summary =
        "an ACCESS EXCLUSIVE lock is still held while a later statement rewrites, scans or builds",
    .why =
        "PostgreSQL releases locks only when the transaction ends. After a statement took ACCESS "
        "EXCLUSIVE on a table, every later statement of the same transaction runs with that lock "
        "held: one that rewrites a table, reads every row or builds an index keeps every read and "
        "write of the locked table waiting for as long as it runs.",
    .instead =
        "Commit right after the statement that takes ACCESS EXCLUSIVE, and run the slow statement "
        "in a transaction of its own (a separate migration when your tool wraps each file in one), "
        "preferably in its non-blocking form: CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT.",
};

void statement(Check& c) {
  const FileContext& ctx = c.ctx();
  if (!ctx.in_transaction()) return;
  const Effect& e = c.effect();
  if (!e.known || e.changes_rows) return;
  std::string work = slow_work(e);
  if (work.empty()) return;
  std::vector<HeldLock> held;
  for (const HeldLock& h : ctx.held_on_existing()) {
    if (h.lock.mode != LockMode::AccessExclusive) continue;
    // A statement that takes ACCESS EXCLUSIVE on the same table blocks it anyway: the rules
    // about that statement say so.
    const RelationLock* own = e.lock_on(h.lock.relation);
    if (own && !own->is_new && own->mode == LockMode::AccessExclusive) continue;
    held.push_back(h);
  }
  if (held.empty()) return;

  const SourceFile& file = c.file();
  std::string kind = statement_kind(c.statement().node);
  if (kind.empty()) kind = "this statement";
  const HeldLock& first = held.front();
  uint32_t line = file.position(first.where.begin).line;
  std::vector<std::string> names;
  for (const HeldLock& h : held) names.push_back(h.lock.relation.display());
  std::string tables;
  for (size_t i = 0; i < names.size(); ++i)
    tables += (i ? (i + 1 == names.size() ? " and " : ", ") : "") + names[i];
  auto finding = c.report(
      c.statement_span(),
      fmt::format("{} on {}, taken by the {} on line {}, is still held while this {} {}: {} of {} "
                  "wait until the transaction commits",
                  lock_name(first.lock.mode), tables, first.kind, line, kind, work,
                  blocked_traffic(first.lock.mode), tables));
  finding.help(fmt::format(
      "Locks are released only at COMMIT. Commit right after the {} on line {} ({}), and run "
      "this {} in a transaction of its own{}.",
      first.kind, line,
      ctx.in_assumed_transaction() ? "your migration tool runs the whole file in one transaction: "
                                     "split it into two migrations"
                                   : "end the transaction there and start a new one",
      kind,
      e.builds_index && !e.no_transaction_block
          ? "; for an index on an existing table use CREATE INDEX CONCURRENTLY outside any "
            "transaction block"
          : ""));
  for (const HeldLock& h : held)
    finding.related(h.where, fmt::format("{} on {} taken here, held until COMMIT",
                                         lock_name(h.lock.mode), h.lock.relation.display()));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .statement = statement}};

}  // namespace
}  // namespace migsafe
