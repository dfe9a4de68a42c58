// GitHub Actions workflow commands: one `::error|warning|notice file=…,line=…::message` line
// per finding, which the runner turns into annotations on the pull request. Lines and columns
// are 1-based; `endColumn` is the last column of the span (inclusive) and is only given for
// one-line spans, as GitHub ignores columns otherwise. Data is escaped the way the runner
// unescapes it (%25 %0D %0A, and %3A %2C in properties).
#include <fmt/format.h>

#include "core/rule.hpp"
#include "report/formats.hpp"

namespace migsafe {

std::string github_escape_data(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '%')
      out += "%25";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else
      out += c;
  }
  return out;
}

std::string github_escape_property(std::string_view text) {
  std::string out;
  for (char c : github_escape_data(text)) {
    if (c == ':')
      out += "%3A";
    else if (c == ',')
      out += "%2C";
    else
      out += c;
  }
  return out;
}

namespace {

std::string_view command(Severity s) {
  switch (s) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Info:
      return "notice";
  }
  return "warning";
}

class GithubReporter : public Reporter {
 public:
  GithubReporter(std::ostream& out, const ReportOptions& o) : out_(out), options_(o) {}

  void file(const FileResult& r) override {
    if (!r.error.empty()) {
      out_ << "::error title=migsafe::" << github_escape_data(r.error) << "\n";
      return;
    }
    if (!r.file) return;
    std::string path = display_path(r.file->path(), options_.base_dir);
    for (const Finding& f : r.findings) {
      Position a = r.file->position(f.span.begin);
      Position b = r.file->position(std::max(f.span.end, f.span.begin));
      std::string props =
          fmt::format("file={},line={},endLine={}", github_escape_property(path), a.line, b.line);
      if (a.line == b.line)
        props += fmt::format(",col={},endColumn={}", a.column, std::max(a.column, b.column - 1));
      props += ",title=" + github_escape_property("migsafe: " + f.rule);
      std::string text = f.message;
      if (!f.help.empty()) text += "\n\n" + f.help;
      text += "\n\ndocs: " + docs_url(f.rule);
      out_ << "::" << command(f.severity) << " " << props << "::" << github_escape_data(text)
           << "\n";
    }
  }

  // A plain line for the job log (not a command): what the run found.
  void end(const RunSummary& s) override {
    auto plural = [](size_t n, std::string_view word) {
      return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
    };
    out_ << fmt::format("migsafe: {}, {}, {} in {}", plural(s.errors, "error"),
                        plural(s.warnings, "warning"), plural(s.infos, "note"),
                        plural(s.files, "file"));
    if (s.suppressed || s.baselined)
      out_ << fmt::format(" ({} suppressed by comments, {} in the baseline)", s.suppressed,
                          s.baselined);
    out_ << "\n";
    out_.flush();
  }

 private:
  std::ostream& out_;
  ReportOptions options_;
};

}  // namespace

std::unique_ptr<Reporter> make_github_reporter(std::ostream& out, const ReportOptions& options) {
  return std::make_unique<GithubReporter>(out, options);
}

}  // namespace migsafe
