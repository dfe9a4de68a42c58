// Suppression comments that suppress nothing: an unknown rule name, a rule that is not enabled
// for the file, a rule that reports nothing on the statement, or a comment after the last
// statement. Reported by the filter stage (config/suppress.cpp), which is the only place that
// knows what each comment suppressed; this file holds the rule's metadata and option.
#include "core/check.hpp"

namespace migsafe {
namespace {

constexpr RuleOption kOptions[] = {
    {.name = "report_squawk_comments",
     .kind = RuleOption::Kind::Boolean,
     .fallback = "true",
     .help = "false: never report `-- squawk-ignore` comments (kept from before the switch to "
             "migsafe) that suppress nothing"},
};

const RuleMeta kMeta{
    .id = "unused-suppression",
    .severity = Severity::Warning,
    .category = "hygiene",
    .summary = "a migsafe-ignore comment that suppresses nothing",
    .why =
        "A suppression that matches no finding is either a typo, which leaves the finding it was "
        "meant for reported, or stale, and then it silently hides the next real problem on that "
        "statement.",
    .instead = "Fix the rule name, or remove the comment once its finding is gone.",
    .options = kOptions,
};

const RegisterRule reg{RuleDef{.meta = kMeta}};

}  // namespace
}  // namespace migsafe
