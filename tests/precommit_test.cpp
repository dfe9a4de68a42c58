// The pre-commit hook as a user meets it: Debian's pre-commit installs the README's snippet in a
// fresh git repository (the hook repository is a local copy of this checkout's
// .pre-commit-hooks.yaml, tagged with the snippet's rev: offline), a safe migration commits, an
// unsafe one is blocked with the finding shown, and other files are not checked.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "config/config.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

// The README's .pre-commit-config.yaml snippet (the one `migsafe init` prints).
std::string readme_snippet() {
  return fenced_block(read_text("README.md"), "yaml", "id: migsafe");
}

TEST(PreCommit, ReadmeSnippetIsWhatInitPrints) {
  EXPECT_EQ(readme_snippet(), pre_commit_snippet());
}

TEST(PreCommit, HookBlocksAnUnsafeMigrationAndPassesASafeOne) {
  if (!have_tool("pre-commit --version", "scripts/setup.sh --test installs Debian's pre-commit"))
    return;
  TempDir dir;
  // The hook repository at the snippet's rev, holding this checkout's hook definition.
  std::string snippet = readme_snippet();
  ASSERT_FALSE(snippet.empty());
  std::smatch rev;
  ASSERT_TRUE(std::regex_search(snippet, rev, std::regex(R"(rev: (\S+))")));
  dir.write("hooks/.pre-commit-hooks.yaml", read_text(".pre-commit-hooks.yaml"));
  std::string config =
      std::regex_replace(snippet, std::regex(R"(repo: \S+)"), "repo: " + dir.path("hooks"));
  dir.write("project/.pre-commit-config.yaml", config);
  dir.write("project/db/V1__create_orders.sql", read_text("examples/safe/V1__create_accounts.sql"));
  dir.write("project/db/V2__index_orders.sql",
            "CREATE INDEX orders_total_idx ON orders (total_cents);\n");
  dir.write("project/notes.txt", "CREATE INDEX not_sql ON orders (x);\n");

  std::string env = "set -u\nexport PATH=" + q(binary_dir()) + ":\"$PATH\"\n" +
                    "export PRE_COMMIT_HOME=" + q(dir.path("cache")) + "\n" +
                    "export HOME=" + q(dir.path()) + "\n" +
                    "export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com "
                    "GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com\n";
  auto setup = run_shell(env + dir.cd("hooks") + "git init -q . && git add -A && " +
                         "git commit -qm hooks && git tag " + rev[1].str() + " && " +
                         dir.cd("project") + "git init -q . && pre-commit install");
  ASSERT_EQ(setup.exit_code, 0) << setup.out << setup.err;

  auto safe = run_shell(env + dir.cd("project") +
                        "git add .pre-commit-config.yaml db/V1__create_orders.sql notes.txt && "
                        "git commit -m 'safe migration' 2>&1");
  EXPECT_EQ(safe.exit_code, 0) << safe.out << safe.err;
  EXPECT_NE(safe.out.find("migsafe"), std::string::npos) << safe.out;
  EXPECT_NE(safe.out.find("Passed"), std::string::npos) << safe.out;

  auto unsafe = run_shell(env + dir.cd("project") +
                          "git add db/V2__index_orders.sql && git commit -m 'unsafe' 2>&1");
  EXPECT_NE(unsafe.exit_code, 0) << unsafe.out;
  EXPECT_NE(unsafe.out.find("Failed"), std::string::npos) << unsafe.out;
  EXPECT_NE(unsafe.out.find("error[require-concurrent-index-creation]"), std::string::npos)
      << unsafe.out;
  EXPECT_NE(unsafe.out.find("db/V2__index_orders.sql:1:1"), std::string::npos) << unsafe.out;
  // The commit did not happen; notes.txt (not SQL) was never checked.
  auto log = run_shell(env + dir.cd("project") + "git rev-list --count HEAD");
  EXPECT_EQ(log.out, "1\n");
  EXPECT_EQ(unsafe.out.find("not_sql"), std::string::npos) << unsafe.out;

  // Fixed, the same commit goes through.
  dir.write("project/db/V2__index_orders.sql",
            "CREATE INDEX CONCURRENTLY orders_total_idx ON orders (total_cents);\n");
  auto fixed = run_shell(env + dir.cd("project") +
                         "git add db/V2__index_orders.sql && git commit -qm fixed 2>&1 && "
                         "git rev-list --count HEAD");
  EXPECT_EQ(fixed.exit_code, 0) << fixed.out;
  EXPECT_NE(fixed.out.find("\n2\n"), std::string::npos) << fixed.out;
}

}  // namespace
}  // namespace migsafe::test
