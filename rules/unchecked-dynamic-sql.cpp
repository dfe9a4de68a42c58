// EXECUTE of a string built at run time inside a DO block or a routine the migration calls:
// the SQL it runs is not known until then, so no rule can check it. Reported by the linter
// itself (it is the one that reads PL/pgSQL bodies); this file holds the rule's metadata.
#include "core/check.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "unchecked-dynamic-sql",
    .severity = Severity::Info,
    .category = "locking",
    .summary = "EXECUTE of SQL built at run time, which migsafe cannot check",
    .why =
        "A DO block or routine that EXECUTEs a string built from variables or format() runs "
        "statements nobody reviewed for locks and rewrites: migsafe checks constant EXECUTE "
        "strings like any statement, but cannot know what a computed one will be.",
    .instead =
        "Write the statements out (as plain statements or EXECUTE of constant strings) so they "
        "are checked, or review the generated SQL by hand.",
};

const RegisterRule reg{RuleDef{.meta = kMeta}};

}  // namespace
}  // namespace migsafe
