// The fuzz targets; see targets.hpp.
#include "targets.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "config/config.hpp"
#include "config/glob.hpp"
#include "config/resolver.hpp"
#include "config/suppress.hpp"
#include "core/fixes.hpp"
#include "core/linter.hpp"
#include "core/parse.hpp"
#include "core/rule.hpp"
#include "core/source.hpp"
#include "report/reporter.hpp"

namespace migsafe::fuzz {

namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw std::logic_error("fuzz invariant broken: " + what);
}

// A span a report will print must lie inside the file and not run backwards.
void check_span(const SourceFile& file, Span s, const std::string& what) {
  require(s.begin <= s.end && s.end <= file.bytes().size(), what + " span out of the file");
  Position a = file.position(s.begin), b = file.position(s.end);
  require(a.line >= 1 && a.column >= 1 && a.line <= b.line, what + " position");
}

void check_result(const FileResult& r) {
  const SourceFile& file = *r.file;
  for (const Span& s : r.statement_spans) check_span(file, s, "statement");
  auto check_finding = [&](const Finding& f) {
    check_span(file, f.span, f.rule);
    check_span(file, f.statement, f.rule + " statement");
    for (const Related& rel : f.related) check_span(file, rel.span, f.rule + " related");
    for (const Span& s : f.redacted) check_span(file, s, f.rule + " redacted");
    for (const Fix& fix : f.fixes)
      for (const Edit& e : fix.edits) check_span(file, e.span, f.rule + " fix edit");
  };
  for (const Finding& f : r.findings) check_finding(f);
  for (const SuppressedFinding& f : r.suppressed) check_finding(f.finding);
}

LintPlan all_rules_plan(LintSettings settings) {
  return LintPlan(std::move(settings), std::vector<bool>(all_rules().size(), true));
}

}  // namespace

void lint(std::string_view data) {
  static const int kVersions[] = {10, 11, 12, 13, 14, 15, 16, 17};
  unsigned char selector = data.empty() ? 0 : static_cast<unsigned char>(data[0]);
  LintSettings settings;
  settings.pg_version = kVersions[selector % 8];
  settings.assume_in_transaction = (selector & 8) != 0;
  FilePlan plan;
  plan.plan = std::make_shared<const LintPlan>(all_rules_plan(settings));
  std::string bytes(data.empty() ? data : data.substr(1));
  auto file = std::make_shared<const SourceFile>("db/V1__fuzz.sql", std::move(bytes));
  FileResult r = lint_file(file, plan);
  check_result(r);

  RunSummary summary;
  summary.add(r);
  ReportOptions options;
  options.base_dir = "/work";
  for (std::string_view format : kReportFormats) {
    // SARIF also writes every rule's metadata, the same for any input and most of an
    // execution's time: one input in sixteen renders it.
    if (format == "sarif" && (selector & 0xf0) != 0xf0) continue;
    std::ostringstream out;
    auto reporter = make_reporter(format, out, options);
    require(reporter != nullptr, "reporter " + std::string(format));
    reporter->begin();
    reporter->file(r);
    reporter->end(summary);
  }

  for (bool safe_only : {false, true}) {
    FixSelection chosen = select_fixes(r.findings, safe_only);
    std::string fixed = apply_fixes(file->bytes(), chosen.chosen);
    (void)fix_diff(*file, chosen);
    if (safe_only && !chosen.chosen.empty()) {
      // --fix lints the result again.
      FileResult again = lint_file(std::make_shared<const SourceFile>(file->path(), fixed), plan);
      check_result(again);
    }
  }
}

void config(std::string_view data) {
  ConfigFile parsed;
  try {
    parsed = parse_config(data, "/fuzz/.migsafe.toml");
  } catch (const ConfigError& e) {
    require(std::string_view(e.what()).find("/fuzz/.migsafe.toml") == 0,
            "config error names the file");
    return;
  }
  static const char* kPaths[] = {"db/V1__a.sql", "db/legacy/V2.sql", "a/b/c/d.draft.sql", "x.sql",
                                 ".hidden/[a].sql"};
  for (const char* path : kPaths) {
    for (const std::string& g : parsed.exclude) (void)glob_match(g, path);
    for (const ConfigOverride& o : parsed.overrides)
      for (const std::string& g : o.paths) (void)glob_match(g, path);
  }
  // What the resolver makes of an accepted file: a plan per file, from a real file on disk
  // (--config), as `migsafe check` does.
  struct Scratch {
    std::string dir = "/tmp/migsafe-fuzz-config-" + std::to_string(::getpid());
    Scratch() { std::filesystem::create_directories(dir); }
    ~Scratch() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  };
  static const Scratch scratch;
  const std::string& dir = scratch.dir;
  const std::string path = dir + "/.migsafe.toml";
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
  try {
    ConfigResolver resolver(CliOverrides{}, path);
    for (const char* p : kPaths) {
      FilePlan plan = resolver.resolve(dir + "/" + p);
      require(plan.plan != nullptr || !plan.excluded_by.empty(), "a plan for every checked file");
    }
  } catch (const ConfigError&) {
    // Only what parse_config cannot see on its own may fail here (nothing today); the
    // message format is checked above.
  }
}

void suppress(std::string_view data) {
  auto file = std::make_shared<const SourceFile>("db/V1__fuzz.sql", std::string(data));
  ParsedFile parsed = parse_file(*file);
  std::vector<Span> spans;
  for (const Statement& s : parsed.statements) spans.push_back(s.span);
  std::vector<Suppression> found = find_suppressions(*file, spans);
  for (const Suppression& s : found) {
    check_span(*file, s.comment, "suppression comment");
    for (const SuppressionName& n : s.names) check_span(*file, n.span, "suppressed rule name");
    require(!s.target || *s.target < spans.size(), "suppression target");
  }
  // Findings of two common rules on every statement, then the filter stage.
  FileResult r;
  r.file = file;
  r.statements = spans.size();
  r.statement_spans = spans;
  for (const Span& s : spans) {
    for (const char* rule : {"ban-drop-column", "require-lock-timeout"}) {
      Finding f;
      f.rule = rule;
      f.span = s;
      f.statement = s;
      r.findings.push_back(f);
    }
  }
  LintSettings settings;
  LintPlan plan = all_rules_plan(settings);
  apply_suppressions(r, plan);
  check_result(r);
}

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"lint", &lint}, {"config", &config}, {"suppress", &suppress}};
  return all;
}

}  // namespace migsafe::fuzz
