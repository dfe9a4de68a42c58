// `migsafe stats`: reads table sizes from a PostgreSQL server (libpq) with the documented query
// over pg_class / pg_stat_user_tables and writes the JSON that `check --stats` reads. Only
// loopback and unix-socket connections unless --allow-remote: production credentials should not
// be pointed at by accident.
#pragma once

#include <ostream>
#include <string>

namespace migsafe {

// The query (also in the README, for running it with psql): one row per table, partitioned
// table and materialized view outside the system schemas.
extern const char* const kTableStatsQuery;

struct StatsOptions {
  std::string dsn;     // libpq connection string or postgresql:// URL
  std::string output;  // "" = standard output
  bool allow_remote = false;
};

// Exit codes: 0 written, 2 usage, connection or query error.
int run_stats(const StatsOptions& options, std::ostream& out, std::ostream& err);

}  // namespace migsafe
