// Machine-readable report, schema version 1 (docs/json-format.md, docs/schema/report-v1.json).
// Streamed: the findings array is written as files finish, the file list and summary at the end.
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/rule.hpp"
#include "report/formats.hpp"
#include "report/json_common.hpp"

namespace migsafe {

namespace {

using nlohmann::json;

// A finding as one line of compact JSON, written directly rather than through an nlohmann
// tree: building and dumping the tree cost about a quarter of a whole `check --format json`
// run on a corpus with many findings (callgrind: 130 K instructions per finding). The text is
// nlohmann's canonical dump, keys in sorted order, byte for byte (tests/report_json_test.cpp
// re-dumps every line of the fixtures' reports through nlohmann and compares).
class FindingWriter {
 public:
  // `file` may be null for file_entry() alone (a file that could not be read).
  FindingWriter(std::string& out, const SourceFile* file) : out_(out), file_(file) {}

  // The file's entry of the "files" array, as nlohmann dumps {"error" (when set), "findings",
  // "path", "statements"}.
  void file_entry(const std::string& path, const FileResult& r) {
    out_ += '{';
    if (!r.error.empty()) {
      out_ += "\"error\":";
      string(r.error);
      out_ += ',';
    }
    out_ += "\"findings\":";
    number(r.findings.size());
    out_ += ",\"path\":";
    string(path);
    out_ += ",\"statements\":";
    number(r.statements);
    out_ += '}';
  }

  void finding(const std::string& path, const Finding& f, const SuppressedFinding* suppressed) {
    out_ += "{\"docs\":";
    string(docs_url(f.rule));
    out_ += ",\"end\":";
    position(f.span.end);
    out_ += ",\"fingerprint\":";
    string(finding_fingerprint(*file_, path, f));
    out_ += ",\"fixes\":[";
    for (size_t i = 0; i < f.fixes.size(); ++i) {
      const Fix& fix = f.fixes[i];
      out_ += i ? ",{\"edits\":[" : "{\"edits\":[";
      for (size_t k = 0; k < fix.edits.size(); ++k) {
        const Edit& e = fix.edits[k];
        out_ += k ? ",{\"end\":" : "{\"end\":";
        position(e.span.end);
        out_ += ",\"start\":";
        position(e.span.begin);
        out_ += ",\"text\":";
        string(e.text);
        out_ += '}';
      }
      out_ += fix.safe ? "],\"safe\":true,\"title\":" : "],\"safe\":false,\"title\":";
      string(fix.title);
      out_ += '}';
    }
    out_ += "],\"help\":";
    string(f.help);
    out_ += ",\"message\":";
    string(f.message);
    out_ += ",\"path\":";
    string(path);
    out_ += ",\"related\":[";
    for (size_t i = 0; i < f.related.size(); ++i) {
      out_ += i ? ",{\"end\":" : "{\"end\":";
      position(f.related[i].span.end);
      out_ += ",\"message\":";
      string(f.related[i].message);
      out_ += ",\"start\":";
      position(f.related[i].span.begin);
      out_ += '}';
    }
    out_ += "],\"rule\":";
    string(f.rule);
    out_ += ",\"severity\":";
    string(severity_name(f.severity));
    out_ += ",\"start\":";
    position(f.span.begin);
    out_ += ",\"statement\":{\"end\":";
    position(f.statement.end);
    out_ += ",\"start\":";
    position(f.statement.begin);
    out_ += '}';
    if (suppressed) {
      out_ += ",\"suppression\":{\"kind\":";
      string(suppression_kind_name(suppressed->kind));
      out_ += ",\"reason\":";
      string(suppressed->reason);
      out_ += '}';
    }
    out_ += '}';
  }

 private:
  std::string& out_;
  const SourceFile* file_;

  void position(size_t offset) {
    Position p = file_->position(offset);
    out_ += "{\"column\":";
    number(p.column);
    out_ += ",\"line\":";
    number(p.line);
    out_ += ",\"offset\":";
    number(p.offset);
    out_ += '}';
  }

  void number(uint64_t n) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
    out_.append(digits, static_cast<size_t>(end - digits));
  }

  static uint64_t load8(const char* p) {
    uint64_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
  }
  // Whether any of the eight bytes of `w` is a control character, '"', '\\' or not ASCII.
  static bool needs_escape(uint64_t w) {
    constexpr uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    auto has_zero = [&](uint64_t v) { return ((v - ones) & ~v & highs) != 0; };
    return (w & highs) != 0 || ((w - ones * 0x20) & ~w & highs) != 0 ||
           has_zero(w ^ (ones * '"')) || has_zero(w ^ (ones * '\\'));
  }

  // ASCII is escaped here with nlohmann's rules (\" \\ \b \f \n \r \t, other control
  // characters as \u00xx in lower case); a string with any non-ASCII byte (which may be
  // invalid UTF-8, replaced by U+FFFD) goes through nlohmann itself.
  void string(std::string_view s) {
    size_t mark = out_.size();
    out_ += '"';
    size_t run = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      // Eight bytes at a time past the ones that need nothing (most of a message or help).
      while (i + 8 <= s.size() && !needs_escape(load8(s.data() + i))) i += 8;
      if (i == s.size()) break;
      unsigned char c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) continue;
      if (c >= 0x80) {
        out_.resize(mark);
        out_ += dump_json(json(std::string(s)));
        return;
      }
      out_.append(s.data() + run, i - run);
      run = i + 1;
      switch (c) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case 0x08:
          out_ += "\\b";
          break;
        case 0x0C:
          out_ += "\\f";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\r':
          out_ += "\\r";
          break;
        case '\t':
          out_ += "\\t";
          break;
        default: {
          static constexpr char kHex[] = "0123456789abcdef";
          char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
          out_.append(u, sizeof u);
        }
      }
    }
    out_.append(s.data() + run, s.size() - run);
    out_ += '"';
  }
};

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
    std::string line;
    FindingWriter w(line, r.file.get());
    w.file_entry(path, r);
    files_.push_back(line);
    if (!r.file) return;
    for (const Finding& f : r.findings) {
      line.assign(first_ ? "\n    " : ",\n    ");
      w.finding(path, f, nullptr);
      out_ << line;
      first_ = false;
    }
    for (const SuppressedFinding& s : r.suppressed) {
      line.clear();
      w.finding(path, s.finding, &s);
      suppressed_.push_back(line);
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
