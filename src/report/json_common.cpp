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
  feed(f.rule);
  feed(path);
  // A secret in the statement never reaches the fingerprint: a fast hash of a short password
  // next to the rest of the statement could be brute-forced.
  feed(one_line(mask(file.text(f.statement), f.statement.begin, f.redacted)));
  feed(one_line(mask(file.text(f.span), f.span.begin, f.redacted)));
  return fmt::format("{:016x}", h);
}

}  // namespace migsafe
