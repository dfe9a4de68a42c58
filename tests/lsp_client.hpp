// A scripted language-server client for the tests: spawns `migsafe lsp` with pipes, frames
// JSON-RPC messages with Content-Length, and reads the server's messages with a timeout.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <deque>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace migsafe::test {

class LspClient {
 public:
  // Starts `migsafe lsp` (extra arguments appended) in `cwd` (the current directory if empty).
  explicit LspClient(const std::string& cwd = "", const std::vector<std::string>& args = {"lsp"});
  ~LspClient();
  LspClient(const LspClient&) = delete;
  LspClient& operator=(const LspClient&) = delete;

  void send(const nlohmann::json& message);
  void send_raw(const std::string& bytes);  // bytes exactly as given (framing included)
  void notify(const std::string& method, nlohmann::json params = nlohmann::json::object());
  // Sends a request and returns the whole response message (result or error). Notifications
  // that arrive meanwhile are kept for next_notification().
  nlohmann::json request(const std::string& method,
                         nlohmann::json params = nlohmann::json::object());
  // The next message from the server, whatever it is; throws on timeout or end of output.
  nlohmann::json receive(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // The next publishDiagnostics for `uri` (earlier ones for other URIs are skipped).
  nlohmann::json diagnostics(const std::string& uri);
  // initialize + initialized; returns the initialize result.
  nlohmann::json start(nlohmann::json capabilities = nlohmann::json::object(),
                       const std::string& root_uri = "");
  void close_input();
  // Waits for the process to end; its exit code, or -1 on a signal or timeout.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Whether the server has written nothing within `within`.
  bool silent(std::chrono::milliseconds within);
  const std::string& stderr_path() const { return err_path_; }

 private:
  bool fill(std::chrono::milliseconds timeout);
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1;
  std::string buf_;
  std::deque<nlohmann::json> notes_;
  int next_id_ = 1;
  std::string err_path_;
};

// Applies LSP TextEdits (UTF-16 positions) to UTF-8 text, independently of the server's code:
// the text is decoded to UTF-16, edited there, and encoded back. Edits are applied from the
// last to the first, as the protocol's non-overlapping edits allow.
std::string apply_text_edits(const std::string& text, const nlohmann::json& edits);
// The TextEdits of `uri` in a WorkspaceEdit (`changes` or `documentChanges`).
nlohmann::json edits_for(const nlohmann::json& workspace_edit, const std::string& uri);

}  // namespace migsafe::test
