// `migsafe trace FILE`: run a migration on a real PostgreSQL inside one transaction and show,
// per statement, the locks it took, rewrites, scans and duration beside the lock model's
// prediction; roll back unless --commit. With --dsn it uses the database the user names (only on
// this machine unless --allow-remote); without it, a throwaway cluster of its own, with the
// earlier migrations of the file's directory replayed first. See docs/trace.md.
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "core/discover.hpp"
#include "db/cluster.hpp"
#include "db/trace.hpp"
#include "model/history.hpp"
#include "report/formats.hpp"
#include "report/trace.hpp"

namespace migsafe::cli {

namespace {

namespace fs = std::filesystem;

struct TraceCliOptions {
  std::string path;
  std::string dsn;
  bool commit = false;
  bool allow_remote = false;
  int pg_version = 0;  // 0: the server's
  int lock_timeout_ms = 5000;
  std::string format = "text";
};

// The migrations that run before `path`: the *.sql files of its directory (recursively, in
// natural order, as `migsafe check` reads them) that sort before it.
std::vector<std::string> earlier_migrations(const std::string& path) {
  fs::path p = fs::absolute(path);
  Discovered d = discover({p.parent_path().string()});
  std::vector<std::string> out;
  std::error_code ec;
  for (const std::string& f : d.files) {
    if (fs::equivalent(f, p, ec)) break;
    out.push_back(f);
  }
  return out;
}

std::shared_ptr<const SourceFile> load(const std::string& path, const std::string& base) {
  std::string bytes, error;
  if (!read_file(path, bytes, error)) throw std::runtime_error(error);
  return std::make_shared<const SourceFile>(display_path(path, base), std::move(bytes));
}

int run(const TraceCliOptions& o) {
  std::error_code ec;
  std::string base = fs::current_path(ec).string();
  std::shared_ptr<const SourceFile> file;
  std::vector<std::shared_ptr<const SourceFile>> earlier;
  try {
    file = load(o.path, base);
    // The prediction knows the schema the earlier migrations built; without --dsn they are also
    // run on the throwaway cluster first.
    for (const std::string& f : earlier_migrations(o.path)) earlier.push_back(load(f, base));
  } catch (const std::exception& e) {
    std::cerr << "migsafe: " << e.what() << "\n";
    return 2;
  }

  std::optional<db::ThrowawayCluster> cluster;
  std::optional<db::Connection> conn;
  TraceHeader header;
  header.path = file->path();
  try {
    if (!o.dsn.empty()) {
      std::string why;
      if (!o.allow_remote && !db::is_local_conninfo(o.dsn, &why)) {
        std::cerr << "migsafe: refusing to trace on a database that is not on this machine (" << why
                  << "); pass --allow-remote if you mean it\n";
        return 2;
      }
      conn.emplace(o.dsn);
      if (!o.allow_remote && !db::connected_locally(*conn)) {
        std::cerr << "migsafe: refusing to trace: the server is not reached through a unix "
                     "socket or a loopback address; pass --allow-remote if you mean it\n";
        return 2;
      }
      header.where = "the database named by --dsn";
    } else {
      cluster.emplace();
      {
        db::Connection admin(cluster->conninfo());
        admin.exec("CREATE DATABASE migsafe_trace");
      }
      conn.emplace(cluster->conninfo("migsafe_trace"));
      for (const auto& f : earlier) {
        db::replay_on_server(*conn, *f);
        header.replayed.push_back(fs::path(f->path()).filename().string());
      }
      header.where = "a throwaway cluster";
    }
  } catch (const db::ThrowawayCluster::NoServer& e) {
    std::cerr << "migsafe: " << e.what()
              << "; install the postgresql package or pass --dsn to use a server of yours\n";
    return 2;
  } catch (const db::PgError& e) {
    std::cerr << "migsafe: " << e.what() << "\n";
    return 2;
  } catch (const std::runtime_error& e) {
    std::cerr << "migsafe: " << e.what() << "\n";
    return 2;
  }

  header.server_version = conn->server_version_text();
  if (size_t sp = header.server_version.find(' '); sp != std::string::npos)
    header.server_version.resize(sp);
  LintSettings settings;
  settings.pg_version = o.pg_version ? o.pg_version : conn->server_version() / 10000;
  // The trace runs the whole file in one transaction: predict it that way.
  settings.assume_in_transaction = true;
  settings.base_catalog = replay_history(earlier, settings);
  FileTimeline timeline = build_timeline(file, settings);
  db::TraceOptions options;
  options.commit = o.commit;
  options.lock_timeout_ms = o.lock_timeout_ms;
  db::TraceResult result;
  try {
    result = db::run_trace(*conn, timeline, options);
  } catch (const db::PgError& e) {
    std::cerr << "migsafe: " << e.what() << "\n";
    return 2;
  }
  if (o.format == "json")
    write_trace_json(header, timeline, result, std::cout);
  else
    write_trace_text(header, timeline, result, std::cout);
  return result.failed() || result.mismatched() ? 1 : 0;
}

}  // namespace

Command add_trace_command(CLI::App& app) {
  auto o = std::make_shared<TraceCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "trace",
      "Run a migration on PostgreSQL in a transaction, show the locks it really takes beside "
      "the prediction, and roll back");
  cmd->add_option("file", o->path, "The migration to trace")->required();
  cmd->add_option("--dsn", o->dsn,
                  "Connection string of the database to run it on (default: a throwaway "
                  "cluster with the earlier migrations of the directory)");
  cmd->add_flag("--commit", o->commit, "Commit instead of rolling back (only a complete run)");
  cmd->add_flag("--allow-remote", o->allow_remote,
                "Allow a --dsn that is not a unix socket or a loopback address");
  cmd->add_option("--pg-version", o->pg_version,
                  "PostgreSQL version to predict for (default: the server's)")
      ->check(CLI::Range(9, 18));
  cmd->add_option("--lock-timeout", o->lock_timeout_ms,
                  "lock_timeout for the trace's transaction, in ms (0: none)")
      ->check(CLI::Range(0, 3600000))
      ->capture_default_str();
  cmd->add_option("--format", o->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  return Command{cmd, [o] { return run(*o); }};
}

}  // namespace migsafe::cli
