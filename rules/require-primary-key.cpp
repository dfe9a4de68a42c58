// A table created by the migration that still has no primary key when the file ends (one added
// later in the same file by ALTER TABLE counts).
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "require-primary-key",
    .severity = Severity::Warning,
    .category = "hygiene",
    .summary = "a table created without a primary key",
    .why =
        "Without a primary key rows cannot be told apart: logical replication cannot replicate "
        "UPDATE and DELETE on it, and tools such as pg_repack, ORMs and online schema change "
        "tools refuse or misbehave.",
    .instead =
        "Give every table a primary key when it is created: an identity column, or the columns "
        "that identify a row.",
};

constexpr uint32_t kLikeIncludingIndexes = 1u << 6;  // CREATE_TABLE_LIKE_INDEXES

bool has_primary_key(const TableInfo& t) {
  for (const ConstraintInfo& c : t.constraints)
    if (c.kind == ConstraintKind::PrimaryKey) return true;
  return false;
}

bool is_temp(const PgQuery__RangeVar* rv) {
  return rv && rv->relpersistence && std::string_view(rv->relpersistence) == "t";
}

// The CREATE statement behind a table, and whether a missing key is expected there: temporary
// tables, partitions (their keys come from the parent), materialized views, and LIKE ... INCLUDING
// INDEXES of a table whose key migsafe cannot see.
const PgQuery__RangeVar* created_relation(const Statement& st, const FileContext& ctx,
                                          bool* exempt) {
  const ProtobufCMessage* m = unwrap(st.node);
  *exempt = false;
  if (const auto* s = as<PgQuery__CreateStmt>(m)) {
    if (is_temp(s->relation) || s->partbound) *exempt = true;
    for (const PgQuery__Node* e : items(s->table_elts, s->n_table_elts)) {
      const auto* like = as<PgQuery__TableLikeClause>(e);
      if (!like || !(like->options & kLikeIncludingIndexes)) continue;
      const TableInfo* source = ctx.catalog().table(ctx.resolve(like->relation));
      if (!source || !source->columns_known || has_primary_key(*source)) *exempt = true;
    }
    return s->relation;
  }
  if (const auto* s = as<PgQuery__CreateTableAsStmt>(m)) {
    if (s->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) *exempt = true;
    const PgQuery__RangeVar* rv = s->into ? s->into->rel : nullptr;
    if (is_temp(rv)) *exempt = true;
    return rv;
  }
  if (const auto* s = as<PgQuery__SelectStmt>(m)) {
    const PgQuery__RangeVar* rv = s->into_clause ? s->into_clause->rel : nullptr;
    if (is_temp(rv)) *exempt = true;
    return rv;
  }
  return nullptr;
}

void finish(Check& c) {
  const FileContext& ctx = c.ctx();
  auto statements = ctx.statements();
  for (const TableInfo* touched : ctx.catalog().touched_tables()) {
    const TableInfo& table = *touched;
    if (table.origin != Origin::ThisFile || has_primary_key(table)) continue;
    if (table.created_statement >= statements.size()) continue;
    const Statement& st = statements[table.created_statement];
    bool exempt = false;
    const PgQuery__RangeVar* rv = created_relation(st, ctx, &exempt);
    if (!rv || exempt) continue;
    // From CREATE to the end of the table's name.
    Tokens tokens(c.file().text(st.span), st.span.begin);
    Span span = st.span;
    if (auto first = tokens.first_at(st.at(rv->location))) {
      // schema.name: the name runs on over `.` and the next part.
      const auto& all = tokens.all();
      size_t k = *first;
      while (k + 2 < all.size() && tokens.text_of(all[k + 1]) == ".") k += 2;
      span.end = all[k].end;
    }
    std::string shown = table.name.display();
    auto finding = c.report(
        span, fmt::format("table {} has no primary key: its rows cannot be told apart, logical "
                          "replication cannot replicate UPDATE or DELETE on it, and tools such as "
                          "pg_repack refuse it",
                          shown));
    finding.finding().statement = st.span;
    finding.help(fmt::format(
        "Declare one when creating it: `id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY`, or "
        "`PRIMARY KEY (...)` over the columns that identify a row. Adding it later builds its "
        "index under ACCESS EXCLUSIVE: `ALTER TABLE {} ADD PRIMARY KEY (...)` is only cheap "
        "while the table is empty.",
        shown));
  }
}

const RegisterRule reg{RuleDef{.meta = kMeta, .finish = finish}};

}  // namespace
}  // namespace migsafe
