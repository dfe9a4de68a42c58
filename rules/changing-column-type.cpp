// ALTER COLUMN ... TYPE on an existing table that the lock model says rewrites it (or may, when
// the old type is not known from this file): the table is copied and its indexes rebuilt under
// ACCESS EXCLUSIVE. Changes known to be binary coercible are not reported.
#include <fmt/format.h>

#include "core/alter_util.hpp"
#include "core/check.hpp"
#include "core/node_util.hpp"
#include "model/catalog.hpp"
#include "model/types.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "changing-column-type",
    .severity = Severity::Error,
    .category = "locking",
    .summary = "ALTER COLUMN TYPE that rewrites the table and rebuilds its indexes",
    .why =
        "Unless the old type is binary coercible to the new one, ALTER COLUMN ... TYPE writes a "
        "new copy of the table and rebuilds every index while ACCESS EXCLUSIVE blocks reads and "
        "writes.",
    .instead =
        "Expand and contract: add a column of the new type, keep it in sync, backfill it in "
        "batches, then swap the columns in a short transaction.",
};

void visit(const PgQuery__AlterTableCmd& cmd, Check& c) {
  if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType || !cmd.name) return;
  const auto* def = as<PgQuery__ColumnDef>(cmd.def);
  if (!def) return;
  auto t = existing_table_target(cmd, c);
  if (!t || t->effect->rewrite == Tri::No) return;
  bool maybe = t->effect->rewrite == Tri::Maybe;
  std::string column(cmd.name);
  std::string col = quote_ident(column);
  std::string type = type_ref(def->type_name).display();
  const std::string& table = t->table_sql;
  std::string lock(lock_name(t->lock->mode));
  std::string blocked(blocked_traffic(t->lock->mode));
  std::string message =
      maybe ? fmt::format(
                  "ALTER COLUMN {} TYPE {} takes {} on {}: {}; if it rewrites, {} on {} "
                  "are blocked until it finishes",
                  col, type, lock, table, t->effect->rewrite_reason, blocked, table)
            : fmt::format(
                  "ALTER COLUMN {} TYPE {} rewrites {} and rebuilds its indexes under {}: "
                  "{}; {} on {} are blocked until it finishes",
                  col, type, table, lock, t->effect->rewrite_reason, blocked, table);
  auto finding = c.report(c.subcommand_span(cmd), message);
  // How a row's new value is computed: the USING expression as written, or a cast.
  std::string convert = fmt::format("{}::{}", col, type);
  if (def->raw_default) {
    Span span = c.subcommand_span(cmd);
    if (auto using_clause = from_word(c, span, "using")) {
      auto kw = c.tokens().find_word(using_clause->begin, "using");
      if (kw) convert = sql_text(c, Span{kw->end, using_clause->end});
    }
  }
  // timestamp <-> timestamptz whose only obstacle is the session TimeZone.
  const TableInfo* info = c.ctx().catalog().table(t->table);
  const ColumnInfo* current = info ? info->column(column) : nullptr;
  if (current && !def->raw_default && !def->coll_clause &&
      classify_type_change(current->type, type_ref(def->type_name), false, false, Tri::Yes)
              .rewrite == Tri::No) {
    finding.help(fmt::format(
        "With the session TimeZone set to UTC, {0} to {1} keeps every stored value and does not "
        "rewrite. If the stored values are meant as UTC, run it as:\n"
        "  BEGIN;\n"
        "  SET LOCAL TimeZone = 'UTC';\n"
        "  ALTER TABLE {2} ALTER COLUMN {3} TYPE {1};\n"
        "  COMMIT;",
        current->type.display(), type, table, col));
    return;
  }
  std::string fresh = quote_ident(column + "_new");
  std::string old = quote_ident(column + "_old");
  finding.help(fmt::format(
      "Change the type by expand and contract, so no statement holds a long lock:\n"
      "  ALTER TABLE {0} ADD COLUMN {1} {2};\n"
      "  -- keep it in sync: a BEFORE INSERT OR UPDATE trigger that sets NEW.{1} from NEW.{4}\n"
      "  -- (or write both columns from the application)\n"
      "  -- backfill in batches, each in its own transaction:\n"
      "  UPDATE {0} SET {1} = {3} WHERE {1} IS NULL AND <key range>;\n"
      "  -- recreate NOT NULL (CHECK ... NOT VALID + VALIDATE), defaults and indexes (CREATE "
      "INDEX CONCURRENTLY) on {1}\n"
      "  -- then swap in one short transaction, and drop the trigger:\n"
      "  ALTER TABLE {0} RENAME COLUMN {4} TO {5};\n"
      "  ALTER TABLE {0} RENAME COLUMN {1} TO {4};\n"
      "  -- once nothing reads it any more: ALTER TABLE {0} DROP COLUMN {5};\n"
      "These changes do not rewrite and need none of this: varchar(n) to varchar(m > n) or "
      "text; numeric(p,s) to numeric(p' > p,s) or numeric; cidr to inet; a larger precision of "
      "timestamp, time or interval; timestamp <-> timestamptz after SET LOCAL TimeZone = 'UTC'.",
      table, fresh, type, convert, col, old));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__AlterTableCmd>(visit)}}};

}  // namespace
}  // namespace migsafe
