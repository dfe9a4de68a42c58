// DROP ... CASCADE (and ALTER TABLE ... DROP COLUMN / CONSTRAINT ... CASCADE) of objects the
// migration did not create: every dependent object is dropped too, silently, without the
// migration naming it.
#include <fmt/format.h>

#include <cctype>

#include "core/alter_util.hpp"
#include "core/check.hpp"
#include "core/node_util.hpp"
#include "core/object_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-drop-cascade",
    .severity = Severity::Error,
    .category = "compatibility",
    .summary = "DROP ... CASCADE, which silently drops every dependent object",
    .why =
        "CASCADE drops everything that depends on the object (views, foreign keys, defaults, "
        "triggers, whole columns for a type, everything in a schema) without the migration "
        "naming it; PostgreSQL only lists them in NOTICEs.",
    .instead =
        "Drop without CASCADE: PostgreSQL then refuses and lists the dependants; drop or change "
        "those explicitly first, so the migration says everything it removes.",
};

// What typically depends on an object of this type and goes with it.
std::string dependants(PgQuery__ObjectType t) {
  switch (t) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
      return "views that read it and the foreign keys of other tables that reference it";
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
      return "views and materialized views built on it, and functions that return its row type";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN:
      return "every column of that type, with its data, and the functions and views that use it";
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
      return "every table, view, function, type and sequence in it, data included";
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE:
      return "the triggers, column defaults, CHECK constraints, indexes and views that use it";
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
      return "the column defaults that call nextval() on it";
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
      return "the constraints and foreign keys that rely on it";
    case PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION:
      return "every column, index, view and function that uses the extension's types and functions";
    default:
      return "whatever depends on it";
  }
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

void report(Check& c, Span span, const std::string& what, const std::string& names,
            const std::string& deps) {
  auto finding = c.report(
      span,
      fmt::format("{} ... CASCADE also drops everything that depends on {}: {}. None of it is "
                  "named in the migration, and PostgreSQL only lists it in NOTICEs",
                  what, names, deps));
  std::string without = what + " ...";
  if (auto kw = last_word(c, "cascade"))
    without = sql_text_without(c, c.statement_span(), {Span{kw->begin, kw->end}});
  while (!without.empty() && (without.back() == ';' || without.back() == ' ')) without.pop_back();
  finding.help(fmt::format(
      "Drop without CASCADE first (on a copy of production, or with `BEGIN; {}; ROLLBACK;`): "
      "PostgreSQL refuses and lists what depends on {} (`DETAIL: ... depends on ...`). Drop or "
      "change each of those explicitly in the migration, with the same care as any other drop, "
      "then drop {} without CASCADE.",
      without, names, names));
  if (auto fix = remove_cascade_fix(c)) finding.fix(std::move(*fix));
}

void visit_drop(const PgQuery__DropStmt& s, Check& c) {
  if (s.behavior != PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE) return;
  // Objects created earlier in this migration only have dependants created after them.
  auto existing = existing_dropped(s, c.ctx());
  if (existing.empty()) return;
  std::string noun(object_noun(s.remove_type));
  report(c, c.statement_span(), "DROP " + upper(noun), names_phrase(existing),
         dependants(s.remove_type));
}

void visit_alter(const PgQuery__AlterTableCmd& cmd, Check& c) {
  if (cmd.behavior != PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE || !cmd.name) return;
  bool column = cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn;
  bool constraint = cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint;
  if (!column && !constraint) return;
  auto t = existing_table_target(cmd, c);
  if (!t) return;
  if (column && is_new_column(c.ctx(), t->table, cmd.name)) return;
  if (constraint) {
    const TableInfo* info = c.ctx().catalog().table(t->table);
    const ConstraintInfo* con = info ? info->constraint(cmd.name) : nullptr;
    if (con && is_new(con->origin)) return;
    // Only a primary key or unique constraint has dependants (the foreign keys that use its
    // index); CASCADE on a CHECK, foreign key or exclusion constraint drops nothing more.
    ConstraintKind kind = constraint_kind(c.ctx(), t->table, cmd.name);
    if (kind == ConstraintKind::Check || kind == ConstraintKind::ForeignKey ||
        kind == ConstraintKind::Exclusion)
      return;
  }
  std::string name = fmt::format("{}.{}", t->table_sql, quote_ident(cmd.name));
  report(c, c.subcommand_span(cmd), column ? "DROP COLUMN" : "DROP CONSTRAINT", name,
         column ? "the views that select the column, and the indexes and constraints that use it"
                : "the foreign keys of other tables that rely on its index");
}

const RegisterRule reg{RuleDef{
    .meta = kMeta,
    .visits = {on<PgQuery__DropStmt>(visit_drop), on<PgQuery__AlterTableCmd>(visit_alter)}}};

}  // namespace
}  // namespace migsafe
