// Suppression comments without a reason after ` -- `. Opt-in: enabled by
// `require_suppression_reason = true` in the config (or --select). Reported by the filter
// stage (config/suppress.cpp); this file holds the rule's metadata.
#include "core/check.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "require-suppression-reason",
    .severity = Severity::Error,
    .category = "hygiene",
    .summary = "a suppression comment that does not say why the statement is safe",
    .why =
        "A reviewer cannot check a suppression that gives no reason, and the next person to "
        "touch the migration cannot tell a considered exception from a silenced alarm.",
    .instead = "Write the reason after ` -- `: `-- migsafe-ignore rule -- why it is safe here`.",
    .default_enabled = false,
};

const RegisterRule reg{RuleDef{.meta = kMeta}};

}  // namespace
}  // namespace migsafe
