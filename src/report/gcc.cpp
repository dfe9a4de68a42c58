// gcc-style one-line findings (`path:line:col: error: message [rule]`) for IDE problem
// matchers and grep. Lines and columns are 1-based.
#include <fmt/format.h>

#include "report/formats.hpp"

namespace migsafe {

namespace {

class GccReporter : public Reporter {
 public:
  GccReporter(std::ostream& out, const ReportOptions& o) : out_(out), options_(o) {}
  void file(const FileResult& r) override {
    if (!r.file) return;
    std::string path = display_path(r.file->path(), options_.base_dir);
    for (const Finding& f : r.findings) {
      Position p = r.file->position(f.span.begin);
      std::string_view level = f.severity == Severity::Error     ? "error"
                               : f.severity == Severity::Warning ? "warning"
                                                                 : "note";
      out_ << fmt::format("{}:{}:{}: {}: {} [{}]\n", path, p.line, p.column, level,
                          one_line(f.message), f.rule);
    }
  }
  void end(const RunSummary&) override { out_.flush(); }

 private:
  std::ostream& out_;
  ReportOptions options_;
};

}  // namespace

std::unique_ptr<Reporter> make_gcc_reporter(std::ostream& out, const ReportOptions& options) {
  return std::make_unique<GccReporter>(out, options);
}

}  // namespace migsafe
