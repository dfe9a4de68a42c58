// Turns the paths on the command line into the ordered list of files to lint: files as given,
// directories searched recursively for *.sql in natural order (V2 before V10), "-" for stdin.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace migsafe {

struct Discovered {
  std::vector<std::string> files;  // "-" stands for standard input
  std::vector<std::string> roots;  // for each file, the command-line path it was found under
  std::vector<bool> named;         // per file: named on the command line (not found in a directory)
  std::vector<std::string> errors;  // "path: reason" for paths that cannot be used
};

Discovered discover(const std::vector<std::string>& paths);

// Natural order: runs of digits compare by value, so 2_x.sql sorts before 10_x.sql.
bool natural_less(const std::string& a, const std::string& b);

// Whether `rel` is one or more names joined by single '/': no empty, "." or ".." part, no '/'
// at either end. std::filesystem's lexical operations leave such a path as it is, so joining
// and splitting it as a string gives what they give.
bool is_plain_relative(std::string_view rel);
// `path` made absolute against `cwd` with string operations, when both are plain: a '/' and
// plain names, or plain names (is_plain_relative) and a `cwd` that is "/" or a '/' and plain
// names. That is what std::filesystem's (cwd / path).lexically_normal() spells then; nullopt
// otherwise ("/" alone included: it has no name).
std::optional<std::string> plain_absolute(std::string_view path, std::string_view cwd);

// Reads a whole file; on failure returns false and sets `error` to "path: reason".
bool read_file(const std::string& path, std::string& bytes, std::string& error);

}  // namespace migsafe
