#include "lsp_client.hpp"
#include "core/source.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace migsafe::test {

using json = nlohmann::json;
using namespace std::chrono;

LspClient::LspClient(const std::string& cwd, const std::vector<std::string>& args) {
  int to_server[2], from_server[2];
  if (::pipe2(to_server, O_CLOEXEC) != 0 || ::pipe2(from_server, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  err_path_ = (std::filesystem::temp_directory_path() /
               ("migsafe-lsp-stderr-" + std::to_string(::getpid()) + "-" +
                std::to_string(reinterpret_cast<uintptr_t>(this))))
                  .string();
  std::vector<std::string> argv_s = {MIGSAFE_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(to_server[0], STDIN_FILENO);
    ::dup2(from_server[1], STDOUT_FILENO);
    int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (err >= 0) ::dup2(err, STDERR_FILENO);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(127);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(to_server[0]);
  ::close(from_server[1]);
  in_ = to_server[1];
  out_ = from_server[0];
  ::signal(SIGPIPE, SIG_IGN);
}

LspClient::~LspClient() {
  if (in_ >= 0) ::close(in_);
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (out_ >= 0) ::close(out_);
  std::error_code ec;
  std::filesystem::remove(err_path_, ec);
}

void LspClient::send_raw(const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(in_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("the server closed its input");
    done += static_cast<size_t>(n);
  }
}

void LspClient::send(const json& message) {
  std::string body = message.dump();
  send_raw("Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
}

void LspClient::notify(const std::string& method, json params) {
  send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
}

json LspClient::request(const std::string& method, json params) {
  int id = next_id_++;
  send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
  for (;;) {
    json m = receive();
    if (m.contains("id") && m["id"] == id && !m.contains("method")) return m;
    notes_.push_back(std::move(m));
  }
}

bool LspClient::fill(milliseconds timeout) {
  pollfd p{out_, POLLIN, 0};
  int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (r <= 0) return false;
  char chunk[65536];
  ssize_t n = ::read(out_, chunk, sizeof chunk);
  if (n <= 0) return false;
  buf_.append(chunk, static_cast<size_t>(n));
  return true;
}

json LspClient::receive(milliseconds timeout) {
  if (!notes_.empty()) {
    json m = std::move(notes_.front());
    notes_.pop_front();
    return m;
  }
  auto deadline = steady_clock::now() + timeout;
  for (;;) {
    size_t end = buf_.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::string header = buf_.substr(0, end);
      const std::string key = "Content-Length: ";
      if (header.rfind(key, 0) != 0) throw std::runtime_error("bad header from server: " + header);
      size_t length = std::stoul(header.substr(key.size()));
      if (buf_.size() >= end + 4 + length) {
        json m = json::parse(buf_.substr(end + 4, length));
        buf_.erase(0, end + 4 + length);
        return m;
      }
    }
    auto left = duration_cast<milliseconds>(deadline - steady_clock::now());
    if (left.count() <= 0 || !fill(left))
      throw std::runtime_error("no message from the server in time (or it exited)");
  }
}

bool LspClient::silent(milliseconds within) {
  if (!notes_.empty() || !buf_.empty()) return false;
  return !fill(within);
}

json LspClient::diagnostics(const std::string& uri) {
  for (;;) {
    json m = receive();
    if (m.value("method", "") == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
      return m["params"];
  }
}

json LspClient::start(json capabilities, const std::string& root_uri) {
  json params = {{"processId", ::getpid()}, {"capabilities", std::move(capabilities)}};
  if (!root_uri.empty()) params["rootUri"] = root_uri;
  json r = request("initialize", params);
  notify("initialized");
  return r.at("result");
}

void LspClient::close_input() {
  if (in_ >= 0) ::close(in_);
  in_ = -1;
}

int LspClient::wait(milliseconds timeout) {
  auto deadline = steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    if (steady_clock::now() > deadline) return -1;
    std::this_thread::sleep_for(milliseconds(5));
  }
}

namespace {

std::u16string to_utf16(const std::string& s) {
  std::u16string out;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    char32_t cp;
    size_t n;
    if (c < 0x80) {
      cp = c, n = 1;
    } else if (c >> 5 == 6) {
      cp = c & 0x1F, n = 2;
    } else if (c >> 4 == 14) {
      cp = c & 0x0F, n = 3;
    } else {
      cp = c & 0x07, n = 4;
    }
    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += n;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out += static_cast<char16_t>(0xD800 + (cp >> 10));
      out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
    } else {
      out += static_cast<char16_t>(cp);
    }
  }
  return out;
}

std::string to_utf8(const std::u16string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char32_t cp = s[i];
    if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < s.size()) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (s[i + 1] - 0xDC00);
      ++i;
    }
    append_utf8(out, cp);
  }
  return out;
}

// Index into UTF-16 text of an LSP position (lines end at \n, \r\n or \r).
size_t index_of(const std::u16string& t, const json& pos) {
  size_t line = pos.at("line"), character = pos.at("character");
  size_t i = 0;
  for (size_t l = 0; l < line; ++l) {
    while (i < t.size() && t[i] != u'\n' && t[i] != u'\r') ++i;
    if (i < t.size() && t[i] == u'\r' && i + 1 < t.size() && t[i + 1] == u'\n') ++i;
    if (i < t.size()) ++i;
  }
  return i + character;
}

}  // namespace

std::string apply_text_edits(const std::string& text, const json& edits) {
  std::u16string t = to_utf16(text);
  // Last first; inserts at one position keep their array order in the result.
  std::vector<size_t> order(edits.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    size_t pa = index_of(t, edits[a]["range"]["start"]),
           pb = index_of(t, edits[b]["range"]["start"]);
    return pa != pb ? pa > pb : a > b;
  });
  for (size_t k : order) {
    const json& e = edits[k];
    size_t a = index_of(t, e["range"]["start"]), b = index_of(t, e["range"]["end"]);
    t.replace(a, b - a, to_utf16(e["newText"].get<std::string>()));
  }
  return to_utf8(t);
}

json edits_for(const json& edit, const std::string& uri) {
  if (edit.contains("changes")) return edit["changes"].at(uri);
  json out = json::array();
  for (const json& dc : edit.at("documentChanges"))
    if (dc["textDocument"]["uri"] == uri)
      for (const json& e : dc["edits"]) out.push_back(e);
  return out;
}

}  // namespace migsafe::test
