// `migsafe lsp`: the language server on stdin/stdout for editors (src/lsp/). The protocol owns
// stdout, so anything else that would print there (a library's stray output) goes to stderr.
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "lsp/server.hpp"

namespace migsafe::cli {

Command add_lsp_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "lsp", "Run the language server over stdin/stdout (for editors; see docs/editors.md)");
  // vscode-languageclient and others append --stdio; it is the only transport anyway.
  auto stdio = std::make_shared<bool>(false);
  cmd->add_flag("--stdio", *stdio,
                "Talk JSON-RPC over stdin/stdout (the default and only transport)");
  return Command{cmd, [stdio] {
                   int protocol = ::dup(STDOUT_FILENO);
                   if (protocol < 0 || ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
                     std::cerr << "migsafe: lsp: cannot set up stdout\n";
                     return 2;
                   }
                   std::signal(SIGPIPE, SIG_IGN);  // a closed client is a write error, not death
                   int rc = lsp::serve(STDIN_FILENO, protocol, std::cerr);
                   ::close(protocol);
                   return rc;
                 }};
}

}  // namespace migsafe::cli
