// Content-Length framing; see transport.hpp.
#include "lsp/transport.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <string>

namespace migsafe::lsp {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

bool Transport::fill() {
  if (pos_ > 0) {  // drop what was consumed
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  char chunk[65536];
  for (;;) {
    ssize_t n = ::read(in_, chunk, sizeof chunk);
    if (n > 0) {
      buf_.append(chunk, static_cast<size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

std::optional<std::string> Transport::read_line() {
  for (;;) {
    size_t nl = buf_.find('\n', pos_);
    if (nl != std::string::npos) {
      std::string line = buf_.substr(pos_, nl - pos_);
      pos_ = nl + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (!fill()) return std::nullopt;
  }
}

std::optional<std::string> Transport::read() {
  for (;;) {
    std::optional<size_t> length;
    bool bad = false;
    bool any = false;
    // The header block ends at an empty line.
    for (;;) {
      auto line = read_line();
      if (!line) return std::nullopt;
      if (line->empty()) {
        if (any) break;
        continue;  // stray blank lines between messages
      }
      any = true;
      size_t colon = line->find(':');
      if (colon == std::string::npos) {
        bad = true;
        continue;
      }
      std::string name = lower(trim(std::string_view(*line).substr(0, colon)));
      std::string_view value = trim(std::string_view(*line).substr(colon + 1));
      if (name == "content-length") {
        size_t n = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc() || end != value.data() + value.size()) {
          bad = true;
        } else {
          length = n;
        }
      }
    }
    if (!length) {
      log_ << "migsafe lsp: a header block without a valid Content-Length; skipped\n";
      continue;
    }
    if (bad) log_ << "migsafe lsp: ignoring a malformed header line\n";
    // An absurd length is skipped rather than buffered.
    bool keep = *length <= kMaxBody;
    if (!keep) log_ << "migsafe lsp: a message of " << *length << " bytes is too large; skipped\n";
    std::string body;
    size_t need = *length;
    while (need > 0) {
      if (pos_ == buf_.size() && !fill()) return std::nullopt;
      size_t take = std::min(need, buf_.size() - pos_);
      if (keep) body.append(buf_, pos_, take);
      pos_ += take;
      need -= take;
    }
    if (keep) return body;
  }
}

bool Transport::input_pending() {
  if (pos_ < buf_.size()) return true;
  pollfd p{in_, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

bool Transport::write(std::string_view body) {
  std::string frame = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  frame += body;
  size_t done = 0;
  while (done < frame.size()) {
    ssize_t n = ::write(out_, frame.data() + done, frame.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace migsafe::lsp
