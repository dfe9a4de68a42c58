// JSON-RPC 2.0 framing over a pair of file descriptors, as the Language Server Protocol
// uses it on stdio: a header block ("Content-Length: N\r\n", optionally "Content-Type: ...",
// then "\r\n") followed by N bytes of JSON.
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace migsafe::lsp {

class Transport {
 public:
  // `log` receives a line for every header block it cannot use (then skipped).
  Transport(int in_fd, int out_fd, std::ostream& log) : in_(in_fd), out_(out_fd), log_(log) {}

  // The next message body, or nullopt at the end of the input.
  std::optional<std::string> read();
  // Whether another message can be read without waiting.
  bool input_pending();
  // Frames and writes one body; false when the output is closed.
  bool write(std::string_view body);

  static constexpr size_t kMaxBody = size_t{256} << 20;

 private:
  bool fill();  // reads more bytes into buf_; false at the end of the input
  std::optional<std::string> read_line();

  int in_, out_;
  std::ostream& log_;
  std::string buf_;
  size_t pos_ = 0;
};

}  // namespace migsafe::lsp
