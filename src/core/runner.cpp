// Migration histories, linted in order; see runner.hpp.
#include "core/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "config/baseline.hpp"
#include "config/suppress.hpp"
#include "core/changeset.hpp"
#include "core/discover.hpp"
#include "core/fixes.hpp"
#include "core/history.hpp"
#include "core/plpgsql.hpp"
#include "model/locks.hpp"
#include "report/json_common.hpp"
#include "report/reporter.hpp"

namespace migsafe {

namespace fs = std::filesystem;

namespace {

bool use_color(const std::string& mode, bool to_file) {
  if (mode == "always") return true;
  if (mode == "never" || to_file) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string_view(term) == "dumb") return false;
  return isatty(STDOUT_FILENO) != 0;
}

// One file read, split into the framework's sections and parsed: the expensive part, done by
// the worker threads ahead of the in-order replay.
struct Prepared {
  std::shared_ptr<const SourceFile> shown;  // the bytes as on disk, for reports
  std::shared_ptr<const SourceFile> run;    // the bytes as the framework runs them
  ParsedFile parsed;
  ParsedBodies bodies;             // PL/pgSQL bodies, parsed here on the parsing thread
  PreparedSource source;           // sections and changesets (its bytes are in `run`)
  bool non_transactional = false;  // Flyway: a statement cannot run in a transaction block
  // Not parsed yet: at least kStreamBytes, it is parsed as it is linted, in its turn.
  bool stream = false;
  std::string error;
};

// Whether any statement is one PostgreSQL refuses inside a transaction block (the lock model
// says so): Flyway then runs the whole migration without a transaction. The kinds that never
// refuse are not predicted: a seed file's INSERTs, whose VALUES the prediction walks, are most
// of what a Flyway history holds.
bool has_non_transactional_statement(const SourceFile& file, const ParsedFile& parsed,
                                     int pg_version) {
  LintSettings plain;
  plain.pg_version = pg_version;
  FileContext scratch(file, plain);
  for (const Statement& stmt : parsed.statements)
    if (stmt.node && !never_refuses_transaction_block(stmt) &&
        predict(stmt, scratch).no_transaction_block)
      return true;
  return false;
}

// An editor's unsaved buffer standing in for one file's bytes on disk (`migsafe lsp`).
struct Overlay {
  std::string path;  // as planned (PlannedFile::path)
  std::string text;
};

// Parses a prepared file: its statements, its PL/pgSQL bodies, and for Flyway whether it runs
// in a transaction.
void parse_prepared(Prepared& p, const PlannedFile& pf, int pg_version, unsigned jobs) {
  p.parsed = parse_file(*p.run, jobs);  // a large file's chunks on `jobs` threads
  p.bodies = parse_bodies(*p.run, p.parsed);
  if (pf.transactions == TransactionRule::FlywayAuto)
    p.non_transactional = has_non_transactional_statement(*p.run, p.parsed, pg_version);
}

Prepared prepare(const PlannedFile& pf, int pg_version, const Overlay* overlay, unsigned jobs,
                 size_t stream_bytes) {
  Prepared p;
  std::string bytes, error;
  if (overlay && pf.path == overlay->path) {
    bytes = overlay->text;
  } else if (!read_file(pf.path, bytes, error)) {
    p.error = error;
    return p;
  }
  p.source = prepare_source(pf, bytes);
  p.shown = std::make_shared<const SourceFile>(pf.shown, std::move(bytes));
  p.run = p.source.rewritten
              ? std::make_shared<const SourceFile>(pf.shown, std::move(*p.source.rewritten))
              : p.shown;
  p.source.rewritten.reset();
  p.stream = p.run->bytes().size() >= stream_bytes;
  if (!p.stream) parse_prepared(p, pf, pg_version, jobs);
  return p;
}

// Prepares `files` on `jobs` threads and calls `next` for each in plan order on the calling
// thread. At most `window` prepared files wait for their turn, which bounds memory by the files
// in flight, not by the history.
template <class Next>
void prepare_in_order(const HistoryPlan& plan, const std::vector<FilePlan>& file_plans,
                      const Overlay* overlay, unsigned jobs, size_t stream_bytes, Next next) {
  const std::vector<PlannedFile>& files = plan.files;
  auto pg_version = [&](size_t i) {
    return file_plans[files[i].input].plan->settings().pg_version;
  };
  if (jobs <= 1 || files.size() <= 1) {
    for (size_t i = 0; i < files.size(); ++i)
      next(i, prepare(files[i], pg_version(i), overlay, jobs, stream_bytes));
    return;
  }
  const size_t window = static_cast<size_t>(jobs) * 4;
  std::vector<std::optional<Prepared>> slots(files.size());
  std::mutex mu;
  std::condition_variable ready, room;
  size_t claimed = 0, consumed = 0;
  auto worker = [&] {
    for (;;) {
      size_t i;
      {
        std::unique_lock lock(mu);
        room.wait(lock, [&] { return claimed >= files.size() || claimed < consumed + window; });
        if (claimed >= files.size()) return;
        i = claimed++;
      }
      Prepared p = prepare(files[i], pg_version(i), overlay, jobs, stream_bytes);
      {
        std::lock_guard lock(mu);
        slots[i] = std::move(p);
      }
      ready.notify_all();
    }
  };
  // The calling thread runs the in-order stage (replay and rules): it is one of the `jobs`.
  // While the file whose turn it is is still being prepared, it prepares the next unclaimed one
  // itself instead of waiting: otherwise, on two cores, one thread parses every file while the
  // in-order thread mostly waits (the profile in the README shows parsing is most of the work).
  std::vector<std::thread> threads;
  for (unsigned t = 0; t + 1 < jobs; ++t) threads.emplace_back(worker);
  for (size_t i = 0; i < files.size(); ++i) {
    Prepared p;
    {
      std::unique_lock lock(mu);
      while (!slots[i].has_value()) {
        if (claimed < files.size() && claimed < consumed + window) {
          size_t j = claimed++;
          lock.unlock();
          Prepared q = prepare(files[j], pg_version(j), overlay, jobs, stream_bytes);
          lock.lock();
          slots[j] = std::move(q);
          continue;
        }
        ready.wait(lock);
      }
      p = std::move(*slots[i]);
      slots[i].reset();
      consumed = i + 1;
    }
    room.notify_all();
    next(i, std::move(p));
  }
  for (auto& t : threads) t.join();
}

// The settings one file is linted with: the run's, plus what its history knows.
LintSettings file_settings(const LintSettings& run, const PlannedFile& pf, const Prepared& p,
                           Catalog* catalog, std::shared_ptr<const TableStats> stats) {
  LintSettings s = run;
  s.base_catalog = nullptr;
  s.working_catalog = catalog;
  s.stats = std::move(stats);
  s.migration = complete_facts(pf, p.source);
  switch (pf.transactions) {
    case TransactionRule::None:
      if (pf.framework != Framework::Plain) s.assume_in_transaction = false;
      break;
    case TransactionRule::Whole:
      s.assume_in_transaction = true;
      break;
    case TransactionRule::ImplicitMulti:
      // A streamed file is parsed in two chunks at least, so it has several statements.
      s.assume_in_transaction = p.stream || p.parsed.statements.size() > 1;
      break;
    case TransactionRule::FlywayAuto:
      s.assume_in_transaction = !p.non_transactional;
      break;
    case TransactionRule::Sections:
      s.transaction_segments = p.source.segments;
      break;
  }
  return s;
}

struct RunInputs {
  HistoryPlan plan;
  std::vector<FilePlan> file_plans;  // per PlanRequest file (PlannedFile::input)
  std::shared_ptr<const TableStats> stats;
  std::optional<Overlay> overlay;
  size_t stream_bytes = kStreamBytes;  // CheckOptions::stream_bytes
};

// Discovery, config per file, change set, history plan and statistics: everything before the
// first file is read. Returns 0, or the exit code of a usage / I/O error (already reported on
// `err`).
int gather(const CheckOptions& options, RunInputs& in, bool& io_error, std::ostream& err) {
  CliOverrides flags = options.flags;
  if (!options.framework.empty()) {
    if (!is_framework(options.framework)) {
      err << "migsafe: unknown framework '" << options.framework << "'\n";
      return 2;
    }
    flags.framework = options.framework;
  }
  std::optional<ConfigResolver> resolver;
  try {
    resolver.emplace(flags, options.config);
  } catch (const ConfigError& e) {
    err << "migsafe: " << e.what() << "\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    err << "migsafe: " << e.what() << " (see `migsafe rules`)\n";
    return 2;
  }
  Discovered found = discover(options.paths);
  for (const auto& e : found.errors) err << "migsafe: " << e << "\n";
  io_error = !found.errors.empty();
  if (!found.errors.empty() && found.files.empty()) return 2;

  // Each file's config; files the config excludes are dropped (named ones with a note).
  PlanRequest req;
  for (size_t i = 0; i < found.files.size(); ++i) {
    const std::string& f = found.files[i];
    std::string name = f;
    if (f == "-") name = options.stdin_filename.empty() ? "<stdin>" : options.stdin_filename;
    FilePlan plan;
    try {
      plan = resolver->resolve(name);
    } catch (const ConfigError& e) {
      err << "migsafe: " << e.what() << "\n";
      return 2;
    }
    if (!plan.excluded_by.empty()) {
      if (found.named[i])
        err << "migsafe: " << name << ": skipped: " << plan.config << " excludes it ("
            << plan.excluded_by << ")\n";
      continue;
    }
    req.files.push_back(f);
    req.roots.push_back(found.roots[i]);
    req.shown.push_back(name);
    req.frameworks.push_back(plan.plan->settings().framework);
    in.file_plans.push_back(std::move(plan));
  }
  if (!options.since.empty()) {
    std::string where = found.files.empty() || found.files[0] == "-" ? "." : found.files[0];
    std::string e = changes_since(options.since, where, req.changes);
    if (!e.empty()) {
      err << "migsafe: " << e << "\n";
      return 2;
    }
  }
  if (!options.changed.empty()) mark_changed(options.changed, req.changes);
  in.plan = plan_histories(req);
  for (const auto& e : in.plan.errors) err << "migsafe: " << e << "\n";
  if (!in.plan.errors.empty()) return 2;
  in.stream_bytes = options.stream_bytes;
  if (!options.stats.empty()) {
    std::string bytes, error;
    if (!read_file(options.stats, bytes, error)) {
      err << "migsafe: --stats " << error << "\n";
      return 2;
    }
    auto stats = TableStats::parse(bytes, error);
    if (!stats) {
      err << "migsafe: --stats " << options.stats << ": " << error << "\n";
      return 2;
    }
    in.stats = std::make_shared<const TableStats>(std::move(*stats));
  }
  return 0;
}

// A file of at least kStreamBytes, linted as it is parsed (lint_streamed) on the in-order
// thread with the run's helpers. nullopt when it was not streamed: `working` is then as it was
// (the parts of the file replayed so far are undone) and the caller parses it whole.
std::optional<FileResult> lint_large(const RunInputs& in, const PlannedFile& pf, Prepared& p,
                                     Catalog* working, unsigned jobs, ReplayResult& replay) {
  const LintPlan& plan = *in.file_plans[pf.input].plan;
  int pg_version = plan.settings().pg_version;
  StreamOptions options;
  options.threads = jobs;
  // Flyway runs a file in a transaction unless one of its statements refuses it: the stream
  // assumes the transaction and stops at the first such statement.
  if (pf.transactions == TransactionRule::FlywayAuto)
    options.refuse = [pg_version](const SourceFile& file, const ParsedFile& part) {
      return has_non_transactional_statement(file, part, pg_version);
    };
  Catalog before = *working;  // once per streamed file
  LintSettings s = file_settings(plan.settings(), pf, p, working, in.stats);
  auto result = lint_streamed(p.run, plan, s, pf.lint, &replay, options);
  if (!result) {
    *working = std::move(before);
    replay = ReplayResult{};
  }
  return result;
}

// Replays every planned file in order (linting those the plan says to lint, each with its own
// config's rules) and calls `emit(planned, result, unknown statements, schema after the file)`
// for each. Each history's catalog is updated in place by the files that commit to it; a down /
// undo / verify script works on an empty one of its own.
template <class Emit>
void replay_histories(const RunInputs& in, unsigned jobs, Emit emit) {
  std::vector<Catalog> state(in.plan.histories);
  prepare_in_order(in.plan, in.file_plans, in.overlay ? &*in.overlay : nullptr, jobs,
                   in.stream_bytes, [&](size_t i, Prepared p) {
                     const PlannedFile& pf = in.plan.files[i];
                     const LintPlan& plan = *in.file_plans[pf.input].plan;
                     ReplayResult replay;
                     FileResult r;
                     if (!p.error.empty()) {
                       r.error = p.error;
                       emit(pf, r, replay.unknown, state[pf.history]);
                       return;
                     }
                     // A down / undo / revert / verify script does not change the history, and
                     // copying the history's schema for each one would make a long golang-migrate
                     // history quadratic: it is linted on its own, like a lone file (it sees what
                     // it creates itself).
                     Catalog scratch;
                     Catalog* working = pf.commit ? &state[pf.history] : &scratch;
                     std::optional<FileResult> streamed;
                     if (p.stream) {
                       streamed = lint_large(in, pf, p, working, jobs, replay);
                       if (!streamed) {
                         p.stream = false;  // its settings now come from the whole parse
                         parse_prepared(p, pf, plan.settings().pg_version, jobs);
                       }
                     }
                     if (streamed) {
                       r = std::move(*streamed);
                     } else {
                       LintSettings s = file_settings(plan.settings(), pf, p, working, in.stats);
                       r = lint_parsed(p.run, p.parsed, plan, s, pf.lint, &replay, &p.bodies);
                     }
                     r.file = p.shown;
                     if (pf.lint) apply_suppressions(r, plan);
                     if (pf.commit) working->settle(pf.fresh ? Origin::ChangeSet : Origin::History);
                     emit(pf, r, replay.unknown, *working);
                   });
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  return fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec);
}

}  // namespace

std::optional<FileResult> lint_in_history(const std::string& path, const std::string& text,
                                          std::ostream& err) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec).lexically_normal();
  if (ec || !fs::is_regular_file(abs, ec)) return std::nullopt;
  CheckOptions options;
  options.paths = {history_root(abs).string()};
  options.changed = {abs.string()};
  options.jobs = 1;  // an editor's request: leave the other cores to the editor
  RunInputs inputs;
  bool io_error = false;
  if (gather(options, inputs, io_error, err) != 0) return std::nullopt;
  const PlannedFile* mine = nullptr;
  for (const PlannedFile& pf : inputs.plan.files) {
    if (pf.path != "-" && pf.lint && fs::equivalent(pf.path, abs, ec)) mine = &pf;
  }
  if (!mine) return std::nullopt;  // excluded by its config, or not a migration of the history
  inputs.overlay = Overlay{mine->path, text};
  std::optional<FileResult> result;
  replay_histories(inputs, options.jobs,
                   [&](const PlannedFile& pf, FileResult& r, const std::vector<UnknownStatement>&,
                       const Catalog&) {
                     if (pf.path == inputs.overlay->path && pf.lint) result = std::move(r);
                   });
  return result;
}

int run_check(const CheckOptions& options, std::ostream& out, std::ostream& err) {
  RunInputs inputs;
  bool io_error = false;
  if (int rc = gather(options, inputs, io_error, err)) return rc;

  std::optional<Baseline> baseline;
  if (!options.baseline.empty()) {
    try {
      baseline.emplace(Baseline::load(options.baseline));
    } catch (const std::exception& e) {
      err << "migsafe: --baseline " << e.what() << "\n";
      return 2;
    }
  }
  std::string write_dir;
  if (!options.write_baseline.empty()) {
    std::error_code ec;
    write_dir = fs::absolute(options.write_baseline, ec).lexically_normal().parent_path().string();
  }

  // Never write the report or a baseline over a file we were asked to lint.
  for (const PlannedFile& pf : inputs.plan.files) {
    const std::string& f = pf.path;
    if (f == "-") continue;
    for (const auto& [flag, target] : {std::pair{"--output", &options.output},
                                       std::pair{"--write-baseline", &options.write_baseline}}) {
      if (!target->empty() && same_file(f, *target)) {
        err << "migsafe: " << flag << " " << *target << " is one of the files being checked\n";
        return 2;
      }
    }
  }

  std::optional<Fixer> fixer;
  if (options.fix) {
    if (std::any_of(inputs.plan.files.begin(), inputs.plan.files.end(),
                    [](const PlannedFile& f) { return f.path == "-"; })) {
      err << "migsafe: --fix cannot rewrite standard input (--diff shows the fixes)\n";
      return 2;
    }
    fixer.emplace(err);
  }

  std::ofstream file_out;
  std::string tmp_output;
  if (!options.output.empty()) {
    tmp_output = options.output + ".migsafe-tmp";
    file_out.open(tmp_output, std::ios::binary | std::ios::trunc);
    if (!file_out) {
      err << "migsafe: cannot write " << options.output << "\n";
      return 2;
    }
  }
  std::ostream& sink = options.output.empty() ? out : file_out;
  ReportOptions ro;
  ro.color = use_color(options.color, !options.output.empty());
  std::error_code ec;
  ro.base_dir = fs::current_path(ec).string();
  auto reporter = make_reporter(options.format, sink, ro);
  if (!reporter) {
    err << "migsafe: unknown format '" << options.format << "'\n";
    return 2;
  }

  unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  RunSummary summary;
  bool failed = false;
  std::vector<bool> matched(baseline ? baseline->entries().size() : 0, false);
  std::set<std::string> linted;  // baseline paths of the files checked
  std::vector<BaselineEntry> written;
  reporter->begin();
  replay_histories(inputs, jobs,
                   [&](const PlannedFile& pf, FileResult& r, const std::vector<UnknownStatement>&,
                       const Catalog&) {
                     if (!pf.lint && r.error.empty()) return;  // schema context only
                     const FilePlan& plan = inputs.file_plans[pf.input];
                     if (fixer && r.error.empty()) {
                       // What is left after the fixes is linted as the file on its own (the
                       // history's schema has moved past it).
                       r = fixer->fix(r, *plan.plan, [&](std::shared_ptr<const SourceFile> f) {
                         return lint_file(std::move(f), plan);
                       });
                     }
                     if (!options.write_baseline.empty())
                       for (auto& e : baseline_entries(r, baseline_path(pf.shown, write_dir)))
                         written.push_back(std::move(e));
                     if (baseline) {
                       for (size_t m : baseline->apply(r, baseline_path(pf.shown, baseline->dir())))
                         matched[m] = true;
                       linted.insert(baseline_path(pf.shown, baseline->dir()));
                     }
                     summary.add(r);
                     if (!r.error.empty()) {
                       auto lock = lock_stderr();  // the PL/pgSQL parser borrows stderr
                       err << "migsafe: " << r.error << "\n";
                       io_error = true;
                     }
                     for (const Finding& f : r.findings)
                       if (fails(f.severity, plan.fail_on)) failed = true;
                     reporter->file(r);
                   });
  if (baseline) {
    summary.baseline = options.baseline;
    for (size_t k = 0; k < matched.size(); ++k) {
      if (matched[k]) continue;
      const BaselineEntry& e = baseline->entries()[k];
      // Stale: its file was checked and the finding is gone, or the file no longer exists.
      // Entries for files this run did not check say nothing.
      std::error_code fec;
      if (linted.count(e.path) || !fs::exists(fs::path(baseline->dir()) / e.path, fec))
        summary.stale_baseline.push_back(e);
    }
    if (!summary.stale_baseline.empty()) {
      err << "migsafe: " << options.baseline << ": " << summary.stale_baseline.size() << " stale "
          << (summary.stale_baseline.size() == 1 ? "entry" : "entries")
          << " (the finding is gone; drop with --write-baseline " << options.baseline << "):\n";
      for (const BaselineEntry& e : summary.stale_baseline)
        err << "  " << e.path << ":" << e.line << ": " << e.rule << "\n";
    }
  }
  reporter->end(summary);
  if (fixer && !fixer->finish()) io_error = true;
  if (!options.output.empty()) {
    file_out.close();
    if (!file_out || std::rename(tmp_output.c_str(), options.output.c_str()) != 0) {
      err << "migsafe: cannot write " << options.output << "\n";
      std::remove(tmp_output.c_str());
      return 2;
    }
  }
  if (!options.write_baseline.empty()) {
    try {
      write_baseline(options.write_baseline, written);
    } catch (const std::exception& e) {
      err << "migsafe: " << e.what() << "\n";
      return 2;
    }
    err << "migsafe: wrote " << written.size() << " "
        << (written.size() == 1 ? "finding" : "findings") << " to " << options.write_baseline
        << "\n";
    failed = false;  // every finding is now in the baseline
  }
  if (io_error) return 2;
  return failed ? 1 : 0;
}

namespace {

std::string kind_name(TableKind k) {
  switch (k) {
    case TableKind::Table:
      return "table";
    case TableKind::Partitioned:
      return "partitioned";
    case TableKind::Partition:
      return "partition";
  }
  return "table";
}

nlohmann::json catalog_json(const Catalog& c) {
  nlohmann::json j;
  j["schemas"] = c.schemas();
  j["tables"] = nlohmann::json::array();
  for (const auto& [n, t] : c.tables()) {
    nlohmann::json cols = nlohmann::json::array();
    for (const auto& col : t.columns)
      cols.push_back({{"name", col.name},
                      {"type", col.type.display()},
                      {"not_null", col.not_null},
                      {"default", col.has_default},
                      {"identity", col.identity},
                      {"generated", col.generated}});
    nlohmann::json cons = nlohmann::json::array();
    for (const auto& k : t.constraints) {
      nlohmann::json x = {{"name", k.name}, {"columns", k.columns}, {"validated", k.validated}};
      if (k.kind == ConstraintKind::ForeignKey) {
        x["references"] = k.references.display();
        x["ref_columns"] = k.ref_columns;
      }
      cons.push_back(std::move(x));
    }
    nlohmann::json tj = {{"name", n.display()},
                         {"kind", kind_name(t.kind)},
                         {"columns_known", t.columns_known},
                         {"columns", cols},
                         {"constraints", cons}};
    if (!t.parent.empty()) tj["partition_of"] = t.parent.display();
    j["tables"].push_back(std::move(tj));
  }
  j["indexes"] = nlohmann::json::array();
  for (const auto& [n, i] : c.indexes())
    j["indexes"].push_back({{"name", n.display()},
                            {"table", i.table.display()},
                            {"unique", i.unique},
                            {"valid", i.valid},
                            {"partial", i.partial},
                            {"columns", i.columns}});
  j["views"] = nlohmann::json::array();
  for (const auto& [n, v] : c.views()) {
    nlohmann::json reads = nlohmann::json::array();
    for (const auto& d : v.reads)
      reads.push_back({{"relation", d.relation.display()},
                       {"columns", d.columns},
                       {"columns_known", d.columns_known}});
    j["views"].push_back(
        {{"name", n.display()}, {"materialized", v.materialized}, {"reads", reads}});
  }
  j["enums"] = nlohmann::json::array();
  for (const auto& [n, e] : c.enums())
    j["enums"].push_back({{"name", n.display()}, {"values", e.values}});
  return j;
}

}  // namespace

int run_schema(const CheckOptions& options, std::ostream& out, std::ostream& err) {
  RunInputs inputs;
  bool io_error = false;
  if (int rc = gather(options, inputs, io_error, err)) return rc;
  for (auto& f : inputs.plan.files) f.lint = false;
  unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  struct History {
    std::string framework;
    std::vector<std::string> files;
    std::optional<Catalog> catalog;
    nlohmann::json unknown = nlohmann::json::array();
  };
  std::vector<History> histories(inputs.plan.histories);
  size_t statements = 0, unknowns = 0;
  replay_histories(
      inputs, jobs,
      [&](const PlannedFile& pf, FileResult& r, const std::vector<UnknownStatement>& unknown,
          const Catalog& after) {
        History& h = histories[pf.history];
        h.framework = std::string(framework_name(pf.framework));
        h.files.push_back(pf.shown);
        if (!r.error.empty()) {
          err << "migsafe: " << r.error << "\n";
          io_error = true;
          return;
        }
        statements += r.statements;
        for (const auto& u : unknown) {
          Position pos = r.file->position(u.span.begin);
          h.unknown.push_back({{"path", pf.shown}, {"line", pos.line}, {"reason", u.reason}});
          ++unknowns;
        }
        if (pf.commit) h.catalog = after;
      });
  if (options.format == "json") {
    nlohmann::json j;
    j["histories"] = nlohmann::json::array();
    for (auto& h : histories)
      j["histories"].push_back({{"framework", h.framework},
                                {"files", h.files},
                                {"schema", h.catalog ? catalog_json(*h.catalog) : nlohmann::json()},
                                {"unknown", h.unknown}});
    j["summary"] = {
        {"files", inputs.plan.files.size()}, {"statements", statements}, {"unknown", unknowns}};
    out << dump_json(j, 2) << "\n";  // identifiers may hold invalid UTF-8
  } else {
    for (auto& h : histories) {
      size_t tables = h.catalog ? h.catalog->tables().size() : 0;
      size_t indexes = h.catalog ? h.catalog->indexes().size() : 0;
      size_t views = h.catalog ? h.catalog->views().size() : 0;
      size_t enums = h.catalog ? h.catalog->enums().size() : 0;
      std::string dir = h.files.empty() ? "" : h.files.front();
      out << h.framework << " history of " << h.files.size() << " file(s) from " << dir << ": "
          << tables << " tables, " << indexes << " indexes, " << views << " views, " << enums
          << " enums\n";
      if (h.catalog)
        for (const auto& [n, t] : h.catalog->tables()) {
          out << "  table " << n.display() << " (";
          for (size_t i = 0; i < t.columns.size(); ++i)
            out << (i ? ", " : "") << quote_ident(t.columns[i].name) << " "
                << t.columns[i].type.display() << (t.columns[i].not_null ? " NOT NULL" : "");
          if (!t.columns_known) out << (t.columns.empty() ? "" : ", ") << "...";
          out << ")\n";
        }
      for (const auto& u : h.unknown)
        out << "  unknown: " << u["path"].get<std::string>() << ":" << u["line"].get<int>() << ": "
            << u["reason"].get<std::string>() << "\n";
    }
    out << "migsafe: replayed " << inputs.plan.files.size() << " files (" << statements
        << " statements); " << unknowns << " statements could not be modeled\n";
  }
  return io_error ? 2 : 0;
}

}  // namespace migsafe
