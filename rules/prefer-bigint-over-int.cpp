// A key column (primary key, identity/serial, foreign key, `id` / `*_id`) declared integer: it
// runs out at 2^31 - 1 and widening it later rewrites the table.
#include "core/check.hpp"
#include "core/column_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "prefer-bigint-over-int",
    .severity = Severity::Warning,
    .category = "hygiene",
    .summary = "a key column declared integer or serial instead of bigint",
    .why =
        "An integer key runs out at 2,147,483,647: from then on every INSERT fails. Widening it "
        "later rewrites the table and its indexes under ACCESS EXCLUSIVE, together with every "
        "column that references it.",
    .instead = "Declare key columns bigint (or bigint GENERATED ... AS IDENTITY) from the start.",
};

void visit(const PgQuery__ColumnDef& def, Check& c) {
  check_integer_key_width(def, c, "int4");
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__ColumnDef>(visit)}}};

}  // namespace
}  // namespace migsafe
