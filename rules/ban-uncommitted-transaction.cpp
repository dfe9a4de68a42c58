// A BEGIN with no COMMIT (or ROLLBACK) by the end of the file: the session ends with the
// transaction open, so PostgreSQL rolls the migration back, or a pooled connection keeps its
// locks.
#include <fmt/format.h>

#include "core/check.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-uncommitted-transaction",
    .severity = Severity::Error,
    .category = "hygiene",
    .summary = "a transaction opened with BEGIN that the file never commits",
    .why =
        "When the session ends PostgreSQL rolls the open transaction back: the migration is "
        "silently undone while the tool records it as applied. On a connection that stays open, "
        "its locks stay held and block every query on the tables it touched.",
    .instead = "End every BEGIN with a COMMIT in the same file.",
};

void finish(Check& c) {
  const FileContext& ctx = c.ctx();
  if (!ctx.in_explicit_transaction()) return;
  auto start = ctx.transaction_start();
  if (!start) return;
  auto f = c.report(*start,
                    "this transaction is never committed: when the session ends PostgreSQL rolls "
                    "back everything after this BEGIN (the tool still records the migration as "
                    "applied), and while the connection stays open its locks block every query "
                    "on the tables it changed");
  f.finding().statement = *start;
  f.help("Add `COMMIT;` at the end of the file (or ROLLBACK; if undoing it is the intent).");
  Fix fix;
  fix.title = "Append `COMMIT;` to the file";
  const std::string& bytes = c.file().bytes();
  size_t end = bytes.size();
  // Terminate a last statement written without its semicolon (where it ends, not after a
  // trailing comment).
  auto statements = ctx.statements();
  if (!statements.empty()) {
    Span last = statements.back().span;
    std::string_view text = c.file().text(last);
    if (!text.empty() && text.back() != ';')
      fix.edits.push_back(Edit{Span{last.end, last.end}, ";"});
  }
  std::string text;
  if (end > 0 && bytes[end - 1] != '\n') text += "\n";
  text += "COMMIT;\n";
  fix.edits.push_back(Edit{Span{end, end}, text});
  f.fix(std::move(fix));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .finish = finish}};

}  // namespace
}  // namespace migsafe
