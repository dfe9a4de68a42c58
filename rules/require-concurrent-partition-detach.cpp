// ALTER TABLE ... DETACH PARTITION without CONCURRENTLY (PostgreSQL 14+): ACCESS EXCLUSIVE on
// the partitioned table stops every query on it, whatever partition the query touches.
#include <fmt/format.h>

#include "core/alter_util.hpp"
#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "require-concurrent-partition-detach",
    .severity = Severity::Warning,
    .category = "locking",
    .summary = "DETACH PARTITION of an existing partitioned table without CONCURRENTLY",
    .why =
        "A plain DETACH PARTITION takes ACCESS EXCLUSIVE on the partitioned table: every query "
        "on it, whatever partition it reads, waits while the detach waits for its lock and until "
        "it commits.",
    .instead =
        "Use DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+) outside a transaction block; it "
        "takes SHARE UPDATE EXCLUSIVE on the partitioned table, so queries continue.",
    .min_pg = 14,
};

// The end of the partition's (possibly qualified) name, where CONCURRENTLY goes.
std::optional<size_t> name_end(Check& c, const PgQuery__RangeVar& rv) {
  const Tokens& t = c.tokens();
  auto first = t.first_at(c.statement().at(rv.location));
  if (!first) return std::nullopt;
  const auto& all = t.all();
  size_t k = *first;
  while (k + 2 < all.size() && t.text_of(all[k + 1]) == ".") k += 2;
  return all[k].end;
}

void visit(const PgQuery__AlterTableCmd& cmd, Check& c) {
  if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition) return;
  const auto* pc = as<PgQuery__PartitionCmd>(cmd.def);
  if (!pc || pc->concurrent || !pc->name) return;
  auto t = existing_table_target(cmd, c);
  if (!t) return;
  const std::string& parent = t->table_sql;
  std::string partition = c.ctx().resolve(pc->name).display();
  auto finding = c.report(
      c.subcommand_span(cmd),
      fmt::format("DETACH PARTITION {} takes {} on the partitioned table {}: every read and "
                  "write of {}, whatever partition it touches, waits while the detach waits for "
                  "its lock and until it commits",
                  partition, lock_name(t->lock->mode), parent, parent));
  finding.help(fmt::format(
      "Detach it with `ALTER TABLE {0} DETACH PARTITION {1} CONCURRENTLY;` as the only "
      "statement of a migration step that runs outside any transaction block: it takes SHARE "
      "UPDATE EXCLUSIVE on {0}, so queries continue, and waits for the transactions that use the "
      "partition. If it is interrupted, finish it with `ALTER TABLE {0} DETACH PARTITION {1} "
      "FINALIZE;`. CONCURRENTLY cannot be used while {0} has a DEFAULT partition.",
      parent, partition));
  if (auto end = name_end(c, *pc->name)) {
    Fix fix;
    fix.title = "Add CONCURRENTLY";
    // Never applied on its own: it fails inside a transaction block and when the table has a
    // DEFAULT partition, which the file may not show.
    fix.safe = false;
    fix.title += " (outside a transaction block, and only without a DEFAULT partition)";
    fix.edits.push_back(Edit{Span{*end, *end}, " CONCURRENTLY"});
    finding.fix(std::move(fix));
  }
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__AlterTableCmd>(visit)}}};

}  // namespace
}  // namespace migsafe
