// varchar(n): the limit lives in the type, so changing it later is an ALTER COLUMN TYPE under
// ACCESS EXCLUSIVE (a rewrite when it shrinks); text with a CHECK says the same and can change
// without blocking.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/column_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "prefer-text-field",
    .severity = Severity::Info,
    .category = "hygiene",
    .summary = "a varchar(n) column instead of text with a CHECK constraint",
    .why =
        "The length limit is part of the type: changing it later is ALTER COLUMN TYPE, which takes "
        "ACCESS EXCLUSIVE and rewrites the table when the limit shrinks.",
    .instead =
        "Use text with CHECK (char_length(col) <= n): a new limit is a new CHECK added NOT VALID "
        "and validated without blocking writes.",
};

void visit(const PgQuery__ColumnDef& def, Check& c) {
  const auto& u = column_use(def, c);
  if (!u || !u->type.schema.empty() || u->type.name != "varchar" || u->type.array) return;
  if (u->type.mods.size() != 1) return;  // plain varchar is text under another name
  long long n = u->type.mods[0];
  std::string col = quote_ident(u->column);
  std::string table = u->table.display();
  auto finding = c.report(
      type_span(*u, c),
      fmt::format("{} is varchar({}): to change that limit later you need ALTER COLUMN TYPE, "
                  "which takes ACCESS EXCLUSIVE on {} (and rewrites it when the limit shrinks)",
                  column_display(*u), n, table));
  std::string check = fmt::format("CHECK (char_length({}) <= {})", col, n);
  if (u->site == ColumnSite::CreateTable || (u->site == ColumnSite::AddColumn && u->new_table)) {
    finding.help(fmt::format(
        "Declare `{} text {}`. Raising the limit later is then: ADD a new CHECK ... NOT VALID, "
        "VALIDATE it (no blocking lock), DROP the old one.",
        col, check));
    // Not applied on its own: a too-long value then fails with check_violation (23514) instead
    // of string_data_right_truncation (22001), and a cast to varchar(n) no longer truncates.
    finding.fix(type_fix(*u, c, fmt::format("Declare {} text {}", col, check),
                         fmt::format("text {}", check), false));
    return;
  }
  finding.help(
      fmt::format("Use text and a separate constraint:\n"
                  "  ALTER TABLE {0} {1} {2} text;\n"
                  "  ALTER TABLE {0} ADD CONSTRAINT {3} {4} NOT VALID;\n"
                  "  ALTER TABLE {0} VALIDATE CONSTRAINT {3};  -- in a later transaction",
                  table, u->site == ColumnSite::AddColumn ? "ADD COLUMN" : "ALTER COLUMN",
                  u->site == ColumnSite::AddColumn ? col : col + " TYPE",
                  quote_ident(u->table.name + "_" + u->column + "_length"), check));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__ColumnDef>(visit)}}};

}  // namespace
}  // namespace migsafe
