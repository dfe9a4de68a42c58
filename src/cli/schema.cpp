// `migsafe schema PATH...`: the schema each migration history replays to, and what the catalog
// could not model.
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "core/history.hpp"
#include "core/runner.hpp"

namespace migsafe::cli {

Command add_schema_command(CLI::App& app) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand(
      "schema",
      "Replay migration histories and print the schema they build (and what migsafe "
      "could not model)");
  cmd->add_option("paths", options->paths, "Files or directories; - reads stdin")->required();
  cmd->add_option("--format", options->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_option("--framework", options->framework, "Migration framework (default: detect)")
      ->check(CLI::IsMember(framework_names()));
  cmd->add_option("--stdin-filename", options->stdin_filename, "Path to show for stdin (-)");
  auto pg = std::make_shared<int>(15);
  auto* pg_opt = cmd->add_option("--pg-version", *pg, "Target PostgreSQL major version")
                     ->check(CLI::Range(9, 18));
  cmd->add_option("--config", options->config,
                  "Use this config file for every path (default: the nearest .migsafe.toml)");
  return Command{cmd, [options, pg, pg_opt] {
                   if (pg_opt->count()) options->flags.pg_version = *pg;
                   return run_schema(*options, std::cout, std::cerr);
                 }};
}

}  // namespace migsafe::cli
