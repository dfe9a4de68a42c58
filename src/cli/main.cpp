// CLI11 wiring only: flags -> options -> run -> exit code (0 clean, 1 findings at the fail
// level, 2 usage or internal error).
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "core/rule.hpp"
#include "core/runner.hpp"
#include "report/reporter.hpp"
#include "report/rules_table.hpp"

namespace {

int run(int argc, char** argv) {
  using namespace migsafe;
  CLI::App app{"migsafe: a safety linter for PostgreSQL migrations"};
  app.set_version_flag("--version", std::string("migsafe ") + MIGSAFE_VERSION);
  app.require_subcommand(1);

  CheckOptions check;
  std::string fail_on = "error";
  CLI::App* cmd_check = app.add_subcommand("check", "Lint migration files and directories");
  cmd_check
      ->add_option("paths", check.paths,
                   "Files or directories (recursing for *.sql); - reads stdin")
      ->required();
  cmd_check->add_option("--format", check.format, "Output format")
      ->check(CLI::IsMember({"text", "gcc", "json", "sarif"}))
      ->capture_default_str();
  cmd_check->add_option("-o,--output", check.output,
                        "Write the report to this file instead of stdout");
  cmd_check
      ->add_option("--pg-version", check.settings.pg_version, "Target PostgreSQL major version")
      ->check(CLI::Range(9, 18))
      ->capture_default_str();
  cmd_check->add_flag("--assume-in-transaction", check.settings.assume_in_transaction,
                      "The tool running the migration wraps each file in a transaction");
  cmd_check->add_option("--select", check.rules.select, "Only these rules (comma-separated)")
      ->delimiter(',');
  cmd_check->add_option("--ignore", check.rules.ignore, "Skip these rules (comma-separated)")
      ->delimiter(',');
  cmd_check->add_option("--fail-on", fail_on, "Lowest severity that makes the exit code 1")
      ->check(CLI::IsMember({"error", "warning", "info", "never"}))
      ->capture_default_str();
  cmd_check->add_option("--color", check.color, "Colour the text report")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd_check->add_option("-j,--jobs", check.jobs, "Files linted in parallel (default: one per core)")
      ->check(CLI::Range(1u, 1024u));
  cmd_check->add_option("--stdin-filename", check.stdin_filename, "Path to show for stdin (-)");

  std::string rules_format = "text";
  CLI::App* cmd_rules = app.add_subcommand("rules", "List the rules");
  cmd_rules->add_option("--format", rules_format, "text, json or markdown")
      ->check(CLI::IsMember({"text", "json", "markdown"}))
      ->capture_default_str();

  std::string explain_id;
  CLI::App* cmd_explain = app.add_subcommand("explain", "Show a rule's documentation");
  cmd_explain->add_option("rule", explain_id, "Rule id")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }

  if (*cmd_check) {
    parse_fail_on(fail_on, &check.fail_on);
    return run_check(check, std::cout, std::cerr);
  }
  if (*cmd_rules) {
    if (rules_format == "json")
      std::cout << rules_json();
    else if (rules_format == "markdown")
      std::cout << rules_markdown("docs/rules/");
    else
      std::cout << rules_text();
    return 0;
  }
  if (*cmd_explain) {
    std::string page = explain_rule(explain_id);
    if (page.empty()) {
      std::cerr << "migsafe: unknown rule '" << explain_id << "' (see `migsafe rules`)\n";
      return 2;
    }
    std::cout << page;
    return 0;
  }
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "migsafe: internal error: " << e.what() << "\n";
    return 2;
  }
}
