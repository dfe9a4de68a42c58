// CREATE INDEX without CONCURRENTLY on a table that already exists blocks writes while the
// whole index is built.
#include <fmt/format.h>

#include "core/alter_util.hpp"
#include "core/check.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "require-concurrent-index-creation",
    .severity = Severity::Error,
    .category = "locking",
    .summary = "CREATE INDEX on an existing table without CONCURRENTLY",
    .why =
        "A plain CREATE INDEX holds a SHARE lock on the table until the index is built: every "
        "INSERT, UPDATE and DELETE waits, for as long as the build takes on a large table.",
    .instead =
        "Use CREATE INDEX CONCURRENTLY outside a transaction block; it takes SHARE UPDATE "
        "EXCLUSIVE, which blocks neither reads nor writes.",
};

void visit(const PgQuery__IndexStmt& s, Check& c) {
  if (s.concurrent) return;
  const Effect& e = c.effect();
  const RelationLock* lock = e.lock_on(c.ctx().resolve(s.relation));
  if (!lock || lock->is_new) return;
  std::string table = lock->relation.display();
  auto finding =
      c.report(c.statement_span(),
               fmt::format("CREATE INDEX takes a {} lock on {}: {} are blocked until the "
                           "index is built, which reads the whole table",
                           lock_name(lock->mode), table, blocked_traffic(lock->mode)));
  AlternativeLocks alt =
      alternative_locks(c.ctx(), {fmt::format("CREATE INDEX CONCURRENTLY ON {} (id)", table)});
  finding.help(fmt::format(
      "Build it with CREATE INDEX CONCURRENTLY in its own migration step, outside any transaction "
      "block: it takes {}, which {}. If it fails it leaves an INVALID index; drop that with DROP "
      "INDEX CONCURRENTLY and run it again.",
      alt.takes, alt.blocks));
  if (auto kw = c.tokens().find_word(c.statement_span().begin, "index")) {
    Fix fix;
    fix.title = "Add CONCURRENTLY";
    // CONCURRENTLY inside a transaction block fails at run time, so the edit alone is only
    // safe when the statement already runs outside one.
    fix.safe = !c.ctx().in_transaction();
    if (!fix.safe)
      fix.title += c.ctx().in_routine() ? " (and move the statement out of the DO block or routine)"
                                        : " (and move the statement out of its transaction block)";
    fix.edits.push_back(Edit{Span{kw->end, kw->end}, " CONCURRENTLY"});
    finding.fix(std::move(fix));
  }
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__IndexStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
