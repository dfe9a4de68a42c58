// Constructors of the individual formats (one .cpp each) and helpers they share.
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "report/reporter.hpp"

namespace migsafe {

std::unique_ptr<Reporter> make_text_reporter(std::ostream& out, const ReportOptions& options);
std::unique_ptr<Reporter> make_gcc_reporter(std::ostream& out, const ReportOptions& options);
std::unique_ptr<Reporter> make_json_reporter(std::ostream& out, const ReportOptions& options);
std::unique_ptr<Reporter> make_sarif_reporter(std::ostream& out, const ReportOptions& options);
std::unique_ptr<Reporter> make_github_reporter(std::ostream& out, const ReportOptions& options);
std::unique_ptr<Reporter> make_gitlab_reporter(std::ostream& out, const ReportOptions& options);
std::unique_ptr<Reporter> make_junit_reporter(std::ostream& out, const ReportOptions& options);
// `check --diff`: the fixes of each file as a unified diff instead of a report.
std::unique_ptr<Reporter> make_diff_reporter(std::ostream& out, const ReportOptions& options);

// A path as the user should see it: relative to base_dir when inside it, else unchanged.
std::string display_path(const std::string& path, const std::string& base_dir);
namespace report_detail {
// display_path through std::filesystem alone (display_path answers a path of plain names below
// the base directory with string operations; for tests, the reference for that shortcut).
std::string display_path_general(const std::string& path, const std::string& base_dir);
}  // namespace report_detail
// GitHub workflow-command escaping: the message (data) and property values.
std::string github_escape_data(std::string_view text);
std::string github_escape_property(std::string_view text);
// Text for XML 1.0 attributes (or element content): markup characters escaped, invalid UTF-8
// and characters XML forbids replaced with U+FFFD; in attributes also quotes, and tabs and line
// breaks become character references so that parsers keep them.
std::string xml_escape(std::string_view text, bool attribute = true);
// Collapses a message onto one line (for line-oriented formats).
std::string one_line(std::string_view text);
// Passes each byte of one_line(text) to `out` without building the string. Bytes equal to
// `drop` (when it is not NUL) are left out first, as if erased from `text` beforehand.
template <class Out>
void for_each_one_line_byte(std::string_view text, Out&& out, char drop = '\0') {
  bool space = false, any = false;
  for (char c : text) {
    if (drop != '\0' && c == drop) continue;
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = true;
      continue;
    }
    if (space && any) out(' ');
    space = false;
    any = true;
    out(c);
  }
}

}  // namespace migsafe
