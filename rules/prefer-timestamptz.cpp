// timestamp without time zone stores a wall-clock reading with no zone: values written from
// sessions in different time zones, or across a daylight-saving change, cannot be compared.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/column_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "prefer-timestamptz",
    .severity = Severity::Warning,
    .category = "hygiene",
    .summary = "a timestamp (without time zone) column instead of timestamptz",
    .why =
        "timestamp stores a wall-clock reading without its zone: rows written by sessions or "
        "servers in different time zones cannot be compared, and an hour repeats at every "
        "daylight-saving change.",
    .instead =
        "Use timestamptz: it stores an absolute instant in the same 8 bytes and converts to the "
        "session's TimeZone on input and output.",
};

void visit(const PgQuery__ColumnDef& def, Check& c) {
  const auto& u = column_use(def, c);
  if (!u || !u->type.schema.empty() || u->type.name != "timestamp") return;
  std::string precision = u->type.mods.size() == 1 ? fmt::format("({})", u->type.mods[0]) : "";
  std::string wanted = "timestamptz" + precision;
  std::string col = quote_ident(u->column);
  auto finding = c.report(
      type_span(*u, c),
      fmt::format("{} is timestamp without time zone: it stores wall-clock readings with no zone, "
                  "so values written from sessions in different time zones cannot be compared "
                  "and times around a daylight-saving change are ambiguous",
                  column_display(*u)));
  if (u->site == ColumnSite::AlterType) {
    finding.help(fmt::format(
        "Change it to {} instead. The conversion reads the existing values in the session's "
        "TimeZone; with TimeZone = 'UTC' (SET LOCAL TimeZone = 'UTC') and UTC values it is done "
        "without a rewrite (PostgreSQL 12+).",
        wanted));
    return;
  }
  finding.help(fmt::format("Declare `{} {}`: the same 8 bytes, an absolute instant.", col, wanted));
  // Not applied on its own: drivers return zone-aware values for timestamptz (Python's
  // datetime, for one, cannot be compared with a naive one) and naive input is read in the
  // session's TimeZone.
  finding.fix(type_fix(*u, c, fmt::format("Declare {} {}", col, wanted), wanted, false));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__ColumnDef>(visit)}}};

}  // namespace
}  // namespace migsafe
