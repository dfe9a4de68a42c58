// Path globs for the config file's `exclude` and `[[overrides]] paths`. A glob is matched
// against a `/`-separated path relative to the config file's directory.
#pragma once

#include <string>
#include <string_view>

namespace migsafe {

// `*`, `?` and `[...]` match within one path segment (fnmatch(3) rules, a leading dot is not
// special); `**` as a whole segment matches any number of segments, none included. A glob
// that matches a directory also matches everything under it: `legacy` and `legacy/**` both
// match legacy/V1.sql.
bool glob_match(std::string_view glob, std::string_view path);

// Why a glob cannot be used (empty, absolute, `..`, an unterminated `[`), or "" when it can.
std::string glob_problem(std::string_view glob);

}  // namespace migsafe
