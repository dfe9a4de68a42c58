// Secrets written into a migration: role passwords, user mapping passwords, subscription
// connection strings with a password. One place finds them, so that ban-hardcoded-password
// reports them and every report (whatever rule it is for) masks them instead of echoing them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/parse.hpp"
#include "core/source.hpp"

namespace migsafe {

struct Secret {
  Span option;   // `PASSWORD '...'`, `password '...'`, `CONNECTION '...'`
  Span literal;  // the string constant, quotes included
  Span value;    // the bytes to mask: the literal without its quotes
  std::string_view
      what;  // "role password", "user mapping password", "subscription connection string"
};

// The secrets of one statement (empty for statements that cannot hold one).
std::vector<Secret> find_secrets(const Statement& stmt, const SourceFile& file);

// `text`, which starts at file offset `base`, with every byte inside `redacted` replaced by '*'
// (one '*' per code point, so columns stay where they were).
std::string mask(std::string_view text, size_t base, const std::vector<Span>& redacted);

// Removes `secrets` (what find_secrets found in the file's statements, in order) from
// findings: attaches to each finding the secret spans its report would show (its statement and
// the source lines of its span), scrubs any copy of a secret from its message, help and notes,
// and drops fixes whose text would write the secret out again.
struct Finding;
void redact_secrets(const SourceFile& file, const std::vector<Secret>& secrets,
                    std::vector<Finding>& findings);

}  // namespace migsafe
