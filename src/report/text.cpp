// Human-readable report: each finding with its source lines, the span underlined, help, fix and
// docs link, then a one-line summary.
#include <fmt/format.h>

#include <algorithm>

#include "core/rule.hpp"
#include "core/secrets.hpp"
#include "report/formats.hpp"

namespace migsafe {

namespace {

struct Style {
  bool on;
  std::string paint(std::string_view text, std::string_view code) const {
    if (!on) return std::string(text);
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
  }
};

std::string_view severity_color(Severity s) {
  switch (s) {
    case Severity::Error:
      return "1;31";
    case Severity::Warning:
      return "1;33";
    case Severity::Info:
      return "1;36";
  }
  return "0";
}

// Source text for display: tabs become one space so the underline stays aligned (a tab is one
// column everywhere in migsafe).
std::string display_line(std::string_view line) {
  std::string out(line);
  std::replace(out.begin(), out.end(), '\t', ' ');
  return out;
}

class TextReporter : public Reporter {
 public:
  TextReporter(std::ostream& out, const ReportOptions& o)
      : out_(out), options_(o), style_{o.color} {}

  void file(const FileResult& r) override {
    if (!r.file) return;
    std::string path = display_path(r.file->path(), options_.base_dir);
    for (const Finding& f : r.findings) print(*r.file, path, f);
  }

  void end(const RunSummary& s) override {
    auto plural = [](size_t n, std::string_view word) {
      return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
    };
    std::string filtered;
    if (s.suppressed || s.baselined) {
      std::vector<std::string> parts;
      if (s.suppressed) parts.push_back(fmt::format("{} suppressed by comments", s.suppressed));
      if (s.baselined) parts.push_back(fmt::format("{} in the baseline", s.baselined));
      filtered = fmt::format("; {}", fmt::join(parts, ", "));
    }
    if (s.errors + s.warnings + s.infos == 0) {
      out_ << style_.paint("migsafe:", "1") << " no problems found ("
           << fmt::format("{}, {}", plural(s.files, "file"), plural(s.statements, "statement"))
           << ")" << filtered << "\n";
      return;
    }
    std::vector<std::string> parts;
    if (s.errors)
      parts.push_back(style_.paint(plural(s.errors, "error"), severity_color(Severity::Error)));
    if (s.warnings)
      parts.push_back(
          style_.paint(plural(s.warnings, "warning"), severity_color(Severity::Warning)));
    if (s.infos)
      parts.push_back(style_.paint(plural(s.infos, "note"), severity_color(Severity::Info)));
    out_ << style_.paint("migsafe:", "1") << " " << fmt::format("{}", fmt::join(parts, ", "))
         << fmt::format(" in {} of {} ({})", s.files_with_findings, plural(s.files, "file"),
                        plural(s.statements, "statement"))
         << filtered << "\n";
  }

 private:
  void print(const SourceFile& file, const std::string& path, const Finding& f) {
    Position start = file.position(f.span.begin);
    Position end = file.position(std::max(f.span.end, f.span.begin));
    out_ << style_.paint(fmt::format("{}[{}]", severity_name(f.severity), f.rule),
                         severity_color(f.severity))
         << style_.paint(": " + f.message, "1") << "\n";
    std::string gutter_pad(std::to_string(end.line).size(), ' ');
    out_ << gutter_pad << style_.paint("--> ", "1;34")
         << fmt::format("{}:{}:{}\n", path, start.line, start.column);
    out_ << gutter_pad << style_.paint(" |", "1;34") << "\n";
    // Show up to four lines of the span; longer spans show the first three and the last.
    std::vector<uint32_t> lines;
    for (uint32_t l = start.line; l <= end.line; ++l) {
      if (end.line - start.line >= 4 && l > start.line + 2 && l < end.line) {
        if (lines.empty() || lines.back() != 0) lines.push_back(0);
        continue;
      }
      lines.push_back(l);
    }
    for (uint32_t l : lines) {
      if (l == 0) {
        out_ << gutter_pad << style_.paint(" |", "1;34") << " ...\n";
        continue;
      }
      std::string_view text = file.line_text(l);
      std::string shown =
          f.redacted.empty()
              ? std::string(text)
              : mask(text, static_cast<size_t>(text.data() - file.bytes().data()), f.redacted);
      out_ << style_.paint(fmt::format("{:>{}} |", l, gutter_pad.size()), "1;34") << " "
           << display_line(shown) << "\n";
      uint32_t from = 1;
      if (l == start.line) {
        from = start.column;
      } else {
        // Continuation lines are underlined from their first non-blank character.
        size_t lead = text.find_first_not_of(" \t");
        from = lead == std::string_view::npos ? 1 : static_cast<uint32_t>(lead) + 1;
      }
      uint32_t width = count_code_points(text);
      uint32_t to = l == end.line ? end.column : width + 1;  // exclusive
      if (l == end.line && end.column <= 1 && l != start.line) continue;
      uint32_t len = to > from ? to - from : 1;
      out_ << gutter_pad << style_.paint(" |", "1;34") << " " << std::string(from - 1, ' ')
           << style_.paint(std::string(len, '^'), severity_color(f.severity)) << "\n";
    }
    if (!f.help.empty()) {
      // Multi-line help (a recipe) stays indented under its label.
      std::string indent = "\n" + gutter_pad + "         ";
      std::string help;
      for (char ch : f.help) {
        if (ch == '\n')
          help += indent;
        else
          help += ch;
      }
      out_ << gutter_pad << style_.paint(" = help: ", "1") << help << "\n";
    }
    for (const Related& r : f.related) {
      Position p = file.position(r.span.begin);
      out_ << gutter_pad << style_.paint(" = note: ", "1") << r.message
           << fmt::format(" ({}:{}:{})", path, p.line, p.column) << "\n";
    }
    for (const Fix& fix : f.fixes) {
      out_ << gutter_pad << style_.paint(" = fix: ", "1") << fix.title
           << (fix.safe ? " (safe: applied by --fix)" : "") << "\n";
    }
    out_ << gutter_pad << style_.paint(" = docs: ", "1") << docs_url(f.rule) << "\n\n";
  }

  std::ostream& out_;
  ReportOptions options_;
  Style style_;
};

}  // namespace

std::unique_ptr<Reporter> make_text_reporter(std::ostream& out, const ReportOptions& options) {
  return std::make_unique<TextReporter>(out, options);
}

}  // namespace migsafe
