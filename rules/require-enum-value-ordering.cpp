// ALTER TYPE ... ADD VALUE without BEFORE or AFTER on an existing enum: the value goes to the end
// of the sort order, which matters when queries compare enum values (<, >, ORDER BY).
#include <fmt/format.h>

#include "core/check.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "require-enum-value-ordering",
    .severity = Severity::Info,
    .category = "compatibility",
    .summary = "ALTER TYPE ... ADD VALUE without BEFORE or AFTER",
    .why =
        "Without BEFORE or AFTER the new value sorts after every existing one: queries that "
        "compare enum values (status < 'approved') or ORDER BY the column treat it as the "
        "largest.",
    .instead =
        "Say where the value belongs with BEFORE or AFTER when the enum's order means something; "
        "appending is right when it does not.",
    .default_enabled = false,
};

void visit(const PgQuery__AlterEnumStmt& s, Check& c) {
  // ADD VALUE sets new_val alone; RENAME VALUE sets old_val as well.
  if (!s.new_val || (s.old_val && *s.old_val) || (s.new_val_neighbor && *s.new_val_neighbor))
    return;
  QualifiedName type = c.ctx().resolve_list(s.type_name, s.n_type_name);
  if (c.ctx().is_new_object(ObjectKind::Type, type)) return;
  auto finding = c.report(
      c.statement_span(),
      fmt::format("ADD VALUE '{0}' without BEFORE or AFTER puts '{0}' after every existing value "
                  "of {1}: queries that compare {1} values (<, >, BETWEEN) or ORDER BY a {1} "
                  "column treat '{0}' as the largest",
                  s.new_val, type.display()));
  finding.help(fmt::format(
      "If the order of {0} means something (a workflow, a severity), say where '{1}' belongs: "
      "`ALTER TYPE {0} ADD VALUE '{1}' BEFORE '<existing value>';` (or AFTER). If nothing "
      "compares {0} values, appending is right: comparisons with values added in the middle are "
      "slightly slower.",
      type.display(), s.new_val));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__AlterEnumStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
