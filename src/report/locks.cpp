// `migsafe locks` text table and JSON; see locks.hpp and docs/locks-json.md.
#include "report/locks.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "report/formats.hpp"
#include "report/json_common.hpp"

namespace migsafe {

std::string blocks_text(LockMode m) {
  std::vector<std::string> parts;
  if (blocks_reads(m)) parts.push_back("reads");
  if (blocks_writes(m)) parts.push_back("writes");
  if (blocks_ddl(m)) parts.push_back("DDL");
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::vector<std::string> effect_notes(const Effect& e) {
  std::vector<std::string> out;
  if (!e.known) {
    out.push_back("unknown: " + e.unknown_reason);
    return out;
  }
  std::string work = slow_work(e);
  if (!work.empty()) out.push_back(work);
  if (e.rewrite == Tri::Maybe) out.push_back("may rewrite: " + e.rewrite_reason);
  if (e.scan == Tri::Maybe && e.rewrite == Tri::No && work.empty())
    out.push_back("may read every row: " + e.scan_reason);
  if (e.builds_index && work.find("index") == std::string::npos && work.find("rewrites") == 0)
    out.push_back("rebuilds its indexes");
  if (e.validates_foreign_key) out.push_back("validates a foreign key");
  if (e.changes_rows) out.push_back("changes rows (a backfill)");
  if (e.waits_for_older_transactions) out.push_back("waits for older transactions");
  if (e.no_transaction_block) out.push_back("cannot run inside a transaction block");
  if (e.more_relations) out.push_back("may also lock: " + e.more_relations_reason);
  for (const std::string& n : e.notes) out.push_back(n);
  return out;
}

std::string one_line(std::string_view sql, size_t width) {
  std::string s = one_line(sql);
  // Cut at a code point boundary.
  size_t count = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (count == width) break;
      ++count;
    }
  }
  if (i < s.size()) {
    // Leave room for the ellipsis.
    size_t j = i;
    do {
      --j;
    } while (j > 0 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80);
    return s.substr(0, j) + "…";
  }
  return s;
}

namespace {

const char* tri_json(Tri t) {
  return t == Tri::Yes ? "yes" : t == Tri::Maybe ? "maybe" : "no";
}

std::string relation_cell(const RelationLock& l) {
  if (l.role == RelationRole::Indexes) return "every index of " + l.relation.display();
  if (l.relation.empty()) return std::string("its ") + std::string(role_name(l.role));
  return l.relation.display();
}

std::string lock_notes(const RelationLock& l) {
  std::vector<std::string> parts;
  if (l.is_new) parts.push_back("new in this migration");
  if (l.role != RelationRole::Table && l.role != RelationRole::Indexes)
    parts.push_back(std::string(role_name(l.role)));
  if (!l.phase.empty()) parts.push_back(l.phase);
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

size_t width_of(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

struct Row {
  std::string line, tx, statement, lock, on, blocks, notes;
};

void print_rows(const std::vector<Row>& rows, std::ostream& out) {
  size_t w[6] = {0, 0, 0, 0, 0, 0};
  for (const Row& r : rows) {
    const std::string* cells[6] = {&r.line, &r.tx, &r.statement, &r.lock, &r.on, &r.blocks};
    for (int i = 0; i < 6; ++i) w[i] = std::max(w[i], width_of(*cells[i]));
  }
  for (const Row& r : rows) {
    const std::string* cells[7] = {&r.line, &r.tx,     &r.statement, &r.lock,
                                   &r.on,   &r.blocks, &r.notes};
    std::string line;
    for (int i = 0; i < 7; ++i) {
      std::string cell = *cells[i];
      std::string pad = i < 6 ? std::string(w[i] - width_of(cell), ' ') : "";
      cell = i == 0 ? pad + cell : cell + pad;  // line numbers to the right
      line += cell;
      if (i < 6) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
}

}  // namespace

void write_locks_text(const std::vector<FileTimeline>& files, std::ostream& out) {
  bool first_file = true;
  for (const FileTimeline& f : files) {
    if (!first_file) out << "\n";
    first_file = false;
    out << f.file->path() << "\n";
    std::vector<Row> rows;
    rows.push_back({"line", "tx", "statement", "lock", "on", "blocks", "notes"});
    for (const StatementLocks& s : f.statements) {
      Position p = f.file->position(s.statement->span.begin);
      Row head;
      head.line = std::to_string(p.line);
      head.tx = s.transaction ? std::to_string(s.transaction) : "-";
      head.statement = one_line(f.file->text(s.statement->span), 40);
      std::string notes;
      for (const std::string& n : effect_notes(s.effect)) notes += (notes.empty() ? "" : "; ") + n;
      std::vector<Row> lock_rows;
      for (const RelationLock& l : s.effect.locks) {
        if (l.mode == LockMode::None) continue;
        Row r;
        r.lock = std::string(lock_name(l.mode));
        r.on = relation_cell(l);
        r.blocks = l.is_new ? "nobody (new)" : l.unused ? "nobody (unused)" : blocks_text(l.mode);
        if (r.blocks.empty()) r.blocks = "-";
        r.notes = lock_notes(l);
        lock_rows.push_back(std::move(r));
      }
      if (lock_rows.empty()) lock_rows.push_back(Row{"", "", "", "-", "", "", ""});
      for (size_t i = 0; i < lock_rows.size(); ++i) {
        Row r = std::move(lock_rows[i]);
        if (i == 0) {
          r.line = head.line;
          r.tx = head.tx;
          r.statement = head.statement;
          if (!notes.empty()) r.notes = r.notes.empty() ? notes : notes + "; " + r.notes;
        }
        rows.push_back(std::move(r));
      }
      for (const HeldLock& h : s.held) {
        Row r;
        r.statement = fmt::format("  held since line {}", f.file->position(h.where.begin).line);
        r.lock = std::string(lock_name(h.lock.mode));
        r.on = relation_cell(h.lock);
        r.blocks = blocks_text(h.lock.mode);
        if (r.blocks.empty()) r.blocks = "-";
        r.notes = "taken by " + h.kind;
        rows.push_back(std::move(r));
      }
    }
    print_rows(rows, out);
  }
  out << "\nblocks: reads = SELECT, writes = INSERT/UPDATE/DELETE, DDL = even SHARE UPDATE "
         "EXCLUSIVE "
         "work (VACUUM, CREATE INDEX CONCURRENTLY, most ALTER TABLE); every lock blocks ACCESS "
         "EXCLUSIVE. Locks are held until the transaction (tx) ends; tx - runs on its own.\n";
}

nlohmann::json lock_json(const RelationLock& l) {
  nlohmann::json j;
  j["relation"] = l.relation.empty() ? nlohmann::json(nullptr)
                                     : nlohmann::json(l.relation.schema + "." + l.relation.name);
  j["schema"] = l.relation.empty() ? nlohmann::json(nullptr) : nlohmann::json(l.relation.schema);
  j["name"] = l.relation.empty() ? nlohmann::json(nullptr) : nlohmann::json(l.relation.name);
  j["role"] = std::string(role_name(l.role));
  j["mode"] = std::string(lock_name(l.mode));
  j["pg_mode"] = std::string(pg_lock_name(l.mode));
  j["blocks"] = {{"reads", blocks_reads(l.mode)},
                 {"writes", blocks_writes(l.mode)},
                 {"ddl", blocks_ddl(l.mode)}};
  j["new"] = l.is_new;
  j["unused"] = l.unused;
  j["phase"] = l.phase.empty() ? nlohmann::json(nullptr) : nlohmann::json(l.phase);
  j["rewrite"] = tri_json(l.rewrite);
  j["scan"] = tri_json(l.scan);
  return j;
}

nlohmann::json effect_json(const Effect& e) {
  nlohmann::json j;
  j["known"] = e.known;
  j["unknown_reason"] = e.known ? nlohmann::json(nullptr) : nlohmann::json(e.unknown_reason);
  nlohmann::json locks = nlohmann::json::array();
  for (const RelationLock& l : e.locks)
    if (l.mode != LockMode::None) locks.push_back(lock_json(l));
  j["locks"] = locks;
  j["rewrite"] = tri_json(e.rewrite);
  j["rewrite_reason"] =
      e.rewrite == Tri::No ? nlohmann::json(nullptr) : nlohmann::json(e.rewrite_reason);
  j["scan"] = tri_json(e.scan);
  j["scan_reason"] = e.scan == Tri::No ? nlohmann::json(nullptr) : nlohmann::json(e.scan_reason);
  j["builds_index"] = e.builds_index;
  j["validates_foreign_key"] = e.validates_foreign_key;
  j["changes_rows"] = e.changes_rows;
  j["waits_for_older_transactions"] = e.waits_for_older_transactions;
  j["no_transaction_block"] = e.no_transaction_block;
  j["more_relations"] =
      e.more_relations ? nlohmann::json(e.more_relations_reason) : nlohmann::json(nullptr);
  j["notes"] = e.notes;
  return j;
}

void write_locks_json(const std::vector<FileTimeline>& files, int pg_version, std::ostream& out) {
  nlohmann::json doc;
  doc["schema_version"] = 1;
  doc["tool"] = {{"name", "migsafe"}, {"version", MIGSAFE_VERSION}};
  doc["pg_version"] = pg_version;
  nlohmann::json jfiles = nlohmann::json::array();
  for (const FileTimeline& f : files) {
    nlohmann::json jf;
    jf["path"] = f.file->path();
    nlohmann::json stmts = nlohmann::json::array();
    for (const StatementLocks& s : f.statements) {
      nlohmann::json js = effect_json(s.effect);
      js["index"] = s.statement->index + 1;
      js["start"] = position_json(*f.file, s.statement->span.begin);
      js["end"] = position_json(*f.file, s.statement->span.end);
      js["kind"] = s.kind.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.kind);
      js["sql"] = std::string(f.file->text(s.statement->span));
      js["transaction"] = {
          {"id", s.transaction ? nlohmann::json(s.transaction) : nlohmann::json(nullptr)},
          {"kind", s.transaction_kind == TransactionKind::Explicit  ? "explicit"
                   : s.transaction_kind == TransactionKind::Assumed ? "assumed"
                                                                    : "none"}};
      nlohmann::json held = nlohmann::json::array();
      for (const HeldLock& h : s.held) {
        nlohmann::json jh = lock_json(h.lock);
        jh["since"] = {{"statement", h.statement + 1},
                       {"line", f.file->position(h.where.begin).line},
                       {"kind", h.kind}};
        held.push_back(jh);
      }
      js["held"] = held;
      stmts.push_back(js);
    }
    jf["statements"] = stmts;
    jfiles.push_back(jf);
  }
  doc["files"] = jfiles;
  out << dump_json(doc, 2) << "\n";
}

}  // namespace migsafe
