// ADD CONSTRAINT ... PRIMARY KEY / UNIQUE USING INDEX naming an index the schema history says
// cannot back the constraint: missing, on another table, not unique, partial, on expressions,
// or already backing a constraint. PostgreSQL rejects the statement and the migration fails.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"
#include "model/catalog.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "unusable-index-for-constraint",
    .severity = Severity::Error,
    .category = "hygiene",
    .summary = "ADD CONSTRAINT ... USING INDEX with an index that cannot back the constraint",
    .why =
        "USING INDEX turns an existing index into a PRIMARY KEY or UNIQUE constraint. PostgreSQL "
        "rejects an index that does not exist on that table, is not unique, is partial, has "
        "expression columns, or already backs a constraint: the migration fails in the deploy.",
    .instead =
        "Build the unique index first (CREATE UNIQUE INDEX CONCURRENTLY on the constraint's "
        "columns, in an earlier migration), then attach it.",
};

void visit(const PgQuery__AlterTableCmd& cmd, Check& c) {
  if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint &&
      cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse)
    return;
  const auto* con = as<PgQuery__Constraint>(cmd.def);
  if (!con || !con->indexname || !*con->indexname) return;
  if (con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY &&
      con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE)
    return;
  const auto* alter = c.ancestor<PgQuery__AlterTableStmt>();
  if (!alter || !alter->relation) return;
  const FileContext& ctx = c.ctx();
  QualifiedName table = ctx.resolve(alter->relation);
  QualifiedName name{table.schema, con->indexname};
  const Catalog& cat = ctx.catalog();
  const IndexInfo* idx = cat.index(name);
  const TableInfo* t = cat.table(table);
  std::string kind =
      con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ? "PRIMARY KEY" : "UNIQUE";
  std::string problem;
  if (!idx) {
    // Only a table whose whole history migsafe replayed can be said to lack the index.
    if (!t || !t->columns_known) return;
    problem = fmt::format("no index {} exists on {} in the migration history", name.display(),
                          table.display());
  } else if (!(idx->table == table)) {
    problem = fmt::format("{} is an index on {}, not on {}", name.display(), idx->table.display(),
                          table.display());
  } else if (!idx->constraint.empty()) {
    problem =
        fmt::format("{} already backs constraint {}", name.display(), quote_ident(idx->constraint));
  } else if (!idx->unique) {
    problem = fmt::format("{} is not a unique index", name.display());
  } else if (idx->partial) {
    problem = fmt::format("{} is a partial index (it has a WHERE clause)", name.display());
  } else if (idx->expressions) {
    problem = fmt::format("{} indexes an expression, not plain columns", name.display());
  } else if (!idx->valid) {
    problem = fmt::format("{} is INVALID (its concurrent build failed)", name.display());
  } else {
    return;
  }
  std::string cols;
  if (idx && !idx->expressions)
    for (size_t i = 0; i < idx->columns.size(); ++i)
      cols += (i ? ", " : "") + quote_ident(idx->columns[i]);
  if (cols.empty()) cols = "<columns>";
  c.report(c.subcommand_span(cmd), fmt::format("ADD CONSTRAINT ... {} USING INDEX {} fails: {}",
                                               kind, name.display(), problem))
      .help(fmt::format(
          "Build a plain unique index on the constraint's columns first, in an earlier migration "
          "and outside a transaction block, then attach it:\n"
          "  CREATE UNIQUE INDEX CONCURRENTLY {0} ON {1} ({2});\n"
          "  ALTER TABLE {1} ADD CONSTRAINT {0} {3} USING INDEX {0};",
          quote_ident(!idx || idx->table == table ? std::string(con->indexname)
                                                  : std::string(con->indexname) + "_new"),
          table.display(), cols, kind));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__AlterTableCmd>(visit)}}};

}  // namespace
}  // namespace migsafe
