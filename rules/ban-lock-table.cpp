// LOCK TABLE of an existing table in a mode that blocks reads or writes: the lock is held until
// the transaction ends, so every later statement of the migration runs with the table blocked.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"
#include "core/object_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-lock-table",
    .severity = Severity::Error,
    .category = "locking",
    .summary = "LOCK TABLE of an existing table in a mode that blocks reads or writes",
    .why =
        "An explicit LOCK TABLE holds its lock until the transaction ends: the table's readers or "
        "writers wait for everything the migration does after it, not just for one statement.",
    .instead =
        "Leave locking to the statements themselves (each takes what it needs, for as short a "
        "time as possible); if a lock is really needed, take the weakest mode that is enough, "
        "with a lock_timeout, in a short transaction.",
};

void visit(const PgQuery__LockStmt&, Check& c) {
  std::vector<QualifiedName> tables;
  LockMode mode = LockMode::None;
  for (const RelationLock& l : c.effect().locks) {
    if (l.is_new || l.relation.empty() || blocked_traffic(l.mode).empty()) continue;
    tables.push_back(l.relation);
    mode = l.mode;
  }
  if (tables.empty()) return;
  std::string names = names_phrase(tables);
  bool default_mode = c.tokens().find_word(c.statement_span().begin, "mode") == std::nullopt;
  std::string taken =
      fmt::format("{}{}", lock_name(mode), default_mode ? " (the default mode)" : "");
  const FileContext& ctx = c.ctx();
  if (!ctx.in_transaction()) {
    auto finding = c.report(
        c.statement_span(),
        fmt::format("LOCK TABLE outside a transaction block fails: PostgreSQL rejects it with "
                    "\"LOCK TABLE can only be used in transaction blocks\"; inside one it would "
                    "take {} on {} and block {} until the transaction ends",
                    taken, names, blocked_traffic(mode)));
    finding.help(fmt::format(
        "Remove the LOCK TABLE of {}: each statement of the migration takes the lock it needs by "
        "itself. If several statements really must see the table unchanged, put them and the "
        "LOCK in one short transaction with SET LOCAL lock_timeout, and use the weakest mode that "
        "is enough (SHARE blocks writes but not reads).",
        names));
    return;
  }
  auto finding = c.report(
      c.statement_span(),
      fmt::format("LOCK TABLE takes {0} on {1} and keeps it until the transaction ends: {2} on "
                  "{1} wait for every statement the migration runs after this one, not just for "
                  "one statement",
                  taken, names, blocked_traffic(mode)));
  finding.help(fmt::format(
      "Remove the LOCK TABLE: each statement of the migration takes the lock it needs by itself, "
      "for as short a time as possible. If several statements really must see {} unchanged, keep "
      "the transaction short, set `SET LOCAL lock_timeout = '5s';` before the LOCK so it gives up "
      "instead of queueing traffic behind it, and use the weakest mode that is enough (IN SHARE "
      "MODE blocks writes but not reads; ACCESS EXCLUSIVE also blocks reads).",
      names));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__LockStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
