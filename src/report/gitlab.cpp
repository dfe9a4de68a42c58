// GitLab Code Quality report (a JSON array of Code Climate issues) for merge-request widgets:
// check_name = rule, description = message, severity error/warning/info -> critical/major/info,
// location.path + lines.begin/end (1-based), and a fingerprint that survives edits moving the
// statement (rule, path and the statement's text) with an occurrence number for repeats.
#include <fmt/format.h>

#include <map>

#include "core/rule.hpp"
#include "report/formats.hpp"
#include "report/json_common.hpp"

namespace migsafe {

namespace {

using nlohmann::json;

std::string_view gitlab_severity(Severity s) {
  switch (s) {
    case Severity::Error:
      return "critical";
    case Severity::Warning:
      return "major";
    case Severity::Info:
      return "info";
  }
  return "major";
}

std::string rehash(std::string_view text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", h);
}

class GitlabReporter : public Reporter {
 public:
  GitlabReporter(std::ostream& out, const ReportOptions& o) : out_(out), options_(o) {}

  void begin() override { out_ << "["; }

  void file(const FileResult& r) override {
    if (!r.file) return;
    std::string path = display_path(r.file->path(), options_.base_dir);
    std::map<std::string, size_t> seen;
    for (const Finding& f : r.findings) {
      std::string fp = finding_fingerprint(*r.file, path, f);
      size_t n = seen[fp]++;
      if (n > 0) fp = rehash(fmt::format("{}#{}", fp, n));
      Position a = r.file->position(f.span.begin);
      Position b = r.file->position(std::max(f.span.end, f.span.begin));
      std::string body = f.help.empty() ? "" : f.help + "\n\n";
      body += "Docs: " + docs_url(f.rule);
      json issue{{"type", "issue"},
                 {"check_name", f.rule},
                 {"description", f.message},
                 {"content", {{"body", body}}},
                 {"categories", json::array({"Bug Risk"})},
                 {"severity", gitlab_severity(f.severity)},
                 {"fingerprint", fp},
                 {"location", {{"path", path}, {"lines", {{"begin", a.line}, {"end", b.line}}}}}};
      out_ << (first_ ? "\n  " : ",\n  ") << dump_json(issue);
      first_ = false;
    }
  }

  void end(const RunSummary&) override {
    out_ << (first_ ? "]\n" : "\n]\n");
    out_.flush();
  }

 private:
  std::ostream& out_;
  ReportOptions options_;
  bool first_ = true;
};

}  // namespace

std::unique_ptr<Reporter> make_gitlab_reporter(std::ostream& out, const ReportOptions& options) {
  return std::make_unique<GitlabReporter>(out, options);
}

}  // namespace migsafe
