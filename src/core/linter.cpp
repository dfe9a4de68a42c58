// The lint loop; see linter.hpp.
#include "core/linter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "core/check.hpp"
#include "core/secrets.hpp"
#include "model/locks.hpp"

namespace migsafe {

namespace {

std::vector<bool> enabled_by(const RuleSelection& selection) {
  const auto& rules = all_rules();
  std::vector<bool> enabled(rules.size());
  for (size_t r = 0; r < rules.size(); ++r)
    enabled[r] = selection.select.empty() && rules[r].meta.default_enabled;
  for (const auto& id : selection.select) {
    int i = rule_index(id);
    if (i < 0) throw std::invalid_argument("unknown rule '" + id + "' in --select");
    enabled[static_cast<size_t>(i)] = true;
  }
  for (const auto& id : selection.extend) {
    int i = rule_index(id);
    if (i < 0) throw std::invalid_argument("unknown rule '" + id + "'");
    enabled[static_cast<size_t>(i)] = true;
  }
  for (const auto& id : selection.ignore) {
    int i = rule_index(id);
    if (i < 0) throw std::invalid_argument("unknown rule '" + id + "' in --ignore");
    enabled[static_cast<size_t>(i)] = false;
  }
  return enabled;
}

}  // namespace

LintPlan::LintPlan(LintSettings settings, const RuleSelection& selection)
    : LintPlan(std::move(settings), enabled_by(selection)) {}

LintPlan::LintPlan(LintSettings settings, std::vector<bool> enabled)
    : settings_(std::move(settings)), enabled_(std::move(enabled)) {
  const auto& rules = all_rules();
  enabled_.resize(rules.size());
  severity_.resize(rules.size());
  options_.resize(rules.size());
  dispatch_.resize(message_kind_count());
  for (size_t r = 0; r < rules.size(); ++r) {
    const RuleMeta& m = rules[r].meta;
    severity_[r] = m.severity;
    if (m.min_pg && settings_.pg_version < m.min_pg) enabled_[r] = false;
    if (m.max_pg && settings_.pg_version > m.max_pg) enabled_[r] = false;
    if (!enabled_[r]) continue;
    for (const Subscription& s : rules[r].visits) {
      int idx = message_index(s.descriptor);
      if (idx >= 0) dispatch_[static_cast<size_t>(idx)].push_back(Entry{r, s});
    }
    if (rules[r].statement) statement_hooks_.push_back(r);
    if (rules[r].finish) finish_hooks_.push_back(r);
  }
}

namespace {

void report_syntax_errors(const ParsedFile& parsed, const LintPlan& plan,
                          std::vector<Finding>& out) {
  int idx = rule_index("syntax-error");
  if (idx < 0 || !plan.enabled(static_cast<size_t>(idx))) return;
  for (const SyntaxError& e : parsed.errors) {
    Finding f;
    f.rule = "syntax-error";
    f.severity = plan.severity(static_cast<size_t>(idx));
    f.message = e.message;
    f.span = Span{e.offset, e.end};
    f.statement = e.statement;
    f.help =
        "PostgreSQL cannot parse this statement, so migsafe cannot check it and the migration "
        "will fail when it reaches it. The other statements of the file were still checked.";
    out.push_back(std::move(f));
  }
}

}  // namespace

namespace {

// Table sizes (--stats), applied in this one place for every rule: the finding is about the
// existing relation its statement locks most strongly. A locking finding on a tiny table drops
// to info; on a larger one the message says how large it is.
void apply_table_stats(const TableStats& stats, const Effect& effect, std::span<Finding> findings) {
  const RelationLock* lock = effect.strongest_on_existing();
  if (!lock || lock->relation.empty()) return;
  const TableSize* size = stats.find(lock->relation);
  if (!size) return;
  bool tiny = size->rows <= TableStats::kTinyRows && size->bytes <= TableStats::kTinyBytes;
  for (Finding& f : findings) {
    const RuleDef* rule = find_rule(f.rule);
    bool locking = rule && rule->meta.category == "locking";
    if (tiny && locking) {
      f.severity = Severity::Info;
      f.message +=
          fmt::format(" ({} has about {} ({}) in production: the lock is brief)",
                      lock->relation.display(), format_rows(size->rows), format_bytes(size->bytes));
    } else if (!tiny) {
      f.message += fmt::format(" ({} has about {}, {}, in production)", lock->relation.display(),
                               format_rows(size->rows), format_bytes(size->bytes));
    }
  }
}

}  // namespace

FileResult lint_source(std::shared_ptr<const SourceFile> file, const LintPlan& plan) {
  ParsedFile parsed = parse_file(*file);
  return lint_parsed(std::move(file), parsed, plan, plan.settings());
}

FileResult lint_parsed(std::shared_ptr<const SourceFile> file, const ParsedFile& parsed,
                       const LintPlan& plan, const LintSettings& settings, bool run_rules,
                       ReplayResult* replay) {
  FileResult result;
  result.file = file;
  result.statements = parsed.statements.size();
  result.statement_spans.reserve(parsed.statements.size());
  for (const Statement& stmt : parsed.statements) result.statement_spans.push_back(stmt.span);
  if (run_rules) report_syntax_errors(parsed, plan, result.findings);

  const auto& rules = all_rules();
  FileContext ctx(*file, settings);
  ctx.set_statements(parsed.statements);
  TreeWalker walker;
  const TableStats* stats = settings.stats.get();
  for (const Statement& stmt : parsed.statements) {
    std::optional<Effect> effect;
    auto effect_source = [&]() -> const Effect& {
      if (!effect) effect = predict(stmt, ctx);
      return *effect;
    };
    ctx.enter(stmt);
    if (stmt.node && run_rules) {
      size_t first = result.findings.size();
      Check check(ctx, stmt, result.findings);
      check.set_effect_source(effect_source);
      for (size_t r : plan.statement_hooks()) {
        check.set_rule(&rules[r], plan.severity(r), &plan.options(r));
        check.set_ancestors({});
        rules[r].statement(check);
      }
      walker.walk(unwrap(stmt.node), [&](const ProtobufCMessage& m,
                                         std::span<const ProtobufCMessage* const> ancestors) {
        for (const LintPlan::Entry& e : plan.subscribers(message_index(m.descriptor))) {
          check.set_rule(&rules[e.rule], plan.severity(e.rule), &plan.options(e.rule));
          check.set_ancestors(ancestors);
          e.sub.call(e.sub.fn, m, check);
        }
        return true;
      });
      if (stats && result.findings.size() > first)
        apply_table_stats(*stats, effect_source(),
                          std::span<Finding>(result.findings).subspan(first));
    }
    ctx.advance(stmt, effect_source);
  }
  if (run_rules && !plan.finish_hooks().empty()) {
    Statement end;
    end.span = Span{file->bytes().size(), file->bytes().size()};
    end.index = parsed.statements.size();
    Check check(ctx, end, result.findings);
    Effect none;
    check.set_effect_source([&]() -> const Effect& { return none; });
    for (size_t r : plan.finish_hooks()) {
      check.set_rule(&rules[r], plan.severity(r), &plan.options(r));
      rules[r].finish(check);
    }
  }
  sort_findings(result.findings);
  if (run_rules) redact_secrets(*file, parsed.statements, result.findings);
  if (replay) {
    replay->unknown = ctx.replay_unknowns();
    if (!settings.working_catalog) replay->catalog = ctx.take_catalog();
  }
  return result;
}

void sort_findings(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    if (a.span.begin != b.span.begin) return a.span.begin < b.span.begin;
    return a.rule < b.rule;
  });
}

}  // namespace migsafe
