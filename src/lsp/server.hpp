// migsafe's language server: keeps the documents the editor has open, lints each one with the
// settings `migsafe check` would use for its path (the nearest .migsafe.toml, overrides,
// exclude), publishes the findings as diagnostics, and offers the rules' fixes and a
// "suppress for this statement" comment as code actions. Positions are UTF-16 (lsp/text.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>

#include "core/linter.hpp"
#include "lsp/text.hpp"

namespace migsafe::lsp {

// JSON-RPC and LSP error codes.
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kServerNotInitialized = -32002;

// The comment the "suppress" code action inserts, before the rule id is filled in.
inline constexpr std::string_view kSuppressReason = "TODO: say why this is safe";

class Server {
 public:
  using Send = std::function<void(const nlohmann::json&)>;
  Server(Send send, std::ostream& log);

  // Handles one message body, whatever its bytes (malformed JSON gets a ParseError reply).
  void handle(std::string_view body);
  // Lints the documents edited since the last call and publishes their diagnostics. The loop
  // calls it when no more input is waiting, so a burst of edits is linted once.
  void flush();
  bool exited() const { return exited_; }
  // 0 after shutdown then exit; 1 when exit (or the end of the input) came without shutdown.
  int exit_code() const { return shutdown_ ? 0 : 1; }

 private:
  struct Document {
    std::string text;
    int64_t version = 0;
    std::optional<std::string> path;   // for file:// URIs
    std::optional<FileResult> result;  // the last lint of `text`, when it was linted
  };

  void request(const nlohmann::json& id, const std::string& method, const nlohmann::json& params);
  void notification(const std::string& method, const nlohmann::json& params);
  void reply(const nlohmann::json& id, nlohmann::json result);
  void reply_error(const nlohmann::json& id, int code, const std::string& message);

  nlohmann::json initialize(const nlohmann::json& params);
  void did_change(const nlohmann::json& params);
  nlohmann::json code_actions(const nlohmann::json& params);

  void lint(const std::string& uri, Document& doc);
  void publish(const std::string& uri, const Document& doc, nlohmann::json diagnostics);
  nlohmann::json diagnostic(const std::string& uri, const LineIndex& index, const Finding& f) const;
  nlohmann::json workspace_edit(const std::string& uri, const Document& doc,
                                const std::vector<Edit>& edits) const;
  std::optional<Edit> suppression_edit(const Document& doc, const Finding& f) const;

  Send send_;
  std::ostream& log_;
  bool initialized_ = false;
  bool shutdown_ = false;
  bool exited_ = false;
  bool document_changes_ = false;  // the client takes versioned WorkspaceEdit.documentChanges
  std::string root_;               // the workspace folder, for documents without a file path
  std::map<std::string, Document> docs_;
  std::set<std::string> dirty_;
};

// Runs the server on two file descriptors (stdin and the protocol's stdout) until `exit` or
// the end of the input; returns the process exit code.
int serve(int in_fd, int out_fd, std::ostream& log);

}  // namespace migsafe::lsp
