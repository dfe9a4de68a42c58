// A statement whose lock blocks reads or writes of an existing table, with no lock_timeout set:
// while it waits behind a long transaction, every later query on the table queues behind it.
// Reported once for the first such statement, again only after a lock_timeout was set and lost.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "require-lock-timeout",
    .severity = Severity::Warning,
    .category = "locking",
    .summary = "a lock that blocks reads or writes is requested with no lock_timeout set",
    .why =
        "While the statement waits for its lock behind a long-running transaction, every later "
        "query on the table that conflicts with it queues behind it: a brief lock becomes an "
        "outage as long as the oldest transaction.",
    .instead =
        "Start the migration with SET lock_timeout = '5s' (SET LOCAL inside a transaction block), "
        "so the statement gives up instead of stalling the table, and retry the migration.",
};

// What the lock is taken on, and the table whose later queries queue behind it. An index lock
// stalls the queries on the index's table.
struct Target {
  std::string locked;
  std::string table;
};

Target target_of(const Effect& e, const RelationLock& lock) {
  if (lock.role != RelationRole::Index) {
    if (lock.relation.empty()) return {"its table", "that table"};
    std::string name = lock.relation.display();
    return {name, name};
  }
  std::string table = "its table";
  for (const RelationLock& l : e.locks) {
    if ((l.role == RelationRole::IndexTable || l.role == RelationRole::Table) &&
        !l.relation.empty()) {
      table = l.relation.display();
      break;
    }
  }
  if (lock.relation.empty()) return {fmt::format("the indexes of {}", table), table};
  return {lock.relation.display(), table};
}

// The indentation of the line the statement starts on, so that the inserted SET lines up.
std::string indentation_before(const SourceFile& file, size_t offset) {
  uint32_t line = file.position(offset).line;
  std::string_view prefix =
      std::string_view(file.bytes()).substr(file.line_start(line), offset - file.line_start(line));
  for (char ch : prefix)
    if (ch != ' ' && ch != '\t') return "";
  return std::string(prefix);
}

void statement(Check& c) {
  const FileContext& ctx = c.ctx();
  // One finding per stretch without a lock_timeout: the context remembers the first blocking
  // statement since the timeout was last unset (the criterion below is the same as its own).
  if (ctx.lock_timeout() || ctx.blocking_without_lock_timeout()) return;
  const Effect& e = c.effect();
  const RelationLock* lock = e.strongest_on_existing();
  if (!lock) return;
  std::string_view traffic = blocked_traffic(lock->mode);
  if (traffic.empty()) return;

  std::string kind = statement_kind(c.statement().node);
  if (kind.empty()) kind = "This statement";
  Target target = target_of(e, *lock);
  bool reads = blocks_reads(lock->mode);
  auto finding = c.report(
      c.statement_span(),
      fmt::format("{} takes {} on {}, which blocks {}; no lock_timeout is set, so if it waits "
                  "behind a long-running transaction, every later {} {} queues behind it",
                  kind, lock_name(lock->mode), target.locked, traffic,
                  reads ? "query on" : "write to", target.table));

  bool in_tx = ctx.in_transaction();
  std::string set = fmt::format("SET {}lock_timeout = '5s';", in_tx ? "LOCAL " : "");
  finding.help(fmt::format(
      "Put `{}` {}: the statement then gives up after 5 seconds instead of stalling {}, and "
      "the migration fails cleanly. Retry it later, or let the deploy script retry a few times "
      "with a pause. statement_timeout does not replace it: it also limits how long the "
      "statement may work, and is usually far longer than any acceptable wait.",
      set,
      ctx.in_routine()
          ? "in the DO block or routine right before this statement (SET LOCAL lasts until the "
            "transaction ends), or a plain SET before the block or call"
      : ctx.in_explicit_transaction()
          ? "right after the BEGIN (SET LOCAL lasts until the transaction ends)"
      : in_tx ? "at the start of the migration (SET LOCAL lasts until the tool's transaction ends)"
              : "at the start of the migration (it lasts for the rest of the session)",
      target.table));

  Fix fix;
  fix.title = fmt::format("Insert `{}` before the statement", set);
  // A lock_timeout can make the migration fail where it used to wait: never applied blindly.
  fix.safe = false;
  size_t at = c.statement_span().begin;
  fix.edits.push_back(Edit{Span{at, at}, set + "\n" + indentation_before(c.file(), at)});
  finding.fix(std::move(fix));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .statement = statement}};

}  // namespace
}  // namespace migsafe
