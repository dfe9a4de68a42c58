// File discovery and reading; see discover.hpp.
#include "core/discover.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include <sys/stat.h>

namespace migsafe {

namespace fs = std::filesystem;

bool natural_less(const std::string& a, const std::string& b) {
  // Paths sorted together share a long prefix (their directory): skip it with one memcmp-speed
  // scan, backing up to the start of a digit run the two strings differ inside ("V19" and
  // "V100" differ at the '9', but compare from the "19"). Everything before that start is
  // equal, digit runs included, so the walk below gives the same answer from there.
  size_t common = static_cast<size_t>(
      std::mismatch(a.begin(), a.begin() + static_cast<long>(std::min(a.size(), b.size())),
                    b.begin())
          .first -
      a.begin());
  while (common > 0 && a[common - 1] >= '0' && a[common - 1] <= '9') --common;
  size_t i = common, j = common;
  while (i < a.size() && j < b.size()) {
    bool da = a[i] >= '0' && a[i] <= '9';
    bool db = b[j] >= '0' && b[j] <= '9';
    if (da && db) {
      size_t si = i, sj = j;
      while (si < a.size() && a[si] == '0') ++si;
      while (sj < b.size() && b[sj] == '0') ++sj;
      size_t ei = si, ej = sj;
      while (ei < a.size() && a[ei] >= '0' && a[ei] <= '9') ++ei;
      while (ej < b.size() && b[ej] >= '0' && b[ej] <= '9') ++ej;
      if (ei - si != ej - sj) return ei - si < ej - sj;
      int c = a.compare(si, ei - si, b, sj, ej - sj);
      if (c != 0) return c < 0;
      if ((ei - i) != (ej - j)) return (ei - i) < (ej - j);  // fewer leading zeros first
      i = ei;
      j = ej;
    } else {
      if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

bool is_plain_relative(std::string_view rel) {
  if (rel.empty()) return false;
  for (size_t begin = 0; begin <= rel.size();) {
    size_t end = std::min(rel.find('/', begin), rel.size());
    std::string_view part = rel.substr(begin, end - begin);
    if (part.empty() || part == "." || part == "..") return false;
    begin = end + 1;
  }
  return true;
}

std::optional<std::string> plain_absolute(std::string_view path, std::string_view cwd) {
  if (!path.empty() && path[0] == '/') {
    if (!is_plain_relative(path.substr(1))) return std::nullopt;
    return std::string(path);
  }
  bool cwd_plain =
      cwd == "/" || (cwd.size() > 1 && cwd[0] == '/' && is_plain_relative(cwd.substr(1)));
  if (!cwd_plain || !is_plain_relative(path)) return std::nullopt;
  std::string abs(cwd);
  if (abs != "/") abs += '/';
  abs += path;
  return abs;
}

namespace {

bool has_sql_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".sql";
}

// Why a *.sql directory entry that is not a readable regular file cannot be linted.
std::string unusable_entry(const fs::directory_entry& entry) {
  std::error_code ec;
  fs::file_status target = fs::status(entry.path(), ec);
  if (entry.is_symlink(ec) && target.type() == fs::file_type::not_found)
    return "broken symbolic link (its target does not exist)";
  if (ec) return ec.message();  // a symbolic link loop, a permission problem
  switch (target.type()) {
    case fs::file_type::fifo:
      return "not a regular file (a named pipe)";
    case fs::file_type::socket:
      return "not a regular file (a socket)";
    case fs::file_type::character:
    case fs::file_type::block:
      return "not a regular file (a device)";
    default:
      return "not a regular file";
  }
}

// Each directory is read on its own, so one that cannot be read (permissions, removed while
// walking) is reported and the rest of the tree is still searched. Directory symlinks are not
// followed, so a symlink loop cannot trap the walk. A *.sql entry that is not a regular file
// (a broken or looping symlink, a named pipe) is reported rather than silently left out of
// the history; reading a named pipe would also block forever.
void walk_directory(const std::string& root, Discovered& out) {
  std::vector<std::string> found, problems;
  std::vector<fs::path> pending{fs::path(root)};
  while (!pending.empty()) {
    fs::path dir = std::move(pending.back());
    pending.pop_back();
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      const fs::directory_entry& entry = *it;
      std::error_code sec;
      if (!entry.is_symlink(sec) && entry.is_directory(sec)) {
        pending.push_back(entry.path());
      } else if (has_sql_extension(entry.path())) {
        if (entry.is_regular_file(sec))
          found.push_back(entry.path().string());
        else if (!entry.is_directory(sec))
          problems.push_back(entry.path().string() + ": " + unusable_entry(entry));
      }
    }
    if (ec) problems.push_back(dir.string() + ": " + ec.message());
  }
  std::sort(problems.begin(), problems.end(), natural_less);
  out.errors.insert(out.errors.end(), problems.begin(), problems.end());
  std::sort(found.begin(), found.end(), natural_less);
  out.files.insert(out.files.end(), found.begin(), found.end());
  out.roots.insert(out.roots.end(), found.size(), root);
  out.named.resize(out.files.size(), false);
}

}  // namespace

Discovered discover(const std::vector<std::string>& paths) {
  Discovered out;
  for (const std::string& p : paths) {
    if (p == "-") {
      out.files.push_back(p);
      out.roots.push_back(p);
      out.named.push_back(true);
      continue;
    }
    std::error_code ec;
    fs::file_status st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      out.errors.push_back(p + ": " +
                           (ec ? ec.message() : std::string("No such file or directory")));
      continue;
    }
    if (fs::is_directory(st)) {
      walk_directory(p, out);
    } else {
      out.files.push_back(p);
      out.roots.push_back(p);
      out.named.push_back(true);
    }
  }
  return out;
}

bool read_file(const std::string& path, std::string& bytes, std::string& error) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(path == "-" ? nullptr : std::fopen(path.c_str(), "rb"),
                                          &std::fclose);
  FILE* in = path == "-" ? stdin : f.get();
  if (!in) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  bytes.clear();
  // A regular file is read straight into a string of its size: appending a block at a time
  // doubles the capacity, up to 1.6x a large file's size for as long as the file is linted.
  struct stat st {};
  if (in != stdin && fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    bytes.resize(static_cast<size_t>(st.st_size));
    bytes.resize(std::fread(bytes.data(), 1, bytes.size(), in));
  }
  char buf[1 << 16];
  size_t n;  // the rest: a pipe, or a file that grew since fstat
  while ((n = std::fread(buf, 1, sizeof buf, in)) > 0) bytes.append(buf, n);
  if (std::ferror(in)) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace migsafe
