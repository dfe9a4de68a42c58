// Baselines, the second part of the filter stage: `--write-baseline FILE` records the current
// findings, `--baseline FILE` tolerates them so that only new ones are reported. An entry is
// keyed on rule, path (relative to the baseline file's directory), the statement's libpg_query
// fingerprint and an occurrence index, so it survives edits that move the statement to other
// lines. Format: docs/baseline-format.md.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/linter.hpp"

namespace migsafe {

struct BaselineEntry {
  std::string path;  // relative to the baseline file's directory, `/`-separated
  std::string rule;
  std::string fingerprint;  // of the statement: 16 hex digits
  size_t occurrence = 0;    // among this file's findings with the same rule and fingerprint
  uint32_t line = 0;        // where it was when written (informational)
  std::string message;      // informational
};

// pg_query_fingerprint of a statement (whitespace, comments and literal values do not
// change it); statements PostgreSQL cannot parse fall back to a hash of their text with
// whitespace collapsed.
std::string statement_fingerprint(std::string_view statement_text);

// The path a baseline records for `file` (as given on the command line).
std::string baseline_path(const std::string& file, const std::string& baseline_dir);

// Entries for the findings of one file, in report order.
std::vector<BaselineEntry> baseline_entries(const FileResult& r, const std::string& path);

class Baseline {
 public:
  // Throws std::runtime_error("FILE: problem") for an unreadable or malformed file.
  static Baseline load(const std::string& file);

  const std::string& file() const { return file_; }
  const std::string& dir() const { return dir_; }
  const std::vector<BaselineEntry>& entries() const { return entries_; }

  // Moves the findings of `r` that have an entry to r.suppressed; returns those entries'
  // indices. `path` is baseline_path() of the file. Thread-safe (const).
  std::vector<size_t> apply(FileResult& r, const std::string& path) const;

 private:
  using Key = std::tuple<std::string, std::string, std::string, size_t>;
  std::string file_, dir_;
  std::vector<BaselineEntry> entries_;
  std::map<Key, size_t> index_;
};

// Writes a baseline (sorted by path, line and rule) through a temporary file and a rename.
// Throws std::runtime_error on failure.
void write_baseline(const std::string& file, std::vector<BaselineEntry> entries);

}  // namespace migsafe
