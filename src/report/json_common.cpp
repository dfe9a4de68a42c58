// Shared JSON helpers.
#include "report/json_common.hpp"

#include <fmt/format.h>

#include "core/secrets.hpp"
#include "report/formats.hpp"

namespace migsafe {

nlohmann::json position_json(const SourceFile& file, size_t offset) {
  Position p = file.position(offset);
  return nlohmann::json{{"line", p.line}, {"column", p.column}, {"offset", p.offset}};
}

std::string dump_json(const nlohmann::json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string finding_fingerprint(const SourceFile& file, const std::string& path, const Finding& f) {
  // FNV-1a 64 over the identifying parts.
  uint64_t h = 1469598103934665603ULL;
  auto feed = [&](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xff;
    h *= 1099511628211ULL;
  };
  // one_line(mask(text)) fed without building it, when nothing is masked: mask() then only
  // drops \x01 bytes, and one_line() turns each run of whitespace between words into a space.
  auto feed_one_line = [&](std::string_view s) {
    bool space = false, any = false;
    for (char c : s) {
      if (c == '\x01') continue;
      if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
        space = true;
        continue;
      }
      if (space && any) {
        h ^= static_cast<unsigned char>(' ');
        h *= 1099511628211ULL;
      }
      space = false;
      any = true;
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ULL;
    }
    h ^= 0xff;
    h *= 1099511628211ULL;
  };
  feed(f.rule);
  feed(path);
  // A secret in the statement never reaches the fingerprint: a fast hash of a short password
  // next to the rest of the statement could be brute-forced.
  for (Span span : {f.statement, f.span}) {
    if (f.redacted.empty())
      feed_one_line(file.text(span));
    else
      feed(one_line(mask(file.text(span), span.begin, f.redacted)));
  }
  return fmt::format("{:016x}", h);
}

}  // namespace migsafe
