// `migsafe check PATH...`: the linter's flags mapped onto CheckOptions.
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "core/history.hpp"
#include "core/runner.hpp"

namespace migsafe::cli {

Command add_check_command(CLI::App& app) {
  auto options = std::make_shared<CheckOptions>();
  auto fail_on = std::make_shared<std::string>("error");
  CLI::App* cmd = app.add_subcommand("check", "Lint migration files and directories");
  cmd->add_option("paths", options->paths,
                  "Files or directories (recursing for *.sql); - reads stdin")
      ->required();
  cmd->add_option("--format", options->format, "Output format")
      ->check(CLI::IsMember({"text", "gcc", "json", "sarif"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", options->output,
                  "Write the report to this file instead of stdout");
  cmd->add_option("--pg-version", options->settings.pg_version, "Target PostgreSQL major version")
      ->check(CLI::Range(9, 18))
      ->capture_default_str();
  cmd->add_flag("--assume-in-transaction", options->settings.assume_in_transaction,
                "The tool running the migration wraps each file in a transaction");
  // One value per flag (comma-separated lists, repeatable): a greedy list would swallow the
  // paths that follow it.
  cmd->add_option("--select", options->rules.select, "Only these rules (comma-separated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option("--ignore", options->rules.ignore, "Skip these rules (comma-separated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option("--fail-on", *fail_on, "Lowest severity that makes the exit code 1")
      ->check(CLI::IsMember({"error", "warning", "info", "never"}))
      ->capture_default_str();
  cmd->add_option("--color", options->color, "Colour the text report")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->add_option("-j,--jobs", options->jobs, "Files linted in parallel (default: one per core)")
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option("--stdin-filename", options->stdin_filename, "Path to show for stdin (-)");
  cmd->add_option("--framework", options->framework,
                  "Migration framework: its file order, down scripts and transactions (default: "
                  "detect per directory)")
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
  return Command{cmd, [options, fail_on] {
                   parse_fail_on(*fail_on, &options->fail_on);
                   return run_check(*options, std::cout, std::cerr);
                 }};
}

}  // namespace migsafe::cli
