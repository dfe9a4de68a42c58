// `migsafe ledger update|verify PATH...`: the checksum ledger of applied migrations.
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "core/ledger.hpp"

namespace migsafe::cli {

Command add_ledger_command(CLI::App& app) {
  auto options = std::make_shared<LedgerOptions>();
  CLI::App* cmd = app.add_subcommand(
      "ledger", "Record (update) or check (verify) SHA-256 checksums of merged migrations");
  cmd->require_subcommand(1);
  auto add = [&](const char* name, const char* help) {
    CLI::App* sub = cmd->add_subcommand(name, help);
    sub->add_option("paths", options->paths, "Migration files and directories")->required();
    sub->add_option("--ledger", options->ledger, "The ledger file")->capture_default_str();
    return sub;
  };
  CLI::App* update = add("update", "Record the checksums of new migrations");
  update->add_flag("--accept-changes", options->accept_changes,
                   "Also re-record migrations whose content changed");
  CLI::App* verify = add("verify", "Report migrations edited or deleted since they were recorded");
  return Command{cmd, [options, update, verify] {
                   if (update->parsed()) return run_ledger_update(*options, std::cout, std::cerr);
                   if (verify->parsed()) return run_ledger_verify(*options, std::cout, std::cerr);
                   return 2;
                 }};
}

}  // namespace migsafe::cli
