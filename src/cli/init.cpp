// `migsafe init [DIR]`: writes a commented starter .migsafe.toml (never over an existing one)
// and prints the pre-commit snippet that runs migsafe before each commit.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "config/config.hpp"

namespace migsafe::cli {

Command add_init_command(CLI::App& app) {
  auto dir = std::make_shared<std::string>(".");
  CLI::App* cmd =
      app.add_subcommand("init", "Write a starter .migsafe.toml and print the pre-commit snippet");
  cmd->add_option("dir", *dir, "Where to write .migsafe.toml (default: the current directory)");
  return Command{cmd, [dir] {
                   namespace fs = std::filesystem;
                   fs::path target = (fs::path(*dir) / kConfigFileName).lexically_normal();
                   std::error_code ec;
                   if (!fs::is_directory(*dir, ec)) {
                     std::cerr << "migsafe: " << *dir << ": not a directory\n";
                     return 2;
                   }
                   if (fs::exists(fs::symlink_status(target, ec))) {
                     std::cerr << "migsafe: " << target.string()
                               << " already exists; not overwriting it\n";
                     return 2;
                   }
                   {
                     // Exclusive create: never clobber a file that appeared meanwhile.
                     std::unique_ptr<FILE, int (*)(FILE*)> f(
                         std::fopen(target.string().c_str(), "wx"), &std::fclose);
                     std::string text = starter_config();
                     if (!f || std::fwrite(text.data(), 1, text.size(), f.get()) != text.size()) {
                       std::cerr << "migsafe: cannot write " << target.string() << "\n";
                       return 2;
                     }
                   }
                   std::cout << "wrote " << target.string() << "\n\n"
                             << "To run migsafe on staged migrations before each commit, add "
                                "this to .pre-commit-config.yaml\n"
                                "(the hook runs the migsafe on your PATH):\n\n"
                             << pre_commit_snippet();
                   return 0;
                 }};
}

}  // namespace migsafe::cli
