// Machine-readable report, schema version 1 (docs/json-format.md, docs/schema/report-v1.json).
// Streamed: the findings array is written as files finish, the file list and summary at the end.
#include <fmt/format.h>

#include "core/rule.hpp"
#include "report/formats.hpp"
#include "report/json_common.hpp"

namespace migsafe {

namespace {

using nlohmann::json;

json span_json(const SourceFile& file, Span s) {
  return json{{"start", position_json(file, s.begin)}, {"end", position_json(file, s.end)}};
}

json finding_json(const SourceFile& file, const std::string& path, const Finding& f) {
  json j;
  j["rule"] = f.rule;
  j["severity"] = severity_name(f.severity);
  j["message"] = f.message;
  j["help"] = f.help;
  j["docs"] = docs_url(f.rule);
  j["path"] = path;
  j["start"] = position_json(file, f.span.begin);
  j["end"] = position_json(file, f.span.end);
  j["statement"] = span_json(file, f.statement);
  j["fingerprint"] = finding_fingerprint(file, path, f);
  json fixes = json::array();
  for (const Fix& fix : f.fixes) {
    json edits = json::array();
    for (const Edit& e : fix.edits) {
      json ej = span_json(file, e.span);
      ej["text"] = e.text;
      edits.push_back(std::move(ej));
    }
    fixes.push_back(json{{"title", fix.title}, {"safe", fix.safe}, {"edits", std::move(edits)}});
  }
  j["fixes"] = std::move(fixes);
  json related = json::array();
  for (const Related& rel : f.related) {
    json rj = span_json(file, rel.span);
    rj["message"] = rel.message;
    related.push_back(std::move(rj));
  }
  j["related"] = std::move(related);
  return j;
}

class JsonReporter : public Reporter {
 public:
  JsonReporter(std::ostream& out, const ReportOptions& o) : out_(out), options_(o) {}

  void begin() override {
    out_ << "{\n  \"schema_version\": 1,\n  \"tool\": "
         << dump_json(json{{"name", "migsafe"}, {"version", MIGSAFE_VERSION}})
         << ",\n  \"findings\": [";
  }

  void file(const FileResult& r) override {
    std::string path = r.file ? display_path(r.file->path(), options_.base_dir) : "";
    json entry{{"path", path}, {"statements", r.statements}, {"findings", r.findings.size()}};
    if (!r.error.empty()) entry["error"] = r.error;
    files_.push_back(dump_json(entry));
    if (!r.file) return;
    for (const Finding& f : r.findings) {
      json j = finding_json(*r.file, path, f);
      out_ << (first_ ? "\n    " : ",\n    ") << dump_json(j);
      first_ = false;
    }
    for (const SuppressedFinding& s : r.suppressed) {
      json j = finding_json(*r.file, path, s.finding);
      j["suppression"] = json{{"kind", suppression_kind_name(s.kind)}, {"reason", s.reason}};
      suppressed_.push_back(dump_json(j));
    }
  }

  void end(const RunSummary& s) override {
    out_ << (first_ ? "]" : "\n  ]") << ",\n  \"files\": [";
    for (size_t i = 0; i < files_.size(); ++i) out_ << (i ? ",\n    " : "\n    ") << files_[i];
    out_ << (files_.empty() ? "]" : "\n  ]") << ",\n  \"summary\": "
         << dump_json(json{{"files", s.files},
                           {"statements", s.statements},
                           {"errors", s.errors},
                           {"warnings", s.warnings},
                           {"infos", s.infos},
                           {"unreadable", s.unreadable},
                           {"suppressed", s.suppressed},
                           {"baselined", s.baselined}});
    out_ << ",\n  \"suppressed\": [";
    for (size_t i = 0; i < suppressed_.size(); ++i)
      out_ << (i ? ",\n    " : "\n    ") << suppressed_[i];
    out_ << (suppressed_.empty() ? "]" : "\n  ]");
    if (!s.baseline.empty()) {
      json stale = json::array();
      for (const BaselineEntry& e : s.stale_baseline)
        stale.push_back(json{{"path", e.path},
                             {"rule", e.rule},
                             {"fingerprint", e.fingerprint},
                             {"occurrence", e.occurrence},
                             {"line", e.line},
                             {"message", e.message}});
      out_ << ",\n  \"baseline\": "
           << dump_json(json{{"file", s.baseline}, {"matched", s.baselined}, {"stale", stale}});
    }
    out_ << "\n}\n";
    out_.flush();
  }

 private:
  std::ostream& out_;
  ReportOptions options_;
  bool first_ = true;
  // The "files" and "suppressed" arrays come after the findings: kept as their serialized text
  // (a few dozen bytes per file, not a json tree), so a large corpus streams in little memory.
  std::vector<std::string> files_;
  std::vector<std::string> suppressed_;
};

}  // namespace

std::unique_ptr<Reporter> make_json_reporter(std::ostream& out, const ReportOptions& options) {
  return std::make_unique<JsonReporter>(out, options);
}

}  // namespace migsafe
