// SARIF 2.1.0 for code scanning (GitHub accepts it): rule metadata from the registry, 1-based
// regions in Unicode code points, URIs relative to %SRCROOT% (the working directory), fixes as
// artifact changes, and `results: []` when clean. Results are streamed as files finish.
#include <fmt/format.h>

#include <filesystem>

#include "core/embedded.hpp"
#include "core/rule.hpp"
#include "report/formats.hpp"
#include "report/json_common.hpp"

namespace migsafe {

namespace {

using nlohmann::json;

std::string percent_encode(std::string_view path) {
  std::string out;
  for (unsigned char c : path) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.' || c == '~' || c == '/';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string_view level(Severity s) {
  switch (s) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Info:
      return "note";
  }
  return "warning";
}

json region(const SourceFile& file, Span span) {
  Position a = file.position(span.begin);
  Position b = file.position(std::max(span.end, span.begin));
  json r{{"startLine", a.line},
         {"startColumn", a.column},
         {"endLine", b.line},
         {"endColumn", b.column}};
  // Zero-width spans (a syntax error at end of input) still get one column so viewers show them.
  if (a.line == b.line && b.column <= a.column) r["endColumn"] = a.column + 1;
  return r;
}

json rule_json(const RuleDef& r) {
  std::string page(embedded("docs/rules/" + std::string(r.meta.id) + ".md"));
  json j{{"id", r.meta.id},
         {"name", r.meta.id},
         {"shortDescription", {{"text", r.meta.summary}}},
         {"fullDescription", {{"text", fmt::format("{} {}", r.meta.why, r.meta.instead)}}},
         {"helpUri", docs_url(r.meta.id)},
         {"help", {{"text", fmt::format("{} {}", r.meta.why, r.meta.instead)}}},
         {"defaultConfiguration",
          {{"level", level(r.meta.severity)}, {"enabled", r.meta.default_enabled}}},
         {"properties", {{"tags", json::array({r.meta.category, "postgresql", "migrations"})}}}};
  if (!page.empty()) j["help"]["markdown"] = page;
  return j;
}

class SarifReporter : public Reporter {
 public:
  SarifReporter(std::ostream& out, const ReportOptions& o) : out_(out), options_(o) {}

  void begin() override {
    json driver{{"name", "migsafe"},
                {"version", MIGSAFE_VERSION},
                {"semanticVersion", MIGSAFE_VERSION},
                {"informationUri", "https://github.com/migsafe/migsafe"},
                {"rules", json::array()}};
    for (const RuleDef& r : all_rules()) driver["rules"].push_back(rule_json(r));
    std::string root =
        options_.base_dir.empty() ? std::filesystem::current_path().string() : options_.base_dir;
    if (root.empty() || root.back() != '/') root += '/';
    json bases{{"%SRCROOT%", {{"uri", "file://" + percent_encode(root)}}}};
    out_ << "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
         << "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": {\"driver\": "
         << dump_json(driver) << "},\n      \"originalUriBaseIds\": " << dump_json(bases)
         << ",\n      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": [";
  }

  void file(const FileResult& r) override {
    if (!r.error.empty()) {
      notifications_.push_back(
          json{{"level", "error"},
               {"message", {{"text", r.error}}},
               {"locations", json::array({location(r.file ? r.file->path() : "")})}});
    }
    if (!r.file) return;
    std::string path = display_path(r.file->path(), options_.base_dir);
    for (const Finding& f : r.findings) {
      json loc = location(r.file->path());
      loc["physicalLocation"]["region"] = region(*r.file, f.span);
      loc["physicalLocation"]["contextRegion"] = region(*r.file, f.statement);
      json res{{"ruleId", f.rule},
               {"level", level(f.severity)},
               {"message", {{"text", f.help.empty() ? f.message : f.message + "\n" + f.help}}},
               {"locations", json::array({loc})},
               {"partialFingerprints", {{"migsafe/v1", finding_fingerprint(*r.file, path, f)}}}};
      int idx = rule_index(f.rule);
      if (idx >= 0) res["ruleIndex"] = idx;
      if (!f.related.empty()) {
        json related = json::array();
        int id = 1;
        for (const Related& rel : f.related) {
          json rl = location(r.file->path());
          rl["id"] = id++;
          rl["physicalLocation"]["region"] = region(*r.file, rel.span);
          rl["message"] = json{{"text", rel.message}};
          related.push_back(std::move(rl));
        }
        res["relatedLocations"] = std::move(related);
      }
      if (!f.fixes.empty()) {
        json fixes = json::array();
        for (const Fix& fix : f.fixes) {
          json replacements = json::array();
          for (const Edit& e : fix.edits) {
            replacements.push_back(json{{"deletedRegion", edit_region(*r.file, e.span)},
                                        {"insertedContent", {{"text", e.text}}}});
          }
          json change = location(r.file->path())["physicalLocation"];
          fixes.push_back(json{{"description", {{"text", fix.title}}},
                               {"artifactChanges",
                                json::array({json{{"artifactLocation", change["artifactLocation"]},
                                                  {"replacements", replacements}}})}});
        }
        res["fixes"] = std::move(fixes);
      }
      out_ << (first_ ? "\n        " : ",\n        ") << dump_json(res);
      first_ = false;
    }
  }

  void end(const RunSummary&) override {
    out_ << (first_ ? "]" : "\n      ]");
    json invocation{{"executionSuccessful", notifications_.empty()}};
    if (!notifications_.empty()) invocation["toolExecutionNotifications"] = notifications_;
    out_ << ",\n      \"invocations\": [" << dump_json(invocation) << "]\n    }\n  ]\n}\n";
    out_.flush();
  }

 private:
  json location(const std::string& raw_path) const {
    std::string rel = display_path(raw_path, options_.base_dir);
    json artifact;
    if (!rel.empty() && rel[0] == '/') {
      artifact = json{{"uri", "file://" + percent_encode(rel)}};
    } else {
      artifact = json{{"uri", percent_encode(rel)}, {"uriBaseId", "%SRCROOT%"}};
    }
    return json{{"physicalLocation", {{"artifactLocation", artifact}}}};
  }

  // An edit region: SARIF regions for insertions are zero-width (endColumn == startColumn).
  static json edit_region(const SourceFile& file, Span span) {
    Position a = file.position(span.begin);
    Position b = file.position(std::max(span.end, span.begin));
    return json{{"startLine", a.line},
                {"startColumn", a.column},
                {"endLine", b.line},
                {"endColumn", b.column}};
  }

  std::ostream& out_;
  ReportOptions options_;
  bool first_ = true;
  json notifications_ = json::array();
};

}  // namespace

std::unique_ptr<Reporter> make_sarif_reporter(std::ostream& out, const ReportOptions& options) {
  return std::make_unique<SarifReporter>(out, options);
}

}  // namespace migsafe
