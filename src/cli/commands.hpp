// Each subcommand lives in its own file and adds itself to the CLI11 app here; main() parses,
// then runs the one subcommand the user chose and returns its exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

namespace migsafe::cli {

// A subcommand: its CLI11 node and what to run when it was chosen.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command add_check_command(CLI::App& app);
Command add_rules_command(CLI::App& app);
Command add_explain_command(CLI::App& app);
Command add_init_command(CLI::App& app);
Command add_schema_command(CLI::App& app);
Command add_ledger_command(CLI::App& app);
Command add_stats_command(CLI::App& app);
Command add_locks_command(CLI::App& app);
Command add_trace_command(CLI::App& app);
Command add_lsp_command(CLI::App& app);

}  // namespace migsafe::cli
