// The checksum ledger: a JSON file of SHA-256 digests of the migrations a team has merged, for
// teams that do not lint against git. `update` records new migrations (and never silently
// overwrites a recorded one), `verify` reports migrations that were edited or deleted since
// they were recorded: migrations are immutable once applied.
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace migsafe {

// Hex SHA-256 of `bytes` (OpenSSL's EVP interface).
std::string sha256_hex(const std::string& bytes);

struct LedgerOptions {
  std::vector<std::string> paths;  // migration files and directories
  std::string ledger = "migsafe-ledger.json";
  bool accept_changes = false;  // update: re-record edited migrations too
};

// Exit codes: 0 ledger matches (or was written), 1 edited / deleted migrations, 2 usage or I/O.
int run_ledger_update(const LedgerOptions& options, std::ostream& out, std::ostream& err);
int run_ledger_verify(const LedgerOptions& options, std::ostream& out, std::ostream& err);

}  // namespace migsafe
