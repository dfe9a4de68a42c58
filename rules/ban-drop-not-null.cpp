// ALTER COLUMN ... DROP NOT NULL on an existing column (or ALTER DOMAIN ... DROP NOT NULL): code
// written when the column could not be NULL meets NULLs.
#include <fmt/format.h>

#include "core/alter_util.hpp"
#include "core/check.hpp"
#include "core/object_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-drop-not-null",
    .severity = Severity::Warning,
    .category = "compatibility",
    .summary = "DROP NOT NULL on an existing column or domain",
    .why =
        "Code written while the column could not be NULL (the running application, reports, "
        "other services, PL/pgSQL) may fail or compute wrong results on the first NULL.",
    .instead =
        "Make every reader handle NULL and deploy that first; then drop NOT NULL in a later "
        "migration. If writers only need to omit the value, give the column a DEFAULT instead.",
};

void visit_column(const PgQuery__AlterTableCmd& cmd, Check& c) {
  if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull || !cmd.name) return;
  auto t = existing_table_target(cmd, c);
  if (!t || is_new_column(c.ctx(), t->table, cmd.name)) return;
  std::string col = quote_ident(cmd.name);
  const std::string& table = t->table_sql;
  auto finding = c.report(
      c.subcommand_span(cmd),
      fmt::format("DROP NOT NULL lets {0}.{1} hold NULL: code written while it could not (the "
                  "application that is running now, reports, other services, functions) may "
                  "fail or compute wrong results on the first row where {1} is NULL",
                  table, col));
  finding.help(fmt::format(
      "Make every reader of {0}.{1} handle NULL and deploy that first; drop NOT NULL in a later "
      "migration. If the goal is only to let inserts leave {1} out, keep NOT NULL and give it a "
      "default instead: `ALTER TABLE {0} ALTER COLUMN {1} SET DEFAULT <value>;`.",
      table, col));
}

void visit_domain(const PgQuery__AlterDomainStmt& s, Check& c) {
  if (!s.subtype || std::string_view(s.subtype) != "N") return;
  QualifiedName domain = c.ctx().resolve_list(s.type_name, s.n_type_name);
  if (c.ctx().is_new_object(ObjectKind::Type, domain)) return;
  auto finding = c.report(
      c.statement_span(),
      fmt::format("DROP NOT NULL lets every column of domain {} hold NULL: code written while "
                  "they could not may fail or compute wrong results on the first NULL",
                  domain.display()));
  finding.help(fmt::format(
      "Make every reader of the columns of type {} handle NULL and deploy that first; drop NOT "
      "NULL in a later migration.",
      domain.display()));
}

const RegisterRule reg{RuleDef{.meta = kMeta,
                               .visits = {on<PgQuery__AlterTableCmd>(visit_column),
                                          on<PgQuery__AlterDomainStmt>(visit_domain)}}};

}  // namespace
}  // namespace migsafe
