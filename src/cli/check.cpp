// `migsafe check PATH...`: the linter's flags mapped onto CheckOptions. Flags given here win
// over every config file; flags not given leave the config's value (or the default).
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "core/history.hpp"
#include "core/runner.hpp"
#include "report/reporter.hpp"

namespace migsafe::cli {

namespace {

// What CLI11 parsed into plain variables, turned into "given or not" afterwards.
struct CheckFlags {
  int pg_version = 15;
  bool in_transaction = false;
  std::vector<std::string> select, ignore;
  std::string fail_on = "error";
};

}  // namespace

Command add_check_command(CLI::App& app) {
  auto options = std::make_shared<CheckOptions>();
  auto flags = std::make_shared<CheckFlags>();
  CLI::App* cmd = app.add_subcommand("check", "Lint migration files and directories");
  cmd->add_option("paths", options->paths,
                  "Files or directories (recursing for *.sql); - reads stdin")
      ->required();
  std::vector<std::string> formats(kReportFormats.begin(), kReportFormats.end());
  cmd->add_option("--format", options->format, "Output format")
      ->check(CLI::IsMember(formats))
      ->capture_default_str();
  cmd->add_option("-o,--output", options->output,
                  "Write the report to this file instead of stdout");
  cmd->add_option("--config", options->config,
                  "Use this config file for every path (default: the nearest .migsafe.toml)");
  auto* pg = cmd->add_option("--pg-version", flags->pg_version,
                             "Target PostgreSQL major version (default 15)")
                 ->check(CLI::Range(9, 18));
  auto* tx =
      cmd->add_flag("--assume-in-transaction,!--no-assume-in-transaction", flags->in_transaction,
                    "The tool running the migration wraps each file in a transaction");
  // One argument per occurrence (comma-separated, or repeat the flag), so that a second path
  // after `--select a dir1 dir2` is never read as a rule.
  auto* select = cmd->add_option("--select", flags->select, "Only these rules (comma-separated)")
                     ->delimiter(',')
                     ->allow_extra_args(false);
  cmd->add_option("--ignore", flags->ignore, "Skip these rules (comma-separated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  auto* fail_on = cmd->add_option("--fail-on", flags->fail_on,
                                  "Lowest severity that makes the exit code 1 (default error)")
                      ->check(CLI::IsMember({"error", "warning", "info", "never"}));
  cmd->add_option("--baseline", options->baseline,
                  "Tolerate the findings listed in this baseline file; report only new ones");
  cmd->add_option("--write-baseline", options->write_baseline,
                  "Write the current findings to this baseline file");
  cmd->add_option("--color", options->color, "Colour the text report")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->add_option("-j,--jobs", options->jobs,
                  "Threads: files (and a large file's 256 KB chunks) are parsed in parallel, the "
                  "schema replay and rules run in order (default: one per core)")
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option("--stdin-filename", options->stdin_filename,
                  "Path to show for stdin (-); also where its config is looked up");
  cmd->add_option("--framework", options->framework,
                  "Migration framework: its file order, down scripts and transactions (default: "
                  "the config's `framework`, else detected per directory)")
      ->check(CLI::IsMember(framework_names()));
  cmd->add_option("--since", options->since,
                  "Lint only migrations added or changed since this git ref (the older ones are "
                  "schema context)");
  cmd->add_option("--changed", options->changed,
                  "Lint only these migration files (the others are schema context)")
      ->expected(1, -1);
  cmd->add_option("--stats", options->stats,
                  "Production table sizes (JSON from `migsafe stats`): tiny tables drop to info, "
                  "large ones are named with their size");
  auto diff = std::make_shared<bool>(false);
  auto* diff_flag = cmd->add_flag("--diff", *diff,
                                  "Print every fix as a unified diff instead of the report "
                                  "(writes no file)");
  cmd->add_flag("--fix", options->fix,
                "Apply the fixes marked safe to the files, then report what is left")
      ->excludes(diff_flag);
  return Command{cmd, [options, flags, pg, tx, select, fail_on, diff] {
                   if (*diff) {
                     if (options->format != "text") {
                       std::cerr << "migsafe: --diff prints a diff, not a --format report\n";
                       return 2;
                     }
                     options->format = "diff";
                   }
                   CliOverrides& o = options->flags;
                   if (pg->count()) o.pg_version = flags->pg_version;
                   if (tx->count()) o.assume_in_transaction = flags->in_transaction;
                   if (select->count()) o.select = flags->select;
                   o.ignore = flags->ignore;
                   FailOn level;
                   if (fail_on->count() && parse_fail_on(flags->fail_on, &level)) o.fail_on = level;
                   return run_check(*options, std::cout, std::cerr);
                 }};
}

}  // namespace migsafe::cli
