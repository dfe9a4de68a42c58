// Suppression comments and the findings they take out; see suppress.hpp.
#include "config/suppress.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "config/config.hpp"
#include "core/rule.hpp"
#include "core/tokens.hpp"

namespace migsafe {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string trim_collapse(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (is_space(c)) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Parses one comment; nullopt when it is not a suppression.
std::optional<Suppression> parse_comment(std::string_view text, Span span) {
  size_t body = 2, body_end = text.size();
  if (text.substr(0, 2) == "/*") body_end = text.size() >= 4 ? text.size() - 2 : text.size();
  size_t i = body;
  while (i < body_end && is_space(text[i])) ++i;
  size_t word = i;
  while (i < body_end && !is_space(text[i])) ++i;
  std::string_view directive = text.substr(word, i - word);
  Suppression s;
  if (directive == "migsafe-ignore") {
  } else if (directive == "migsafe-ignore-file") {
    s.file_level = true;
  } else if (directive == "squawk-ignore") {
    s.squawk = true;
  } else if (directive == "squawk-ignore-file") {
    s.squawk = s.file_level = true;
  } else {
    return std::nullopt;
  }
  s.comment = span;
  std::string_view rest = text.substr(i, body_end - i);
  size_t dashes = rest.find("--");
  if (dashes != std::string_view::npos) {
    s.reason = trim_collapse(rest.substr(dashes + 2));
    rest = rest.substr(0, dashes);
  }
  // Rule names: separated by commas and/or blanks.
  size_t k = 0;
  while (k < rest.size()) {
    while (k < rest.size() && (is_space(rest[k]) || rest[k] == ',')) ++k;
    size_t start = k;
    while (k < rest.size() && !is_space(rest[k]) && rest[k] != ',') ++k;
    if (k > start) {
      size_t at = span.begin + i + start;
      s.names.push_back(
          SuppressionName{std::string(rest.substr(start, k - start)), Span{at, at + (k - start)}});
    }
  }
  // squawk: a comment without rule names ignores every rule.
  if (s.squawk && s.names.empty()) {
    size_t at = span.begin + word;
    s.names.push_back(SuppressionName{"all", Span{at, at + directive.size()}});
  }
  return s;
}

// Index of the statement a statement-level comment at `c` applies to: the one it sits in,
// else the one it trails on the same line, else the next one.
std::optional<size_t> bind(const SourceFile& file, const std::vector<Span>& statements, Span c) {
  auto next = std::lower_bound(statements.begin(), statements.end(), c.begin,
                               [](const Span& s, size_t at) { return s.begin < at; });
  if (next != statements.begin()) {
    size_t prev = static_cast<size_t>(next - statements.begin()) - 1;
    const Span& p = statements[prev];
    if (c.begin < p.end) return prev;
    if (p.end > p.begin && file.position(p.end - 1).line == file.position(c.begin).line)
      return prev;
  }
  if (next == statements.end()) return std::nullopt;
  return static_cast<size_t>(next - statements.begin());
}

bool applies_to(const Suppression& s, const std::vector<Span>& statements, const Finding& f) {
  if (s.file_level) return true;
  if (!s.target) return false;
  const Span& t = statements[*s.target];
  return f.statement.begin == t.begin || (t.begin <= f.span.begin && f.span.begin < t.end);
}

// A statement PostgreSQL cannot parse fails the deploy whatever a comment says.
constexpr std::string_view kUnsuppressible = "syntax-error";

// Name index in `s` that covers `rule`, or -1. `all` covers every rule the rules report, not
// the filter's own findings.
int covering_name(const Suppression& s, std::string_view rule, bool own_finding) {
  if (rule == kUnsuppressible) return -1;
  for (size_t n = 0; n < s.names.size(); ++n) {
    const std::string& id = s.names[n].id;
    if (id == rule || (id == "all" && !own_finding)) return static_cast<int>(n);
  }
  return -1;
}

bool is_filter_rule(std::string_view id) {
  return id == kUnusedSuppressionRule || id == kRequireReasonRule;
}

std::string directive_of(const Suppression& s) {
  return fmt::format("{}-ignore{}", s.squawk ? "squawk" : "migsafe", s.file_level ? "-file" : "");
}

// The edit that removes name `n` from its comment, or the whole comment when it is the
// comment's only name (with its line when the comment is alone on it).
Edit removal(const SourceFile& file, const Suppression& s, size_t n) {
  if (s.names.size() == 1) {
    const std::string& b = file.bytes();
    Span cut = s.comment;
    size_t line_begin = file.line_start(file.position(cut.begin).line);
    size_t eol = std::min(b.find('\n', cut.end), b.size());
    auto blank = [&](size_t from, size_t to) {
      return std::all_of(b.begin() + static_cast<std::ptrdiff_t>(from),
                         b.begin() + static_cast<std::ptrdiff_t>(to), is_space);
    };
    // Alone on its line(s): remove the lines. Trailing a statement: remove it and the blanks
    // before it.
    if (blank(line_begin, cut.begin) && blank(cut.end, eol))
      return Edit{Span{line_begin, eol < b.size() ? eol + 1 : eol}, ""};
    while (cut.begin > line_begin && (b[cut.begin - 1] == ' ' || b[cut.begin - 1] == '\t'))
      --cut.begin;
    return Edit{cut, ""};
  }
  // Remove the name with the separator before it (or after it, for the first name).
  Span cut = s.names[n].span;
  if (n > 0)
    cut.begin = s.names[n - 1].span.end;
  else
    cut.end = s.names[n + 1].span.begin;
  return Edit{cut, ""};
}

class Filter {
 public:
  Filter(FileResult& r, const LintPlan& plan) : r_(r), plan_(plan), file_(*r.file) {}

  void run() {
    sups_ = find_suppressions(file_, r_.statement_spans);
    if (sups_.empty()) return;
    used_.resize(sups_.size());
    for (size_t i = 0; i < sups_.size(); ++i) used_[i].assign(sups_[i].names.size(), false);

    filter(r_.findings, false);
    std::vector<Finding> own;
    report_reasons(own);
    report_unused(own);
    filter(own, true);
    for (Finding& f : own) r_.findings.push_back(std::move(f));
    sort_findings(r_.findings);
  }

 private:
  // Takes out the findings some suppression covers; marks the names that did.
  void filter(std::vector<Finding>& findings, bool own) {
    std::vector<Finding> kept;
    for (Finding& f : findings) {
      const Suppression* by = nullptr;
      for (size_t i = 0; i < sups_.size(); ++i) {
        const Suppression& s = sups_[i];
        if (own && !s.file_level) continue;
        if (!applies_to(s, r_.statement_spans, f)) continue;
        int n = covering_name(s, f.rule, own);
        if (n < 0) continue;
        used_[i][static_cast<size_t>(n)] = true;
        // A statement's own comment explains it better than a file-wide one.
        if (!by || (by->file_level && !s.file_level)) by = &s;
      }
      if (!by) {
        kept.push_back(std::move(f));
        continue;
      }
      SuppressedFinding sf;
      sf.kind = by->file_level ? SuppressedFinding::Kind::File : SuppressedFinding::Kind::Inline;
      sf.reason = by->reason;
      sf.finding = std::move(f);
      r_.suppressed.push_back(std::move(sf));
    }
    findings = std::move(kept);
  }

  int enabled_rule(std::string_view id) const {
    int idx = rule_index(id);
    return idx >= 0 && plan_.enabled(static_cast<size_t>(idx)) ? idx : -1;
  }

  Finding& add(std::vector<Finding>& out, int rule, Span span, const Suppression& s,
               std::string message, std::string help) {
    Finding f;
    f.rule = std::string(all_rules()[static_cast<size_t>(rule)].meta.id);
    f.severity = plan_.severity(static_cast<size_t>(rule));
    f.message = std::move(message);
    f.help = std::move(help);
    f.span = span;
    f.statement = s.comment;
    out.push_back(std::move(f));
    return out.back();
  }

  void report_reasons(std::vector<Finding>& out) {
    int rule = enabled_rule(kRequireReasonRule);
    if (rule < 0) return;
    for (const Suppression& s : sups_) {
      if (!s.reason.empty()) continue;
      std::string names;
      for (const auto& n : s.names) names += (names.empty() ? "" : ", ") + n.id;
      add(out, rule, s.comment, s,
          fmt::format("this {} comment does not say why the statement is safe, and this "
                      "project requires a reason for every suppression",
                      directive_of(s)),
          fmt::format("Add the reason after ` -- `: `-- {} {} -- <why it is safe here>`, so a "
                      "reviewer can check it and the next reader does not undo it.",
                      directive_of(s), names.empty() ? "<rule>" : names));
    }
  }

  void report_unused(std::vector<Finding>& out) {
    int rule = enabled_rule(kUnusedSuppressionRule);
    if (rule < 0) return;
    const RuleOptions& options = plan_.options(static_cast<size_t>(rule));
    auto squawk_option = options.find("report_squawk_comments");
    bool squawk_too = squawk_option == options.end() || squawk_option->second != "false";
    std::vector<std::string_view> ids;
    for (const auto& r : all_rules()) ids.push_back(r.meta.id);
    for (size_t i = 0; i < sups_.size(); ++i) {
      const Suppression& s = sups_[i];
      std::string d = directive_of(s);
      if (s.names.empty()) {
        add(out, rule, s.comment, s,
            fmt::format("`-- {}` names no rule, so it suppresses nothing", d),
            fmt::format("List the rules it is for, `-- {} rule-a, rule-b -- reason`, or write "
                        "`all` to ignore every rule{}.",
                        d, s.file_level ? " in this file" : " for the statement"));
        continue;
      }
      if (s.squawk && !squawk_too) continue;
      for (size_t n = 0; n < s.names.size(); ++n) {
        const SuppressionName& name = s.names[n];
        if (used_[i][n]) continue;
        int idx = rule_index(name.id);
        if (name.id != "all" && idx < 0) {
          // squawk has rules migsafe does not: its comments may name them.
          if (s.squawk) continue;
          std::string hint = did_you_mean(name.id, ids);
          auto& f = add(out, rule, name.span, s,
                        fmt::format("'{}' is not a migsafe rule, so this suppression "
                                    "suppresses nothing",
                                    name.id),
                        hint.empty() ? "Check the name (`migsafe rules` lists every rule) "
                                       "or remove it."
                                     : fmt::format("Did you mean '{}'? `migsafe rules` lists "
                                                   "every rule.",
                                                   hint));
          if (!hint.empty())
            f.fixes.push_back(
                Fix{fmt::format("Replace with '{}'", hint), false, {Edit{name.span, hint}}});
          continue;
        }
        if (is_filter_rule(name.id)) continue;  // they only ever apply to filter findings
        if (name.id == kUnsuppressible) {
          add(out, rule, name.span, s,
              "syntax-error cannot be suppressed by a comment: PostgreSQL rejects the "
              "statement whatever the comment says",
              "Fix the statement; remove the name from the comment.")
              .fixes.push_back(Fix{"Remove the suppression", true, {removal(file_, s, n)}});
          continue;
        }
        if (idx >= 0 && !plan_.enabled(static_cast<size_t>(idx))) {
          add(out, rule, name.span, s,
              fmt::format("{} is not enabled for this file, so this suppression suppresses "
                          "nothing",
                          name.id),
              "Remove it, or enable the rule (`select`, `[rules.<id>] enabled = true`) if it "
              "should run here.");
          continue;
        }
        std::string what = name.id == "all" ? "no rule reports anything"
                                            : fmt::format("{} reports nothing", name.id);
        std::string where;
        if (s.file_level) {
          where = "in this file";
        } else if (!s.target) {
          add(out, rule, name.span, s,
              fmt::format("this `-- {}` comment follows the last statement, so it applies to "
                          "nothing",
                          d),
              "Put it on the line before the statement it is for, or at the end of that "
              "statement's line.")
              .fixes.push_back(Fix{"Remove the suppression", true, {removal(file_, s, n)}});
          continue;
        } else {
          where = fmt::format("on the statement it applies to (line {})",
                              file_.position(r_.statement_spans[*s.target].begin).line);
        }
        add(out, rule, name.span, s, fmt::format("nothing to suppress: {} {}", what, where),
            "The finding it was written for is gone (the statement was fixed, or migsafe no "
            "longer flags it): remove the suppression so it cannot hide a future problem.")
            .fixes.push_back(Fix{"Remove the suppression", true, {removal(file_, s, n)}});
      }
    }
  }

  FileResult& r_;
  const LintPlan& plan_;
  const SourceFile& file_;
  std::vector<Suppression> sups_;
  std::vector<std::vector<bool>> used_;
};

}  // namespace

std::vector<Suppression> find_suppressions(const SourceFile& file,
                                           const std::vector<Span>& statements) {
  std::vector<Suppression> out;
  size_t bom = file.bom_length();
  for (const Span& c : scan_comments(std::string_view(file.bytes()).substr(bom), bom)) {
    auto s = parse_comment(file.text(c), c);
    if (!s) continue;
    if (!s->file_level) s->target = bind(file, statements, c);
    out.push_back(std::move(*s));
  }
  return out;
}

void apply_suppressions(FileResult& result, const LintPlan& plan) {
  if (!result.file) return;
  // No comment can hold a directive when the text nowhere contains "-ignore": skip the scan.
  if (result.file->bytes().find("-ignore") == std::string::npos) return;
  Filter(result, plan).run();
}

}  // namespace migsafe
