// Lints one file: parse -> per-file context -> one walk per statement dispatching each node kind
// to the rules that asked for it -> findings sorted by position. A LintPlan (settings, enabled
// rules, dispatch table) is built once per run and shared read-only by the worker threads.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/finding.hpp"
#include "core/parse.hpp"
#include "core/plpgsql.hpp"
#include "core/rule.hpp"
#include "core/source.hpp"
#include "model/context.hpp"

namespace migsafe {

struct RuleSelection {
  std::vector<std::string> select;  // empty: every rule enabled by default
  std::vector<std::string> ignore;
  // Rules to run in addition to the default set (opt-in rules named in a config file).
  std::vector<std::string> extend;
};

// Per-rule options (`[rules.<id>]` in the config file): key -> value as written.
using RuleOptions = std::map<std::string, std::string, std::less<>>;

class LintPlan {
 public:
  // Throws std::invalid_argument naming an unknown rule id.
  LintPlan(LintSettings settings, const RuleSelection& selection);
  // `enabled[i]` says whether all_rules()[i] runs (before the PostgreSQL version gate).
  LintPlan(LintSettings settings, std::vector<bool> enabled);

  const LintSettings& settings() const { return settings_; }
  bool enabled(size_t rule) const { return enabled_[rule]; }
  Severity severity(size_t rule) const { return severity_[rule]; }
  void set_severity(size_t rule, Severity s) { severity_[rule] = s; }
  const RuleOptions& options(size_t rule) const { return options_[rule]; }
  void set_options(size_t rule, RuleOptions o) { options_[rule] = std::move(o); }

  struct Entry {
    size_t rule;
    Subscription sub;
  };
  const std::vector<Entry>& subscribers(int message_index) const {
    static const std::vector<Entry> none;
    return message_index < 0 || static_cast<size_t>(message_index) >= dispatch_.size()
               ? none
               : dispatch_[static_cast<size_t>(message_index)];
  }
  const std::vector<size_t>& statement_hooks() const { return statement_hooks_; }
  const std::vector<size_t>& finish_hooks() const { return finish_hooks_; }
  // The message kinds some enabled rule visits: the walk skips subtrees holding none.
  const KindSet& visited_kinds() const { return visited_; }

 private:
  LintSettings settings_;
  std::vector<bool> enabled_;
  std::vector<Severity> severity_;
  std::vector<RuleOptions> options_;
  std::vector<std::vector<Entry>> dispatch_;
  KindSet visited_;
  std::vector<size_t> statement_hooks_;
  std::vector<size_t> finish_hooks_;
};

struct FileResult {
  std::shared_ptr<const SourceFile> file;
  std::vector<Finding> findings;              // what the report shows, sorted by position
  std::vector<SuppressedFinding> suppressed;  // taken out by the filter stage
  size_t statements = 0;
  std::vector<Span> statement_spans;  // every statement, in order (the filter stage needs them)
  std::string error;                  // I/O error: the file could not be read (findings empty)
};

// Parse and run the rules. The filter stage (config/suppress.hpp, config/baseline.hpp) comes
// after; config/resolver.hpp has lint_file() for both.
FileResult lint_source(std::shared_ptr<const SourceFile> file, const LintPlan& plan);

// Sorts findings by position, then rule id (the order every report shows).
void sort_findings(std::vector<Finding>& findings);

// What replaying a file left behind, for the next file of its history.
struct ReplayResult {
  Catalog catalog;                        // the schema after the file's last statement
  std::vector<UnknownStatement> unknown;  // statements the catalog could not model
};

// A DO block's or routine's PL/pgSQL body, read and its SQL parsed. It depends on the file
// alone, not on the history, so the runner computes it on the parsing threads (it was a fifth
// of the in-order stage's work); the linter computes it itself for anything else.
struct ParsedBody {
  RoutineBody body;
  std::vector<ParsedFile> parsed;  // per item (empty for items that are not SQL)
};
// `stmt`'s body (nullptr when it has no PL/pgSQL body).
std::shared_ptr<const ParsedBody> parse_body(const SourceFile& file, const Statement& stmt);
// Per statement of `parsed` (by index), its body or nullptr.
using ParsedBodies = std::vector<std::shared_ptr<const ParsedBody>>;
ParsedBodies parse_bodies(const SourceFile& file, const ParsedFile& parsed);

// Lints an already parsed file with this file's `settings` (the plan's, plus what the history
// knows: base catalog, transactions, migration facts). With `run_rules` false the file is only
// replayed (schema context for later files): no rule runs and no finding is produced. When
// `replay` is given it receives the catalog after the file. `bodies`, when given, are
// parse_bodies(file, parsed).
FileResult lint_parsed(std::shared_ptr<const SourceFile> file, const ParsedFile& parsed,
                       const LintPlan& plan, const LintSettings& settings, bool run_rules = true,
                       ReplayResult* replay = nullptr, const ParsedBodies* bodies = nullptr);

// A file at least this large is linted as it is parsed (lint_streamed): its trees are then
// dropped chunk by chunk instead of being held until its last statement is linted. Below it,
// a file is parsed whole on one of the run's threads (several files at once), and its trees
// are small enough not to matter.
inline constexpr size_t kStreamBytes = size_t{4} << 20;

struct StreamOptions {
  unsigned threads = 1;                   // parsing threads (this one and helpers)
  size_t chunk_bytes = kParseChunkBytes;  // for tests
  // Run for each chunk on the thread that parsed it: true stops the stream (a Flyway file's
  // statement that refuses a transaction block changes how every earlier one runs).
  std::function<bool(const SourceFile&, const ParsedFile&)> refuse;
  size_t* peak_chunks = nullptr;  // for tests: the most chunks whose trees were held at once
};

// lint_parsed(file, parse_file(*file), ...), with the file parsed chunk by chunk as it is
// linted (ChunkStream). A statement is linted once a later statement other than SET is parsed
// (what prefer-robust-stmts looks ahead for); a chunk's tree is dropped once its statements
// are linted. The statements a later statement or the end of the file may look back at (any
// kind but DML, SET and transaction control: DROP, ALTER TABLE, the CREATE a catalog entry
// names) are copied out of their chunk first. nullopt, with nothing reported, when the file
// is not streamed (ChunkStream::open), a chunk is refused, or `refuse` stops it: the caller
// lints it with lint_parsed, after undoing what the replay did to a working catalog.
std::optional<FileResult> lint_streamed(std::shared_ptr<const SourceFile> file,
                                        const LintPlan& plan, const LintSettings& settings,
                                        bool run_rules, ReplayResult* replay,
                                        const StreamOptions& options);

namespace linter_detail {
// How many files lint_streamed linted in this process (nullopt results not counted); `reset`
// starts again. For tests.
size_t streamed_files(bool reset = false);
}  // namespace linter_detail

}  // namespace migsafe
