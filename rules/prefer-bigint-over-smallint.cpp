// A key column (primary key, identity/serial, foreign key, `id` / `*_id`) declared smallint: it
// runs out at 32,767 and widening it later rewrites the table.
#include "core/check.hpp"
#include "core/column_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "prefer-bigint-over-smallint",
    .severity = Severity::Warning,
    .category = "hygiene",
    .summary = "a key column declared smallint or smallserial instead of bigint",
    .why =
        "A smallint key runs out at 32,767: from then on every INSERT fails. Widening it later "
        "rewrites the table and its indexes under ACCESS EXCLUSIVE, together with every column "
        "that references it.",
    .instead = "Declare key columns bigint (or bigint GENERATED ... AS IDENTITY) from the start.",
};

void visit(const PgQuery__ColumnDef& def, Check& c) {
  check_integer_key_width(def, c, "int2");
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__ColumnDef>(visit)}}};

}  // namespace
}  // namespace migsafe
