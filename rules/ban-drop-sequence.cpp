// DROP SEQUENCE of a sequence the migration did not create: nextval() calls fail, and a column
// default that uses it makes the drop fail (or, with CASCADE, loses its default).
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/object_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-drop-sequence",
    .severity = Severity::Warning,
    .category = "compatibility",
    .summary = "DROP SEQUENCE of a sequence the migration did not create",
    .why =
        "Code that calls nextval() or currval() on the sequence fails once the drop commits; a "
        "column default that uses it makes the drop fail, or with CASCADE loses its default so "
        "inserts that rely on it fail.",
    .instead =
        "Move column defaults and code off the sequence, deploy that, then drop it in a later "
        "migration.",
};

void visit(const PgQuery__DropStmt& s, Check& c) {
  if (s.remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE) return;
  auto sequences = existing_dropped(s, c.ctx());
  if (sequences.empty()) return;
  std::string names = names_phrase(sequences);
  bool one = sequences.size() == 1;
  auto finding = c.report(
      c.statement_span(),
      fmt::format("DROP SEQUENCE deletes {0}: code that calls nextval() or currval() on {1} "
                  "fails with \"relation does not exist\" from the moment this commits, and a "
                  "column default that uses {1} makes the drop fail{2}",
                  names, one ? "it" : "them",
                  s.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE
                      ? " (with CASCADE the default is dropped, and inserts that relied on it "
                        "store NULL or fail)"
                      : ""));
  finding.help(fmt::format(
      "Retire {0} in steps: give the columns that use {1} another default (`ALTER TABLE ... "
      "ALTER COLUMN ... SET DEFAULT ...`, or an identity column), stop calling {1} in the code, "
      "deploy that, and drop {1} in a later migration. A sequence owned by a column (serial) is "
      "dropped together with that column, without a DROP SEQUENCE.",
      one ? "the sequence" : "the sequences", one ? "it" : "them"));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__DropStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
