// Observation of statements on a real server, and its comparison with the lock model; see
// observe.hpp.
#include "db/observe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace migsafe::db {

namespace {

const char* kUserRelations = R"sql(
SELECT c.oid, n.nspname, c.relname, c.relkind, c.relfilenode, coalesce(i.indrelid, 0)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_index i ON i.indexrelid = c.oid
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname NOT LIKE 'pg\_temp\_%' AND n.nspname NOT LIKE 'pg\_toast\_temp\_%')sql";

uint32_t to_oid(const std::string& s) {
  return static_cast<uint32_t>(std::stoul(s));
}

bool is_index(char relkind) {
  return relkind == 'i' || relkind == 'I';
}

}  // namespace

const ObservedLock* Observation::lock_on(const QualifiedName& n) const {
  for (const ObservedLock& l : locks)
    if (l.relation == n) return &l;
  return nullptr;
}

DbSnapshot snapshot(Connection& c, int pid, bool in_transaction) {
  DbSnapshot s;
  Rows rels = c.query(kUserRelations);
  for (size_t r = 0; r < rels.rows.size(); ++r) {
    RelationInfo info;
    info.oid = to_oid(rels.text(r, 0));
    info.name = QualifiedName{rels.text(r, 1), rels.text(r, 2)};
    info.relkind = rels.text(r, 3).empty() ? 'r' : rels.text(r, 3)[0];
    info.relfilenode = rels.text(r, 4);
    info.table = to_oid(rels.text(r, 5));
    s.relations[info.oid] = info;
  }
  std::string who = pid ? std::to_string(pid) : "pg_backend_pid()";
  Rows locks =
      c.query("SELECT relation, mode FROM pg_locks WHERE locktype = 'relation' AND pid = " + who +
              " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
  for (size_t r = 0; r < locks.rows.size(); ++r) {
    uint32_t oid = to_oid(locks.text(r, 0));
    // Relations dropped by the statement are gone from pg_class but still locked: keep every
    // lock, the comparison maps it through the snapshot taken before.
    if (auto m = lock_from_pg_name(locks.text(r, 1))) s.locks.insert({oid, *m});
  }
  Rows scans = c.query(in_transaction ? "SELECT relid, seq_scan FROM pg_stat_xact_user_tables"
                                      : "SELECT relid, seq_scan FROM pg_stat_user_tables");
  for (size_t r = 0; r < scans.rows.size(); ++r)
    s.seq_scans[to_oid(scans.text(r, 0))] =
        std::stoll(scans.text(r, 1).empty() ? "0" : scans.text(r, 1));
  return s;
}

namespace {

// What changed between two snapshots, plus the locks seen in between (for statements watched
// from another connection).
Observation diff(const DbSnapshot& before, const DbSnapshot& after,
                 const std::set<std::pair<uint32_t, LockMode>>& seen) {
  Observation o;
  o.ran = true;
  auto info = [&](uint32_t oid) -> const RelationInfo* {
    if (auto it = before.relations.find(oid); it != before.relations.end()) return &it->second;
    if (auto it = after.relations.find(oid); it != after.relations.end()) return &it->second;
    return nullptr;
  };
  std::map<uint32_t, std::vector<LockMode>> modes;
  for (const auto& [oid, mode] : seen) {
    if (before.locks.count({oid, mode})) continue;
    if (!before.relations.count(oid)) continue;  // created by the statement itself
    modes[oid].push_back(mode);
  }
  for (auto& [oid, list] : modes) {
    const RelationInfo* r = info(oid);
    if (!r) continue;
    ObservedLock l;
    l.relation = r->name;
    l.relkind = r->relkind;
    if (const RelationInfo* t = r->table ? info(r->table) : nullptr) l.table = t->name;
    std::sort(list.begin(), list.end(), [](LockMode a, LockMode b) { return stronger(a, b); });
    l.modes = list;
    o.locks.push_back(std::move(l));
  }
  std::sort(o.locks.begin(), o.locks.end(),
            [](const ObservedLock& a, const ObservedLock& b) { return a.relation < b.relation; });
  for (const auto& [oid, mode] : before.locks)
    if (const RelationInfo* r = info(oid)) o.held_before.insert({r->name, mode});
  for (const auto& [oid, r] : before.relations) o.existing.insert(r.name);
  // Files of relations that existed before: an index re-created on the same file (ALTER
  // COLUMN TYPE that keeps an index) was not built.
  std::set<std::string> old_files;
  for (const auto& [oid, r] : before.relations) old_files.insert(r.relfilenode);
  for (const auto& [oid, r] : after.relations) {
    auto it = before.relations.find(oid);
    if (it == before.relations.end()) {
      o.created.insert(r.name);
      // An index of a table the statement created indexes no row.
      bool new_table = r.table && !before.relations.count(r.table);
      if (is_index(r.relkind) && !old_files.count(r.relfilenode) && !new_table)
        o.rebuilt_indexes.insert(r.name);
      continue;
    }
    if (it->second.relfilenode == r.relfilenode || r.relfilenode == "0") continue;
    if (is_index(r.relkind))
      o.rebuilt_indexes.insert(r.name);
    else if (r.relkind == 'r' || r.relkind == 'm')
      o.rewritten.insert(r.name);
  }
  for (const auto& [oid, n] : after.seq_scans) {
    auto it = before.seq_scans.find(oid);
    long long was = it == before.seq_scans.end() ? 0 : it->second;
    if (n > was && before.relations.count(oid)) o.scanned.insert(before.relations.at(oid).name);
  }
  return o;
}

double elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
      .count();
}

}  // namespace

Observation TransactionObserver::run(const std::string& sql) {
  DbSnapshot before = snapshot(c_, 0, true);
  auto start = std::chrono::steady_clock::now();
  try {
    c_.exec(sql);
  } catch (const PgError& e) {
    Observation o;
    o.milliseconds = elapsed_ms(start);
    o.error = e.what();
    o.sqlstate = e.sqlstate();
    o.no_transaction_block = e.sqlstate() == kActiveSqlTransaction;
    return o;
  }
  double ms = elapsed_ms(start);
  DbSnapshot after = snapshot(c_, 0, true);
  Observation o = diff(before, after, after.locks);
  o.milliseconds = ms;
  return o;
}

Observation observe_outside_transaction(const std::string& conninfo, const std::string& sql,
                                        const std::vector<std::string>& blockers) {
  Connection target(conninfo), watcher(conninfo);
  // Flush the statistics the setup left pending, so the counters start from a known point.
  target.exec("SELECT pg_stat_force_next_flush()");
  DbSnapshot before = snapshot(watcher, target.backend_pid(), false);
  // Nothing here may wait forever: a blocker that itself waits is a broken setup.
  target.exec("SET statement_timeout = '60s'");
  std::vector<Connection> open;
  for (const std::string& b : blockers) {
    open.emplace_back(conninfo);
    open.back().exec("SET statement_timeout = '10s'");
    open.back().exec("BEGIN ISOLATION LEVEL REPEATABLE READ");
    if (!b.empty()) open.back().exec(b);
  }
  size_t released = 0;
  std::set<std::pair<uint32_t, LockMode>> seen;
  bool waited = false;
  int polls_after_wait = 0;
  const std::string pid = std::to_string(target.backend_pid());
  const std::string poll =
      "SELECT locktype, coalesce(relation, 0), mode, granted FROM pg_locks WHERE pid = " + pid;
  auto start = std::chrono::steady_clock::now();
  target.send(sql);
  Observation o;
  while (target.busy()) {
    Rows rows = watcher.query(poll);
    bool waiting = false;
    for (size_t r = 0; r < rows.rows.size(); ++r) {
      std::string type = rows.text(r, 0);
      bool granted = rows.text(r, 3) == "t";
      if (!granted) waiting = true;
      if (type == "relation") {
        uint32_t oid = to_oid(rows.text(r, 1));
        if (auto m = lock_from_pg_name(rows.text(r, 2))) seen.insert({oid, *m});
      } else if (!granted && (type == "virtualxid" || type == "transactionid")) {
        waited = true;
      }
    }
    if (waiting && released < open.size() && ++polls_after_wait > 5) {
      open[released++].exec("COMMIT");
      polls_after_wait = 0;
    }
    if (elapsed_ms(start) > 30000) {
      while (released < open.size()) open[released++].exec("ROLLBACK");
      o.error = "the statement did not finish within 30 s";
      break;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  double ms = elapsed_ms(start);
  try {
    target.finish();
  } catch (const PgError& e) {
    o.error = e.what();
    o.sqlstate = e.sqlstate();
  }
  while (released < open.size()) open[released++].exec("COMMIT");
  if (!o.error.empty()) {
    o.outside_transaction = true;
    return o;
  }
  target.exec("SELECT pg_stat_force_next_flush()");
  DbSnapshot after = snapshot(watcher, target.backend_pid(), false);
  after.locks.clear();
  o = diff(before, after, seen);
  o.outside_transaction = true;
  o.no_transaction_block = true;
  o.waited_for_older_transactions = waited;
  o.milliseconds = ms;
  return o;
}

// --- comparison -----------------------------------------------------------------------------

namespace {

std::string modes_text(const std::vector<LockMode>& modes) {
  std::string out;
  for (LockMode m : modes) {
    if (!out.empty()) out += " + ";
    out += lock_name(m);
  }
  return out.empty() ? "no lock" : out;
}

// Whether holding `strong` already blocks everything `weak` blocks.
bool covers(LockMode strong, LockMode weak) {
  for (int x = 1; x <= static_cast<int>(LockMode::AccessExclusive); ++x)
    if (conflicts(weak, static_cast<LockMode>(x)) && !conflicts(strong, static_cast<LockMode>(x)))
      return false;
  return true;
}

std::string tri_text(Tri t) {
  return t == Tri::Yes ? "yes" : t == Tri::Maybe ? "maybe" : "no";
}

}  // namespace

std::vector<std::string> compare(const Effect& predicted, const Observation& seen) {
  std::vector<std::string> out;
  if (!predicted.known) {
    out.push_back("the model does not know this statement: " + predicted.unknown_reason);
    return out;
  }
  if (predicted.no_transaction_block != seen.no_transaction_block)
    out.push_back(fmt::format("cannot run in a transaction block: predicted {}, observed {}",
                              predicted.no_transaction_block ? "yes" : "no",
                              seen.no_transaction_block ? "yes" : "no"));
  if (!seen.ran) {
    if (!seen.error.empty() && !seen.no_transaction_block)
      out.push_back("the statement failed: " + seen.error);
    return out;
  }
  if (seen.outside_transaction &&
      predicted.waits_for_older_transactions != seen.waited_for_older_transactions)
    out.push_back(fmt::format("waits for older transactions: predicted {}, observed {}",
                              predicted.waits_for_older_transactions ? "yes" : "no",
                              seen.waited_for_older_transactions ? "yes" : "no"));

  // Predicted modes per relation (named relations that existed before the statement), and
  // "every index of T" claims.
  std::map<QualifiedName, std::vector<LockMode>> claims;
  std::map<QualifiedName, std::vector<LockMode>> index_claims;
  for (const RelationLock& l : predicted.locks) {
    if (l.mode == LockMode::None) continue;
    if (l.relation.empty()) {
      out.push_back(fmt::format("the model cannot name the {} it locks ({})", role_name(l.role),
                                lock_name(l.mode)));
      continue;
    }
    if (!seen.existing.count(l.relation)) continue;  // created by the statement
    if (l.role == RelationRole::Indexes) {
      index_claims[l.relation].push_back(l.mode);
      continue;
    }
    claims[l.relation].push_back(l.mode);
  }
  auto strongest = [](const std::vector<LockMode>& v) {
    LockMode m = LockMode::None;
    for (LockMode x : v)
      if (stronger(x, m)) m = x;
    return m;
  };
  // Lock comparison for one relation; `claim` empty means "no lock predicted".
  auto check = [&](const QualifiedName& rel, const std::vector<LockMode>& claim) {
    const ObservedLock* o = seen.lock_on(rel);
    std::vector<LockMode> got = o ? o->modes : std::vector<LockMode>{};
    if (seen.outside_transaction) {
      // Watched from outside: every mode seen must be predicted (or be covered by a predicted
      // one, like the SHARE that rebuilding indexes takes under ACCESS EXCLUSIVE), and some
      // prediction seen.
      bool ok = true;
      for (LockMode m : got) {
        bool predicted_mode = false;
        for (LockMode c : claim) predicted_mode = predicted_mode || c == m || covers(c, m);
        if (!predicted_mode) ok = false;
      }
      bool any = claim.empty() == got.empty();
      for (LockMode m : claim)
        if (std::find(got.begin(), got.end(), m) != got.end()) any = true;
      if (!ok || !any)
        out.push_back(fmt::format("{}: predicted {}, observed {}", rel.display(), modes_text(claim),
                                  modes_text(got)));
      return;
    }
    LockMode want = strongest(claim);
    // A mode the transaction already held does not show up as new.
    if (want != LockMode::None && seen.held_before.count({rel, want})) got.push_back(want);
    LockMode have = strongest(got);
    if (want != have)
      out.push_back(fmt::format("{}: predicted {}, observed {}", rel.display(), lock_name(want),
                                lock_name(have)));
  };
  std::set<QualifiedName> done;
  for (const auto& [rel, claim] : claims) {
    check(rel, claim);
    done.insert(rel);
  }
  for (const ObservedLock& o : seen.locks) {
    if (done.count(o.relation)) continue;
    if (o.is_index()) {
      auto ic = index_claims.find(o.table);
      if (ic != index_claims.end()) {
        check(o.relation, ic->second);
        continue;
      }
      // An index opened with its table, no stronger than the table's lock, adds nothing.
      const ObservedLock* t = seen.lock_on(o.table);
      LockMode table_mode = t ? t->strongest() : LockMode::None;
      if (auto c = claims.find(o.table); c != claims.end())
        if (stronger(strongest(c->second), table_mode)) table_mode = strongest(c->second);
      if (stronger(o.strongest(), table_mode))
        out.push_back(
            fmt::format("{} (an index of {}): predicted no lock stronger than the "
                        "table's, observed {}",
                        o.relation.display(), o.table.display(), modes_text(o.modes)));
      continue;
    }
    check(o.relation, {});
  }
  // "Every index of T": each index of T must show that lock (or already hold it).
  for (const auto& [table, modes] : index_claims) {
    bool any = false;
    for (const ObservedLock& o : seen.locks)
      if (o.is_index() && o.table == table) any = true;
    if (!any)
      out.push_back(fmt::format("indexes of {}: predicted {}, observed no lock on any",
                                table.display(), modes_text(modes)));
  }

  // Rewrites and scans, relation by relation.
  std::map<QualifiedName, Tri> rewrite, scan;
  for (const RelationLock& l : predicted.locks) {
    if (l.relation.empty() || l.role == RelationRole::Indexes || !l.phase.empty()) continue;
    if (l.rewrite != Tri::No) rewrite[l.relation] = l.rewrite;
    if (l.scan != Tri::No) {
      Tri& t = scan[l.relation];
      t = (t == Tri::Yes || l.scan == Tri::Yes) ? Tri::Yes : Tri::Maybe;
    }
  }
  for (const auto& [rel, t] : rewrite)
    if (t == Tri::Yes && !seen.rewritten.count(rel) && seen.existing.count(rel))
      out.push_back(fmt::format("{}: predicted a rewrite, observed none", rel.display()));
  for (const QualifiedName& rel : seen.rewritten)
    if (!rewrite.count(rel))
      out.push_back(
          fmt::format("{}: predicted no rewrite, observed one (new relfilenode)", rel.display()));
  for (const auto& [rel, t] : scan)
    if (t == Tri::Yes && !seen.scanned.count(rel))
      out.push_back(fmt::format("{}: predicted a full scan, observed none", rel.display()));
  for (const QualifiedName& rel : seen.scanned)
    if (!scan.count(rel))
      out.push_back(fmt::format("{}: predicted no scan, observed a sequential scan (scan: {})",
                                rel.display(), tri_text(Tri::No)));
  bool index_work = !seen.rebuilt_indexes.empty();
  if (predicted.builds_index && !index_work)
    out.push_back("predicted an index build, observed no new or rebuilt index");
  if (!predicted.builds_index && index_work && seen.rewritten.empty())
    out.push_back(fmt::format("predicted no index build, observed one ({})",
                              seen.rebuilt_indexes.begin()->display()));
  return out;
}

}  // namespace migsafe::db
