// Shared pieces of the ALTER TABLE lock rules: the existing table a subcommand changes together
// with the lock model's prediction for that subcommand, phrases that name the locks a prediction
// takes and the traffic they block, and token-based text helpers that rebuild parts of the
// statement for the concrete recipes in a finding's help.
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/check.hpp"

namespace migsafe {

struct AlterTarget {
  const PgQuery__AlterTableStmt* stmt = nullptr;
  QualifiedName table;
  std::string table_sql;               // the table as a recipe spells it: orders, billing.invoices
  const Effect* effect = nullptr;      // this subcommand's part of the lock model's prediction
  const RelationLock* lock = nullptr;  // the lock it takes on `table`
};

// The table changed by an ALTER TABLE subcommand, when it is a plain table that existed before
// this migration. Absent for ALTER INDEX / VIEW / ..., and for tables created earlier in the
// migration: they are new and unused, so there is no traffic to block.
std::optional<AlterTarget> existing_table_target(const PgQuery__AlterTableCmd& cmd, Check& c);

// The locks of a prediction on relations that existed before the migration (new ones block
// nobody), one per relation (the strongest), in the model's order.
std::vector<RelationLock> existing_locks(const std::vector<RelationLock>& locks);
// "ACCESS EXCLUSIVE on orders and SHARE ROW EXCLUSIVE on customers".
std::string locks_phrase(const std::vector<RelationLock>& locks);
// "reads and writes on orders and writes on customers" ("" when nothing is blocked).
std::string blocked_phrase(const std::vector<RelationLock>& locks);

// What a safe alternative takes, from the lock model: `steps` run in order from the current state
// of the file; `takes` names the last step's locks on existing relations ("SHARE UPDATE EXCLUSIVE
// on orders and ROW SHARE on customers"), `blocks` what they block ("blocks neither reads nor
// writes", "blocks writes on orders").
struct AlternativeLocks {
  std::string takes;
  std::string blocks;
};
AlternativeLocks alternative_locks(const FileContext& ctx, const std::vector<std::string>& steps);

// The SQL of `span` rebuilt from its tokens: comments dropped, any gap between two tokens shown
// as one space, so a multi-line clause reads as one line in a help text.
std::string sql_text(Check& c, Span span);
// The same, leaving out the tokens inside the `holes`.
std::string sql_text_without(Check& c, Span span, const std::vector<Span>& holes);
// The source of one constraint of a column definition: from its first token to the last token
// before the next constraint or COLLATE clause of the column (or the end of `column`).
std::optional<Span> column_constraint_span(Check& c, const PgQuery__ColumnDef& def,
                                           const PgQuery__Constraint& con, Span column);
// `span` from the first token spelled `word` (case-insensitive) on; nullopt when there is none.
std::optional<Span> from_word(Check& c, Span span, std::string_view word);
// Recipe lines that make `columns` NOT NULL without a long lock: CHECK (col IS NOT NULL) NOT
// VALID, VALIDATE in a separate transaction, SET NOT NULL (no scan from PostgreSQL 12; the
// comment says when it still scans), DROP the CHECK. Each line is indented and ends with "\n".
std::string not_null_recipe(const std::string& table_sql, const std::vector<std::string>& columns,
                            int pg_version);
// "a, b" from a list of String nodes, quoted where PostgreSQL needs quotes.
std::string column_list(PgQuery__Node* const* names, size_t n);

}  // namespace migsafe
