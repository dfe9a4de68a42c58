// Table statistics from a live server; see pgstats.hpp.
#include "core/pgstats.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "db/pg.hpp"

namespace migsafe {

const char* const kTableStatsQuery = R"(SELECT n.nspname AS schema,
       c.relname AS name,
       CASE WHEN c.relkind = 'p' THEN
              (SELECT coalesce(sum(greatest(p.reltuples, 0)), 0)
                 FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhrelid
                WHERE i.inhparent = c.oid)
            ELSE greatest(c.reltuples, coalesce(s.n_live_tup, 0), 0)
       END::bigint AS rows,
       CASE WHEN c.relkind = 'p' THEN
              (SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0)
                 FROM pg_inherits i WHERE i.inhparent = c.oid)
            ELSE pg_total_relation_size(c.oid)
       END::bigint AS bytes
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
 WHERE c.relkind IN ('r', 'p', 'm')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg_toast%'
 ORDER BY 1, 2)";

int run_stats(const StatsOptions& o, std::ostream& out, std::ostream& err) {
  std::string why;
  bool local = false;
  try {
    local = db::is_local_conninfo(o.dsn, &why);
  } catch (const db::PgError& e) {  // libpq is not installed
    err << "migsafe: stats: " << e.what() << "\n";
    return 2;
  }
  if (!o.allow_remote && !local) {
    err << "migsafe: stats: refusing to read a database that is not on this machine (" << why
        << "); pass --allow-remote to read statistics from another server "
           "(read-only: one SELECT over pg_class and pg_stat_user_tables)\n";
    return 2;
  }
  nlohmann::json j;
  j["version"] = 1;
  j["tables"] = nlohmann::json::array();
  try {
    db::Connection conn(o.dsn);
    db::Rows rows;
    try {
      rows = conn.query(kTableStatsQuery);
    } catch (const db::PgError& e) {
      err << "migsafe: stats: the statistics query failed: " << e.what() << "\n";
      return 2;
    }
    for (size_t r = 0; r < rows.rows.size(); ++r)
      j["tables"].push_back({{"schema", rows.text(r, 0)},
                             {"name", rows.text(r, 1)},
                             {"rows", std::strtoll(rows.text(r, 2).c_str(), nullptr, 10)},
                             {"bytes", std::strtoll(rows.text(r, 3).c_str(), nullptr, 10)}});
  } catch (const db::PgError& e) {  // cannot connect, or libpq is not installed
    err << "migsafe: stats: " << e.what() << "\n";
    return 2;
  }
  std::string text = j.dump(2) + "\n";
  if (o.output.empty()) {
    out << text;
    return 0;
  }
  std::string tmp = o.output + ".migsafe-tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << text;
    if (!f) {
      err << "migsafe: cannot write " << o.output << "\n";
      std::remove(tmp.c_str());
      return 2;
    }
  }
  if (std::rename(tmp.c_str(), o.output.c_str()) != 0) {
    err << "migsafe: cannot write " << o.output << "\n";
    std::remove(tmp.c_str());
    return 2;
  }
  err << "migsafe: wrote " << j["tables"].size() << " tables to " << o.output << "\n";
  return 0;
}

}  // namespace migsafe
