// Identifiers longer than 63 bytes: PostgreSQL truncates them without an error, so the stored
// name differs from the written one and two long names that share their first 63 bytes are the
// same name.
#include <fmt/format.h>

#include <set>

#include "core/check.hpp"
#include "core/names.hpp"

namespace migsafe {
namespace {

constexpr size_t kMaxIdentifierBytes = 63;  // NAMEDATALEN - 1

const RuleMeta kMeta{
    .id = "identifier-too-long",
    .severity = Severity::Warning,
    .category = "hygiene",
    .summary = "an identifier longer than 63 bytes, which PostgreSQL silently truncates",
    .why =
        "PostgreSQL cuts identifiers to 63 bytes with only a NOTICE: the object gets a name other "
        "than the one written, and two long names that share their first 63 bytes collide (the "
        "second CREATE fails, or a reference finds the wrong object).",
    .instead = "Choose names of at most 63 bytes (abbreviate, or drop redundant parts).",
};

// The identifier as PostgreSQL reads it: quotes removed ("" -> "), unquoted ASCII folded.
std::string identifier_value(std::string_view raw, bool* quoted) {
  *quoted = !raw.empty() && raw.front() == '"';
  std::string out;
  if (*quoted) {
    for (size_t i = 1; i + 1 < raw.size(); ++i) {
      out += raw[i];
      if (raw[i] == '"') ++i;  // "" stands for one quote
    }
    return out;
  }
  for (char ch : raw) out += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
  return out;
}

// The first `limit` bytes of `s`, cut back to a whole UTF-8 character (as pg_mbcliplen does).
std::string clip(std::string_view s, size_t limit) {
  size_t n = std::min(limit, s.size());
  while (n > 0 && n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

std::string quoted_form(std::string_view value) {
  std::string out = "\"";
  for (char ch : value) {
    out += ch;
    if (ch == '"') out += '"';
  }
  return out + "\"";
}

void statement(Check& c) {
  if (!may_hold_long_identifier(c.statement_text(), kMaxIdentifierBytes)) return;
  const Tokens& tk = c.tokens();
  std::set<std::string> seen;
  for (const Token& t : tk.all()) {
    if (t.kind != PG_QUERY__TOKEN__IDENT) continue;
    std::string_view raw = tk.text_of(t);
    bool quoted = false;
    std::string value = identifier_value(raw, &quoted);
    if (value.size() <= kMaxIdentifierBytes || !seen.insert(value).second) continue;
    std::string kept = clip(value, kMaxIdentifierBytes);
    auto finding = c.report(
        Span{t.begin, t.end},
        fmt::format("`{}` is {} bytes long: PostgreSQL silently truncates identifiers to 63 "
                    "bytes, so the name it stores and looks up is `{}`, and any other name that "
                    "shares those 63 bytes is the same name",
                    value, value.size(), kept));
    finding.help(
        "Choose a name of at most 63 bytes: abbreviate its parts or drop redundant ones (a table "
        "name repeated in a constraint name, say). A name PostgreSQL generates itself (for an "
        "unnamed constraint or index) is shortened more carefully than this truncation.");
    // PostgreSQL reads the written name exactly as the clipped one, so nothing changes.
    Fix fix;
    fix.title = fmt::format("Write the name PostgreSQL keeps: `{}`", kept);
    fix.safe = true;
    fix.edits.push_back(
        Edit{Span{t.begin, t.end}, quoted ? quoted_form(kept) : clip(raw, kMaxIdentifierBytes)});
    finding.fix(std::move(fix));
  }
}

const RegisterRule reg{RuleDef{.meta = kMeta, .statement = statement}};

}  // namespace
}  // namespace migsafe
