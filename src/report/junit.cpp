// JUnit XML for CI test-report views (GitLab's "Tests" tab, Jenkins, Azure): one <testsuite>
// per checked file; a clean file is one passing <testcase>, otherwise each finding is a
// <testcase> with a <failure> whose type is the severity; an unreadable file is an <error>.
// Text is escaped for XML 1.0 (invalid UTF-8 and control characters become U+FFFD).
#include <fmt/format.h>

#include <sstream>

#include "core/rule.hpp"
#include "report/formats.hpp"

namespace migsafe {

std::string xml_escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  const std::string_view replacement = "\xEF\xBF\xBD";
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += attribute ? "&quot;" : "\"";
          break;
        case '\'':
          out += attribute ? "&apos;" : "'";
          break;
        case '\t':
          out += attribute ? "&#9;" : "\t";
          break;
        case '\n':
          out += attribute ? "&#10;" : "\n";
          break;
        case '\r':
          out += "&#13;";
          break;
        default:
          if (c < 0x20 || c == 0x7F)
            out += replacement;
          else
            out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    // A well-formed UTF-8 sequence of a character XML allows, or U+FFFD.
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    uint32_t cp = len == 4 ? c & 0x07u : len == 3 ? c & 0x0Fu : c & 0x1Fu;
    bool ok = len > 0 && c <= 0xF4 && i + len <= text.size();
    for (size_t k = 1; ok && k < len; ++k) {
      auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if (ok && len == 3 &&
        (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF))
      ok = false;
    if (ok && len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ok = false;
    if (ok) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += replacement;
      ++i;
    }
  }
  return out;
}

namespace {

class JunitReporter : public Reporter {
 public:
  JunitReporter(std::ostream& out, const ReportOptions& o) : out_(out), options_(o) {}

  void file(const FileResult& r) override {
    std::string path = r.file ? display_path(r.file->path(), options_.base_dir) : "";
    if (path.empty() && !r.error.empty()) path = r.error.substr(0, r.error.find(": "));
    std::string name = xml_escape(path);
    if (!r.error.empty()) {
      ++tests_;
      ++errors_;
      body_ << fmt::format(
          "  <testsuite name=\"{0}\" tests=\"1\" failures=\"0\" errors=\"1\">\n"
          "    <testcase classname=\"{0}\" name=\"read {0}\" file=\"{0}\">\n"
          "      <error type=\"io\" message=\"{1}\">{2}</error>\n"
          "    </testcase>\n  </testsuite>\n",
          name, xml_escape(r.error), xml_escape(r.error, false));
      return;
    }
    if (r.findings.empty()) {
      ++tests_;
      body_ << fmt::format(
          "  <testsuite name=\"{0}\" tests=\"1\" failures=\"0\" errors=\"0\">\n"
          "    <testcase classname=\"{0}\" name=\"migsafe {0}\" file=\"{0}\"/>\n"
          "  </testsuite>\n",
          name);
      return;
    }
    tests_ += r.findings.size();
    failures_ += r.findings.size();
    body_ << fmt::format("  <testsuite name=\"{0}\" tests=\"{1}\" failures=\"{1}\" errors=\"0\">\n",
                         name, r.findings.size());
    for (const Finding& f : r.findings) {
      Position p = r.file->position(f.span.begin);
      std::string detail = fmt::format("{}:{}:{}: {}: {} [{}]", path, p.line, p.column,
                                       severity_name(f.severity), f.message, f.rule);
      if (!f.help.empty()) detail += "\n\nhelp: " + f.help;
      detail += "\ndocs: " + docs_url(f.rule);
      body_ << fmt::format(
          "    <testcase classname=\"{0}\" name=\"{1} at line {2}, column {3}\" file=\"{0}\" "
          "line=\"{2}\">\n"
          "      <failure type=\"{4}\" message=\"{5}\">{6}</failure>\n"
          "    </testcase>\n",
          name, xml_escape(f.rule), p.line, p.column, severity_name(f.severity),
          xml_escape(f.message), xml_escape(detail, false));
    }
    body_ << "  </testsuite>\n";
  }

  void end(const RunSummary&) override {
    out_ << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         << fmt::format(
                "<testsuites name=\"migsafe\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
                tests_, failures_, errors_)
         << body_.str() << "</testsuites>\n";
    out_.flush();
  }

 private:
  std::ostream& out_;
  ReportOptions options_;
  std::ostringstream body_;
  size_t tests_ = 0, failures_ = 0, errors_ = 0;
};

}  // namespace

std::unique_ptr<Reporter> make_junit_reporter(std::ostream& out, const ReportOptions& options) {
  return std::make_unique<JunitReporter>(out, options);
}

}  // namespace migsafe
