// The language server's message handling; see server.hpp.
#include "lsp/server.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "config/resolver.hpp"
#include "config/suppress.hpp"
#include "core/fixes.hpp"
#include "core/rule.hpp"
#include "core/runner.hpp"
#include "lsp/text.hpp"
#include "lsp/transport.hpp"
#include "lsp/uri.hpp"

namespace migsafe::lsp {

using json = nlohmann::json;

namespace {

constexpr int kSyncIncremental = 2;
constexpr int kDiagnosticTagUnnecessary = 1;
constexpr std::string_view kFixAllKind = "source.fixAll.migsafe";

json position_json(LspPosition p) {
  return {{"line", p.line}, {"character", p.character}};
}

json range_json(const LineIndex& index, Span span) {
  return {{"start", position_json(index.position(span.begin))},
          {"end", position_json(index.position(std::max(span.begin, span.end)))}};
}

LspPosition position_of(const json& p) {
  auto number = [&](const char* key) {
    int64_t v = p.at(key).get<int64_t>();
    return static_cast<uint32_t>(std::clamp<int64_t>(v, 0, UINT32_MAX));
  };
  return LspPosition{number("line"), number("character")};
}

int severity_code(Severity s) {
  switch (s) {
    case Severity::Error:
      return 1;
    case Severity::Warning:
      return 2;
    case Severity::Info:
      return 3;
  }
  return 3;
}

// Whether an action of kind `kind` answers a request for `requested` (kinds are hierarchical:
// "source" covers "source.fixAll.migsafe").
bool kind_matches(std::string_view kind, std::string_view requested) {
  return kind == requested ||
         (kind.size() > requested.size() && kind.substr(0, requested.size()) == requested &&
          kind[requested.size()] == '.');
}

// The document's line break, for inserted lines.
std::string_view line_break(std::string_view text) {
  size_t at = text.find_first_of("\r\n");
  if (at == std::string_view::npos || text[at] == '\n') return "\n";
  return at + 1 < text.size() && text[at + 1] == '\n' ? "\r\n" : "\r";
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

}  // namespace

Server::Server(Send send, std::ostream& log) : send_(std::move(send)), log_(log) {}

void Server::reply(const json& id, json result) {
  send_(json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
}

void Server::reply_error(const json& id, int code, const std::string& message) {
  send_(json{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
}

void Server::handle(std::string_view body) {
  json msg = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (msg.is_discarded()) {
    log_ << "migsafe lsp: a message that is not JSON; answered with a parse error\n";
    reply_error(nullptr, kParseError, "the message is not valid JSON");
    return;
  }
  if (!msg.is_object()) {
    reply_error(nullptr, kInvalidRequest, "a message must be a JSON object");
    return;
  }
  auto id = msg.find("id");
  bool has_id = id != msg.end();
  if (has_id && !id->is_string() && !id->is_number_integer()) {
    reply_error(nullptr, kInvalidRequest, "a request id must be an integer or a string");
    return;
  }
  auto method = msg.find("method");
  if (method == msg.end()) {
    // A response to a request of ours: the server sends none, so there is nothing to match.
    if (has_id && (msg.contains("result") || msg.contains("error"))) return;
    reply_error(has_id ? *id : json(nullptr), kInvalidRequest, "a request needs a method");
    return;
  }
  if (!method->is_string()) {
    reply_error(has_id ? *id : json(nullptr), kInvalidRequest, "the method must be a string");
    return;
  }
  json params = msg.value("params", json::object());
  if (has_id)
    request(*id, method->get<std::string>(), params);
  else
    notification(method->get<std::string>(), params);
}

void Server::request(const json& id, const std::string& method, const json& params) {
  if (shutdown_) return reply_error(id, kInvalidRequest, "the server is shutting down");
  if (!initialized_ && method != "initialize")
    return reply_error(id, kServerNotInitialized, "initialize first");
  try {
    if (method == "initialize") {
      if (initialized_) return reply_error(id, kInvalidRequest, "already initialized");
      json result = initialize(params);
      initialized_ = true;
      reply(id, std::move(result));
    } else if (method == "shutdown") {
      shutdown_ = true;
      reply(id, nullptr);
    } else if (method == "textDocument/codeAction") {
      flush();
      reply(id, code_actions(params));
    } else {
      reply_error(id, kMethodNotFound, "migsafe does not implement " + method);
    }
  } catch (const json::exception& e) {
    reply_error(id, kInvalidParams, std::string("bad parameters for ") + method + ": " + e.what());
  } catch (const std::exception& e) {
    reply_error(id, kInternalError, std::string("internal error: ") + e.what());
  }
}

void Server::notification(const std::string& method, const json& params) {
  if (method == "exit") {
    exited_ = true;
    return;
  }
  if (!initialized_ || shutdown_) return;  // dropped, as the protocol says
  try {
    if (method == "textDocument/didOpen") {
      const json& td = params.at("textDocument");
      std::string uri = td.at("uri").get<std::string>();
      Document doc;
      doc.text = td.at("text").get<std::string>();
      doc.version = td.value("version", int64_t{0});
      doc.path = file_uri_to_path(uri);
      docs_[uri] = std::move(doc);
      dirty_.insert(uri);
    } else if (method == "textDocument/didChange") {
      did_change(params);
    } else if (method == "textDocument/didSave") {
      std::string uri = params.at("textDocument").at("uri").get<std::string>();
      auto it = docs_.find(uri);
      if (it != docs_.end() && params.contains("text"))
        it->second.text = params.at("text").get<std::string>();
      // A saved file may be a config file's neighbour: lint every open document again.
      for (const auto& [u, d] : docs_) dirty_.insert(u);
    } else if (method == "textDocument/didClose") {
      std::string uri = params.at("textDocument").at("uri").get<std::string>();
      if (docs_.erase(uri)) {
        dirty_.erase(uri);
        send_(json{{"jsonrpc", "2.0"},
                   {"method", "textDocument/publishDiagnostics"},
                   {"params", {{"uri", uri}, {"diagnostics", json::array()}}}});
      }
    } else if (method == "workspace/didChangeConfiguration" ||
               method == "workspace/didChangeWatchedFiles") {
      for (const auto& [u, d] : docs_) dirty_.insert(u);
    }
    // Anything else ("initialized", "$/cancelRequest", "$/setTrace", unknown ones) needs nothing.
  } catch (const std::exception& e) {
    log_ << "migsafe lsp: " << method << ": ignored: " << e.what() << "\n";
  }
}

json Server::initialize(const json& params) {
  if (params.contains("capabilities")) {
    json ptr = params["capabilities"];
    auto wc = json::json_pointer("/workspace/workspaceEdit/documentChanges");
    document_changes_ = ptr.contains(wc) && ptr.at(wc).is_boolean() && ptr.at(wc).get<bool>();
  }
  // Where documents without a file path look for their config: the first workspace folder.
  std::optional<std::string> root;
  if (params.contains("workspaceFolders") && params["workspaceFolders"].is_array() &&
      !params["workspaceFolders"].empty())
    root = file_uri_to_path(params["workspaceFolders"][0].value("uri", ""));
  if (!root && params.contains("rootUri") && params["rootUri"].is_string())
    root = file_uri_to_path(params["rootUri"].get<std::string>());
  if (!root && params.contains("rootPath") && params["rootPath"].is_string())
    root = params["rootPath"].get<std::string>();
  std::error_code ec;
  root_ = root ? *root : std::filesystem::current_path(ec).string();
  return {
      {"capabilities",
       {{"positionEncoding", "utf-16"},
        {"textDocumentSync",
         {{"openClose", true}, {"change", kSyncIncremental}, {"save", {{"includeText", false}}}}},
        {"codeActionProvider",
         {{"codeActionKinds", {"quickfix", kFixAllKind}}, {"resolveProvider", false}}}}},
      {"serverInfo", {{"name", "migsafe"}, {"version", MIGSAFE_VERSION}}}};
}

void Server::did_change(const json& params) {
  std::string uri = params.at("textDocument").at("uri").get<std::string>();
  auto it = docs_.find(uri);
  if (it == docs_.end()) {
    log_ << "migsafe lsp: didChange for a document that is not open: " << uri << "\n";
    return;
  }
  Document& doc = it->second;
  for (const json& change : params.at("contentChanges")) {
    std::string text = change.at("text").get<std::string>();
    if (!change.contains("range")) {
      doc.text = std::move(text);
      continue;
    }
    LineIndex index(doc.text);
    size_t begin = index.offset(position_of(change["range"].at("start")));
    size_t end = index.offset(position_of(change["range"].at("end")));
    if (end < begin) std::swap(begin, end);
    doc.text.replace(begin, end - begin, text);
  }
  const json& version = params["textDocument"].value("version", json());
  if (version.is_number_integer()) doc.version = version.get<int64_t>();
  doc.result.reset();
  dirty_.insert(uri);
}

void Server::flush() {
  std::set<std::string> todo;
  todo.swap(dirty_);
  for (const std::string& uri : todo) {
    auto it = docs_.find(uri);
    if (it != docs_.end()) lint(uri, it->second);
  }
}

void Server::lint(const std::string& uri, Document& doc) {
  doc.result.reset();
  // A document without a path (untitled:) takes the workspace folder's config.
  std::string where =
      doc.path ? *doc.path : (std::filesystem::path(root_) / "untitled.sql").string();
  FilePlan plan;
  try {
    ConfigResolver resolver(CliOverrides{});  // read afresh: the config may have been edited
    plan = resolver.resolve(where);
  } catch (const std::exception& e) {
    // A bad config is shown where the user looks: on the document, at its first character.
    json d = {{"range", {{"start", position_json({})}, {"end", position_json({})}}},
              {"severity", 1},
              {"source", "migsafe"},
              {"message", std::string("migsafe cannot lint this file: ") + e.what()}};
    publish(uri, doc, json::array({d}));
    return;
  }
  if (!plan.excluded_by.empty()) {
    publish(uri, doc, json::array());
    return;
  }
  try {
    // A migration on disk is linted as `migsafe check` lints it: with the earlier migrations of
    // its directory as schema context. Untitled documents (and files outside any history) are
    // linted on their own.
    std::ostringstream notes;
    if (doc.path) doc.result = lint_in_history(*doc.path, doc.text, notes);
    if (!notes.str().empty()) log_ << notes.str();
    if (!doc.result)
      doc.result =
          lint_file(std::make_shared<const SourceFile>(doc.path.value_or(uri), doc.text), plan);
  } catch (const std::exception& e) {
    log_ << "migsafe lsp: internal error linting " << uri << ": " << e.what() << "\n";
    publish(uri, doc, json::array());
    return;
  }
  json diagnostics = json::array();
  LineIndex index(doc.text);
  for (const Finding& f : doc.result->findings) diagnostics.push_back(diagnostic(uri, index, f));
  publish(uri, doc, std::move(diagnostics));
}

void Server::publish(const std::string& uri, const Document& doc, json diagnostics) {
  send_(json{{"jsonrpc", "2.0"},
             {"method", "textDocument/publishDiagnostics"},
             {"params", {{"uri", uri}, {"version", doc.version}, {"diagnostics", diagnostics}}}});
}

json Server::diagnostic(const std::string& uri, const LineIndex& index, const Finding& f) const {
  std::string message = f.message;
  if (!f.help.empty()) message += "\n\n" + f.help;
  json d = {{"range", range_json(index, f.span)},
            {"severity", severity_code(f.severity)},
            {"code", f.rule},
            {"codeDescription", {{"href", docs_url(f.rule)}}},
            {"source", "migsafe"},
            {"message", message}};
  if (f.rule == kUnusedSuppressionRule) d["tags"] = {kDiagnosticTagUnnecessary};
  if (!f.related.empty()) {
    json related = json::array();
    for (const Related& r : f.related)
      related.push_back({{"location", {{"uri", uri}, {"range", range_json(index, r.span)}}},
                         {"message", r.message}});
    d["relatedInformation"] = std::move(related);
  }
  return d;
}

json Server::workspace_edit(const std::string& uri, const Document& doc,
                            const std::vector<Edit>& edits) const {
  LineIndex index(doc.text);
  // Inserted lines take the document's line break (fixes are written with "\n").
  std::string_view eol = line_break(doc.text);
  json text_edits = json::array();
  for (const Edit& e : edits) {
    std::string inserted;
    for (size_t i = 0; i < e.text.size(); ++i) {
      bool lone = e.text[i] == '\n' && (i == 0 || e.text[i - 1] != '\r');
      inserted += lone ? std::string(eol) : std::string(1, e.text[i]);
    }
    text_edits.push_back({{"range", range_json(index, e.span)}, {"newText", inserted}});
  }
  if (document_changes_)
    return {{"documentChanges",
             json::array({{{"textDocument", {{"uri", uri}, {"version", doc.version}}},
                           {"edits", std::move(text_edits)}}})}};
  return {{"changes", {{uri, std::move(text_edits)}}}};
}

std::optional<Edit> Server::suppression_edit(const Document& doc, const Finding& f) const {
  // Not for what a comment cannot (syntax errors) or should not (the filter's own) suppress.
  if (f.rule == "syntax-error" || f.rule == kUnusedSuppressionRule || f.rule == kRequireReasonRule)
    return std::nullopt;
  // The top-level statement holding the finding (a DO block's, for a statement inside it).
  size_t at = f.statement.begin;
  for (const Span& s : doc.result->statement_spans)
    if (s.begin <= f.span.begin && f.span.begin < std::max(s.end, s.begin + 1)) at = s.begin;
  const std::string& text = doc.text;
  LineIndex index(text);
  uint32_t line = index.position(at).line;
  size_t start = index.line_start(line);
  size_t indent_end = start;
  while (indent_end < at && is_blank(text[indent_end])) ++indent_end;
  std::string indent = text.substr(start, indent_end - start);
  std::string comment = "-- migsafe-ignore " + f.rule + " -- " + std::string(kSuppressReason);
  std::string eol(line_break(text));
  if (indent_end == at)  // the statement starts its line: a comment line above it
    return Edit{Span{start, start}, indent + comment + eol};
  // Another statement ends on the same line: the statement moves to a line of its own, after
  // the comment (a comment on the first line would apply to the statement before).
  size_t gap = at;
  while (gap > start && is_blank(text[gap - 1])) --gap;
  return Edit{Span{gap, at}, eol + indent + comment + eol + indent};
}

json Server::code_actions(const json& params) {
  std::string uri = params.at("textDocument").at("uri").get<std::string>();
  json actions = json::array();
  auto it = docs_.find(uri);
  if (it == docs_.end() || !it->second.result) return actions;
  const Document& doc = it->second;
  LineIndex index(doc.text);
  const json& range = params.at("range");
  size_t from = index.offset(position_of(range.at("start")));
  size_t to = index.offset(position_of(range.at("end")));
  if (to < from) std::swap(from, to);

  std::vector<std::string> only;
  if (params.contains("context") && params["context"].contains("only"))
    only = params["context"]["only"].get<std::vector<std::string>>();
  auto wanted = [&](std::string_view kind) {
    if (only.empty()) return kind == "quickfix";  // fix-all only when asked for by kind
    return std::any_of(only.begin(), only.end(),
                       [&](const std::string& k) { return kind_matches(kind, k); });
  };

  if (wanted("quickfix")) {
    for (const Finding& f : doc.result->findings) {
      if (f.span.begin > to || from > f.span.end) continue;
      json diag = diagnostic(uri, index, f);
      for (const Fix& fix : f.fixes) {
        actions.push_back({{"title", fix.safe ? fix.title : fix.title + " (unsafe: review it)"},
                           {"kind", "quickfix"},
                           {"diagnostics", json::array({diag})},
                           {"isPreferred", fix.safe},
                           {"edit", workspace_edit(uri, doc, fix.edits)}});
      }
      if (auto edit = suppression_edit(doc, f)) {
        actions.push_back({{"title", "Suppress " + f.rule + " for this statement"},
                           {"kind", "quickfix"},
                           {"diagnostics", json::array({diag})},
                           {"edit", workspace_edit(uri, doc, {*edit})}});
      }
    }
  }
  if (wanted(kFixAllKind)) {
    std::vector<Edit> edits;
    for (const ChosenFix& c : select_fixes(doc.result->findings, /*safe_only=*/true).chosen)
      edits.insert(edits.end(), c.fix->edits.begin(), c.fix->edits.end());
    if (!edits.empty())
      actions.push_back({{"title", "Apply migsafe's safe fixes"},
                         {"kind", kFixAllKind},
                         {"edit", workspace_edit(uri, doc, edits)}});
  }
  return actions;
}

int serve(int in_fd, int out_fd, std::ostream& log) {
  Transport transport(in_fd, out_fd, log);
  bool open = true;
  Server server(
      [&](const json& message) {
        if (open)
          open = transport.write(message.dump(-1, ' ', false, json::error_handler_t::replace));
      },
      log);
  while (!server.exited()) {
    if (!transport.input_pending()) server.flush();
    auto body = transport.read();
    if (!body) break;
    server.handle(*body);
  }
  return server.exit_code();
}

}  // namespace migsafe::lsp
