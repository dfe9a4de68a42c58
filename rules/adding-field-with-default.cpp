// ADD COLUMN on an existing table that the lock model says rewrites it (a volatile or unknown
// default, identity, stored generated, serial, or any default before PostgreSQL 11): the table
// and all its indexes are copied under ACCESS EXCLUSIVE.
#include <fmt/format.h>

#include "core/alter_util.hpp"
#include "core/check.hpp"
#include "core/node_util.hpp"
#include "model/catalog.hpp"
#include "model/volatility.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "adding-field-with-default",
    .severity = Severity::Error,
    .category = "locking",
    .summary = "ADD COLUMN whose default or generated value rewrites the table",
    .why =
        "A volatile default (clock_timestamp(), gen_random_uuid(), random()), a serial, identity "
        "or stored generated column, or any default before PostgreSQL 11 makes ADD COLUMN write a "
        "new copy of the table and rebuild every index while ACCESS EXCLUSIVE blocks reads and "
        "writes.",
    .instead =
        "Add the column without the default, set the default for new rows with ALTER COLUMN ... "
        "SET DEFAULT, and backfill existing rows in batches.",
};

// The spans of the column's constraints of the given kinds.
std::vector<Span> constraint_spans(Check& c, const PgQuery__ColumnDef& def, Span column,
                                   std::initializer_list<PgQuery__ConstrType> kinds) {
  std::vector<Span> out;
  for (const PgQuery__Node* n : column_constraints(def)) {
    const auto* con = as<PgQuery__Constraint>(n);
    if (!con || std::find(kinds.begin(), kinds.end(), con->contype) == kinds.end()) continue;
    if (auto s = column_constraint_span(c, def, *con, column)) out.push_back(*s);
  }
  return out;
}

// The default expression as written ("" when it is not a DEFAULT clause of the column).
std::string default_text(Check& c, const PgQuery__ColumnDef& def, Span column) {
  for (Span s : constraint_spans(c, def, column, {PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT})) {
    auto kw = c.tokens().find_word(s.begin, "default");
    if (kw && kw->end < s.end) return sql_text(c, Span{kw->end, s.end});
  }
  return "";
}

std::string integer_of_serial(const TypeRef& t) {
  if (t.name == "bigserial") return "bigint";
  if (t.name == "smallserial") return "smallint";
  return "integer";
}

std::string help_text(Check& c, const PgQuery__AlterTableCmd& cmd, const PgQuery__ColumnDef& def,
                      const AlterTarget& t, Tri rewrite) {
  ColumnFacts f = column_facts(def);
  Span span = c.subcommand_span(cmd);
  const std::string& table = t.table_sql;
  std::string column = def.colname ? def.colname : "?";
  std::string col = quote_ident(column);
  // The column as written, without what fills the existing rows (and without NOT NULL, which
  // cannot hold before the backfill).
  std::string plain = sql_text_without(
      c, span,
      constraint_spans(
          c, def, span,
          {PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT, PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL,
           PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY, PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED,
           PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY, PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE}));
  std::string after;
  if (f.not_null || f.identity || f.serial || f.primary_key)
    after += "Then make it NOT NULL without a long lock:\n" +
             not_null_recipe(table, {column}, c.ctx().pg_version());
  if (f.primary_key || f.unique) {
    std::string index =
        quote_ident(t.table.name + (f.primary_key ? "_pkey" : "_" + column + "_key"));
    after += fmt::format(
        "Then build its unique index without blocking writes and attach it (a brief lock, no "
        "scan):\n"
        "  CREATE UNIQUE INDEX CONCURRENTLY {0} ON {1} ({2});  -- outside a transaction block\n"
        "  ALTER TABLE {1} ADD CONSTRAINT {0} {3} USING INDEX {0};\n",
        index, table, col, f.primary_key ? "PRIMARY KEY" : "UNIQUE");
  }
  const std::string batches = "  -- backfill in batches, each in its own transaction:\n";
  std::string out;
  if (c.ctx().pg_version() < 11 && f.default_expr) {
    std::string expr = default_text(c, def, span);
    out = fmt::format(
        "Before PostgreSQL 11 every default is written into every row. Add the column without it, "
        "set the default for new rows (ALTER COLUMN ... SET DEFAULT does not rewrite), and "
        "backfill "
        "the existing rows in batches:\n"
        "  ALTER TABLE {0} {1};\n"
        "  ALTER TABLE {0} ALTER COLUMN {2} SET DEFAULT {3};\n"
        "{4}"
        "  UPDATE {0} SET {2} = {3} WHERE {2} IS NULL AND <key range>;\n",
        table, plain, col, expr, batches);
  } else if (f.serial) {
    std::string seq = quote_ident(t.table.name + "_" + column + "_seq");
    std::string seq_literal = "'" + seq + "'";
    out = fmt::format(
        "A {0} column's nextval() default is volatile. Add a plain {1} column, give it the "
        "sequence as default for new rows, and number the existing rows in batches:\n"
        "  ALTER TABLE {2} ADD COLUMN {3} {1};\n"
        "  CREATE SEQUENCE {4} OWNED BY {2}.{3};\n"
        "  ALTER TABLE {2} ALTER COLUMN {3} SET DEFAULT nextval({5});\n"
        "{6}"
        "  UPDATE {2} SET {3} = nextval({5}) WHERE {3} IS NULL AND <key range>;\n",
        f.type.display(), integer_of_serial(f.type), table, col, seq, seq_literal, batches);
  } else if (f.identity) {
    out = fmt::format(
        "Adding an identity column fills every existing row. Add a plain column, fill it in "
        "batches, make it NOT NULL, and only then make it an identity column (no rewrite):\n"
        "  ALTER TABLE {0} {1};\n"
        "{2}"
        "  UPDATE {0} SET {3} = ... WHERE {3} IS NULL AND <key range>;\n"
        "{4}"
        "  ALTER TABLE {0} ALTER COLUMN {3} ADD GENERATED BY DEFAULT AS IDENTITY;\n"
        "  -- and move its sequence past the existing values with setval().\n",
        table, plain, batches, col, not_null_recipe(table, {column}, c.ctx().pg_version()));
    after.clear();
  } else if (f.generated_stored) {
    out = fmt::format(
        "A stored generated column is computed for every existing row. Add a plain column, keep it "
        "up to date with a BEFORE INSERT OR UPDATE trigger (or in the application), and fill the "
        "existing rows in batches:\n"
        "  ALTER TABLE {0} {1};\n"
        "  -- CREATE TRIGGER ... BEFORE INSERT OR UPDATE ON {0} ... (sets NEW.{2})\n"
        "{3}"
        "  UPDATE {0} SET {2} = <expression> WHERE {2} IS NULL AND <key range>;\n",
        table, plain, col, batches);
  } else {
    std::string expr = default_text(c, def, span);
    ExpressionVolatility v = expression_volatility(f.default_expr, c.ctx().function_lookup());
    std::string unknown =
        rewrite == Tri::Maybe
            ? fmt::format(
                  "migsafe cannot see how {} is declared (it is not built in and not created "
                  "earlier in this file). If it is STABLE or IMMUTABLE there is no rewrite and "
                  "this finding can be ignored; a VOLATILE function (the default for CREATE "
                  "FUNCTION) rewrites. ",
                  v.function.empty() ? std::string("the default") : v.function)
            : std::string();
    out = fmt::format(
        "{0}Add the column without the default, set the default for new rows (ALTER COLUMN ... SET "
        "DEFAULT does not rewrite), and backfill the existing rows in batches:\n"
        "  ALTER TABLE {1} {2};\n"
        "  ALTER TABLE {1} ALTER COLUMN {3} SET DEFAULT {4};\n"
        "{5}"
        "  UPDATE {1} SET {3} = {4} WHERE {3} IS NULL AND <key range>;\n",
        unknown, table, plain, col, expr, batches);
  }
  out += after;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

void visit(const PgQuery__AlterTableCmd& cmd, Check& c) {
  if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn &&
      cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse)
    return;
  const auto* def = as<PgQuery__ColumnDef>(cmd.def);
  if (!def) return;
  auto t = existing_table_target(cmd, c);
  if (!t || t->effect->rewrite == Tri::No) return;
  std::string col = quote_ident(def->colname ? def->colname : "?");
  bool maybe = t->effect->rewrite == Tri::Maybe;
  std::string blocked(blocked_traffic(t->lock->mode));
  auto finding = c.report(
      c.subcommand_span(cmd),
      fmt::format("ADD COLUMN {} {} {} and all its indexes under {}: {}; {}{} on {} are blocked "
                  "until the copy is finished",
                  col, maybe ? "may rewrite" : "rewrites", t->table_sql, lock_name(t->lock->mode),
                  t->effect->rewrite_reason, maybe ? "if it does, " : "", blocked, t->table_sql));
  finding.help(help_text(c, cmd, *def, *t, t->effect->rewrite));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__AlterTableCmd>(visit)}}};

}  // namespace
}  // namespace migsafe
