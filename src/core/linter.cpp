// The lint loop; see linter.hpp.
#include "core/linter.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"
#include "core/plpgsql.hpp"
#include "core/secrets.hpp"
#include "fastpack/arena.hpp"
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
  std::vector<int> visited;
  for (size_t k = 0; k < dispatch_.size(); ++k)
    if (!dispatch_[k].empty()) visited.push_back(static_cast<int>(k));
  visited_ = KindSet(visited);
}

namespace {

// How deep DO blocks, EXECUTE strings and routine calls are followed into one another.
constexpr int kMaxDepth = 8;

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

// A PL/pgSQL body ready to run: its items, and the SQL of each item parsed once.
struct PreparedBody {
  std::shared_ptr<const ParsedBody> src;
  Span outer;        // the outermost string literal the body is written in
  std::string name;  // a routine's display name ("" for a DO block)
};

// The routine a CALL or a `SELECT f(...)` runs, by name.
std::vector<QualifiedName> called_routines(const PgQuery__Node* node, const FileContext& ctx) {
  std::vector<QualifiedName> out;
  if (const auto* c = as<PgQuery__CallStmt>(node)) {
    if (c->funccall)
      out.push_back(ctx.resolve_list(c->funccall->funcname, c->funccall->n_funcname));
  } else if (const auto* s = as<PgQuery__SelectStmt>(node)) {
    if (s->n_from_clause || s->where_clause || s->op != PG_QUERY__SET_OPERATION__SETOP_NONE)
      return out;
    for (const PgQuery__Node* t : items(s->target_list, s->n_target_list)) {
      const auto* target = as<PgQuery__ResTarget>(t);
      const auto* call = target ? as<PgQuery__FuncCall>(target->val) : nullptr;
      if (call) out.push_back(ctx.resolve_list(call->funcname, call->n_funcname));
    }
  }
  return out;
}

bool touches(Span edit, Span region) {
  if (edit.empty()) return region.begin < edit.begin && edit.begin < region.end;
  return edit.begin < region.end && region.begin < edit.end;
}

class FileLinter {
 public:
  FileLinter(std::shared_ptr<const SourceFile> file, const LintPlan& plan,
             const LintSettings& settings, bool run_rules, FileResult& result)
      : file_(std::move(file)),
        plan_(plan),
        result_(result),
        ctx_(*file_, settings),
        run_rules_(run_rules),
        stats_(settings.stats.get()) {}

  // Statements the catalog could not model, and the catalog itself (unless it was replayed in
  // place), for the next file of the history.
  void take_replay(ReplayResult& out, bool in_place) {
    out.unknown = ctx_.replay_unknowns();
    if (!in_place) out.catalog = ctx_.take_catalog();
  }

  void use_bodies(const ParsedBodies* bodies) { bodies_ = bodies; }

  void run(const ParsedFile& parsed) {
    result_.statements = parsed.statements.size();
    result_.statement_spans.reserve(parsed.statements.size());
    for (const Statement& stmt : parsed.statements) result_.statement_spans.push_back(stmt.span);
    ctx_.set_statements(parsed.statements);
    report_syntax_errors(parsed.errors);
    report_meta_commands(parsed.meta_commands);
    for (const Statement& stmt : parsed.statements) lint_top(stmt);
    end(parsed.statements.size());
  }

  // run() over the chunks of `stream`, as they come (see lint_streamed). False when the stream
  // was refused: what was reported is then to be dropped.
  bool run_streamed(ChunkStream& stream, const StreamOptions& options,
                    std::function<bool(size_t chunk, ParsedBodies& bodies)> take_chunk) {
    bodies_ = &streamed_bodies_;
    report_meta_commands(stream.meta_commands());
    struct Held {
      ParsedFile part;
      size_t end;  // one past its last statement
    };
    std::deque<Held> held;
    size_t next = 0;       // the next statement to lint
    size_t lint_upto = 0;  // statements before it can be linted: a later non-SET one is known
    for (size_t k = 0;; ++k) {
      ParsedFile part;
      ChunkStream::Next got = stream.next(part);
      if (got == ChunkStream::Next::End) break;
      ParsedBodies bodies;
      if (got == ChunkStream::Next::Refused || !take_chunk(k, bodies)) return false;
      for (size_t i = 0; i < part.statements.size(); ++i) {
        Statement stmt = part.statements[i];
        if (!transient(stmt)) {
          stmt.node = copy_node(stmt.node, kept_);
          if (!stmt.node) return false;
        }
        if (!as<PgQuery__VariableSetStmt>(stmt.node)) lint_upto = all_.size();
        all_.push_back(stmt);
        result_.statement_spans.push_back(stmt.span);
        streamed_bodies_.push_back(i < bodies.size() ? std::move(bodies[i]) : nullptr);
      }
      held.push_back(Held{std::move(part), all_.size()});
      ctx_.set_statements(all_);
      for (; next < lint_upto; ++next) lint_top(all_[next]);
      if (options.peak_chunks) *options.peak_chunks = std::max(*options.peak_chunks, held.size());
      // A chunk whose statements are all linted goes; its statements that were not copied out
      // point at an empty node from now on (nothing looks back at their kinds).
      for (; !held.empty() && held.front().end <= next; held.pop_front()) {
        for (const Statement& stmt : held.front().part.statements) {
          if (transient(stmt)) all_[stmt.index].node = &kReleased;
          streamed_bodies_[stmt.index].reset();
        }
      }
    }
    for (; next < all_.size(); ++next) lint_top(all_[next]);
    result_.statements = all_.size();
    end(all_.size());
    return true;
  }

 private:
  // An empty node (no kind) that a linted statement whose chunk was dropped points at.
  static constexpr PgQuery__Node kReleased = PG_QUERY__NODE__INIT;

  // Statements that no later statement, finish hook or catalog entry looks back at: they
  // change or read rows, set a setting or control the transaction. Everything else (DROP and
  // ALTER TABLE for prefer-robust-stmts, the CREATE a catalog entry's created_statement names,
  // and any kind a future rule may look back at) is copied out of its chunk.
  static bool transient(const Statement& stmt) {
    const ProtobufCMessage* m = unwrap(stmt.node);
    if (const auto* select = as<PgQuery__SelectStmt>(m)) return !select->into_clause;
    return as<PgQuery__InsertStmt>(m) || as<PgQuery__UpdateStmt>(m) || as<PgQuery__DeleteStmt>(m) ||
           as<PgQuery__VariableSetStmt>(m) || as<PgQuery__CopyStmt>(m) ||
           as<PgQuery__TransactionStmt>(m);
  }

  void lint_top(const Statement& stmt) {
    host_index_ = stmt.index;
    add_secrets(top_secrets_, stmt);
    lint(stmt);
  }

  // The secrets of `stmt`, for the redaction at the end (only when rules run).
  void add_secrets(std::vector<Secret>& into, const Statement& stmt) {
    if (!run_rules_) return;
    std::vector<Secret> found = find_secrets(stmt, *file_);
    into.insert(into.end(), found.begin(), found.end());
  }

  void end(size_t statements) {
    if (run_rules_) finish(statements);
    sort_findings(result_.findings);
    if (!run_rules_) return;
    // The top-level statements' secrets, then those of the statements run from bodies.
    top_secrets_.insert(top_secrets_.end(), body_secrets_.begin(), body_secrets_.end());
    redact_secrets(*file_, top_secrets_, result_.findings);
  }

  // psql meta-commands are psql's own: a file that psql runs (a plain directory, a lone file,
  // sqitch, pg_dump output) may hold them. A framework that sends the file to the server
  // through a driver (Flyway, golang-migrate, dbmate, Liquibase, Prisma, diesel) fails on them:
  // for those they are syntax errors, each at its own line.
  void report_meta_commands(const std::vector<MetaCommand>& commands) {
    if (commands.empty()) return;
    const LintSettings& s = ctx_.settings();
    std::string framework = s.migration ? s.migration->framework : s.framework;
    if (framework.empty() || framework == "auto" || framework == "plain" || framework == "sqitch")
      return;
    std::vector<SyntaxError> errors;
    for (const MetaCommand& m : commands) {
      SyntaxError e;
      e.message = fmt::format(
          "psql meta-command {}: {} sends the file to the server, which rejects it (only psql "
          "runs backslash commands)",
          m.name, framework);
      e.offset = m.span.begin;
      e.end = m.span.begin + m.name.size();
      e.statement = m.span;
      errors.push_back(std::move(e));
    }
    report_syntax_errors(errors);
  }

  void report_syntax_errors(const std::vector<SyntaxError>& errors) {
    int idx = rule_index("syntax-error");
    if (!run_rules_ || idx < 0 || !plan_.enabled(static_cast<size_t>(idx))) return;
    size_t first = result_.findings.size();
    for (const SyntaxError& e : errors) {
      Finding f;
      f.rule = "syntax-error";
      f.severity = plan_.severity(static_cast<size_t>(idx));
      f.message = e.message;
      f.span = Span{e.offset, e.end};
      f.statement = e.statement;
      f.help =
          "PostgreSQL cannot parse this statement, so migsafe cannot check it and the migration "
          "will fail when it reaches it. The other statements of the file were still checked.";
      result_.findings.push_back(std::move(f));
    }
    adopt(first, nullptr);
  }

  void report_dynamic(const BodyItem& item) {
    int idx = rule_index("unchecked-dynamic-sql");
    if (!run_rules_ || idx < 0 || !plan_.enabled(static_cast<size_t>(idx))) return;
    size_t first = result_.findings.size();
    std::string shown = item.expression.substr(0, item.expression.find('\n'));
    if (shown.size() > 60) shown = shown.substr(0, code_point_to_byte(shown, 57)) + "...";
    if (shown.size() < item.expression.size() && shown.find("...") == std::string::npos)
      shown += " ...";
    Finding f;
    f.rule = "unchecked-dynamic-sql";
    f.severity = plan_.severity(static_cast<size_t>(idx));
    f.span = item.span;
    f.statement = item.span;
    f.message = fmt::format(
        "EXECUTE {} runs SQL that is only known while the {} runs: migsafe cannot check the "
        "locks, rewrites and compatibility of what it executes",
        shown, routine_.empty() ? std::string("DO block") : "routine " + routine_);
    f.help =
        "Check the statements it builds by hand: they run with the same hazards as if they were "
        "written in the migration. Where the statement is known in advance, write it out (as a "
        "plain statement, or EXECUTE of a constant string) so that migsafe checks it; otherwise "
        "print what the block would run (RAISE NOTICE instead of EXECUTE, on a copy of "
        "production) and check that with `migsafe check -`.";
    result_.findings.push_back(std::move(f));
    adopt(first, nullptr);
  }

  // Findings [first, end) were reported on a statement inside a body: re-quote their fix edits
  // for the literal they land in (a fix that cannot be expressed there is dropped), say where
  // a called routine was called, and drop repeats (a routine called twice).
  void adopt(size_t first, const Statement* stmt) {
    auto& all = result_.findings;
    for (size_t i = first; i < all.size(); ++i) {
      Finding& f = all[i];
      if (stmt && stmt->embedding) {
        std::vector<Fix> kept;
        for (Fix& fix : f.fixes) {
          bool ok = true;
          for (Edit& e : fix.edits) {
            if (!touches(e.span, outer_)) continue;  // outside the literal: plain SQL
            ok = ok && stmt->embedding->map.requote_edit(e.span, e.text);
          }
          if (ok) kept.push_back(std::move(fix));
        }
        f.fixes = std::move(kept);
      }
      if (call_) f.related.push_back(Related{*call_, call_message_});
    }
    if (!call_) return;
    for (size_t i = first; i < all.size();) {
      bool repeat =
          std::any_of(all.begin(), all.begin() + static_cast<long>(first), [&](const Finding& g) {
            return g.rule == all[i].rule && g.span == all[i].span && g.message == all[i].message;
          });
      if (repeat)
        all.erase(all.begin() + static_cast<long>(i));
      else
        ++i;
    }
  }

  void lint(const Statement& stmt) {
    const auto& rules = all_rules();
    std::optional<Effect> effect;
    auto effect_source = [&]() -> const Effect& {
      if (!effect) effect = predict(stmt, ctx_);
      return *effect;
    };
    size_t first = result_.findings.size();
    ctx_.enter(stmt);
    if (stmt.node && run_rules_) {
      Check check(ctx_, stmt, result_.findings);
      check.set_effect_source(effect_source);
      for (size_t r : plan_.statement_hooks()) {
        check.set_rule(&rules[r], plan_.severity(r), &plan_.options(r));
        check.set_ancestors({});
        rules[r].statement(check);
      }
      walker_.walk(
          unwrap(stmt.node),
          [&](const ProtobufCMessage& m, std::span<const ProtobufCMessage* const> ancestors) {
            for (const LintPlan::Entry& e : plan_.subscribers(message_index(m.descriptor))) {
              check.set_rule(&rules[e.rule], plan_.severity(e.rule), &plan_.options(e.rule));
              check.set_ancestors(ancestors);
              e.sub.call(e.sub.fn, m, check);
            }
            return true;
          },
          &plan_.visited_kinds());
      if (stats_ && result_.findings.size() > first)
        apply_table_stats(*stats_, effect_source(),
                          std::span<Finding>(result_.findings).subspan(first));
    }
    adopt(first, &stmt);
    if (stmt.node && depth_ < kMaxDepth) runs_now(stmt);
    ctx_.advance(stmt, effect_source);
  }

  // What a statement makes PostgreSQL run on the spot: a DO block's body, the body of a routine
  // defined earlier in the file that it calls. A routine definition is remembered (its body
  // runs later, when called), and its PL/pgSQL syntax checked as CREATE FUNCTION does.
  void runs_now(const Statement& stmt) {
    const ProtobufCMessage* m = unwrap(stmt.node);
    if (as<PgQuery__DoStmt>(m)) {
      auto body = prepare(stmt, "");
      if (!body) return;
      done_.push_back(body);  // the catalog may still point into its parse trees
      run_body(*body);
      return;
    }
    if (const auto* f = as<PgQuery__CreateFunctionStmt>(m)) {
      QualifiedName name = ctx_.resolve_list(f->funcname, f->n_funcname);
      auto body = prepare(stmt, name.display());
      if (!body) return;
      if (body->src->body.error) {
        report_syntax_errors({*body->src->body.error});
        return;
      }
      routines_[name] = std::move(body);
      return;
    }
    for (const QualifiedName& name : called_routines(stmt.node, ctx_)) {
      auto it = routines_.find(name);
      if (it == routines_.end()) continue;
      std::string key = name.schema + "." + name.name;
      if (std::find(active_.begin(), active_.end(), key) != active_.end()) continue;
      active_.push_back(key);
      auto saved_call = call_;
      auto saved_message = call_message_;
      if (!call_) {  // a call inside a called routine keeps pointing at the outermost call
        call_ = stmt.span;
        call_message_ = fmt::format("{} runs here", it->second->name);
      }
      run_body(*it->second);
      call_ = saved_call;
      call_message_ = saved_message;
      active_.pop_back();
    }
  }

  std::shared_ptr<const PreparedBody> prepare(const Statement& stmt, std::string name) {
    // A top-level statement's body was parsed on a parsing thread when the runner could.
    std::shared_ptr<const ParsedBody> src;
    if (!stmt.embedding && bodies_ && stmt.index < bodies_->size() && host_index_ == stmt.index)
      src = (*bodies_)[stmt.index];
    else
      src = parse_body(*file_, stmt);
    if (!src) return nullptr;
    auto p = std::make_shared<PreparedBody>();
    p->outer = stmt.embedding ? outer_ : src->body.literal;
    p->name = std::move(name);
    p->src = std::move(src);
    return p;
  }

  void run_body(const PreparedBody& body) {
    ++depth_;
    Span saved_outer = outer_;
    std::string saved_routine = routine_;
    outer_ = body.outer;
    routine_ = body.name;
    const RoutineBody& routine = body.src->body;
    if (routine.error) report_syntax_errors({*routine.error});
    ctx_.enter_routine();
    for (size_t i = 0; i < routine.items.size(); ++i) {
      const BodyItem& item = routine.items[i];
      switch (item.kind) {
        case BodyItem::Sql:
          report_syntax_errors(body.src->parsed[i].errors);
          for (const Statement& s : body.src->parsed[i].statements) {
            // Positions in the file's statement list (ctx.statements()) are those of the
            // top-level statement that runs the body.
            Statement copy = s;
            copy.index = host_index_;
            add_secrets(body_secrets_, copy);
            lint(copy);
          }
          break;
        case BodyItem::DynamicSql:
          report_dynamic(item);
          break;
        case BodyItem::Commit:
        case BodyItem::Rollback:
          ctx_.routine_transaction_end(item.kind == BodyItem::Commit);
          break;
      }
    }
    ctx_.leave_routine();
    outer_ = saved_outer;
    routine_ = saved_routine;
    --depth_;
  }

  void finish(size_t count) {
    if (plan_.finish_hooks().empty()) return;
    const auto& rules = all_rules();
    Statement end;
    end.span = Span{file_->bytes().size(), file_->bytes().size()};
    end.index = count;
    Check check(ctx_, end, result_.findings);
    Effect none;
    check.set_effect_source([&]() -> const Effect& { return none; });
    for (size_t r : plan_.finish_hooks()) {
      check.set_rule(&rules[r], plan_.severity(r), &plan_.options(r));
      rules[r].finish(check);
    }
  }

  std::shared_ptr<const SourceFile> file_;
  const LintPlan& plan_;
  FileResult& result_;
  FileContext ctx_;
  TreeWalker walker_;
  std::map<QualifiedName, std::shared_ptr<const PreparedBody>> routines_;
  std::vector<std::shared_ptr<const PreparedBody>> done_;
  std::vector<std::string> active_;       // routines being run (a recursive call is not followed)
  size_t host_index_ = 0;                 // the top-level statement being linted
  const ParsedBodies* bodies_ = nullptr;  // the top-level statements' bodies, when given
  std::vector<Secret> top_secrets_;       // of the top-level statements linted so far
  std::vector<Secret> body_secrets_;      // of the statements run from bodies
  // Streaming (run_streamed): every statement so far, the copies of those that outlive their
  // chunk, and each one's body.
  std::vector<Statement> all_;
  fastpack::Arena kept_;
  ParsedBodies streamed_bodies_;
  int depth_ = 0;
  bool run_rules_ = true;
  const TableStats* stats_ = nullptr;
  Span outer_;           // the outermost literal of the body being run
  std::string routine_;  // the routine being run ("" in a DO block)
  std::optional<Span> call_;
  std::string call_message_;
};

}  // namespace

FileResult lint_source(std::shared_ptr<const SourceFile> file, const LintPlan& plan) {
  ParsedFile parsed = parse_file(*file);
  return lint_parsed(std::move(file), parsed, plan, plan.settings());
}

std::shared_ptr<const ParsedBody> parse_body(const SourceFile& file, const Statement& stmt) {
  auto body = plpgsql_body(file, stmt);
  if (!body) return nullptr;
  auto p = std::make_shared<ParsedBody>();
  for (const BodyItem& item : body->items)
    p->parsed.push_back(item.kind == BodyItem::Sql ? parse_embedded(item.sql) : ParsedFile{});
  p->body = std::move(*body);
  return p;
}

ParsedBodies parse_bodies(const SourceFile& file, const ParsedFile& parsed) {
  ParsedBodies out(parsed.statements.size());
  for (size_t i = 0; i < parsed.statements.size(); ++i)
    out[i] = parse_body(file, parsed.statements[i]);
  return out;
}

FileResult lint_parsed(std::shared_ptr<const SourceFile> file, const ParsedFile& parsed,
                       const LintPlan& plan, const LintSettings& settings, bool run_rules,
                       ReplayResult* replay, const ParsedBodies* bodies) {
  FileResult result;
  result.file = file;
  FileLinter linter(file, plan, settings, run_rules, result);
  if (bodies && bodies->size() == parsed.statements.size()) linter.use_bodies(bodies);
  linter.run(parsed);
  if (replay) linter.take_replay(*replay, settings.working_catalog != nullptr);
  return result;
}

namespace {
std::atomic<size_t> streamed{0};  // see linter_detail::streamed_files
}  // namespace

std::optional<FileResult> lint_streamed(std::shared_ptr<const SourceFile> file,
                                        const LintPlan& plan, const LintSettings& settings,
                                        bool run_rules, ReplayResult* replay,
                                        const StreamOptions& options) {
  // What the parsing threads computed for each chunk, until its turn.
  struct Extras {
    ParsedBodies bodies;
    bool refused = false;
  };
  std::mutex mu;
  std::map<size_t, Extras> extras;
  const SourceFile& source = *file;
  auto after = [&](size_t chunk, ParsedFile& part) {
    Extras e;
    e.refused = options.refuse && options.refuse(source, part);
    if (!e.refused) e.bodies = parse_bodies(source, part);
    std::lock_guard lock(mu);
    extras[chunk] = std::move(e);
  };
  auto stream = ChunkStream::open(source, options.threads, options.chunk_bytes, after);
  if (!stream) return std::nullopt;
  FileResult result;
  result.file = file;
  FileLinter linter(file, plan, settings, run_rules, result);
  bool done = linter.run_streamed(*stream, options, [&](size_t chunk, ParsedBodies& bodies) {
    std::lock_guard lock(mu);
    auto it = extras.find(chunk);
    if (it == extras.end() || it->second.refused) return false;
    bodies = std::move(it->second.bodies);
    extras.erase(it);
    return true;
  });
  if (!done) return std::nullopt;
  if (replay) linter.take_replay(*replay, settings.working_catalog != nullptr);
  ++streamed;
  return result;
}

size_t linter_detail::streamed_files(bool reset) {
  return reset ? streamed.exchange(0) : streamed.load();
}

void sort_findings(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    if (a.span.begin != b.span.begin) return a.span.begin < b.span.begin;
    return a.rule < b.rule;
  });
}

}  // namespace migsafe
