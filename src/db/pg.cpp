// libpq wrapper; see pg.hpp.
#include "db/pg.hpp"

#include "db/libpq.hpp"

#include <cstdlib>
#include <string_view>
#include <utility>

namespace migsafe::db {

namespace {

struct ResultDeleter {
  void operator()(PGresult* r) const { libpq::api().PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Rows of a successful result; throws PgError for a failed one.
Rows rows_of(PGresult* r, PGconn* conn) {
  ExecStatusType st = libpq::api().PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
    const char* state = libpq::api().PQresultErrorField(r, PG_DIAG_SQLSTATE);
    const char* msg = libpq::api().PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    throw PgError(trim(msg ? msg : libpq::api().PQerrorMessage(conn)), state ? state : "");
  }
  Rows out;
  int nf = libpq::api().PQnfields(r), nt = libpq::api().PQntuples(r);
  for (int f = 0; f < nf; ++f) out.columns.emplace_back(libpq::api().PQfname(r, f));
  out.rows.reserve(static_cast<size_t>(nt));
  for (int t = 0; t < nt; ++t) {
    Row row;
    for (int f = 0; f < nf; ++f) {
      if (libpq::api().PQgetisnull(r, t, f))
        row.emplace_back(std::nullopt);
      else
        row.emplace_back(std::string(libpq::api().PQgetvalue(r, t, f),
                                     static_cast<size_t>(libpq::api().PQgetlength(r, t, f))));
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

// Collects every result of the statement(s) just sent; the first error wins.
Rows drain(PGconn* conn) {
  Rows last;
  std::optional<PgError> error;
  while (PGresult* raw = libpq::api().PQgetResult(conn)) {
    Result r(raw);
    if (error) continue;
    try {
      last = rows_of(r.get(), conn);
    } catch (const PgError& e) {
      error = e;
    }
  }
  if (error) throw *error;
  return last;
}

}  // namespace

Connection::Connection(const std::string& conninfo) {
  conn_ = libpq::api().PQconnectdb(conninfo.c_str());
  if (!conn_ || libpq::api().PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = conn_ ? trim(libpq::api().PQerrorMessage(conn_)) : "out of memory";
    if (conn_) libpq::api().PQfinish(conn_);
    conn_ = nullptr;
    throw PgError("cannot connect: " + msg, "");
  }
  // Notices (NOTICE: drop cascades to ...) are not ours to print.
  libpq::api().PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
}

Connection::~Connection() {
  if (conn_) libpq::api().PQfinish(conn_);
}

Connection::Connection(Connection&& o) noexcept : conn_(std::exchange(o.conn_, nullptr)) {}
Connection& Connection::operator=(Connection&& o) noexcept {
  if (this != &o) {
    if (conn_) libpq::api().PQfinish(conn_);
    conn_ = std::exchange(o.conn_, nullptr);
  }
  return *this;
}

Rows Connection::query(const std::string& sql) {
  if (!libpq::api().PQsendQuery(conn_, sql.c_str()))
    throw PgError(trim(libpq::api().PQerrorMessage(conn_)), "");
  return drain(conn_);
}

Rows Connection::query(const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  Result r(libpq::api().PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                     values.data(), nullptr, nullptr, 0));
  if (!r) throw PgError(trim(libpq::api().PQerrorMessage(conn_)), "");
  return rows_of(r.get(), conn_);
}

void Connection::send(const std::string& sql) {
  if (!libpq::api().PQsendQuery(conn_, sql.c_str()))
    throw PgError(trim(libpq::api().PQerrorMessage(conn_)), "");
}

bool Connection::busy() {
  if (!libpq::api().PQconsumeInput(conn_))
    throw PgError(trim(libpq::api().PQerrorMessage(conn_)), "");
  return libpq::api().PQisBusy(conn_) != 0;
}

Rows Connection::finish() {
  return drain(conn_);
}

int Connection::backend_pid() const {
  return libpq::api().PQbackendPID(conn_);
}

int Connection::server_version() const {
  return libpq::api().PQserverVersion(conn_);
}

std::string Connection::server_version_text() const {
  const char* v = libpq::api().PQparameterStatus(conn_, "server_version");
  return v ? v : "";
}

namespace {

std::vector<std::string> split_hosts(const std::string& list) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : list) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

bool loopback_address(const std::string& a) {
  return a.rfind("127.", 0) == 0 || a == "::1" || a == "[::1]" || a == "0:0:0:0:0:0:0:1";
}

bool local_host(const std::string& h) {
  if (h.empty()) return true;                             // the default: a unix socket
  if (h.front() == '/' || h.front() == '@') return true;  // socket directory, abstract socket
  return h == "localhost" || loopback_address(h);
}

}  // namespace

bool is_local_conninfo(const std::string& conninfo, std::string* why) {
  char* err = nullptr;
  PQconninfoOption* opts = libpq::api().PQconninfoParse(conninfo.c_str(), &err);
  if (!opts) {
    *why = err ? trim(err) : "cannot parse the connection string";
    if (err) libpq::api().PQfreemem(err);
    return false;
  }
  std::string host, hostaddr, service;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (!o->val) continue;
    if (std::string_view(o->keyword) == "host") host = o->val;
    if (std::string_view(o->keyword) == "hostaddr") hostaddr = o->val;
    if (std::string_view(o->keyword) == "service") service = o->val;
  }
  libpq::api().PQconninfoFree(opts);
  if (service.empty())
    if (const char* env = std::getenv("PGSERVICE")) service = env;
  if (!service.empty()) {
    *why = "service=" + service + " (a service file can name any host)";
    return false;
  }
  if (host.empty())
    if (const char* env = std::getenv("PGHOST")) host = env;
  if (hostaddr.empty())
    if (const char* env = std::getenv("PGHOSTADDR")) hostaddr = env;
  if (!hostaddr.empty()) {
    for (const std::string& a : split_hosts(hostaddr))
      if (!a.empty() && !loopback_address(a)) {
        *why = "hostaddr " + a + " is not a loopback address";
        return false;
      }
    return true;  // hostaddr decides where libpq connects
  }
  for (const std::string& h : split_hosts(host))
    if (!local_host(h)) {
      *why = "host " + h + " is neither a unix socket nor a loopback address";
      return false;
    }
  return true;
}

bool connected_locally(Connection& c) {
  Rows r = c.query("SELECT inet_server_addr()::text");
  if (r.rows.empty() || !r.rows[0][0]) return true;  // a unix socket
  std::string a = *r.rows[0][0];
  if (size_t slash = a.find('/'); slash != std::string::npos) a.resize(slash);
  return loopback_address(a);
}

std::string quote_literal(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string quote_identifier(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace migsafe::db
