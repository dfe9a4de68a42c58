// char(n) pads every value with spaces to n characters; it is neither smaller nor faster than
// text and its trailing-space semantics surprise applications.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/column_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-char-field",
    .severity = Severity::Warning,
    .category = "hygiene",
    .summary = "a char(n) / character(n) column",
    .why =
        "char(n) pads every value with spaces to n characters: trailing spaces are ignored when "
        "comparing but returned to clients and lost on conversion to text, and it is no smaller "
        "or faster than text.",
    .instead =
        "Use text (with CHECK (char_length(col) = n) when the length really is fixed) or "
        "varchar.",
};

void visit(const PgQuery__ColumnDef& def, Check& c) {
  const auto& u = column_use(def, c);
  // bpchar is what the parser makes of char, char(n) and character(n); a quoted "char" is the
  // one-byte internal type and is not reported.
  if (!u || !u->type.schema.empty() || u->type.name != "bpchar") return;
  long long n = u->type.mods.size() == 1 ? u->type.mods[0] : 1;
  std::string col = quote_ident(u->column);
  auto finding = c.report(
      type_span(*u, c),
      fmt::format("{} is char({}): every value is padded with spaces to {} character{}; the "
                  "padding is ignored in comparisons, returned to clients, and dropped when the "
                  "value becomes text ({} || 'x')",
                  column_display(*u), n, n, n == 1 ? "" : "s", col));
  finding.help(fmt::format(
      "Declare `{} text` (add `CHECK (char_length({}) = {})` if every value must have exactly "
      "{} characters).",
      col, col, n, n));
  if (u->site == ColumnSite::AlterType) return;
  // Not applied on its own: existing code may rely on the padding.
  finding.fix(type_fix(*u, c, fmt::format("Declare {} text", col), "text", false));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__ColumnDef>(visit)}}};

}  // namespace
}  // namespace migsafe
