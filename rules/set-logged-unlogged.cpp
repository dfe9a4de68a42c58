// ALTER TABLE ... SET LOGGED / SET UNLOGGED on an existing table: the table is copied under
// ACCESS EXCLUSIVE (and SET UNLOGGED also gives up crash safety and replication).
#include <fmt/format.h>

#include "core/alter_util.hpp"
#include "core/check.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "set-logged-unlogged",
    .severity = Severity::Error,
    .category = "locking",
    .summary = "SET LOGGED or SET UNLOGGED, which rewrites an existing table",
    .why =
        "SET LOGGED and SET UNLOGGED write a new copy of the table and its indexes while ACCESS "
        "EXCLUSIVE blocks reads and writes; SET LOGGED also pushes the whole table through the "
        "WAL, and an unlogged table is emptied after a crash and is not replicated.",
    .instead =
        "Keep production tables logged; load into a new table of the right kind and swap it in "
        "with renames in a short transaction, at a quiet time.",
};

void visit(const PgQuery__AlterTableCmd& cmd, Check& c) {
  bool unlogged = cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged;
  if (!unlogged && cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged) return;
  auto t = existing_table_target(cmd, c);
  if (!t || t->effect->rewrite == Tri::No) return;
  const std::string& table = t->table_sql;
  std::string lock(lock_name(t->lock->mode));
  if (unlogged) {
    auto finding = c.report(
        c.subcommand_span(cmd),
        fmt::format("SET UNLOGGED rewrites {0} and its indexes under {1}, so reads and writes of "
                    "{0} wait until the copy is done; afterwards {0} is not crash-safe (it is "
                    "emptied after a crash) and is no longer replicated, so standbys and a "
                    "failover see it empty",
                    table, lock));
    finding.help(fmt::format(
        "Keep {0} logged. If the goal is faster bulk loading, load into a separate UNLOGGED "
        "staging table and copy the rows into {0} in batches; if {0} really holds only "
        "disposable data, create a new UNLOGGED table, fill it, and swap the two with `ALTER "
        "TABLE ... RENAME` in one short transaction.",
        table));
    return;
  }
  auto finding = c.report(
      c.subcommand_span(cmd),
      fmt::format("SET LOGGED rewrites {0} and its indexes under {1}, writing all of it to the "
                  "WAL: reads and writes of {0} wait until the copy is done, and standbys fall "
                  "behind by the size of the table",
                  table, lock));
  finding.help(fmt::format(
      "Make the switch without a long lock: create a new logged table like {0} (`CREATE TABLE "
      "{1} (LIKE {0} INCLUDING ALL);`), copy the rows in batches while keeping both in sync (a "
      "trigger on {0}), then swap the names in one short transaction and drop the old table "
      "later. If a rewrite is acceptable, run this at a quiet time with a statement_timeout, "
      "and make sure the WAL volume and replication can absorb the table's size.",
      table, quote_ident(t->table.name + "_logged")));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__AlterTableCmd>(visit)}}};

}  // namespace
}  // namespace migsafe
