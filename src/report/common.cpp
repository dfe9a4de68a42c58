// Helpers shared by the output formats.
#include <filesystem>
#include <optional>
#include <string_view>

#include "core/discover.hpp"
#include "report/formats.hpp"

namespace migsafe {

namespace {

// For an absolute `path` that spells out `base_dir` (absolute) and then plain names below it
// (no empty, "." or ".." part): the names, which is what lexically_relative() gives then. It
// is asked once per file of a report; building std::filesystem paths cost ten thousand
// instructions a file.
std::optional<std::string_view> plainly_below(std::string_view path, std::string_view base) {
  while (base.size() > 1 && base.back() == '/') base.remove_suffix(1);
  if (base.empty() || base[0] != '/' || path.size() <= base.size() + 1 ||
      path.substr(0, base.size()) != base)
    return std::nullopt;
  std::string_view rest = path.substr(base.size());
  if (base != "/") {
    if (rest[0] != '/') return std::nullopt;
    rest.remove_prefix(1);
  }
  // (display_path shows a path whose relative form starts with ".." as it is: "..x" too.)
  if (rest.substr(0, 2) == ".." || !is_plain_relative(rest)) return std::nullopt;
  return rest;
}

}  // namespace

std::string display_path(const std::string& path, const std::string& base_dir) {
  // (An empty base or path, and "-", are never plainly below: the general form returns them.)
  if (auto rest = plainly_below(path, base_dir)) return std::string(*rest);
  return report_detail::display_path_general(path, base_dir);
}

std::string report_detail::display_path_general(const std::string& path,
                                                const std::string& base_dir) {
  namespace fs = std::filesystem;
  if (base_dir.empty() || path.empty() || path == "-") return path;
  fs::path p(path);
  if (p.is_relative()) return p.lexically_normal().generic_string();
  fs::path rel = p.lexically_relative(base_dir);
  std::string r = rel.generic_string();
  if (rel.empty() || r.rfind("..", 0) == 0) return p.generic_string();
  return r;
}

std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for_each_one_line_byte(text, [&](char c) { out += c; });
  return out;
}

}  // namespace migsafe
