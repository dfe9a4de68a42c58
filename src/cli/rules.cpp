// `migsafe rules` and `migsafe explain RULE`: the registry for people and tools.
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "report/rules_table.hpp"

namespace migsafe::cli {

Command add_rules_command(CLI::App& app) {
  auto format = std::make_shared<std::string>("text");
  CLI::App* cmd = app.add_subcommand("rules", "List the rules");
  cmd->add_option("--format", *format, "text, json or markdown")
      ->check(CLI::IsMember({"text", "json", "markdown"}))
      ->capture_default_str();
  return Command{cmd, [format] {
                   if (*format == "json")
                     std::cout << rules_json();
                   else if (*format == "markdown")
                     std::cout << rules_markdown("docs/rules/");
                   else
                     std::cout << rules_text();
                   return 0;
                 }};
}

Command add_explain_command(CLI::App& app) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("explain", "Show a rule's documentation");
  cmd->add_option("rule", *id, "Rule id")->required();
  return Command{cmd, [id] {
                   std::string page = explain_rule(*id);
                   if (page.empty()) {
                     std::cerr << "migsafe: unknown rule '" << *id << "' (see `migsafe rules`)\n";
                     return 2;
                   }
                   std::cout << page;
                   return 0;
                 }};
}

}  // namespace migsafe::cli
