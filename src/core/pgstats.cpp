// Table statistics from a live server; see pgstats.hpp.
#include "core/pgstats.hpp"

#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

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

namespace {

bool local_host(const std::string& h) {
  if (h.empty() || h[0] == '/' || h[0] == '@') return true;  // default socket, socket dir
  if (h == "localhost" || h == "::1" || h == "[::1]") return true;
  return h.rfind("127.", 0) == 0;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');) out.push_back(item);
  if (out.empty()) out.push_back("");
  return out;
}

}  // namespace

bool dsn_is_local(const std::string& dsn, std::string& why) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)> opts(
      PQconninfoParse(dsn.c_str(), &error), PQconninfoFree);
  if (!opts) {
    why = error ? error : "cannot parse the connection string";
    if (error) PQfreemem(error);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return false;
  }
  std::string host, hostaddr;
  for (PQconninfoOption* o = opts.get(); o->keyword; ++o) {
    std::string key = o->keyword;
    std::string val = o->val ? o->val : "";
    if (key == "host") host = val;
    if (key == "hostaddr") hostaddr = val;
    if (key == "service" && !val.empty()) {
      why = "service=" + val + " (a service file can name any host)";
      return false;
    }
  }
  // libpq falls back to the environment.
  if (host.empty() && std::getenv("PGHOST")) host = std::getenv("PGHOST");
  if (hostaddr.empty() && std::getenv("PGHOSTADDR")) hostaddr = std::getenv("PGHOSTADDR");
  for (const auto& h : split_commas(host))
    if (!local_host(h)) {
      why = "host " + h;
      return false;
    }
  if (!hostaddr.empty())
    for (const auto& h : split_commas(hostaddr))
      if (!local_host(h)) {
        why = "hostaddr " + h;
        return false;
      }
  return true;
}

int run_stats(const StatsOptions& o, std::ostream& out, std::ostream& err) {
  std::string why;
  if (!o.allow_remote && !dsn_is_local(o.dsn, why)) {
    err << "migsafe: stats: " << why
        << " is not this machine; pass --allow-remote to read statistics from another server "
           "(read-only: one SELECT over pg_class and pg_stat_user_tables)\n";
    return 2;
  }
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn(PQconnectdb(o.dsn.c_str()), PQfinish);
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    std::string msg = conn ? PQerrorMessage(conn.get()) : "out of memory";
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    err << "migsafe: stats: cannot connect: " << msg << "\n";
    return 2;
  }
  std::unique_ptr<PGresult, void (*)(PGresult*)> res(
      PQexecParams(conn.get(), kTableStatsQuery, 0, nullptr, nullptr, nullptr, nullptr, 0),
      PQclear);
  if (!res || PQresultStatus(res.get()) != PGRES_TUPLES_OK) {
    std::string msg = PQerrorMessage(conn.get());
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    err << "migsafe: stats: the statistics query failed: " << msg << "\n";
    return 2;
  }
  nlohmann::json j;
  j["version"] = 1;
  j["tables"] = nlohmann::json::array();
  for (int r = 0; r < PQntuples(res.get()); ++r) {
    j["tables"].push_back({{"schema", PQgetvalue(res.get(), r, 0)},
                           {"name", PQgetvalue(res.get(), r, 1)},
                           {"rows", std::strtoll(PQgetvalue(res.get(), r, 2), nullptr, 10)},
                           {"bytes", std::strtoll(PQgetvalue(res.get(), r, 3), nullptr, 10)}});
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
