// A data backfill (UPDATE / DELETE / INSERT ... SELECT / MERGE) in the same transaction as DDL
// that takes a lock blocking reads or writes of an existing table: after the DDL, its lock is held
// for the whole backfill; before it, the backfilled rows stay locked while the DDL waits for and
// holds its lock, and a failure of either undoes both.
#include <fmt/format.h>

#include "core/alter_util.hpp"
#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "backfill-in-ddl-transaction",
    .severity = Severity::Error,
    .category = "locking",
    .summary = "a data backfill runs in the same transaction as DDL that blocks an existing table",
    .why =
        "Locks are held until the transaction ends. A backfill after DDL that locked a table runs "
        "with that lock held, so reads or writes of the table wait for the whole backfill; a "
        "backfill before the DDL keeps every changed row locked while the DDL waits for its own "
        "lock, and if the DDL fails or times out the whole backfill is rolled back.",
    .instead =
        "Commit the DDL on its own, then backfill in a separate transaction, in batches (UPDATE "
        "... WHERE id BETWEEN ... AND ...), each committed on its own.",
};

std::string kind_of(Check& c) {
  std::string kind = statement_kind(c.statement().node);
  return kind.empty() ? "this statement" : kind;
}

// The backfill comes after the DDL: the DDL's lock is held for all of it.
void after_ddl(Check& c, const Effect& e) {
  const FileContext& ctx = c.ctx();
  std::vector<HeldLock> held;
  for (const HeldLock& h : ctx.held_on_existing())
    if (!h.changes_rows && blocks_writes(h.lock.mode)) held.push_back(h);
  if (held.empty()) return;
  const HeldLock& first = held.front();
  uint32_t line = c.file().position(first.where.begin).line;
  std::vector<RelationLock> locks;
  for (const HeldLock& h : held) locks.push_back(h.lock);
  std::string target;
  for (const RelationLock& l : e.locks)
    if (l.role == RelationRole::Table && !l.relation.empty()) target = l.relation.display();
  auto finding = c.report(
      c.statement_span(),
      fmt::format("this {}{} is a data backfill in a transaction that holds {} (since the {} "
                  "on line {}): {} wait for the whole backfill, until COMMIT",
                  kind_of(c), target.empty() ? "" : " of " + target, locks_phrase(locks),
                  first.kind, line, blocked_phrase(locks)));
  finding.help(fmt::format(
      "Commit after the {} on line {}{}, then run the backfill in transactions of its own, in "
      "batches (for example `{} ... WHERE id BETWEEN 1 AND 10000`, committed batch by batch), so "
      "no lock is held for long and no row stays locked for the whole run.",
      first.kind, line,
      ctx.in_assumed_transaction() ? " (your migration tool runs the whole file in one "
                                     "transaction: move the backfill to a migration of its own)"
                                   : "",
      kind_of(c)));
  for (const HeldLock& h : held)
    finding.related(h.where, fmt::format("{} on {} taken here, held until COMMIT",
                                         lock_name(h.lock.mode), h.lock.relation.display()));
}

// The DDL comes after a backfill: the changed rows stay locked while it waits for its lock.
void before_ddl(Check& c, const Effect& e) {
  const FileContext& ctx = c.ctx();
  std::vector<const RelationLock*> strong;
  for (const RelationLock& l : e.locks)
    if (!l.is_new && !l.unused && !l.relation.empty() && l.role != RelationRole::Indexes &&
        l.phase.empty() && blocks_writes(l.mode))
      strong.push_back(&l);
  if (strong.empty()) return;
  const HeldLock* backfill = nullptr;
  for (const HeldLock& h : ctx.held_locks())
    if (h.changes_rows && !h.lock.is_new) {
      backfill = &h;
      break;
    }
  if (!backfill) return;
  uint32_t line = c.file().position(backfill->where.begin).line;
  std::vector<RelationLock> locks;
  for (const RelationLock* l : strong) locks.push_back(*l);
  locks = existing_locks(locks);
  auto finding = c.report(
      c.statement_span(),
      fmt::format("this {} takes {} in the transaction of the {} backfill on line {}: the rows "
                  "the backfill changed stay locked while the {} waits for its lock and until "
                  "COMMIT, and a failure here rolls the whole backfill back",
                  kind_of(c), locks_phrase(locks), backfill->kind, line, kind_of(c)));
  finding.help(fmt::format(
      "Run the backfill on line {} in transactions of its own, in batches, and commit before this "
      "{}{}.",
      line, kind_of(c),
      ctx.in_assumed_transaction() ? " (your migration tool runs the whole file in one "
                                     "transaction: put them in separate migrations)"
                                   : ""));
  finding.related(backfill->where, fmt::format("the {} backfill runs here", backfill->kind));
}

void statement(Check& c) {
  if (!c.ctx().in_transaction()) return;
  const Effect& e = c.effect();
  if (!e.known) return;
  if (e.changes_rows)
    after_ddl(c, e);
  else
    before_ddl(c, e);
}

const RegisterRule reg{RuleDef{.meta = kMeta, .statement = statement}};

}  // namespace
}  // namespace migsafe
