// A throwaway PostgreSQL cluster for `migsafe trace` and the lock oracle: initdb into a fresh
// temporary directory (as the `postgres` user when running as root), unix socket only, no TCP
// listener, trust auth; stopped and removed when the object goes away. The work is done by
// scripts/pg-throwaway.sh, compiled into the binary so both share one implementation.
#pragma once

#include <stdexcept>
#include <string>

namespace migsafe::db {

class ThrowawayCluster {
 public:
  // Starts the cluster; throws std::runtime_error with the server's log on failure.
  // NoServer is thrown when no PostgreSQL server binaries (initdb, pg_ctl) are installed.
  ThrowawayCluster();
  ~ThrowawayCluster();
  ThrowawayCluster(const ThrowawayCluster&) = delete;
  ThrowawayCluster& operator=(const ThrowawayCluster&) = delete;

  const std::string& dir() const { return dir_; }  // also the unix socket directory
  std::string conninfo(const std::string& dbname = "postgres") const;
  // A directory the server owns, for CREATE TABLESPACE.
  std::string tablespace_dir() const { return dir_ + "/tablespace"; }

  struct NoServer : std::runtime_error {
    using std::runtime_error::runtime_error;
  };

 private:
  std::string dir_;
};

}  // namespace migsafe::db
