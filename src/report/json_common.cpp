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
  auto mix = [&](unsigned char c) {
    h ^= c;
    h *= 1099511628211ULL;
  };
  auto feed = [&](std::string_view s) {
    for (unsigned char c : s) mix(c);
    mix(0xff);
  };
  // one_line(mask(text)) fed without building it, when nothing is masked: mask() then only
  // drops \x01 bytes.
  auto feed_one_line = [&](std::string_view s) {
    for_each_one_line_byte(
        s, [&](char c) { mix(static_cast<unsigned char>(c)); }, '\x01');
    mix(0xff);
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
