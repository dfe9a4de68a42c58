// Checksum ledger; see ledger.hpp.
#include "core/ledger.hpp"

#include <openssl/evp.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/discover.hpp"

namespace migsafe {

namespace fs = std::filesystem;

std::string sha256_hex(const std::string& bytes) {
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1)
    return "";
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

namespace {

// Ledger keys are paths relative to the ledger file's directory, '/'-separated, so the ledger
// means the same on every machine and from any working directory.
std::string key_of(const fs::path& ledger_dir, const std::string& file) {
  std::error_code ec;
  fs::path abs = fs::weakly_canonical(fs::absolute(file, ec), ec);
  return abs.lexically_relative(ledger_dir).generic_string();
}

struct Current {
  std::map<std::string, std::string> digests;  // key -> sha256
  std::map<std::string, std::string> shown;    // key -> path as found
};

bool load_current(const LedgerOptions& o, const fs::path& dir, Current& cur, std::ostream& err) {
  Discovered found = discover(o.paths);
  for (const auto& e : found.errors) err << "migsafe: " << e << "\n";
  if (!found.errors.empty()) return false;
  for (const auto& f : found.files) {
    if (f == "-") {
      err << "migsafe: the ledger records files, not standard input\n";
      return false;
    }
    std::string bytes, error;
    if (!read_file(f, bytes, error)) {
      err << "migsafe: " << error << "\n";
      return false;
    }
    std::string key = key_of(dir, f);
    cur.digests[key] = sha256_hex(bytes);
    cur.shown[key] = f;
  }
  return true;
}

// The ledger as stored: {"version":1,"algorithm":"sha256","migrations":{key: digest}}.
bool load_ledger(const std::string& path, std::map<std::string, std::string>& out, bool& exists,
                 std::ostream& err) {
  std::error_code ec;
  exists = fs::exists(path, ec);
  if (!exists) return true;
  std::string bytes, error;
  if (!read_file(path, bytes, error)) {
    err << "migsafe: " << error << "\n";
    return false;
  }
  auto j = nlohmann::json::parse(bytes, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("algorithm", "") != "sha256" ||
      !j.contains("migrations") || !j["migrations"].is_object()) {
    err << "migsafe: " << path
        << ": not a migsafe ledger (expected {\"version\":1,\"algorithm\":\"sha256\","
           "\"migrations\":{...}})\n";
    return false;
  }
  for (const auto& [k, v] : j["migrations"].items()) {
    if (!v.is_string()) {
      err << "migsafe: " << path << ": the digest of " << k << " is not a string\n";
      return false;
    }
    out[k] = v.get<std::string>();
  }
  return true;
}

fs::path ledger_dir(const std::string& ledger) {
  std::error_code ec;
  return fs::weakly_canonical(fs::absolute(ledger, ec).parent_path(), ec);
}

}  // namespace

int run_ledger_verify(const LedgerOptions& o, std::ostream& out, std::ostream& err) {
  fs::path dir = ledger_dir(o.ledger);
  std::map<std::string, std::string> recorded;
  bool exists = false;
  if (!load_ledger(o.ledger, recorded, exists, err)) return 2;
  if (!exists) {
    err << "migsafe: " << o.ledger << " does not exist (create it with `migsafe ledger update`)\n";
    return 2;
  }
  Current cur;
  if (!load_current(o, dir, cur, err)) return 2;
  size_t modified = 0, missing = 0, fresh = 0;
  for (const auto& [key, digest] : recorded) {
    auto it = cur.digests.find(key);
    if (it == cur.digests.end()) {
      // Only files under the paths being verified can be missing.
      bool covered = false;
      for (const auto& p : o.paths) {
        std::string base = key_of(dir, p);
        if (key == base || key.rfind(base + "/", 0) == 0 || base == "." || base.empty())
          covered = true;
      }
      if (!covered) continue;
      out << key << ": deleted: it is recorded in " << o.ledger
          << " but no longer exists; databases that applied it keep its changes\n";
      ++missing;
    } else if (it->second != digest) {
      out << cur.shown[key] << ": modified since it was recorded (sha256 " << digest.substr(0, 12)
          << "... is now " << it->second.substr(0, 12)
          << "...): databases that applied it never run the edit; restore it and fix forward "
             "with a new migration\n";
      ++modified;
    }
  }
  for (const auto& [key, digest] : cur.digests)
    if (!recorded.count(key)) ++fresh;
  out << "migsafe: " << cur.digests.size() << " migrations checked against " << o.ledger << ": "
      << modified << " modified, " << missing << " deleted, " << fresh << " not recorded yet\n";
  return modified || missing ? 1 : 0;
}

int run_ledger_update(const LedgerOptions& o, std::ostream& out, std::ostream& err) {
  fs::path dir = ledger_dir(o.ledger);
  std::map<std::string, std::string> recorded;
  bool exists = false;
  if (!load_ledger(o.ledger, recorded, exists, err)) return 2;
  Current cur;
  if (!load_current(o, dir, cur, err)) return 2;
  size_t added = 0, refused = 0, changed = 0;
  for (const auto& [key, digest] : cur.digests) {
    auto it = recorded.find(key);
    if (it == recorded.end()) {
      recorded[key] = digest;
      ++added;
    } else if (it->second != digest) {
      if (o.accept_changes) {
        it->second = digest;
        ++changed;
      } else {
        out << cur.shown[key]
            << ": modified since it was recorded; not updating its checksum (pass "
               "--accept-changes if the edit is deliberate)\n";
        ++refused;
      }
    }
  }
  nlohmann::json j;
  j["version"] = 1;
  j["algorithm"] = "sha256";
  j["migrations"] = nlohmann::json::object();
  for (const auto& [k, v] : recorded) j["migrations"][k] = v;
  std::string tmp = o.ledger + ".migsafe-tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << j.dump(2) << "\n";
    if (!f) {
      err << "migsafe: cannot write " << o.ledger << "\n";
      std::remove(tmp.c_str());
      return 2;
    }
  }
  if (std::rename(tmp.c_str(), o.ledger.c_str()) != 0) {
    err << "migsafe: cannot write " << o.ledger << "\n";
    std::remove(tmp.c_str());
    return 2;
  }
  out << "migsafe: " << o.ledger << ": " << added << " recorded, " << changed << " re-recorded, "
      << refused << " modified and left as recorded\n";
  return refused ? 1 : 0;
}

}  // namespace migsafe
