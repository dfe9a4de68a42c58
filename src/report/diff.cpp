// `check --diff`: each file's fixes (safe and unsafe, labelled) as a unified diff; no file is
// written. Files without a fix print nothing.
#include "core/fixes.hpp"
#include "report/formats.hpp"

namespace migsafe {

namespace {

class DiffReporter : public Reporter {
 public:
  explicit DiffReporter(std::ostream& out) : out_(out) {}
  void file(const FileResult& r) override {
    if (r.file) out_ << fix_diff(*r.file, select_fixes(r.findings, false));
  }
  void end(const RunSummary&) override { out_.flush(); }

 private:
  std::ostream& out_;
};

}  // namespace

std::unique_ptr<Reporter> make_diff_reporter(std::ostream& out, const ReportOptions&) {
  return std::make_unique<DiffReporter>(out);
}

}  // namespace migsafe
