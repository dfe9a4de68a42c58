// `migsafe locks FILE...`: the lock model's view of each statement (locks taken and already
// held, what they block, rewrites, scans, index builds, transactions), as a table or JSON. Files
// are read in order (directories in natural order); each sees the schema the earlier ones built.
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.hpp"
#include "core/discover.hpp"
#include "model/timeline.hpp"
#include "report/formats.hpp"
#include "report/locks.hpp"

namespace migsafe::cli {

namespace {

struct LocksOptions {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string stdin_filename;
  LintSettings settings;
};

int run_locks(const LocksOptions& o) {
  Discovered found = discover(o.paths);
  for (const auto& e : found.errors) std::cerr << "migsafe: " << e << "\n";
  if (!found.errors.empty() && found.files.empty()) return 2;
  std::error_code ec;
  std::string base = std::filesystem::current_path(ec).string();
  std::vector<FileTimeline> timelines;
  LintSettings settings = o.settings;
  bool io_error = !found.errors.empty();
  for (const std::string& path : found.files) {
    std::string bytes, error;
    if (!read_file(path, bytes, error)) {
      std::cerr << "migsafe: " << error << "\n";
      io_error = true;
      continue;
    }
    std::string shown = path == "-" ? (o.stdin_filename.empty() ? "<stdin>" : o.stdin_filename)
                                    : display_path(path, base);
    timelines.push_back(
        build_timeline(std::make_shared<const SourceFile>(shown, std::move(bytes)), settings));
    settings.base_catalog = timelines.back().catalog_after;
  }
  if (o.format == "json")
    write_locks_json(timelines, o.settings.pg_version, std::cout);
  else
    write_locks_text(timelines, std::cout);
  return io_error ? 2 : 0;
}

}  // namespace

Command add_locks_command(CLI::App& app) {
  auto o = std::make_shared<LocksOptions>();
  CLI::App* cmd = app.add_subcommand(
      "locks", "Show the locks each statement takes and holds, what they block, and why");
  cmd->add_option("paths", o->paths, "Files or directories (recursing for *.sql); - reads stdin")
      ->required();
  cmd->add_option("--format", o->format, "Output format (JSON: docs/locks-json.md)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_option("--pg-version", o->settings.pg_version, "Target PostgreSQL major version")
      ->check(CLI::Range(9, 18))
      ->capture_default_str();
  cmd->add_flag("--assume-in-transaction", o->settings.assume_in_transaction,
                "The tool running the migration wraps each file in a transaction");
  cmd->add_option("--stdin-filename", o->stdin_filename, "Path to show for stdin (-)");
  return Command{cmd, [o] { return run_locks(*o); }};
}

}  // namespace migsafe::cli
