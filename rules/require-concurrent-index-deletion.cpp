// DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the index's table: reads and writes
// of the table wait while it queues behind running transactions and until it commits.
#include <fmt/format.h>

#include "core/alter_util.hpp"
#include "core/check.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "require-concurrent-index-deletion",
    .severity = Severity::Warning,
    .category = "locking",
    .summary = "DROP INDEX on an existing table without CONCURRENTLY",
    .why =
        "A plain DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table: every SELECT, "
        "INSERT, UPDATE and DELETE on it waits while the drop queues behind running transactions "
        "and until it commits.",
    .instead =
        "Use DROP INDEX CONCURRENTLY, one index per statement, outside a transaction block; it "
        "takes SHARE UPDATE EXCLUSIVE, which blocks neither reads nor writes.",
};

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += names[i];
  }
  return out;
}

void visit(const PgQuery__DropStmt& s, Check& c) {
  if (s.remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_INDEX || s.concurrent) return;
  const Effect& e = c.effect();
  // The lock on the table is what hurts. Its name is known only when this file created the
  // index; an index the file did not create may belong to any table, which is never new.
  const RelationLock* table = nullptr;
  std::vector<std::string> indexes;
  for (const RelationLock& l : e.locks) {
    if (l.role == RelationRole::Index) indexes.push_back(l.relation.display());
    if (l.role == RelationRole::IndexTable && !l.is_new && !table) table = &l;
  }
  if (!table) return;
  std::string index_list = join_names(indexes);
  std::string table_name = table->relation.empty() ? "" : table->relation.display();
  std::string where = table_name.empty() ? "its table" : table_name;
  auto finding = c.report(
      c.statement_span(),
      fmt::format("DROP INDEX {} takes an {} lock on {}: {} of {} are blocked while it waits for "
                  "the transactions already using the table, and until it commits",
                  index_list, lock_name(table->mode), where, blocked_traffic(table->mode),
                  table_name.empty() ? "that table" : table_name));

  bool cascade = s.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
  bool several = s.n_objects > 1;
  std::string statements;
  for (const std::string& idx : indexes)
    statements += fmt::format("{}DROP INDEX CONCURRENTLY {};", statements.empty() ? "" : " ", idx);
  AlternativeLocks alt = alternative_locks(
      c.ctx(), {fmt::format("DROP INDEX CONCURRENTLY {}", indexes.empty() ? "i" : indexes[0])});
  finding.help(fmt::format(
      "Drop {} with `{}` in a migration step of its own, outside any transaction block: that "
      "takes {}, which {}. DROP INDEX CONCURRENTLY drops one index per statement and does not "
      "support CASCADE{}. An index that backs a PRIMARY KEY, UNIQUE or EXCLUDE constraint cannot "
      "be dropped with DROP INDEX at all; that takes ALTER TABLE ... DROP CONSTRAINT.",
      several ? "them" : "it", statements, alt.takes, alt.blocks,
      cascade ? ": drop the dependent objects explicitly first" : ""));

  if (auto kw = c.tokens().find_word(c.statement_span().begin, "index")) {
    Fix fix;
    fix.title = "Add CONCURRENTLY";
    // Each of these makes the edited statement fail at run time.
    bool in_tx = c.ctx().in_transaction();
    fix.safe = !in_tx && !several && !cascade;
    if (in_tx)
      fix.title += c.ctx().in_routine() ? " (and move the statement out of the DO block or routine)"
                                        : " (and move the statement out of its transaction block)";
    if (several) fix.title += " (and split it into one DROP INDEX per index)";
    if (cascade) fix.title += " (and remove CASCADE)";
    fix.edits.push_back(Edit{Span{kw->end, kw->end}, " CONCURRENTLY"});
    finding.fix(std::move(fix));
  }
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__DropStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
