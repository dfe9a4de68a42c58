// CLUSTER of an existing table: a sorted copy of the table and its indexes under ACCESS
// EXCLUSIVE. pg_repack / pg_squeeze reorder a table online.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-cluster",
    .severity = Severity::Error,
    .category = "locking",
    .summary = "CLUSTER, which rewrites a table in index order under ACCESS EXCLUSIVE",
    .why =
        "CLUSTER writes a new copy of the table, sorted by an index, and rebuilds all its "
        "indexes while holding ACCESS EXCLUSIVE: every read and write of the table waits until "
        "it is done.",
    .instead =
        "Reorder the table online with pg_repack (--order-by or its clustered index) or "
        "pg_squeeze, outside the migration.",
};

void visit(const PgQuery__ClusterStmt& s, Check& c) {
  if (!s.relation) {
    auto finding = c.report(
        c.statement_span(),
        "CLUSTER without a table re-sorts every table that has been clustered before, each "
        "under ACCESS EXCLUSIVE while it is copied: every read and write of each of those tables "
        "waits until its copy is done");
    finding.help(
        "Take this out of the migration. Reorder tables online with pg_repack (it uses each "
        "table's clustered index: `pg_repack --all`) or pg_squeeze, which hold ACCESS EXCLUSIVE "
        "only for a moment to swap the copy in.");
    return;
  }
  QualifiedName table = c.ctx().resolve(s.relation);
  const RelationLock* lock = c.effect().lock_on(table);
  if (!lock || lock->is_new) return;
  std::string name = table.display();
  std::string index = s.indexname ? quote_ident(s.indexname) : "";
  auto finding = c.report(
      c.statement_span(),
      fmt::format("CLUSTER {0} takes {1} on {0} and writes a new copy of it sorted by {2}, then "
                  "rebuilds its indexes: every read and write of {0} waits until it is done, and "
                  "the copy needs as much free disk space as the table",
                  name, lock_name(lock->mode), index.empty() ? "its clustered index" : index));
  std::string record =
      index.empty()
          ? ""
          : fmt::format("`ALTER TABLE {} CLUSTER ON {};` (it only records the index), then ", name,
                        index);
  finding.help(fmt::format(
      "Take this out of the migration and reorder {0} online: {1}`pg_repack --table={0}`, which "
      "sorts by the clustered index, or pg_squeeze. They build the sorted copy while the table "
      "stays in use and hold ACCESS EXCLUSIVE only for a moment to swap it in (both need a "
      "primary key or a unique NOT NULL index). The order decays again as rows change.",
      name, record));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__ClusterStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
