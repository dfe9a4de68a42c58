// Helpers shared by the output formats.
#include <filesystem>

#include "report/formats.hpp"

namespace migsafe {

std::string display_path(const std::string& path, const std::string& base_dir) {
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
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace migsafe
