// ALTER COLUMN ... TYPE to a type that cannot hold every value of the old one, when the old type
// is known: values that do not fit make the statement fail after a partial rewrite, or are
// rounded or cut without an error. A different hazard from the rewrite itself
// (changing-column-type).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/alter_util.hpp"
#include "core/check.hpp"
#include "core/node_util.hpp"
#include "core/object_util.hpp"
#include "model/types.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "narrowing-type-change",
    .severity = Severity::Warning,
    .category = "compatibility",
    .summary = "ALTER COLUMN TYPE to a narrower type that can fail on or change stored values",
    .why =
        "Values that do not fit the new type make the ALTER fail after it has rewritten part of "
        "the table, or are rounded, cut or converted without any error: the old values are lost.",
    .instead =
        "Find and fix the rows that do not fit first, or keep the wider type and enforce the "
        "limit with a CHECK constraint added NOT VALID and validated separately.",
};

// How the USING clause converts the column: nullopt when it computes something else (the
// migration chose its own conversion), otherwise whether it is an explicit cast of the column.
std::optional<bool> explicit_cast_of_column(const PgQuery__Node* using_expr,
                                            std::string_view column) {
  if (!using_expr) return false;
  const PgQuery__Node* e = using_expr;
  bool cast = false;
  if (const auto* tc = as<PgQuery__TypeCast>(e)) {
    e = tc->arg;
    cast = true;
  }
  const auto* ref = as<PgQuery__ColumnRef>(e);
  if (ref && ref->n_fields >= 1 && string_value(ref->fields[ref->n_fields - 1]) == column)
    return cast;
  return std::nullopt;
}

// A query that counts the rows the change affects, when the type family makes one obvious.
std::string affected_rows_query(const std::string& table, const std::string& col,
                                const TypeRef& from, const TypeRef& to) {
  const std::string& b = to.name;
  if (from.array || to.array) return "";
  if ((b == "varchar" || b == "bpchar") && !to.mods.empty())
    return fmt::format("SELECT count(*) FROM {} WHERE length({}) > {};", table, col, to.mods[0]);
  if (b == "int2")
    return fmt::format("SELECT count(*) FROM {} WHERE {} NOT BETWEEN -32768 AND 32767;", table,
                       col);
  if (b == "int4")
    return fmt::format("SELECT count(*) FROM {} WHERE {} NOT BETWEEN -2147483648 AND 2147483647;",
                       table, col);
  if (b == "numeric" && to.mods.size() == 2 && (from.name == "numeric" || from.name == "float8"))
    return fmt::format(
        "SELECT count(*) FROM {0} WHERE {1} <> round({1}, {2}) OR abs({1}) >= 1e{3};", table, col,
        to.mods[1], to.mods[0] - to.mods[1]);
  return "";
}

void visit(const PgQuery__AlterTableCmd& cmd, Check& c) {
  if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType || !cmd.name) return;
  const auto* def = as<PgQuery__ColumnDef>(cmd.def);
  if (!def) return;
  auto t = existing_table_target(cmd, c);
  if (!t || is_new_column(c.ctx(), t->table, cmd.name)) return;
  const TableInfo* info = c.ctx().catalog().table(t->table);
  const ColumnInfo* column = info ? info->column(cmd.name) : nullptr;
  if (!column || column->type.empty()) return;  // the old type is not known
  auto explicit_cast = explicit_cast_of_column(def->raw_default, cmd.name);
  if (!explicit_cast) return;  // USING computes its own values
  TypeRef from = column->type;
  TypeRef to = type_ref(def->type_name);
  TypeNarrowing n = narrowing_type_change(from, to, *explicit_cast);
  if (!n.any()) return;
  std::string col = quote_ident(cmd.name);
  const std::string& table = t->table_sql;
  std::vector<std::string> effects;
  if (!n.fails.empty())
    effects.push_back(
        fmt::format("the statement fails on {} after it has already rewritten part of {} under {}",
                    n.fails, table, lock_name(t->lock->mode)));
  if (!n.loses.empty()) effects.push_back(fmt::format("without any error, {}", n.loses));
  std::string message = fmt::format("Changing {}.{} from {} to {} narrows it: {}", table, col,
                                    from.display(), to.display(), fmt::join(effects, "; "));
  auto finding = c.report(c.subcommand_span(cmd), message);
  std::string query = affected_rows_query(table, col, from, to);
  std::string check;
  if ((to.name == "varchar" || to.name == "bpchar") && !to.mods.empty() && !to.array)
    check = fmt::format(
        " To enforce a shorter maximum without narrowing the type (and without a rewrite), add "
        "`ALTER TABLE {0} ADD CONSTRAINT {1} CHECK (length({2}) <= {3}) NOT VALID;` and `ALTER "
        "TABLE {0} VALIDATE CONSTRAINT {1};` in a separate transaction.",
        table, quote_ident(t->table.name + "_" + cmd.name + "_length"), col, to.mods[0]);
  finding.help(fmt::format(
      "Look at the values that will not survive first{}, and fix them in batches (or decide that "
      "losing them is intended) before changing the type.{} The type change itself also "
      "rewrites the table; see changing-column-type for doing it without a long lock.",
      query.empty() ? "" : fmt::format(" (`{}`)", query), check));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__AlterTableCmd>(visit)}}};

}  // namespace
}  // namespace migsafe
