// Output formats. A reporter is fed file results in order as they finish (streaming: memory
// stays bounded by the files in flight, not the corpus) and a summary at the end.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "config/baseline.hpp"
#include "core/linter.hpp"

namespace migsafe {

struct RunSummary {
  size_t files = 0;
  size_t statements = 0;
  size_t files_with_findings = 0;
  size_t errors = 0;
  size_t warnings = 0;
  size_t infos = 0;
  size_t unreadable = 0;
  size_t suppressed = 0;  // by comments (inline or file-level)
  size_t baselined = 0;   // tolerated by --baseline
  // With --baseline: the file, and its entries whose findings are gone.
  std::string baseline;
  std::vector<BaselineEntry> stale_baseline;
  void add(const FileResult& r);
};

struct ReportOptions {
  bool color = false;
  std::string base_dir;  // absolute directory that relative paths / SARIF URIs are based on
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void begin() {}
  virtual void file(const FileResult& result) = 0;
  virtual void end(const RunSummary& summary) = 0;
};

extern const std::vector<std::string_view> kReportFormats;
// nullptr for an unknown format name.
std::unique_ptr<Reporter> make_reporter(std::string_view format, std::ostream& out,
                                        const ReportOptions& options);

}  // namespace migsafe
