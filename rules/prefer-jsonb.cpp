// json stores the input text: every read re-parses it, it has no equality operator and no GIN
// index support. jsonb is what almost every column wants.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/column_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "prefer-jsonb",
    .severity = Severity::Warning,
    .category = "hygiene",
    .summary = "a json column instead of jsonb",
    .why =
        "json keeps the input text: every operator re-parses it, it has no equality operator (=, "
        "DISTINCT, GROUP BY and UNION fail on it) and no GIN index support.",
    .instead =
        "Use jsonb; keep json only where the exact input text must survive (key order, duplicate "
        "keys, whitespace), such as a signed webhook body.",
};

void visit(const PgQuery__ColumnDef& def, Check& c) {
  const auto& u = column_use(def, c);
  if (!u || !u->type.schema.empty() || u->type.name != "json") return;
  std::string col = quote_ident(u->column);
  auto finding = c.report(
      type_span(*u, c),
      fmt::format("{} is json: every read re-parses the stored text, it has no equality operator "
                  "(=, DISTINCT, GROUP BY and UNION fail on it) and no GIN index support",
                  column_display(*u)));
  finding.help(fmt::format(
      "Declare `{} jsonb`. Keep json only if the exact input text must be preserved (key order, "
      "duplicate keys, whitespace), for example a payload whose signature is checked later.",
      col));
  if (u->site == ColumnSite::AlterType) return;
  // Not applied on its own: jsonb normalises key order, duplicates and whitespace.
  finding.fix(type_fix(*u, c, fmt::format("Declare {} jsonb", col), "jsonb", false));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__ColumnDef>(visit)}}};

}  // namespace
}  // namespace migsafe
