// Table sizes from production (`migsafe stats` or the documented query): row estimates and
// total on-disk size per table. The linter uses them in one place, after the rules: a finding
// about a tiny table drops to info, one about a large table says how large it is.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/names.hpp"

namespace migsafe {

struct TableSize {
  int64_t rows = 0;   // estimated live rows
  int64_t bytes = 0;  // table + indexes + TOAST
};

class TableStats {
 public:
  // Parses the JSON written by `migsafe stats`; on failure returns nullopt and sets `error`.
  static std::optional<TableStats> parse(const std::string& json, std::string& error);

  const TableSize* find(const QualifiedName& table) const;
  void add(const QualifiedName& table, TableSize size) { tables_[table] = size; }
  size_t size() const { return tables_.size(); }
  const std::map<QualifiedName, TableSize>& tables() const { return tables_; }

  // At most this many rows and bytes: the table is tiny and a lock on it is over in moments.
  static constexpr int64_t kTinyRows = 10'000;
  static constexpr int64_t kTinyBytes = 16LL * 1024 * 1024;

 private:
  std::map<QualifiedName, TableSize> tables_;
};

// "40,000,000 rows" / "1.2 GB".
std::string format_rows(int64_t rows);
std::string format_bytes(int64_t bytes);

}  // namespace migsafe
