// Migration histories: groups the files to lint into the migration directories they belong to,
// detects (or is told) the framework that runs each directory, and plans the order in which
// files are replayed: the framework's order, down / undo / revert scripts right after the
// migration they undo, and which files are only schema context (change sets). It also computes
// the facts the history rules report (naming, versions, pairing, change status) and, once a
// file is read, the framework's sections and transactions inside it.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/context.hpp"
#include "model/migration.hpp"

namespace migsafe {

enum class Framework { Plain, Flyway, GolangMigrate, Dbmate, Sqitch, Liquibase, Prisma, Diesel };

std::string_view framework_name(Framework f);
// "auto" and "" are not frameworks: the caller detects.
bool parse_framework(std::string_view text, Framework* out);
// Every accepted --framework value, for help and errors.
const std::vector<std::string>& framework_names();

enum class ChangeStatus {
  Unchanged,  // present at the base: context only
  Added,      // new in the change set
  Modified,   // existed at the base ref and was edited
  Changed,    // named by --changed: new or edited, git was not asked
};

struct ChangeSet {
  bool active = false;
  std::string base_ref;                       // --since; empty for --changed
  std::map<std::string, ChangeStatus> files;  // absolute, normalised path -> status
};

// How the framework runs a file's statements; resolved into TransactionSegments once the file
// is read (and, for Flyway, parsed).
enum class TransactionRule {
  None,           // each statement on its own (or as the SQL says)
  Whole,          // the whole file in one transaction
  ImplicitMulti,  // one multi-statement query: an implicit transaction when it has several
  FlywayAuto,     // Whole, unless a statement cannot run in a transaction block
  Sections,       // per section / changeset, from the file's markers
};

struct PlannedFile {
  size_t input = 0;   // index into the PlanRequest's files
  std::string path;   // to read ("-" for stdin)
  std::string shown;  // for reports
  size_t history = 0;
  Framework framework = Framework::Plain;
  bool lint = true;    // report findings; false: schema context only
  bool commit = true;  // its schema becomes the history's state (false: down, undo, verify)
  // New in the change set (added, or named by --changed): what it creates is new and empty.
  // An edited old migration is linted but its objects exist already.
  bool fresh = false;
  TransactionRule transactions = TransactionRule::None;
  std::shared_ptr<MigrationFacts> facts;
};

struct HistoryPlan {
  std::vector<PlannedFile> files;  // in processing (and report) order
  size_t histories = 0;
  std::vector<std::string> errors;
};

struct PlanRequest {
  std::vector<std::string> files;  // discovered, in discovery order ("-" for stdin)
  std::vector<std::string> roots;  // the command-line path each file was found under
  std::vector<std::string> shown;
  std::string framework;  // "" or "auto": detect per directory
  // Per file (optional): the framework its config names ("" or "auto": none). The first one set
  // among a directory's files decides for the directory, before `framework`.
  std::vector<std::string> frameworks;
  ChangeSet changes;
};

HistoryPlan plan_histories(const PlanRequest& request);

// The directory that holds a migration file's history, from the layout alone: the directory of
// a Prisma / diesel migration's dated directory, a sqitch project's root, else its directory.
std::filesystem::path history_root(const std::filesystem::path& file);

// A file's bytes as the framework runs them: for dbmate the `-- migrate:down` section is blanked
// out (offsets unchanged) so only the up section is linted and replayed; Liquibase changesets
// and dbmate's `transaction:false` become transaction segments.
struct PreparedSource {
  // The bytes as the framework runs them when they differ from the file's (a dbmate down
  // section blanked); unset otherwise, so a file is not copied for nothing.
  std::optional<std::string> rewritten;
  std::vector<TransactionSegment> segments;  // for TransactionRule::Sections
  std::vector<ChangesetFacts> changesets;
  std::optional<bool> has_down;  // dbmate: a non-empty down section; liquibase: every rollback
};
PreparedSource prepare_source(const PlannedFile& file, const std::string& bytes);
// The planner's facts completed with what reading the file showed (changesets, down sections).
std::shared_ptr<const MigrationFacts> complete_facts(const PlannedFile& file,
                                                     const PreparedSource& source);

// Versions compare by their numeric parts: 1.9 < 1.10 < 2; "1_1" equals "1.1".
bool version_less(const std::string& a, const std::string& b);

namespace history_detail {
// A file's absolute path with links resolved (weakly_canonical), for many files at once: the
// working directory is read once, and each directory is resolved once (weakly_canonical reads
// the link of every component, five system calls or more per file); the file itself is resolved
// on its own only when it is a link.
class PathNormaliser {
 public:
  PathNormaliser();
  std::string operator()(const std::string& path);
  // The same answer through std::filesystem alone (what operator() does for a path that is not
  // plain names; for tests, the reference for the string shortcut).
  std::string general(const std::string& path);

 private:
  std::string cwd_;
  std::map<std::string, std::filesystem::path> dirs_;
  const std::filesystem::path& resolved_dir(const std::string& dir);
};
}  // namespace history_detail

}  // namespace migsafe
