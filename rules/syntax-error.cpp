// Statements PostgreSQL cannot parse. Reported by the linter itself (the parser finds them);
// this file holds the rule's metadata so it is listed, documented and selectable like any rule.
#include "core/check.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "syntax-error",
    .severity = Severity::Error,
    .category = "syntax",
    .summary = "a statement PostgreSQL cannot parse",
    .why =
        "The migration fails when it reaches this statement, possibly after earlier statements "
        "were applied outside a transaction.",
    .instead = "Fix the statement; migsafe still checks every other statement of the file.",
};

const RegisterRule reg{RuleDef{.meta = kMeta}};

}  // namespace
}  // namespace migsafe
