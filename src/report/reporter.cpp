// Format registry and the summary shared by all formats.
#include "report/reporter.hpp"

#include "report/formats.hpp"

namespace migsafe {

void RunSummary::add(const FileResult& r) {
  ++files;
  statements += r.statements;
  if (!r.error.empty()) ++unreadable;
  if (!r.findings.empty()) ++files_with_findings;
  for (const SuppressedFinding& s : r.suppressed)
    ++(s.kind == SuppressedFinding::Kind::Baseline ? baselined : suppressed);
  for (const Finding& f : r.findings) {
    switch (f.severity) {
      case Severity::Error:
        ++errors;
        break;
      case Severity::Warning:
        ++warnings;
        break;
      case Severity::Info:
        ++infos;
        break;
    }
  }
}

const std::vector<std::string_view> kReportFormats = {"text",   "gcc",    "json", "sarif",
                                                      "github", "gitlab", "junit"};

std::unique_ptr<Reporter> make_reporter(std::string_view format, std::ostream& out,
                                        const ReportOptions& options) {
  if (format == "text") return make_text_reporter(out, options);
  if (format == "gcc") return make_gcc_reporter(out, options);
  if (format == "json") return make_json_reporter(out, options);
  if (format == "sarif") return make_sarif_reporter(out, options);
  if (format == "github") return make_github_reporter(out, options);
  if (format == "gitlab") return make_gitlab_reporter(out, options);
  if (format == "junit") return make_junit_reporter(out, options);
  if (format == "diff") return make_diff_reporter(out, options);  // check --diff
  return nullptr;
}

}  // namespace migsafe
