// `migsafe trace` text and JSON; see trace.hpp.
#include "report/trace.hpp"

#include <fmt/format.h>

#include "report/formats.hpp"
#include "report/json_common.hpp"
#include "report/locks.hpp"

namespace migsafe {

namespace {

std::string join(const std::vector<std::string>& parts, std::string_view sep = "; ") {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

std::string predicted_text(const Effect& e) {
  std::vector<std::string> parts;
  for (const RelationLock& l : e.locks) {
    if (l.mode == LockMode::None || l.is_new) continue;
    std::string s = l.describe();
    if (!l.phase.empty()) s += " (" + l.phase + ")";
    parts.push_back(s);
  }
  if (parts.empty()) parts.push_back("no lock on an existing relation");
  for (const std::string& n : effect_notes(e)) parts.push_back(n);
  return join(parts);
}

// The observed locks a reader needs: every table-level one, and index locks stronger than
// their table's (an index opened along with its table adds nothing).
std::string observed_text(const db::Observation& o, const Effect& predicted) {
  std::vector<std::string> parts;
  // A lock the transaction already held shows nothing new in pg_locks: say so where the model
  // expected it.
  for (const RelationLock& l : predicted.locks)
    if (l.mode != LockMode::None && !o.lock_on(l.relation) &&
        o.held_before.count({l.relation, l.mode}))
      parts.push_back(
          fmt::format("{} on {} (already held)", lock_name(l.mode), l.relation.display()));
  for (const db::ObservedLock& l : o.locks) {
    if (l.is_index()) {
      const db::ObservedLock* t = o.lock_on(l.table);
      if (t && !stronger(l.strongest(), t->strongest())) continue;
    }
    parts.push_back(fmt::format("{} on {}", lock_name(l.strongest()), l.relation.display()));
  }
  if (parts.empty()) parts.push_back("no lock on an existing relation");
  for (const auto& r : o.rewritten) parts.push_back("rewrote " + r.display());
  for (const auto& r : o.rebuilt_indexes) parts.push_back("built index " + r.display());
  for (const auto& r : o.scanned) parts.push_back("sequential scan of " + r.display());
  return join(parts);
}

const char* status_name(db::TraceStatus s) {
  switch (s) {
    case db::TraceStatus::Ran:
      return "ran";
    case db::TraceStatus::Failed:
      return "failed";
    case db::TraceStatus::Skipped:
      return "skipped";
    case db::TraceStatus::NotRun:
      return "not run";
  }
  return "?";
}

std::string outcome(const db::TraceResult& r) {
  if (r.committed) return "Committed";
  if (!r.commit_refused.empty()) return "Rolled back (not committed: " + r.commit_refused + ")";
  return "Rolled back";
}

}  // namespace

void write_trace_text(const TraceHeader& h, const FileTimeline& timeline, const db::TraceResult& r,
                      std::ostream& out) {
  out << "trace of " << h.path << " on PostgreSQL " << h.server_version << ", " << h.where;
  if (!h.replayed.empty())
    out << " (" << h.replayed.size() << " earlier migration" << (h.replayed.size() == 1 ? "" : "s")
        << " replayed: " << join(h.replayed, ", ") << ")";
  out << "\n";
  for (const db::TracedStatement& t : r.statements) {
    const StatementLocks& s = *t.predicted;
    Position p = timeline.file->position(s.statement->span.begin);
    out << "\nline " << p.line << "  " << one_line(timeline.file->text(s.statement->span), 70);
    if (t.status == db::TraceStatus::Ran)
      out << fmt::format("  ({:.1f} ms)", t.observed.milliseconds);
    out << "\n";
    out << "  predicted  " << predicted_text(s.effect) << "\n";
    if (t.status == db::TraceStatus::Ran) {
      out << "  observed   " << observed_text(t.observed, s.effect) << "\n";
    } else {
      out << "  " << status_name(t.status)
          << (t.status == db::TraceStatus::Failed ? "     " : "    ") << t.reason << "\n";
    }
    for (const HeldLock& held : s.held)
      out << "  held       " << held.lock.describe() << " since line "
          << timeline.file->position(held.where.begin).line << " (" << held.kind << ")\n";
    for (const std::string& d : t.differences) out << "  DIFFERS    " << d << "\n";
  }
  out << "\n"
      << r.ran() << " statement" << (r.ran() == 1 ? "" : "s") << " run, " << r.skipped()
      << " skipped, " << r.failed() << " failed; ";
  if (r.mismatched() == 0)
    out << "the server did what migsafe predicted for every statement run";
  else
    out << r.mismatched() << " differ from migsafe's prediction";
  out << ". " << outcome(r) << ".\n";
}

void write_trace_json(const TraceHeader& h, const FileTimeline& timeline, const db::TraceResult& r,
                      std::ostream& out) {
  nlohmann::json doc;
  doc["schema_version"] = 1;
  doc["tool"] = {{"name", "migsafe"}, {"version", MIGSAFE_VERSION}};
  doc["path"] = h.path;
  doc["server_version"] = h.server_version;
  doc["where"] = h.where;
  doc["replayed"] = h.replayed;
  doc["outcome"] = r.committed ? "committed" : "rolled back";
  doc["commit_refused"] =
      r.commit_refused.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.commit_refused);
  nlohmann::json stmts = nlohmann::json::array();
  for (const db::TracedStatement& t : r.statements) {
    const StatementLocks& s = *t.predicted;
    nlohmann::json js;
    js["index"] = s.statement->index + 1;
    js["start"] = position_json(*timeline.file, s.statement->span.begin);
    js["sql"] = std::string(timeline.file->text(s.statement->span));
    js["status"] = status_name(t.status);
    js["reason"] = t.reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(t.reason);
    js["predicted"] = effect_json(s.effect);
    if (t.status == db::TraceStatus::Ran) {
      nlohmann::json o;
      nlohmann::json locks = nlohmann::json::array();
      for (const db::ObservedLock& l : t.observed.locks) {
        nlohmann::json modes = nlohmann::json::array();
        for (LockMode m : l.modes) modes.push_back(std::string(lock_name(m)));
        locks.push_back(
            {{"relation", l.relation.schema + "." + l.relation.name},
             {"index_of", l.is_index() ? nlohmann::json(l.table.schema + "." + l.table.name)
                                       : nlohmann::json(nullptr)},
             {"modes", modes}});
      }
      auto names = [](const std::set<QualifiedName>& set) {
        nlohmann::json a = nlohmann::json::array();
        for (const auto& n : set) a.push_back(n.schema + "." + n.name);
        return a;
      };
      o["locks"] = locks;
      o["rewritten"] = names(t.observed.rewritten);
      o["indexes_built"] = names(t.observed.rebuilt_indexes);
      o["scanned"] = names(t.observed.scanned);
      o["milliseconds"] = t.observed.milliseconds;
      js["observed"] = o;
    } else {
      js["observed"] = nullptr;
    }
    js["differences"] = t.differences;
    nlohmann::json held = nlohmann::json::array();
    for (const HeldLock& hl : s.held) {
      nlohmann::json jh = lock_json(hl.lock);
      jh["since"] = {{"statement", hl.statement + 1},
                     {"line", timeline.file->position(hl.where.begin).line},
                     {"kind", hl.kind}};
      held.push_back(jh);
    }
    js["held"] = held;
    stmts.push_back(js);
  }
  doc["statements"] = stmts;
  doc["summary"] = {{"ran", r.ran()},
                    {"skipped", r.skipped()},
                    {"failed", r.failed()},
                    {"differing", r.mismatched()}};
  out << dump_json(doc, 2) << "\n";
}

}  // namespace migsafe
