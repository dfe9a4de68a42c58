// A value added by ALTER TYPE ... ADD VALUE used later in the same transaction: PostgreSQL
// rejects it ("unsafe use of new value") until the ALTER TYPE has committed, so the migration
// fails there.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "enum-add-value-used-in-transaction",
    .severity = Severity::Error,
    .category = "locking",
    .summary = "a new enum value used in the transaction that added it",
    .why =
        "A value added with ALTER TYPE ... ADD VALUE cannot be used until that transaction "
        "commits: PostgreSQL rejects the statement with \"unsafe use of new value\" and the "
        "migration fails.",
    .instead =
        "Commit the ADD VALUE first (a migration of its own, or a COMMIT right after it) and use "
        "the value in a later transaction.",
};

// The first string constant of the statement that spells a value added in the open transaction
// (a constant cast to some other type is not a use of the enum value).
struct Use {
  const AddedEnumValue* added = nullptr;
  int location = -1;
  bool cast_to_enum = false;
};

std::optional<Use> first_use(Check& c) {
  const auto& added = c.ctx().enum_values_added_in_transaction();
  std::optional<Use> found;
  TreeWalker walker;
  walker.walk(unwrap(c.statement().node), [&](const ProtobufCMessage& m,
                                              std::span<const ProtobufCMessage* const> up) {
    if (found) return false;
    const auto* k = as<PgQuery__AConst>(&m);
    if (!k || k->isnull || k->val_case != PG_QUERY__A__CONST__VAL_SVAL || !k->sval ||
        !k->sval->sval)
      return true;
    std::string_view text = k->sval->sval;
    const auto* cast = up.empty() ? nullptr : as<PgQuery__TypeCast>(up.back());
    for (const AddedEnumValue& a : added) {
      if (a.value != text) continue;
      bool to_enum = false;
      if (cast && cast->type_name) {
        QualifiedName type = c.ctx().resolve_list(cast->type_name->names, cast->type_name->n_names);
        if (type.name != a.type.name) continue;  // 'shipped'::text is just text
        to_enum = true;
      }
      found = Use{&a, k->location, to_enum};
      return false;
    }
    return true;
  });
  return found;
}

void statement(Check& c) {
  if (c.ctx().enum_values_added_in_transaction().empty()) return;
  if (as<PgQuery__AlterEnumStmt>(unwrap(c.statement().node))) return;
  auto use = first_use(c);
  if (!use) return;
  const AddedEnumValue& a = *use->added;
  std::string type = a.type.display();
  uint32_t line = c.file().position(a.where.begin).line;
  auto finding = c.report(
      c.token_at(use->location),
      fmt::format("'{0}' was added to {1} on line {2} in this same transaction; {3}PostgreSQL "
                  "rejects it with \"unsafe use of new value \"{0}\" of enum type {1}\" until "
                  "that transaction commits, so the migration fails here",
                  a.value, type, line,
                  use->cast_to_enum ? "" : "used as a value of " + type + ", "));
  finding.related(a.where, fmt::format("'{}' is added here", a.value));
  const FileContext& ctx = c.ctx();
  finding.help(fmt::format(
      "Commit the ALTER TYPE {0} ADD VALUE '{1}' before anything uses '{1}': {2}. Adding the "
      "value is safe to run on its own (it locks no table); the statements that use it follow in "
      "the next transaction.",
      type, a.value,
      ctx.in_explicit_transaction()
          ? "put a COMMIT right after it (and a BEGIN before the rest), or move it to a migration "
            "of its own"
          : "your migration tool runs the whole file in one transaction, so move it to a "
            "migration file of its own that runs before this one"));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .statement = statement}};

}  // namespace
}  // namespace migsafe
