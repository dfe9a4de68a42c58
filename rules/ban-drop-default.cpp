// ALTER COLUMN ... DROP DEFAULT (or SET DEFAULT NULL) on an existing column, or ALTER DOMAIN ...
// DROP DEFAULT: inserts that leave the column out start storing NULL, or fail on NOT NULL.
#include <fmt/format.h>

#include "core/alter_util.hpp"
#include "core/check.hpp"
#include "core/node_util.hpp"
#include "core/object_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-drop-default",
    .severity = Severity::Warning,
    .category = "compatibility",
    .summary = "DROP DEFAULT on an existing column or domain",
    .why =
        "Inserts of the running code that leave the column out relied on the default: they "
        "fail with a not-null violation, or silently store NULL.",
    .instead =
        "Make every writer supply the value and deploy that first; then drop the default in a "
        "later migration.",
};

bool drops_default(const PgQuery__AlterTableCmd& cmd) {
  if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault) return false;
  if (!cmd.def) return true;  // DROP DEFAULT
  const auto* k = as<PgQuery__AConst>(cmd.def);
  return k && k->isnull;  // SET DEFAULT NULL
}

void visit_column(const PgQuery__AlterTableCmd& cmd, Check& c) {
  if (!drops_default(cmd) || !cmd.name) return;
  auto t = existing_table_target(cmd, c);
  if (!t || is_new_column(c.ctx(), t->table, cmd.name)) return;
  const TableInfo* info = c.ctx().catalog().table(t->table);
  const ColumnInfo* column = info ? info->column(cmd.name) : nullptr;
  if (column && column->identity) return;  // PostgreSQL rejects DROP DEFAULT on identity columns
  std::string col = quote_ident(cmd.name);
  const std::string& table = t->table_sql;
  std::string outcome =
      column && column->not_null
          ? fmt::format("fail with a not-null violation, since {} is NOT NULL", col)
          : fmt::format("store NULL in {} (or fail, if {} is NOT NULL)", col, col);
  auto finding = c.report(
      c.subcommand_span(cmd),
      fmt::format("Dropping the default of {0}.{1} changes what inserts that leave {1} out do: "
                  "the code that is running now relied on the default, and its inserts now {2}",
                  table, col, outcome));
  finding.help(fmt::format(
      "Make every writer of {0} supply {1} explicitly (the application, imports, other "
      "services, triggers) and deploy that first; drop the default in a later migration.",
      table, col));
}

void visit_domain(const PgQuery__AlterDomainStmt& s, Check& c) {
  if (!s.subtype || std::string_view(s.subtype) != "T" || s.def) return;
  QualifiedName domain = c.ctx().resolve_list(s.type_name, s.n_type_name);
  if (c.ctx().is_new_object(ObjectKind::Type, domain)) return;
  auto finding = c.report(
      c.statement_span(),
      fmt::format("Dropping the default of domain {}: inserts that leave a column of this type "
                  "out, and relied on the domain's default, now store NULL or fail",
                  domain.display()));
  finding.help(fmt::format(
      "Make every writer supply the columns of type {} explicitly and deploy that first; drop "
      "the default in a later migration.",
      domain.display()));
}

const RegisterRule reg{RuleDef{.meta = kMeta,
                               .visits = {on<PgQuery__AlterTableCmd>(visit_column),
                                          on<PgQuery__AlterDomainStmt>(visit_domain)}}};

}  // namespace
}  // namespace migsafe
