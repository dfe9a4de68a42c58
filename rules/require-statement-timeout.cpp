// A statement that keeps a lock blocking reads or writes of an existing table while it rewrites,
// scans or indexes it, with no statement_timeout set: nothing bounds how long the table stays
// blocked. Reported once for the first such statement, again only after a timeout was unset.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "require-statement-timeout",
    .severity = Severity::Warning,
    .category = "locking",
    .summary = "a long lock-holding statement runs with no statement_timeout set",
    .why =
        "A statement that rewrites, scans or indexes a table while holding a lock that blocks "
        "its traffic keeps the table blocked for as long as it runs; without a statement_timeout "
        "nothing stops it when it takes far longer than planned.",
    .instead =
        "Set statement_timeout to the longest outage you accept before such statements (SET "
        "LOCAL inside a transaction block), and set it back to 0 before CREATE INDEX "
        "CONCURRENTLY.",
};

// The strongest lock the statement holds on an existing relation that blocks its clients.
const RelationLock* blocking_lock(const Effect& e) {
  const RelationLock* best = nullptr;
  for (const RelationLock& l : e.locks) {
    if (l.is_new) continue;
    bool blocks =
        l.role == RelationRole::MaterializedView ? blocks_reads(l.mode) : blocks_writes(l.mode);
    if (blocks && (!best || static_cast<int>(l.mode) > static_cast<int>(best->mode))) best = &l;
  }
  return best;
}

std::string work_of(const Effect& e) {
  if (e.rewrite != Tri::No && !e.rewrite_reason.empty()) return e.rewrite_reason;
  if (e.scan != Tri::No && !e.scan_reason.empty()) return e.scan_reason;
  return "it builds an index";
}

void statement(Check& c) {
  const FileContext& ctx = c.ctx();
  if (ctx.statement_timeout() || ctx.long_blocking_without_statement_timeout()) return;
  const Effect& e = c.effect();
  if (!holds_blocking_lock_while_working(e)) return;
  const RelationLock* lock = blocking_lock(e);
  if (!lock) return;
  std::string kind = statement_kind(c.statement().node);
  if (kind.empty()) kind = "This statement";
  std::string on = lock->relation.empty() ? std::string("its ") + std::string(role_name(lock->role))
                                          : lock->relation.display();
  auto finding = c.report(
      c.statement_span(),
      fmt::format("{} holds {} on {}, which blocks {}, for as long as it works: {}. No "
                  "statement_timeout is set, so if it takes far longer than planned (a bigger "
                  "table, a slower disk), {} stays blocked until it finishes",
                  kind, lock_name(lock->mode), on, blocked_traffic(lock->mode), work_of(e), on));
  bool in_tx = ctx.in_transaction();
  finding.help(fmt::format(
      "Put `SET {0}statement_timeout = '<the longest outage you accept>';` (for example '2min') "
      "{1}: the statement is then cancelled and rolled back instead of keeping {2} blocked "
      "indefinitely, and you can reschedule it or switch to an online method. The timeout also "
      "counts the time spent waiting for the lock, so keep lock_timeout for that. Set it back "
      "with `SET statement_timeout = 0;` before any CREATE INDEX CONCURRENTLY or REINDEX "
      "CONCURRENTLY: those block nobody, usually take longer, and a cancelled one leaves an "
      "INVALID index behind.",
      in_tx ? "LOCAL " : "",
      ctx.in_explicit_transaction() ? "right after the BEGIN" : "at the start of the migration",
      on));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .statement = statement}};

}  // namespace
}  // namespace migsafe
