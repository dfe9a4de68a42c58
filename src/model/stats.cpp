// Table statistics file; see stats.hpp.
#include "model/stats.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace migsafe {

std::optional<TableStats> TableStats::parse(const std::string& text, std::string& error) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    error = "not a JSON object";
    return std::nullopt;
  }
  if (!j.contains("tables") || !j["tables"].is_array()) {
    error = "no \"tables\" array";
    return std::nullopt;
  }
  TableStats out;
  size_t i = 0;
  for (const auto& t : j["tables"]) {
    ++i;
    if (!t.is_object() || !t.contains("name") || !t["name"].is_string() || !t.contains("rows") ||
        !t["rows"].is_number()) {
      error = fmt::format("tables[{}] needs \"name\" (string) and \"rows\" (number)", i - 1);
      return std::nullopt;
    }
    QualifiedName n;
    n.schema = t.value("schema", std::string("public"));
    n.name = t["name"].get<std::string>();
    TableSize s;
    s.rows = std::max<int64_t>(0, t["rows"].get<int64_t>());
    if (t.contains("bytes") && t["bytes"].is_number()) s.bytes = t["bytes"].get<int64_t>();
    out.add(n, s);
  }
  return out;
}

const TableSize* TableStats::find(const QualifiedName& table) const {
  auto it = tables_.find(table);
  return it == tables_.end() ? nullptr : &it->second;
}

std::string format_rows(int64_t rows) {
  std::string digits = std::to_string(rows);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out + (rows == 1 ? " row" : " rows");
}

std::string format_bytes(int64_t bytes) {
  const char* units[] = {"bytes", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  if (u == 0) return fmt::format("{} bytes", bytes);
  return fmt::format("{:.{}f} {}", v, v < 10 ? 1 : 0, units[u]);
}

}  // namespace migsafe
