// What a rule reports: where, how bad, what happens, what to do instead, and optionally text
// edits that make the statement safe. Positions are byte spans; reporters turn them into
// 1-based lines and columns.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/source.hpp"

namespace migsafe {

enum class Severity { Info, Warning, Error };
std::string_view severity_name(Severity s);  // "info", "warning", "error"
bool parse_severity(std::string_view text, Severity* out);

// The lowest severity that makes a run fail (exit code 1).
enum class FailOn { Error, Warning, Info, Never };
bool parse_fail_on(std::string_view text, FailOn* out);
// Whether a finding of severity `s` makes the run fail.
bool fails(Severity s, FailOn level);

struct Edit {
  Span span;         // bytes to replace (empty span: insert at span.begin)
  std::string text;  // replacement
};

struct Fix {
  std::string title;
  bool safe = false;  // applied by --fix; otherwise only shown
  std::vector<Edit> edits;
};

struct Related {
  Span span;
  std::string message;
};

struct Finding {
  std::string rule;  // rule id
  Severity severity = Severity::Warning;
  std::string message;
  std::string help;
  Span span;       // the narrowest node that shows the problem
  Span statement;  // the whole statement
  std::vector<Fix> fixes;
  std::vector<Related> related;
  // Bytes of the file a report must never print (a password in the statement): reporters that
  // show source text mask them (see core/secrets.hpp).
  std::vector<Span> redacted;
};

// A finding the filter stage took out of the report: an inline `-- migsafe-ignore` comment, a
// file-level `-- migsafe-ignore-file` comment, or a baseline entry tolerates it. Kept so that
// formats that audit suppressions (json) can show them; every other format leaves them out.
struct SuppressedFinding {
  enum class Kind { Inline, File, Baseline };
  Finding finding;
  Kind kind = Kind::Inline;
  std::string reason;  // the comment's reason after ` -- `, or the baseline file
};
std::string_view suppression_kind_name(SuppressedFinding::Kind k);  // inline, file, baseline

}  // namespace migsafe
