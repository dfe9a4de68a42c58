// Segment-wise glob matching; see glob.hpp. Each segment goes to libc's fnmatch(3); only `**`
// is handled here.
#include "config/glob.hpp"

#include <fnmatch.h>

#include <vector>

namespace migsafe {

namespace {

std::vector<std::string> segments(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string_view seg = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (!seg.empty() && seg != ".") out.emplace_back(seg);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

// Whether glob segments [g..] match path segments [p..]. Running out of glob segments with
// path segments left means the glob named a directory the path is under: a match.
bool match_from(const std::vector<std::string>& glob, size_t g,
                const std::vector<std::string>& path, size_t p) {
  for (; g < glob.size(); ++g, ++p) {
    if (glob[g] == "**") {
      for (size_t skip = p; skip <= path.size(); ++skip)
        if (match_from(glob, g + 1, path, skip)) return true;
      return false;
    }
    if (p >= path.size()) return false;
    if (fnmatch(glob[g].c_str(), path[p].c_str(), 0) != 0) return false;
  }
  return true;
}

}  // namespace

bool glob_match(std::string_view glob, std::string_view path) {
  auto g = segments(glob);
  auto p = segments(path);
  if (g.empty()) return false;
  // Runs of `**` match what one `**` matches; collapsing them keeps the search linear.
  std::vector<std::string> collapsed;
  for (auto& s : g)
    if (!(s == "**" && !collapsed.empty() && collapsed.back() == "**"))
      collapsed.push_back(std::move(s));
  return match_from(collapsed, 0, p, 0);
}

std::string glob_problem(std::string_view glob) {
  if (glob.empty()) return "an empty glob matches nothing";
  if (glob.front() == '/')
    return "globs are relative to the config file's directory; remove the leading '/'";
  for (const auto& s : segments(glob)) {
    if (s == "..")
      return "'..' is not allowed: globs match paths under the config file's directory";
    size_t open = s.find('[');
    if (open != std::string::npos && s.find(']', open + 2) == std::string::npos)
      return "unterminated '[' character class";
  }
  if (segments(glob).empty()) return "the glob names no path";
  return "";
}

}  // namespace migsafe
