// Renaming a view, materialized view, function, procedure, type, domain, sequence, index, schema,
// enum value, view column, composite-type attribute or table constraint that the migration did not
// create: code that still uses the old name breaks. Tables and columns have their own rules
// (renaming-table, renaming-column).
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"
#include "core/object_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "renaming-object",
    .severity = Severity::Warning,
    .category = "compatibility",
    .summary = "renaming a view, function, type, sequence, index, schema or enum value",
    .why =
        "Code that is running while the migration applies still uses the old name: queries, "
        "calls and casts that name it fail from the moment the rename commits.",
    .instead =
        "Keep the old name working until every client uses the new one (a view or wrapper "
        "function under the old name), or rename in a deploy that changes the code at the same "
        "time.",
};

struct Renamed {
  std::string what;         // "view reporting.daily_sales"
  std::string old_display;  // how code names it
  std::string new_display;
  std::string breaks;  // what fails
  std::string keep;    // how to keep the old name working
};

std::optional<Renamed> describe(const PgQuery__RenameStmt& s, Check& c) {
  const FileContext& ctx = c.ctx();
  std::string newname = s.newname ? s.newname : "";
  std::string sub = s.subname ? s.subname : "";
  auto relation = [&]() { return ctx.resolve(s.relation); };
  auto renamed_to = [&](QualifiedName n) {
    n.name = newname;
    return n.display();
  };
  Renamed r;
  switch (s.rename_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW: {
      QualifiedName n = relation();
      if (is_new_object_of_type(ctx, s.rename_type, n)) return std::nullopt;
      r.what = fmt::format("{} {}", object_noun(s.rename_type), n.display());
      r.old_display = n.display();
      r.new_display = renamed_to(n);
      r.breaks =
          fmt::format("queries that read {} fail with \"relation does not exist\"", r.old_display);
      r.keep = s.rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW
                   ? fmt::format(
                         "in the same transaction, create a view under the old name "
                         "(`CREATE VIEW {} AS SELECT * FROM {};`) and drop it once no "
                         "code reads {}",
                         r.old_display, r.new_display, r.old_display)
                   : fmt::format(
                         "in the same transaction, create a plain view under the old "
                         "name (`CREATE VIEW {} AS SELECT * FROM {};`) and drop it once "
                         "no code reads {}",
                         r.old_display, r.new_display, r.old_display);
      return r;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: {
      QualifiedName n = relation();
      if (ctx.is_new_object(ObjectKind::Sequence, n)) return std::nullopt;
      r.what = "sequence " + n.display();
      r.old_display = n.display();
      r.new_display = renamed_to(n);
      r.breaks = fmt::format("code that calls nextval('{}') or currval('{}') fails", r.old_display,
                             r.old_display);
      r.keep =
          "column defaults follow the rename by themselves; change the code that names the "
          "sequence in the same deploy, or leave the name alone";
      return r;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: {
      QualifiedName n = relation();
      if (is_new_object_of_type(ctx, s.rename_type, n)) return std::nullopt;
      r.what = "index " + n.display();
      r.old_display = n.display();
      r.new_display = renamed_to(n);
      r.breaks = fmt::format(
          "code that names {} fails (query hints, ON CONFLICT ON CONSTRAINT when it backs a "
          "constraint, which is renamed with it, scripts that REINDEX, CLUSTER or DROP it by "
          "name), though clients rarely name an index",
          r.old_display);
      r.keep = "check that nothing names the index before renaming it";
      return r;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE: {
      QualifiedName n = ctx.resolve_object(s.object);
      if (is_new_object_of_type(ctx, s.rename_type, n)) return std::nullopt;
      r.what = fmt::format("{} {}", object_noun(s.rename_type), n.display());
      r.old_display = n.display();
      r.new_display = renamed_to(n);
      r.breaks = fmt::format(
          "calls of {} fail with \"{} does not exist\"", r.old_display,
          s.rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE ? "procedure" : "function");
      r.keep = fmt::format(
          "create the function under the new name instead and turn {} into a thin wrapper that "
          "calls it; drop the wrapper once no code calls it",
          r.old_display);
      return r;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN: {
      QualifiedName n = ctx.resolve_object(s.object);
      if (is_new_object_of_type(ctx, s.rename_type, n)) return std::nullopt;
      r.what = fmt::format("{} {}", object_noun(s.rename_type), n.display());
      r.old_display = n.display();
      r.new_display = renamed_to(n);
      r.breaks = fmt::format(
          "casts to {} and code that names it (parameter types, function signatures in client "
          "code) fail with \"type does not exist\"",
          r.old_display);
      r.keep =
          "a type has no alias: change the code that names it in the same deploy, or leave the "
          "name alone";
      return r;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: {
      QualifiedName n{"", sub};
      if (ctx.is_new_object(ObjectKind::Schema, n)) return std::nullopt;
      r.what = "schema " + quote_ident(sub);
      r.old_display = quote_ident(sub);
      r.new_display = quote_ident(newname);
      r.breaks = fmt::format(
          "every name qualified with {0} stops resolving, and search_path settings that list {0} "
          "no longer find anything there",
          r.old_display);
      r.keep =
          "a schema has no alias: move the code and the search_path settings to the new name in "
          "the same deploy, or leave the name alone";
      return r;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN: {
      // Table columns are renaming-column's; view columns are named by queries all the same.
      if (s.relation_type != PG_QUERY__OBJECT_TYPE__OBJECT_VIEW &&
          s.relation_type != PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW)
        return std::nullopt;
      QualifiedName n = relation();
      if (is_new_object_of_type(ctx, s.relation_type, n)) return std::nullopt;
      r.what = fmt::format("column {} of {} {}", quote_ident(sub), object_noun(s.relation_type),
                           n.display());
      r.old_display = quote_ident(sub);
      r.new_display = quote_ident(newname);
      r.breaks = fmt::format("queries that select {} from {} fail with \"column does not exist\"",
                             r.old_display, n.display());
      r.keep =
          "add the new column to the view next to the old one (CREATE OR REPLACE VIEW can "
          "add columns at the end), move the readers, then remove the old column";
      return r;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_ATTRIBUTE: {
      QualifiedName n = relation();
      if (ctx.is_new_object(ObjectKind::Type, n)) return std::nullopt;
      r.what = fmt::format("attribute {} of type {}", quote_ident(sub), n.display());
      r.old_display = quote_ident(sub);
      r.new_display = quote_ident(newname);
      r.breaks = fmt::format("code that reads ({}).{} fails", n.display(), r.old_display);
      r.keep = "change the code that reads the attribute in the same deploy";
      return r;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT: {
      QualifiedName table = relation();
      if (ctx.is_new_table(table)) return std::nullopt;
      const TableInfo* info = ctx.catalog().table(table);
      const ConstraintInfo* con = info ? info->constraint(sub) : nullptr;
      if (con && is_new(con->origin)) return std::nullopt;
      r.what = fmt::format("constraint {} of {}", quote_ident(sub), table.display());
      r.old_display = quote_ident(sub);
      r.new_display = quote_ident(newname);
      r.breaks = fmt::format(
          "INSERT ... ON CONFLICT ON CONSTRAINT {} fails, and code that recognises errors by "
          "the constraint's name stops recognising them",
          r.old_display);
      r.keep =
          "write ON CONFLICT with the column list (`ON CONFLICT (col)`), which does not "
          "depend on the name, and deploy that first";
      return r;
    }
    default:
      return std::nullopt;
  }
}

void visit_rename(const PgQuery__RenameStmt& s, Check& c) {
  auto r = describe(s, c);
  if (!r) return;
  auto finding = c.report(
      c.statement_span(),
      fmt::format("Renaming {} to {} breaks code that still uses the old name: {} from the "
                  "moment this commits",
                  r->what, r->new_display, r->breaks));
  finding.help(fmt::format(
      "Keep {} working until every client uses {}: {}. Meanwhile deploy the code that uses the new "
      "name.",
      r->old_display, r->new_display, r->keep));
}

void visit_enum(const PgQuery__AlterEnumStmt& s, Check& c) {
  if (!s.old_val || !*s.old_val || !s.new_val) return;  // RENAME VALUE sets both
  QualifiedName type = c.ctx().resolve_list(s.type_name, s.n_type_name);
  if (c.ctx().is_new_object(ObjectKind::Type, type)) return;
  auto finding = c.report(
      c.statement_span(),
      fmt::format("Renaming value '{0}' of enum {1} to '{2}' breaks code that still uses "
                  "'{0}': every statement that writes or compares '{0}' fails with \"invalid "
                  "input value for enum {1}\" from the moment this commits",
                  s.old_val, type.display(), s.new_val));
  finding.help(fmt::format(
      "An enum value has no alias. Add '{1}' next to '{0}' (`ALTER TYPE {2} ADD VALUE '{1}' "
      "AFTER '{0}';`, committed on its own), make the code accept both and write '{1}', update "
      "the rows in batches, and stop using '{0}'; PostgreSQL cannot drop an enum value, so "
      "'{0}' stays in the type unused.",
      s.old_val, s.new_val, type.display()));
}

const RegisterRule reg{RuleDef{
    .meta = kMeta,
    .visits = {on<PgQuery__RenameStmt>(visit_rename), on<PgQuery__AlterEnumStmt>(visit_enum)}}};

}  // namespace
}  // namespace migsafe
