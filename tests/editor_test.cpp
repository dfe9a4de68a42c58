// The editor snippets in the README (and docs/editors.md, which must hold the same text): the
// VS Code problem matcher is run with node (JavaScript regex semantics, as VS Code applies it)
// over migsafe's gcc output; the Neovim, Helix and VS Code client snippets start the server
// with the command they name.
#include <gtest/gtest.h>

#include <toml++/toml.h>
#include <nlohmann/json.hpp>
#include <regex>

#include "helpers.hpp"
#include "lsp_client.hpp"
#include "report/formats.hpp"

namespace migsafe::test {
namespace {

using json = nlohmann::json;

std::string readme_block(const std::string& language, const std::string& marker) {
  std::string block = fenced_block(read_text("README.md"), language, marker);
  EXPECT_FALSE(block.empty()) << "README has no ```" << language << " block with " << marker;
  EXPECT_NE(read_text("docs/editors.md").find("```" + language + "\n" + block + "```"),
            std::string::npos)
      << "docs/editors.md must show the README's snippet:\n"
      << block;
  return block;
}

// What VS Code's problem matcher extracts from each line of `output`, by node.
json match_lines(const std::string& tasks_json, const std::string& output) {
  TempDir dir;
  dir.write("tasks.json", tasks_json);
  dir.write("output.txt", output);
  dir.write("match.js", R"(
const fs = require('fs');
const tasks = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const matcher = tasks.tasks[0].problemMatcher;
const p = matcher.pattern;
const re = new RegExp(p.regexp);
const problems = [];
for (const line of fs.readFileSync(process.argv[3], 'utf8').split('\n')) {
  if (line === '') continue;
  const g = re.exec(line);
  problems.push(g ? {file: g[p.file], line: Number(g[p.line]), column: Number(g[p.column]),
                     severity: g[p.severity], message: g[p.message], code: g[p.code]}
                  : {unmatched: line});
}
console.log(JSON.stringify({matcher, command: tasks.tasks[0].command, problems}));
)");
  auto r = run_shell("node " + q(dir.path("match.js")) + " " + q(dir.path("tasks.json")) + " " +
                     q(dir.path("output.txt")));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

// Each matched problem is the finding the JSON report has at the same index.
void expect_same_findings(const json& problems, const json& report) {
  std::vector<json> findings;
  for (const json& f : report.at("findings")) findings.push_back(f);
  ASSERT_EQ(problems.size(), findings.size());
  for (size_t i = 0; i < findings.size(); ++i) {
    const json& p = problems[i];
    const json& f = findings[i];
    ASSERT_FALSE(p.contains("unmatched")) << p.dump();
    EXPECT_EQ(p.at("file"), f.at("path"));
    EXPECT_EQ(p.at("line"), f.at("start").at("line"));
    EXPECT_EQ(p.at("column"), f.at("start").at("column"));
    std::string severity = f.at("severity");
    EXPECT_EQ(p.at("severity"), severity == "info" ? "note" : severity);
    EXPECT_EQ(p.at("message"), one_line(f.at("message").get<std::string>()));
    EXPECT_EQ(p.at("code"), f.at("rule"));
  }
}

TEST(Editor, VsCodeProblemMatcherReadsEveryGccLine) {
  if (!have_tool("node --version", "scripts/setup.sh --test installs Node.js")) return;
  std::string tasks = readme_block("json", "problemMatcher");
  // Every fixture: the widest range of messages (quotes, brackets, colons, non-ASCII).
  std::string cd = "cd " + q(source_dir()) + " && ";
  auto gcc = run_migsafe("check --format gcc fixtures", "", cd);
  auto report = json::parse(run_migsafe("check --format json fixtures", "", cd).out);
  ASSERT_GT(report["findings"].size(), 500u);
  json matched = match_lines(tasks, gcc.out);
  EXPECT_EQ(matched["matcher"]["fileLocation"], json({"relative", "${workspaceFolder}"}));
  expect_same_findings(matched["problems"], report);
  // A line that is not a finding is not matched.
  json other = match_lines(tasks, "migsafe: db/x.sql: No such file or directory\n");
  EXPECT_TRUE(other["problems"][0].contains("unmatched"));
}

// The task's own command, run in a workspace as VS Code runs it (shell, workspace folder).
TEST(Editor, VsCodeTaskCommandRunsInTheWorkspace) {
  if (!have_tool("node --version", "scripts/setup.sh --test installs Node.js")) return;
  std::string tasks = readme_block("json", "problemMatcher");
  TempDir ws;
  for (const char* f : {"V1__create_accounts.sql", "V2__index_orders_by_date.sql"})
    ws.write(std::string("db/migrations/") + f, read_text(std::string("examples/unsafe/") + f));
  std::string command = json::parse(tasks)["tasks"][0]["command"];
  auto out = run_shell("export PATH=" + q(binary_dir()) + ":\"$PATH\"\n" + ws.cd() + command);
  EXPECT_EQ(out.exit_code, 1) << out.err;
  auto report = json::parse(run_migsafe("check --format json db/migrations", "", ws.cd()).out);
  json matched = match_lines(tasks, out.out);
  ASSERT_FALSE(matched["problems"].empty());
  expect_same_findings(matched["problems"], report);
}

// The language-server snippets start `migsafe lsp` with the arguments they name; the server
// answers and publishes diagnostics for a document.
void expect_server_runs(const std::vector<std::string>& command) {
  ASSERT_GE(command.size(), 1u);
  EXPECT_EQ(command[0], "migsafe");
  LspClient c("", std::vector<std::string>(command.begin() + 1, command.end()));
  json init = c.start();
  EXPECT_EQ(init["serverInfo"]["name"], "migsafe");
  c.notify("textDocument/didOpen", {{"textDocument",
                                     {{"uri", "untitled:a.sql"},
                                      {"languageId", "sql"},
                                      {"version", 1},
                                      {"text", "CREATE INDEX i ON t (c);"}}}});
  EXPECT_FALSE(c.diagnostics("untitled:a.sql")["diagnostics"].empty());
  c.request("shutdown");
  c.notify("exit");
  EXPECT_EQ(c.wait(), 0);
}

std::vector<std::string> quoted_list(const std::string& text) {
  std::vector<std::string> out;
  std::regex item(R"('([^']*)')");
  for (std::sregex_iterator it(text.begin(), text.end(), item), e; it != e; ++it)
    out.push_back((*it)[1]);
  return out;
}

TEST(Editor, NeovimSnippetsStartTheServer) {
  std::string lua = readme_block("lua", "vim.lsp.config");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(lua, m, std::regex(R"(cmd = \{([^}]*)\})")));
  expect_server_runs(quoted_list(m[1]));
  std::string old = fenced_block(read_text("docs/editors.md"), "lua", "vim.lsp.start");
  ASSERT_TRUE(std::regex_search(old, m, std::regex(R"(cmd = \{([^}]*)\})")));
  EXPECT_EQ(quoted_list(m[1]), (std::vector<std::string>{"migsafe", "lsp"}));
}

TEST(Editor, HelixSnippetStartsTheServer) {
  std::string text = readme_block("toml", "language-server.migsafe");
  toml::table t = toml::parse(text);
  std::vector<std::string> command = {t["language-server"]["migsafe"]["command"].value_or("")};
  for (const auto& a : *t["language-server"]["migsafe"]["args"].as_array())
    command.push_back(a.value_or(""));
  const auto* languages = t["language"].as_array();
  ASSERT_TRUE(languages);
  const auto& sql = *languages->get(0)->as_table();
  EXPECT_EQ(sql["name"].value_or(""), std::string("sql"));
  EXPECT_EQ((*sql["language-servers"].as_array()).get(0)->value_or(""), std::string("migsafe"));
  expect_server_runs(command);
}

TEST(Editor, VsCodeClientSnippetStartsTheServer) {
  std::string js = fenced_block(read_text("docs/editors.md"), "js", "LanguageClient");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(js, m, std::regex(R"(command: '([^']*)', args: \[([^\]]*)\])")));
  std::vector<std::string> command = {m[1]};
  for (const auto& a : quoted_list(m[2])) command.push_back(a);
  expect_server_runs(command);
}

}  // namespace
}  // namespace migsafe::test
