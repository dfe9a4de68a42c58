// `migsafe lsp` driven the way an editor drives it: the binary is spawned with pipes and a
// scripted JSON-RPC session is played against it (tests/lsp_client.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/rule.hpp"
#include "helpers.hpp"
#include "lsp_client.hpp"

namespace migsafe::test {
namespace {

using json = nlohmann::json;

std::string file_uri(const std::string& path) {
  std::string uri = "file://";
  for (char c : path) uri += c == ' ' ? std::string("%20") : std::string(1, c);
  return uri;
}

void open(LspClient& c, const std::string& uri, const std::string& text, int version = 1) {
  c.notify("textDocument/didOpen",
           {{"textDocument",
             {{"uri", uri}, {"languageId", "sql"}, {"version", version}, {"text", text}}}});
}

void change_all(LspClient& c, const std::string& uri, const std::string& text, int version) {
  c.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", version}}},
                                      {"contentChanges", json::array({{{"text", text}}})}});
}

std::vector<std::string> codes(const json& diagnostics) {
  std::vector<std::string> out;
  for (const json& d : diagnostics.at("diagnostics")) out.push_back(d.at("code"));
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

const json& find_diag(const json& diagnostics, const std::string& code) {
  for (const json& d : diagnostics.at("diagnostics"))
    if (d.at("code") == code) return d;
  throw std::runtime_error("no diagnostic " + code + " in " + diagnostics.dump());
}

json code_actions(LspClient& c, const std::string& uri, const json& diag) {
  json r =
      c.request("textDocument/codeAction", {{"textDocument", {{"uri", uri}}},
                                            {"range", diag["range"]},
                                            {"context", {{"diagnostics", json::array({diag})}}}});
  return r.at("result");
}

const json& find_action(const json& actions, const std::string& title) {
  for (const json& a : actions)
    if (a.at("title") == title) return a;
  throw std::runtime_error("no action '" + title + "' in " + actions.dump());
}

TEST(Lsp, InitializeAnnouncesSyncAndQuickFixes) {
  LspClient c;
  json result = c.start();
  const json& caps = result.at("capabilities");
  EXPECT_EQ(caps.at("positionEncoding"), "utf-16");
  EXPECT_EQ(caps.at("textDocumentSync").at("change"), 2);  // incremental
  EXPECT_EQ(caps.at("textDocumentSync").at("openClose"), true);
  const json& kinds = caps.at("codeActionProvider").at("codeActionKinds");
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "quickfix"), kinds.end());
  EXPECT_EQ(result.at("serverInfo").at("name"), "migsafe");
}

// Positions are UTF-16 code units: a non-BMP character before a finding counts twice, and CRLF
// ends a line. Checked against `migsafe check --format json` (1-based code-point columns).
TEST(Lsp, DiagnosticsCountUtf16AndCarryTheRuleAndItsDocs) {
  const std::string text =
      "-- ünïcode 🚀\r\n"
      "SELECT '🚀é'; CREATE INDEX idx ON orders (placed_at);\r\n"
      "ALTER TABLE orders ADD COLUMN note text; -- 🎉\r\n";
  LspClient c;
  c.start();
  const std::string uri = "untitled:Untitled-1";
  open(c, uri, text);
  json d = c.diagnostics(uri);
  EXPECT_EQ(d.at("version"), 1);

  const json& index = find_diag(d, "require-concurrent-index-creation");
  // "SELECT '" is 8 units, 🚀 2, é 1, "'; " 3: CREATE starts at character 14.
  EXPECT_EQ(index["range"]["start"], json({{"line", 1}, {"character", 14}}));
  EXPECT_EQ(index["range"]["end"], json({{"line", 1}, {"character", 14 + 39}}));
  EXPECT_EQ(index.at("severity"), 1);
  EXPECT_EQ(index.at("source"), "migsafe");
  EXPECT_EQ(index.at("codeDescription").at("href"), docs_url("require-concurrent-index-creation"));
  EXPECT_NE(
      index.at("message").get<std::string>().find("CREATE INDEX takes a SHARE lock on orders"),
      std::string::npos);
  EXPECT_EQ(find_diag(d, "require-lock-timeout").at("severity"), 2);

  // Every diagnostic sits where the CLI says, converted to UTF-16.
  auto cli = json::parse(run_migsafe("check --format json --stdin-filename x.sql -", text).out);
  std::vector<std::string> lines = {"-- ünïcode 🚀",
                                    "SELECT '🚀é'; CREATE INDEX idx ON orders (placed_at);",
                                    "ALTER TABLE orders ADD COLUMN note text; -- 🎉"};
  auto utf16 = [&](const json& p) {
    const std::string& line = lines.at(p.at("line").get<size_t>() - 1);
    size_t column = p.at("column").get<size_t>() - 1, units = 0, cp = 0;
    for (size_t i = 0; i < line.size() && cp < column; ++cp) {
      auto b = static_cast<unsigned char>(line[i]);
      size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      units += n == 4 ? 2 : 1;
      i += n;
    }
    return json({{"line", p.at("line").get<int>() - 1}, {"character", units}});
  };
  ASSERT_EQ(cli.at("findings").size(), d.at("diagnostics").size());
  for (size_t i = 0; i < cli["findings"].size(); ++i) {
    const json& f = cli["findings"][i];
    const json& g = d["diagnostics"][i];
    EXPECT_EQ(g.at("code"), f.at("rule"));
    EXPECT_EQ(g["range"]["start"], utf16(f.at("start"))) << f.dump();
    EXPECT_EQ(g["range"]["end"], utf16(f.at("end"))) << f.dump();
    EXPECT_EQ(g.at("message").get<std::string>().rfind(f.at("message").get<std::string>(), 0), 0u);
  }
}

// Related locations point into the same document; an unused suppression is "unnecessary".
TEST(Lsp, RelatedInformationAndUnnecessaryTag) {
  const std::string text =
      "BEGIN;\n"
      "CREATE INDEX CONCURRENTLY i ON t (c);\n"
      "-- migsafe-ignore ban-drop-table -- nothing is dropped\n"
      "SELECT 1;\n"
      "COMMIT;\n";
  LspClient c;
  c.start();
  const std::string uri = "file:///nonexistent/dir/V3__related.sql";
  open(c, uri, text);
  json d = c.diagnostics(uri);
  const json& in_tx = find_diag(d, "ban-concurrent-index-creation-in-transaction");
  ASSERT_EQ(in_tx.at("relatedInformation").size(), 1u) << in_tx.dump();
  const json& rel = in_tx["relatedInformation"][0];
  EXPECT_EQ(rel["location"]["uri"], uri);
  EXPECT_EQ(rel["location"]["range"]["start"], json({{"line", 0}, {"character", 0}}));
  EXPECT_EQ(rel["location"]["range"]["end"], json({{"line", 0}, {"character", 6}}));
  EXPECT_EQ(rel["message"], "the transaction starts here");
  const json& unused = find_diag(d, "unused-suppression");
  EXPECT_EQ(unused.at("tags"), json::array({1}));
  EXPECT_EQ(unused["range"]["start"]["line"], 2);
  // No "suppress" action for the suppression finding itself; its own fix removes the comment.
  json actions = code_actions(c, uri, unused);
  for (const json& a : actions)
    EXPECT_EQ(a["title"].get<std::string>().find("Suppress"), std::string::npos) << a.dump();
}

// The editor applies a quick fix (the rule's fix as a WorkspaceEdit), sends the change as
// incremental edits, and the diagnostic is gone.
TEST(Lsp, QuickFixAppliedAndRelinted) {
  std::string text =
      "-- 🚀 orders by date\n"
      "SET lock_timeout = '5s';\n"
      "SET statement_timeout = '1min';\n"
      "CREATE INDEX orders_placed_at_idx ON orders (placed_at);\n";
  LspClient c;
  c.start({{"workspace", {{"workspaceEdit", {{"documentChanges", true}}}}}});
  const std::string uri = "untitled:fix.sql";
  open(c, uri, text);
  json d = c.diagnostics(uri);
  json diag = find_diag(d, "require-concurrent-index-creation");
  json actions = code_actions(c, uri, diag);
  const json& fix = find_action(actions, "Add CONCURRENTLY");
  EXPECT_EQ(fix.at("kind"), "quickfix");
  EXPECT_EQ(fix.at("isPreferred"), true);
  EXPECT_EQ(fix.at("diagnostics").at(0).at("code"), "require-concurrent-index-creation");
  // documentChanges were offered by the client: the edit names the version it applies to.
  EXPECT_EQ(fix["edit"]["documentChanges"][0]["textDocument"]["version"], 1);
  json edits = edits_for(fix.at("edit"), uri);
  std::string fixed = apply_text_edits(text, edits);
  EXPECT_EQ(fixed.substr(fixed.find("CREATE")),
            "CREATE INDEX CONCURRENTLY orders_placed_at_idx ON orders (placed_at);\n");

  json changes = json::array();
  for (const json& e : edits) changes.push_back({{"range", e["range"]}, {"text", e["newText"]}});
  c.notify("textDocument/didChange",
           {{"textDocument", {{"uri", uri}, {"version", 2}}}, {"contentChanges", changes}});
  json after = c.diagnostics(uri);
  EXPECT_EQ(after.at("version"), 2);
  EXPECT_FALSE(has(codes(after), "require-concurrent-index-creation")) << after.dump();

  // The same document opened afresh with the fixed text lints the same: the server's copy after
  // the incremental edit is the text the client has.
  open(c, "untitled:fixed.sql", fixed);
  EXPECT_EQ(c.diagnostics("untitled:fixed.sql")["diagnostics"], after["diagnostics"]);

  // Fix-all on request (editor.codeActionsOnSave: source.fixAll).
  change_all(c, uri, text, 3);
  c.diagnostics(uri);
  json all = c.request(
      "textDocument/codeAction",
      {{"textDocument", {{"uri", uri}}},
       {"range",
        {{"start", {{"line", 0}, {"character", 0}}}, {"end", {{"line", 0}, {"character", 0}}}}},
       {"context", {{"diagnostics", json::array()}, {"only", {"source.fixAll"}}}}});
  ASSERT_EQ(all["result"].size(), 1u) << all.dump();
  EXPECT_EQ(all["result"][0]["kind"], "source.fixAll.migsafe");
  EXPECT_EQ(apply_text_edits(text, edits_for(all["result"][0]["edit"], uri)), fixed);
}

// "Suppress for this statement" inserts a migsafe-ignore comment line above the statement
// with its indentation; re-linted, the finding is gone and the comment is not unused.
TEST(Lsp, SuppressActionInsertsAnIndentedCommentThatWorks) {
  std::string text =
      "BEGIN;\n"
      "    ALTER TABLE orders ADD COLUMN note text, ADD COLUMN ✓ text;\n"
      "COMMIT;\n";
  LspClient c;
  c.start();
  const std::string uri = "untitled:suppress.sql";
  open(c, uri, text);
  json d = c.diagnostics(uri);
  const std::string rule = "require-lock-timeout";
  json diag = find_diag(d, rule);
  json actions = code_actions(c, uri, diag);
  const json& action = find_action(actions, "Suppress " + rule + " for this statement");
  std::string edited = apply_text_edits(text, edits_for(action.at("edit"), uri));
  EXPECT_EQ(edited,
            "BEGIN;\n"
            "    -- migsafe-ignore " +
                rule +
                " -- TODO: say why this is safe\n"
                "    ALTER TABLE orders ADD COLUMN note text, ADD COLUMN ✓ text;\n"
                "COMMIT;\n");
  change_all(c, uri, edited, 2);
  json after = c.diagnostics(uri);
  EXPECT_FALSE(has(codes(after), rule)) << after.dump();
  EXPECT_FALSE(has(codes(after), "unused-suppression")) << after.dump();
}

TEST(Lsp, SuppressActionGivesAStatementSharingALineItsOwnLine) {
  std::string text =
      "SET lock_timeout = '5s'; SET statement_timeout = '1min';\r\n"
      "SELECT 1;  CREATE INDEX idx ON orders (placed_at);\r\n";
  LspClient c;
  c.start();
  const std::string uri = "untitled:shared.sql";
  open(c, uri, text);
  json diag = find_diag(c.diagnostics(uri), "require-concurrent-index-creation");
  json actions = code_actions(c, uri, diag);
  const json& action =
      find_action(actions, "Suppress require-concurrent-index-creation for this statement");
  std::string edited = apply_text_edits(text, edits_for(action.at("edit"), uri));
  EXPECT_EQ(edited,
            "SET lock_timeout = '5s'; SET statement_timeout = '1min';\r\n"
            "SELECT 1;\r\n"
            "-- migsafe-ignore require-concurrent-index-creation -- TODO: say why this is safe\r\n"
            "CREATE INDEX idx ON orders (placed_at);\r\n");
  change_all(c, uri, edited, 2);
  json after = c.diagnostics(uri);
  EXPECT_FALSE(has(codes(after), "require-concurrent-index-creation")) << after.dump();
  EXPECT_FALSE(has(codes(after), "unused-suppression")) << after.dump();
}

// Incremental edits in UTF-16 positions, around non-BMP characters and across lines.
TEST(Lsp, IncrementalEditsAroundSurrogatePairs) {
  std::string text = "SELECT '🚀';\nCREATE INDEX idx ON t (c);\n";
  LspClient c;
  c.start();
  const std::string uri = "untitled:incremental.sql";
  open(c, uri, text);
  c.diagnostics(uri);
  auto pos = [](int line, int character) {
    return json({{"line", line}, {"character", character}});
  };
  json changes = json::array({
      // after the rocket (8 + 2 units): "é"
      {{"range", {{"start", pos(0, 10)}, {"end", pos(0, 10)}}}, {"text", "é"}},
      // "INDEX" -> "UNIQUE INDEX"
      {{"range", {{"start", pos(1, 7)}, {"end", pos(1, 12)}}}, {"text", "UNIQUE INDEX"}},
      // a new first line with a non-BMP character
      {{"range", {{"start", pos(0, 0)}, {"end", pos(0, 0)}}}, {"text", "-- 🎉\n"}},
  });
  std::string expected = text;
  for (const json& ch : changes)
    expected = apply_text_edits(expected,
                                json::array({{{"range", ch["range"]}, {"newText", ch["text"]}}}));
  ASSERT_EQ(expected, "-- 🎉\nSELECT '🚀é';\nCREATE UNIQUE INDEX idx ON t (c);\n");
  c.notify("textDocument/didChange",
           {{"textDocument", {{"uri", uri}, {"version", 2}}}, {"contentChanges", changes}});
  json after = c.diagnostics(uri);
  const json& index = find_diag(after, "require-concurrent-index-creation");
  EXPECT_EQ(index["range"]["start"], pos(2, 0));
  EXPECT_EQ(index["range"]["end"], pos(2, 33));
  open(c, "untitled:expected.sql", expected);
  EXPECT_EQ(c.diagnostics("untitled:expected.sql")["diagnostics"], after["diagnostics"]);
}

// The document's path decides its settings exactly as for `migsafe check`: the nearest
// .migsafe.toml (found through a %-encoded file URI), its exclude globs, and a bad config is
// shown on the document; fixing the config and saving lints again.
TEST(Lsp, HonoursTheConfigOfTheDocumentsPath) {
  TempDir dir;
  dir.write("my dir/db/.migsafe.toml",
            "ignore = [\"require-statement-timeout\"]\n"
            "exclude = [\"legacy/**\"]\n"
            "[rules.require-lock-timeout]\nseverity = \"error\"\n");
  const std::string sql = "CREATE INDEX idx ON orders (placed_at);\n";
  std::string configured = dir.write("my dir/db/V1__index.sql", sql);
  std::string excluded = dir.write("my dir/db/legacy/V0__old.sql", sql);
  std::string plain = dir.write("plain/V1__index.sql", sql);
  std::string broken = dir.write("bad/V1__index.sql", sql);
  dir.write("bad/.migsafe.toml", "pg_versio = 14\n");

  LspClient c(dir.path());
  c.start({}, file_uri(dir.path()));
  open(c, file_uri(configured), sql);
  json d = c.diagnostics(file_uri(configured));
  EXPECT_NE(file_uri(configured).find("my%20dir"), std::string::npos);
  EXPECT_FALSE(has(codes(d), "require-statement-timeout")) << d.dump();
  EXPECT_EQ(find_diag(d, "require-lock-timeout").at("severity"), 1);

  open(c, file_uri(excluded), sql);
  EXPECT_TRUE(c.diagnostics(file_uri(excluded))["diagnostics"].empty());

  open(c, file_uri(plain), sql);
  json p = c.diagnostics(file_uri(plain));
  EXPECT_TRUE(has(codes(p), "require-statement-timeout"));
  EXPECT_EQ(find_diag(p, "require-lock-timeout").at("severity"), 2);

  open(c, file_uri(broken), sql);
  json b = c.diagnostics(file_uri(broken));
  ASSERT_EQ(b["diagnostics"].size(), 1u) << b.dump();
  std::string message = b["diagnostics"][0]["message"];
  EXPECT_NE(message.find(".migsafe.toml:1:1: pg_versio: unknown key"), std::string::npos)
      << message;
  EXPECT_EQ(b["diagnostics"][0]["range"]["start"], json({{"line", 0}, {"character", 0}}));

  dir.write("bad/.migsafe.toml", "pg_version = 14\n");
  c.notify("textDocument/didSave", {{"textDocument", {{"uri", file_uri(broken)}}}});
  // Every open document is linted again (the config may be any of theirs).
  std::map<std::string, json> relinted;
  while (relinted.size() < 4) {
    json m = c.receive();
    if (m.value("method", "") == "textDocument/publishDiagnostics")
      relinted[m["params"]["uri"]] = m["params"];
  }
  EXPECT_TRUE(has(codes(relinted.at(file_uri(broken))), "require-concurrent-index-creation"));
  EXPECT_EQ(relinted.at(file_uri(configured))["diagnostics"], d["diagnostics"]);

  c.notify("textDocument/didClose", {{"textDocument", {{"uri", file_uri(plain)}}}});
  EXPECT_TRUE(c.diagnostics(file_uri(plain))["diagnostics"].empty());
}

// A migration on disk is linted as `migsafe check` lints its directory: the earlier files are
// schema context (the old type of a column, the indexes a foreign key can use), the unsaved
// buffer stands in for the file, and later files do not matter. An untitled document has no
// history.
TEST(Lsp, MigrationsSeeTheSchemaOfTheEarlierFilesInTheirDirectory) {
  TempDir dir;
  dir.write("db/V1__init.sql",
            "CREATE TABLE accounts (id bigint PRIMARY KEY, name varchar(100));\n"
            "CREATE TABLE invoices (id bigint PRIMARY KEY, account_id bigint);\n");
  std::string v2 = dir.write("db/V2__edit_me.sql", "SELECT 1;\n");
  dir.write("db/V3__later.sql", "DROP TABLE invoices;\n");
  const std::string text =
      "ALTER TABLE accounts ALTER COLUMN name TYPE varchar(20);\n"
      "ALTER TABLE invoices ADD CONSTRAINT invoices_account_fk FOREIGN KEY (account_id) "
      "REFERENCES accounts NOT VALID;\n";
  LspClient c(dir.path());
  c.start({}, file_uri(dir.path()));
  open(c, file_uri(v2), text);
  json d = c.diagnostics(file_uri(v2));
  const json& narrow = find_diag(d, "narrowing-type-change");
  EXPECT_NE(narrow["message"].get<std::string>().find("varchar(100)"), std::string::npos)
      << narrow.dump();
  EXPECT_EQ(find_diag(d, "require-index-for-foreign-key")["range"]["start"]["line"], 1);

  // The same text untitled: no history, so no old type and no foreign key facts.
  open(c, "untitled:V2.sql", text);
  json alone = c.diagnostics("untitled:V2.sql");
  EXPECT_FALSE(has(codes(alone), "narrowing-type-change")) << alone.dump();
  EXPECT_FALSE(has(codes(alone), "require-index-for-foreign-key")) << alone.dump();

  // An index from an earlier file, written while the document is open, is seen on the next
  // change: the history is read afresh.
  dir.write("db/V1__init.sql",
            "CREATE TABLE accounts (id bigint PRIMARY KEY, name varchar(100));\n"
            "CREATE TABLE invoices (id bigint PRIMARY KEY, account_id bigint);\n"
            "CREATE INDEX invoices_account ON invoices (account_id);\n");
  c.notify("textDocument/didChange", {{"textDocument", {{"uri", file_uri(v2)}, {"version", 2}}},
                                      {"contentChanges", json::array({{{"text", text + "\n"}}})}});
  json again = c.diagnostics(file_uri(v2));
  EXPECT_FALSE(has(codes(again), "require-index-for-foreign-key")) << again.dump();
  EXPECT_TRUE(has(codes(again), "narrowing-type-change")) << again.dump();
}

TEST(Lsp, MalformedInputIsAnsweredAndSurvived) {
  LspClient c;
  // Before initialize, requests are refused.
  json early = c.request("textDocument/codeAction", json::object());
  EXPECT_EQ(early["error"]["code"], -32002);
  c.start();

  c.send_raw("Content-Length: 9\r\n\r\n{not json");
  json parse_error = c.receive();
  EXPECT_EQ(parse_error["error"]["code"], -32700);
  EXPECT_TRUE(parse_error["id"].is_null());

  // A header block without Content-Length is skipped; the next message still works.
  c.send_raw("Content-Type: application/vscode-jsonrpc\r\n\r\n");
  c.send_raw("Content-Length: 5\r\n\r\n[1,2]");
  EXPECT_EQ(c.receive()["error"]["code"], -32600);

  json unknown = c.request("workspace/symbol", {{"query", "x"}});
  EXPECT_EQ(unknown["error"]["code"], -32601);

  json bad_params = c.request("textDocument/codeAction", {{"textDocument", 3}});
  EXPECT_EQ(bad_params["error"]["code"], -32602);

  // Unknown notifications and notifications with bad parameters get no answer.
  c.notify("custom/somethingElse", {{"x", 1}});
  c.notify("$/setTrace", {{"value", "off"}});
  c.notify("textDocument/didOpen", {{"textDocument", "nonsense"}});
  c.notify("textDocument/didChange", {{"textDocument", {{"uri", "untitled:never-opened"}}},
                                      {"contentChanges", json::array()}});
  EXPECT_TRUE(c.silent(std::chrono::milliseconds(300)));

  c.send({{"jsonrpc", "2.0"}, {"id", 99}, {"method", "shutdown"}});
  json down = c.receive();
  EXPECT_EQ(down["id"], 99);
  EXPECT_TRUE(down.contains("result") && down["result"].is_null()) << down.dump();
  EXPECT_EQ(c.request("textDocument/codeAction", json::object())["error"]["code"], -32600);
  c.notify("exit");
  EXPECT_EQ(c.wait(), 0);
}

TEST(Lsp, ExitWithoutShutdownFails) {
  LspClient c;
  c.start();
  c.notify("exit");
  EXPECT_EQ(c.wait(), 1);

  LspClient eof({}, {"lsp", "--stdio"});
  eof.start();
  eof.close_input();
  EXPECT_EQ(eof.wait(), 1);
}

// Time from an edit to its diagnostics, for a typical migration (the unsafe examples, ~60
// lines) and one of ~1000 lines. Printed; the bound is loose so that only a real regression
// (linting on a timer, or per keystroke without coalescing) fails it.
TEST(Lsp, DiagnosticsLatency) {
  std::string typical;
  for (const auto& e : std::filesystem::directory_iterator(source_dir() + "/examples/unsafe"))
    if (e.path().extension() == ".sql") typical += read_text(e.path().string());
  std::string large;
  while (std::count(large.begin(), large.end(), '\n') < 1000) large += typical;
  LspClient c;
  c.start();
  for (const auto& [name, text] : {std::pair{"typical", typical}, std::pair{"large", large}}) {
    const std::string uri = std::string("untitled:") + name + ".sql";
    open(c, uri, text);
    c.diagnostics(uri);
    std::vector<double> ms;
    for (int v = 2; v < 42; ++v) {
      auto t0 = std::chrono::steady_clock::now();
      change_all(c, uri, text + "-- edit " + std::to_string(v) + "\n", v);
      json d = c.diagnostics(uri);
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      ASSERT_EQ(d["version"], v);
    }
    std::sort(ms.begin(), ms.end());
    double median = ms[ms.size() / 2], p95 = ms[ms.size() * 95 / 100];
    std::cout << "lsp diagnostics latency, " << name << " ("
              << std::count(text.begin(), text.end(), '\n') << " lines): median " << median
              << " ms, p95 " << p95 << " ms\n";
    EXPECT_LT(median, 500.0);
  }
}

}  // namespace
}  // namespace migsafe::test
