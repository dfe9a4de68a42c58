// Baseline files; see baseline.hpp.
#include "config/baseline.hpp"

#include <pg_query.h>

#include <fmt/format.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "config/resolver.hpp"
#include "core/discover.hpp"
#include "core/secrets.hpp"
#include "core/tokens.hpp"

namespace migsafe {

namespace fs = std::filesystem;

namespace {

struct FingerprintOwner {
  PgQueryFingerprintResult r;
  explicit FingerprintOwner(const char* sql) : r(pg_query_fingerprint(sql)) {}
  ~FingerprintOwner() { pg_query_free_fingerprint_result(r); }
  FingerprintOwner(const FingerprintOwner&) = delete;
  FingerprintOwner& operator=(const FingerprintOwner&) = delete;
};

std::string text_hash(std::string_view text) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a 64 over the text, whitespace runs as one ' '
  bool space = false;
  auto feed = [&](unsigned char c) {
    h ^= c;
    h *= 1099511628211ULL;
  };
  for (unsigned char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      space = true;
      continue;
    }
    if (space) feed(' ');
    space = false;
    feed(c);
  }
  return fmt::format("{:016x}", h);
}

}  // namespace

std::string statement_fingerprint(std::string_view statement_text) {
  // Comments alone (a suppression comment's own finding) fingerprint like an empty statement:
  // hash their text instead.
  if (last_token_end(statement_text) == 0 || statement_text.find('\0') != std::string_view::npos)
    return text_hash(statement_text);
  std::string sql(statement_text);
  FingerprintOwner fp(sql.c_str());
  if (fp.r.error || !fp.r.fingerprint_str) return text_hash(statement_text);
  return fp.r.fingerprint_str;
}

std::string baseline_path(const std::string& file, const std::string& baseline_dir) {
  if (auto rel = relative_to(file, baseline_dir)) return *rel;
  std::error_code ec;
  return fs::absolute(file, ec).lexically_normal().generic_string();
}

std::vector<BaselineEntry> baseline_entries(const FileResult& r, const std::string& path) {
  std::vector<BaselineEntry> out;
  if (!r.file) return out;
  std::map<size_t, std::string> fingerprints;  // by statement start
  std::map<std::pair<std::string, std::string>, size_t> seen;
  for (const Finding& f : r.findings) {
    auto it = fingerprints.find(f.statement.begin);
    if (it == fingerprints.end()) {
      // A secret never reaches the file: a hash of a short password next to the rest of an
      // unparseable statement could be brute-forced (parsed statements' fingerprints ignore
      // literal values anyway).
      std::string text = mask(r.file->text(f.statement), f.statement.begin, f.redacted);
      it = fingerprints.emplace(f.statement.begin, statement_fingerprint(text)).first;
    }
    BaselineEntry e;
    e.path = path;
    e.rule = f.rule;
    e.fingerprint = it->second;
    e.occurrence = seen[{f.rule, e.fingerprint}]++;
    e.line = r.file->position(f.span.begin).line;
    e.message = f.message;
    out.push_back(std::move(e));
  }
  return out;
}

Baseline Baseline::load(const std::string& file) {
  std::string text, error;
  if (!read_file(file, text, error)) throw std::runtime_error(error);
  Baseline b;
  b.file_ = file;
  std::error_code ec;
  b.dir_ = fs::absolute(file, ec).lexically_normal().parent_path().string();
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  auto bad = [&](const std::string& why) {
    return std::runtime_error(file + ": not a migsafe baseline: " + why +
                              " (write one with --write-baseline)");
  };
  if (j.is_discarded()) throw bad("invalid JSON");
  if (!j.is_object() || !j.contains("migsafe_baseline")) throw bad("no \"migsafe_baseline\" key");
  if (j["migsafe_baseline"] != 1)
    throw bad("version " + j["migsafe_baseline"].dump() + " (this migsafe reads version 1)");
  if (!j.contains("entries") || !j["entries"].is_array()) throw bad("no \"entries\" array");
  size_t i = 0;
  for (const auto& e : j["entries"]) {
    std::string where = "entries[" + std::to_string(i++) + "]";
    if (!e.is_object()) throw bad(where + " is not an object");
    for (const char* k : {"path", "rule", "fingerprint"})
      if (!e.contains(k) || !e[k].is_string()) throw bad(where + "." + k + " is not a string");
    if (!e.contains("occurrence") || !e["occurrence"].is_number_unsigned())
      throw bad(where + ".occurrence is not a non-negative integer");
    BaselineEntry entry;
    entry.path = e["path"];
    entry.rule = e["rule"];
    entry.fingerprint = e["fingerprint"];
    entry.occurrence = e["occurrence"];
    if (e.contains("line") && e["line"].is_number_unsigned()) entry.line = e["line"];
    if (e.contains("message") && e["message"].is_string()) entry.message = e["message"];
    b.index_.emplace(Key{entry.path, entry.rule, entry.fingerprint, entry.occurrence},
                     b.entries_.size());
    b.entries_.push_back(std::move(entry));
  }
  return b;
}

std::vector<size_t> Baseline::apply(FileResult& r, const std::string& path) const {
  std::vector<size_t> matched;
  if (!r.file || r.findings.empty()) return matched;
  std::vector<BaselineEntry> keys = baseline_entries(r, path);
  std::vector<Finding> kept;
  for (size_t i = 0; i < r.findings.size(); ++i) {
    const BaselineEntry& k = keys[i];
    auto it = index_.find(Key{k.path, k.rule, k.fingerprint, k.occurrence});
    if (it == index_.end()) {
      kept.push_back(std::move(r.findings[i]));
      continue;
    }
    matched.push_back(it->second);
    SuppressedFinding sf;
    sf.kind = SuppressedFinding::Kind::Baseline;
    sf.reason = file_;
    sf.finding = std::move(r.findings[i]);
    r.suppressed.push_back(std::move(sf));
  }
  r.findings = std::move(kept);
  return matched;
}

void write_baseline(const std::string& file, std::vector<BaselineEntry> entries) {
  std::stable_sort(entries.begin(), entries.end(),
                   [](const BaselineEntry& a, const BaselineEntry& b) {
                     if (a.path != b.path) return natural_less(a.path, b.path);
                     if (a.line != b.line) return a.line < b.line;
                     return a.rule < b.rule;
                   });
  std::string tmp = file + ".migsafe-tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << "{\n  \"migsafe_baseline\": 1,\n  \"entries\": [";
    for (size_t i = 0; i < entries.size(); ++i) {
      const BaselineEntry& e = entries[i];
      nlohmann::ordered_json j{{"path", e.path},
                               {"rule", e.rule},
                               {"fingerprint", e.fingerprint},
                               {"occurrence", e.occurrence},
                               {"line", e.line},
                               {"message", e.message}};
      out << (i ? ",\n    " : "\n    ")
          << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    out << (entries.empty() ? "]\n}\n" : "\n  ]\n}\n");
    out.close();
    if (!out) {
      std::remove(tmp.c_str());
      throw std::runtime_error("cannot write " + file);
    }
  }
  if (std::rename(tmp.c_str(), file.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot write " + file);
  }
}

}  // namespace migsafe
