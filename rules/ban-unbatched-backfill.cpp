// An UPDATE of every row of an existing table (no WHERE, a WHERE that is always true, or
// `new_column IS NULL` right after adding the column), or a DELETE whose WHERE matches every row,
// in one statement: every row stays locked until the migration commits, the table doubles in
// dead rows and replicas fall behind.
#include <fmt/format.h>

#include <cctype>

#include "core/alter_util.hpp"
#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-unbatched-backfill",
    .severity = Severity::Warning,
    .category = "data",
    .summary = "an UPDATE or DELETE that touches every row of an existing table in one statement",
    .why =
        "One statement over the whole table locks every row it changes until the migration "
        "commits (concurrent writes to those rows wait), leaves a dead copy of every row for "
        "VACUUM, and sends the whole change to replicas at once.",
    .instead =
        "Backfill in batches of a few thousand rows, each in its own transaction, outside the "
        "schema migration (a script or a background job), until no rows are left.",
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

bool constant_true(const PgQuery__Node* n) {
  if (const auto* c = as<PgQuery__AConst>(n))
    return c->val_case == PG_QUERY__A__CONST__VAL_BOOLVAL && c->boolval && c->boolval->boolval;
  if (const auto* e = as<PgQuery__AExpr>(n)) {
    if (e->kind != PG_QUERY__A__EXPR__KIND__AEXPR_OP || e->n_name != 1 ||
        string_value(e->name[0]) != "=")
      return false;
    auto l = const_text(e->lexpr);
    auto r = const_text(e->rexpr);
    return l && r && *l == *r;
  }
  return false;
}

// `col IS NULL` where col was added to this existing table earlier in the migration with no
// default: every row still has NULL there, so the condition selects the whole table.
std::string new_null_column(const PgQuery__Node* n, const QualifiedName& table, Check& c) {
  const auto* test = as<PgQuery__NullTest>(n);
  if (!test || test->nulltesttype != PG_QUERY__NULL_TEST_TYPE__IS_NULL) return "";
  const auto* ref = as<PgQuery__ColumnRef>(test->arg);
  if (!ref || ref->n_fields == 0) return "";
  std::string col(string_value(ref->fields[ref->n_fields - 1]));
  const TableInfo* t = c.ctx().catalog().table(table);
  if (!t || is_new(t->origin)) return "";
  const ColumnInfo* info = t->column(col);
  if (!info || info->origin != Origin::ThisFile || info->has_default) return "";
  return col;
}

// The primary key column to batch by (`id` when the catalog does not know a single-column one).
std::string batch_key(const QualifiedName& table, Check& c) {
  if (const TableInfo* t = c.ctx().catalog().table(table)) {
    for (const ConstraintInfo& con : t->constraints)
      if (con.kind == ConstraintKind::PrimaryKey && con.columns.size() == 1)
        return quote_ident(con.columns[0]);
  }
  return "id";
}

// The SET list of an UPDATE, as one line: from its first target to the FROM / WHERE /
// RETURNING that ends it.
std::string set_clause(const PgQuery__UpdateStmt& s, Check& c) {
  if (s.n_target_list == 0) return "...";
  const auto* first = as<PgQuery__ResTarget>(s.target_list[0]);
  if (!first) return "...";
  const Tokens& tk = c.tokens();
  size_t begin = c.statement().at(first->location);
  auto i = tk.first_at(begin);
  if (!i) return "...";
  int depth = 0;
  size_t end = begin;
  for (size_t k = *i; k < tk.all().size(); ++k) {
    const Token& t = tk.all()[k];
    std::string w = lower(tk.text_of(t));
    if (w == "(" || w == "[") ++depth;
    if (w == ")" || w == "]") --depth;
    if (depth == 0 && (w == "from" || w == "where" || w == "returning" || w == ";")) break;
    end = t.end;
  }
  return sql_text(c, Span{begin, end});
}

void visit_update(const PgQuery__UpdateStmt& s, Check& c) {
  if (!s.relation) return;
  QualifiedName table = c.ctx().resolve(s.relation);
  if (c.ctx().is_new_table(table)) return;
  std::string null_col = s.where_clause ? new_null_column(s.where_clause, table, c) : "";
  bool whole = !s.where_clause || constant_true(s.where_clause) || !null_col.empty();
  if (!whole || s.from_clause) return;
  std::string name = table.display();
  std::string key = batch_key(table, c);
  std::string set = set_clause(s, c);
  std::string why =
      !s.where_clause ? fmt::format("UPDATE {} has no WHERE", name)
      : null_col.empty()
          ? fmt::format("UPDATE {}'s WHERE is always true", name)
          : fmt::format(
                "UPDATE {} ... WHERE {} IS NULL matches every row ({} was added by this "
                "migration without a default)",
                name, quote_ident(null_col), quote_ident(null_col));
  auto finding = c.report(
      c.statement_span(),
      fmt::format("{}: it changes every row of {} in one transaction, each row stays locked until "
                  "the migration commits (concurrent writes to it wait), every row leaves a dead "
                  "copy behind, and replicas receive the whole change at once",
                  why, name));
  std::string recipe;
  if (!null_col.empty()) {
    recipe = fmt::format(
        "  UPDATE {0} SET {1}\n"
        "  WHERE {2} IN (SELECT {2} FROM {0} WHERE {3} IS NULL ORDER BY {2} LIMIT 5000);\n"
        "repeated until it updates no rows (make sure the new value is never NULL, or the loop "
        "never ends).",
        name, set, key, quote_ident(null_col));
  } else {
    recipe = fmt::format(
        "  UPDATE {0} SET {1}\n"
        "  WHERE {2} >= :start AND {2} < :start + 5000;\n"
        "for :start from min({2}) to max({2}) in steps of 5000.",
        name, set, key);
  }
  finding.help(fmt::format(
      "Backfill outside the schema migration (a script or background job), in batches of a few "
      "thousand rows, each committed on its own so locks stay short and VACUUM keeps up:\n{}",
      recipe));
}

void visit_delete(const PgQuery__DeleteStmt& s, Check& c) {
  // A DELETE with no WHERE at all is ban-delete-without-where's: there it is data loss first.
  if (!s.relation || !s.where_clause || s.using_clause) return;
  QualifiedName table = c.ctx().resolve(s.relation);
  if (c.ctx().is_new_table(table)) return;
  std::string null_col = new_null_column(s.where_clause, table, c);
  if (!constant_true(s.where_clause) && null_col.empty()) return;
  std::string name = table.display();
  std::string key = batch_key(table, c);
  std::string cond = null_col.empty() ? "true" : quote_ident(null_col) + " IS NULL";
  auto finding = c.report(
      c.statement_span(),
      fmt::format("DELETE FROM {} WHERE {} matches every row: they are all deleted in one "
                  "transaction, each stays locked until the migration commits, and every one "
                  "leaves a dead row for VACUUM",
                  name, cond));
  finding.help(
      fmt::format("Delete in batches outside the schema migration, each committed on its own:\n"
                  "  DELETE FROM {0} WHERE {1} IN (SELECT {1} FROM {0} WHERE {2} LIMIT 5000);\n"
                  "repeated until it deletes no rows.",
                  name, key, cond));
}

const RegisterRule reg{RuleDef{
    .meta = kMeta,
    .visits = {on<PgQuery__UpdateStmt>(visit_update), on<PgQuery__DeleteStmt>(visit_delete)}}};

}  // namespace
}  // namespace migsafe
