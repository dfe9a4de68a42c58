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
// `check --diff`: the fixes of each file as a unified diff instead of a report.
std::unique_ptr<Reporter> make_diff_reporter(std::ostream& out, const ReportOptions& options);

// A path as the user should see it: relative to base_dir when inside it, else unchanged.
std::string display_path(const std::string& path, const std::string& base_dir);
// Collapses a message onto one line (for line-oriented formats).
std::string one_line(std::string_view text);

}  // namespace migsafe
