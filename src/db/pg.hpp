// A small RAII client over libpq for the commands and tests that talk to a real PostgreSQL
// (`migsafe trace`, the lock oracle): connections, queries returning text rows, asynchronous
// statements, and server errors with their SQLSTATE.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

struct pg_conn;
struct pg_result;

namespace migsafe::db {

// A server or connection error. `sqlstate` is empty for client-side failures.
class PgError : public std::runtime_error {
 public:
  PgError(const std::string& message, std::string sqlstate)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// SQLSTATE 25001: "cannot run inside a transaction block".
inline constexpr const char* kActiveSqlTransaction = "25001";

using Row = std::vector<std::optional<std::string>>;

struct Rows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  // The text of row `r`, column `c` ("" for NULL).
  std::string text(size_t r, size_t c) const { return rows[r][c].value_or(""); }
};

class Connection {
 public:
  // Throws PgError when the connection cannot be made.
  explicit Connection(const std::string& conninfo);
  ~Connection();
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs `sql` (one or more statements) and returns the last result's rows; throws PgError.
  Rows query(const std::string& sql);
  void exec(const std::string& sql) { query(sql); }
  // query() with parameters ($1, $2 ...), as text.
  Rows query(const std::string& sql, const std::vector<std::string>& params);

  // Asynchronous: send, then poll until done. finish() throws the statement's error.
  void send(const std::string& sql);
  bool busy();  // consumes input; true while the statement is still running
  Rows finish();

  int backend_pid() const;
  int server_version() const;  // 150018 for 15.18
  std::string server_version_text() const;

 private:
  pg_conn* conn_ = nullptr;
};

// Whether a connection string (key=value or postgresql:// URI) can only reach this machine:
// every host is a unix socket directory or a loopback name/address (PGHOST / PGHOSTADDR count
// when the string names no host). A service (service= or PGSERVICE) is refused too: its file can
// name any host. Otherwise false, with the offending host in `why` (or the parse error).
// Throws PgError when libpq cannot be loaded.
bool is_local_conninfo(const std::string& conninfo, std::string* why);
// After connecting: whether the server is reached through a unix socket or a loopback address.
bool connected_locally(Connection& c);

// Quotes a string literal / identifier for SQL text built here.
std::string quote_literal(const std::string& s);
std::string quote_identifier(const std::string& s);

}  // namespace migsafe::db
