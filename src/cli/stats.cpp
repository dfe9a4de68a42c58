// `migsafe stats --dsn URL`: production table sizes for `check --stats`.
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "core/pgstats.hpp"

namespace migsafe::cli {

Command add_stats_command(CLI::App& app) {
  auto options = std::make_shared<StatsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "stats", "Read table sizes from PostgreSQL and write the JSON that `check --stats` uses");
  cmd->add_option("--dsn", options->dsn,
                  "libpq connection string or postgresql:// URL (loopback or unix socket)")
      ->required();
  cmd->add_option("-o,--output", options->output, "Write the JSON to this file (default: stdout)");
  cmd->add_flag("--allow-remote", options->allow_remote,
                "Allow a server that is not on this machine");
  return Command{cmd, [options] { return run_stats(*options, std::cout, std::cerr); }};
}

}  // namespace migsafe::cli
