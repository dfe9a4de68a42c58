// The lock table: one function per statement kind, one case per ALTER TABLE subcommand. Every
// lock, rewrite and scan claim migsafe makes comes from here. The lock levels follow
// PostgreSQL's own choices (AlterTableGetLockLevel, DefineIndex, index_drop, ExecuteTruncate,
// ...) and are checked against a real server by tests/oracle_test.cpp.
#include "model/locks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "core/node_util.hpp"
#include "core/parse.hpp"
#include "core/walk.hpp"
#include "model/context.hpp"
#include "model/types.hpp"
#include "model/volatility.hpp"

namespace migsafe {

namespace {

struct ModeNames {
  LockMode mode;
  std::string_view sql;
  std::string_view pg;
};

constexpr std::array<ModeNames, 9> kModes = {{
    {LockMode::None, "no lock", ""},
    {LockMode::AccessShare, "ACCESS SHARE", "AccessShareLock"},
    {LockMode::RowShare, "ROW SHARE", "RowShareLock"},
    {LockMode::RowExclusive, "ROW EXCLUSIVE", "RowExclusiveLock"},
    {LockMode::ShareUpdateExclusive, "SHARE UPDATE EXCLUSIVE", "ShareUpdateExclusiveLock"},
    {LockMode::Share, "SHARE", "ShareLock"},
    {LockMode::ShareRowExclusive, "SHARE ROW EXCLUSIVE", "ShareRowExclusiveLock"},
    {LockMode::Exclusive, "EXCLUSIVE", "ExclusiveLock"},
    {LockMode::AccessExclusive, "ACCESS EXCLUSIVE", "AccessExclusiveLock"},
}};

}  // namespace

std::string_view lock_name(LockMode m) {
  return kModes[static_cast<size_t>(m)].sql;
}

std::string_view pg_lock_name(LockMode m) {
  return kModes[static_cast<size_t>(m)].pg;
}

std::optional<LockMode> lock_from_pg_name(std::string_view pg_name) {
  for (const ModeNames& m : kModes)
    if (!m.pg.empty() && m.pg == pg_name) return m.mode;
  return std::nullopt;
}

bool conflicts(LockMode a, LockMode b) {
  // PostgreSQL's table-level lock conflict matrix (explicit locking chapter), indexed by mode.
  static const bool matrix[9][9] = {
      // None AS RS RE SUE S SRE E AE
      {0, 0, 0, 0, 0, 0, 0, 0, 0},  // None
      {0, 0, 0, 0, 0, 0, 0, 0, 1},  // ACCESS SHARE
      {0, 0, 0, 0, 0, 0, 0, 1, 1},  // ROW SHARE
      {0, 0, 0, 0, 0, 1, 1, 1, 1},  // ROW EXCLUSIVE
      {0, 0, 0, 0, 1, 1, 1, 1, 1},  // SHARE UPDATE EXCLUSIVE
      {0, 0, 0, 1, 1, 0, 1, 1, 1},  // SHARE
      {0, 0, 0, 1, 1, 1, 1, 1, 1},  // SHARE ROW EXCLUSIVE
      {0, 0, 1, 1, 1, 1, 1, 1, 1},  // EXCLUSIVE
      {0, 1, 1, 1, 1, 1, 1, 1, 1},  // ACCESS EXCLUSIVE
  };
  return matrix[static_cast<int>(a)][static_cast<int>(b)];
}

std::string_view blocked_traffic(LockMode m) {
  if (blocks_reads(m)) return "reads and writes";
  if (blocks_writes(m)) return "writes";
  return "";
}

std::string_view role_name(RelationRole r) {
  switch (r) {
    case RelationRole::Table:
      return "table";
    case RelationRole::ReferencedTable:
      return "referenced table";
    case RelationRole::ReferencingTable:
      return "referencing table";
    case RelationRole::Index:
      return "index";
    case RelationRole::IndexTable:
      return "table of the index";
    case RelationRole::Indexes:
      return "indexes";
    case RelationRole::Parent:
      return "parent table";
    case RelationRole::Partition:
      return "partition";
    case RelationRole::View:
      return "view";
    case RelationRole::MaterializedView:
      return "materialized view";
    case RelationRole::Sequence:
      return "sequence";
    case RelationRole::Source:
      return "source";
  }
  return "relation";
}

std::string RelationLock::describe() const {
  if (role == RelationRole::Indexes)
    return fmt::format("{} on every index of {}", lock_name(mode), relation.display());
  if (relation.empty()) return fmt::format("{} on its {}", lock_name(mode), role_name(role));
  return fmt::format("{} on {}", lock_name(mode), relation.display());
}

const RelationLock* Effect::strongest_on_existing() const {
  const RelationLock* best = nullptr;
  for (const RelationLock& l : locks) {
    if (l.is_new || l.unused) continue;
    if (!best || stronger(l.mode, best->mode)) best = &l;
  }
  return best;
}

const RelationLock* Effect::lock_on(const QualifiedName& relation) const {
  for (const RelationLock& l : locks)
    if (l.relation == relation && l.role != RelationRole::Indexes) return &l;
  return nullptr;
}

namespace {

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace

std::string slow_work(const Effect& e) {
  std::vector<std::string> rewritten, scanned, indexed;
  for (const RelationLock& l : e.locks) {
    if (l.relation.empty() || l.role == RelationRole::Indexes || !l.phase.empty()) continue;
    std::string n = l.relation.display();
    auto add = [&](std::vector<std::string>& v) {
      if (std::find(v.begin(), v.end(), n) == v.end()) v.push_back(n);
    };
    if (l.rewrite == Tri::Yes)
      add(rewritten);
    else if (l.scan == Tri::Yes && e.scan == Tri::Yes)
      add(scanned);
  }
  if (e.builds_index && rewritten.empty()) {
    for (const RelationLock& l : e.locks)
      if (!l.relation.empty() && l.phase.empty() &&
          (l.role == RelationRole::Table || l.role == RelationRole::IndexTable ||
           l.role == RelationRole::MaterializedView) &&
          std::find(indexed.begin(), indexed.end(), l.relation.display()) == indexed.end())
        indexed.push_back(l.relation.display());
    scanned.erase(std::remove_if(scanned.begin(), scanned.end(),
                                 [&](const std::string& n) {
                                   return std::find(indexed.begin(), indexed.end(), n) !=
                                          indexed.end();
                                 }),
                  scanned.end());
  }
  std::vector<std::string> parts;
  if (!rewritten.empty()) parts.push_back("rewrites " + join_names(rewritten));
  if (!indexed.empty()) parts.push_back("builds an index on " + join_names(indexed));
  if (!scanned.empty()) parts.push_back("reads every row of " + join_names(scanned));
  return join_names(parts);
}

namespace {

Tri worst(Tri a, Tri b) {
  if (a == Tri::Yes || b == Tri::Yes) return Tri::Yes;
  if (a == Tri::Maybe || b == Tri::Maybe) return Tri::Maybe;
  return Tri::No;
}

// Sets an Effect's aggregate rewrite/scan, keeping the reason of the most certain claim.
void note(Tri& slot, std::string& reason, Tri t, std::string why) {
  if (t == Tri::No) return;
  if (slot != Tri::Yes && (t == Tri::Yes || slot == Tri::No)) reason = std::move(why);
  slot = worst(slot, t);
}

class Builder {
 public:
  explicit Builder(const FileContext& ctx) : ctx_(ctx) {}

  const FileContext& ctx() const { return ctx_; }
  const Catalog& cat() const { return ctx_.catalog(); }
  int pg() const { return ctx_.pg_version(); }

  void lock(Effect& e, const QualifiedName& rel, LockMode mode, RelationRole role,
            std::string_view phase = {}) const {
    for (RelationLock& l : e.locks) {
      if (l.relation == rel && l.role == role && l.phase == phase) {
        if (stronger(mode, l.mode)) l.mode = mode;
        return;
      }
    }
    RelationLock l;
    l.relation = rel;
    l.mode = mode;
    l.role = role;
    l.phase = std::string(phase);
    l.is_new = is_new_relation(rel, role);
    e.locks.push_back(std::move(l));
  }

  bool is_new_relation(const QualifiedName& rel, RelationRole role) const {
    if (rel.empty()) return false;
    if (role == RelationRole::Index) {
      const IndexInfo* idx = cat().index(rel);
      return idx && (is_new(idx->origin) || ctx_.is_new_table(idx->table));
    }
    if (const ViewInfo* v = cat().view(rel)) return is_new(v->origin);
    if (auto seq = cat().sequence(rel)) return is_new(*seq);
    return ctx_.is_new_table(rel);
  }

  // The statement's entry for `rel`; a relation it reaches without a lock of its own yet (a
  // partition whose parent's lock comes later) gets one with no mode, upgraded later.
  static RelationLock& entry(Effect& e, const QualifiedName& rel) {
    for (RelationLock& l : e.locks)
      if (l.relation == rel && l.role != RelationRole::Indexes && l.phase.empty()) return l;
    RelationLock l;
    l.relation = rel;
    l.role = RelationRole::Partition;
    e.locks.push_back(std::move(l));
    return e.locks.back();
  }

  // Marks `rel` as rewritten: a new file, every row copied.
  static void rewrite(Effect& e, const QualifiedName& rel, Tri t, const std::string& why) {
    if (t == Tri::No) return;
    RelationLock& l = entry(e, rel);
    l.rewrite = worst(l.rewrite, t);
    note(e.rewrite, e.rewrite_reason, t, why);
    scan(e, rel, t, "a rewrite reads every row");
  }
  // Marks `rel` as read by a sequential scan.
  static void scan(Effect& e, const QualifiedName& rel, Tri t, const std::string& why) {
    if (t == Tri::No) return;
    RelationLock& l = entry(e, rel);
    l.scan = worst(l.scan, t);
    note(e.scan, e.scan_reason, t, why);
  }

  const TableInfo* table(const QualifiedName& n) const { return cat().table(n); }
  bool partitioned(const QualifiedName& n) const {
    const TableInfo* t = table(n);
    return t && t->partitioned;
  }

  // Whether table `n` has any index: a known CREATE INDEX, a PRIMARY KEY / UNIQUE / EXCLUDE
  // constraint; Maybe when the catalog does not know the whole table.
  Tri has_indexes(const QualifiedName& n, int depth = 0) const {
    if (!cat().indexes_on(n).empty()) return Tri::Yes;
    const TableInfo* t = table(n);
    if (!t) return Tri::Maybe;
    for (const ConstraintInfo& c : t->constraints)
      if (c.kind == ConstraintKind::PrimaryKey || c.kind == ConstraintKind::Unique ||
          c.kind == ConstraintKind::Exclusion)
        return Tri::Yes;
    if (cat().view(n)) return Tri::No;  // CREATE INDEX on it would be listed
    // A partition has its own indexes plus one for each index of its parent.
    if (t->is_partition && !t->parents.empty() && depth < 8)
      return has_indexes(t->parents.front(), depth + 1);
    return t->columns_known ? Tri::No : Tri::Maybe;
  }

  // Partitions and inheritance children, all levels down.
  std::vector<QualifiedName> descendants(const QualifiedName& n) const {
    std::vector<QualifiedName> out;
    std::vector<QualifiedName> todo = {n};
    while (!todo.empty()) {
      QualifiedName cur = todo.back();
      todo.pop_back();
      for (const TableInfo* c : cat().children(cur)) {
        if (std::find(out.begin(), out.end(), c->name) != out.end()) continue;
        out.push_back(c->name);
        todo.push_back(c->name);
      }
    }
    return out;
  }

  // The relations that hold rows for `n`: itself, or its leaf partitions when partitioned.
  std::vector<QualifiedName> storage_of(const QualifiedName& n) const {
    if (!partitioned(n)) return {n};
    std::vector<QualifiedName> out;
    for (const QualifiedName& d : descendants(n))
      if (!partitioned(d)) out.push_back(d);
    return out;
  }

  // Sequences owned by the serial and identity columns of `n` (PostgreSQL names them
  // <table>_<column>_seq).
  std::vector<QualifiedName> owned_sequences(const QualifiedName& n) const {
    std::vector<QualifiedName> out;
    const TableInfo* t = table(n);
    if (!t) return out;
    for (const ColumnInfo& c : t->columns)
      if (c.identity || is_serial(c.type)) out.push_back(owned_sequence_name(n, c.name));
    return out;
  }

  static QualifiedName owned_sequence_name(const QualifiedName& table, const std::string& col) {
    // ChooseRelationName truncates the two parts so that the whole fits in 63 bytes.
    std::string a = table.name, b = col;
    while (a.size() + b.size() + 5 > 63) {
      if (a.size() > b.size())
        a.pop_back();
      else
        b.pop_back();
    }
    return QualifiedName{table.schema, a + "_" + b + "_seq"};
  }

  // A view's relations, and those of views it reads, all levels down.
  // `reads`: the view's query runs (SELECT, REFRESH), rather than only being locked (LOCK).
  void view_sources(Effect& e, const QualifiedName& view, LockMode mode, bool reads,
                    int depth = 0) const {
    const ViewInfo* v = cat().view(view);
    if (!v || depth > 16) return;
    for (const QualifiedName& s : v->sources) {
      const ViewInfo* inner = cat().view(s);
      lock(e, s, mode,
           inner ? (inner->materialized ? RelationRole::MaterializedView : RelationRole::View)
                 : RelationRole::Source);
      if (inner && !inner->materialized) {
        view_sources(e, s, mode, reads, depth + 1);
      } else if (reads) {
        for (const QualifiedName& st : storage_of(s))
          scan(e, st, Tri::Maybe, "the view's query may read every row");
      }
    }
  }

 private:
  const FileContext& ctx_;
};

void merge(const Builder& b, Effect& into, const Effect& part) {
  for (const RelationLock& l : part.locks) {
    b.lock(into, l.relation, l.mode, l.role, l.phase);
    for (RelationLock& m : into.locks)
      if (m.relation == l.relation && m.role == l.role && m.phase == l.phase) {
        m.rewrite = worst(m.rewrite, l.rewrite);
        m.scan = worst(m.scan, l.scan);
        m.is_new = l.is_new;
      }
  }
  note(into.rewrite, into.rewrite_reason, part.rewrite, part.rewrite_reason);
  note(into.scan, into.scan_reason, part.scan, part.scan_reason);
  into.builds_index = into.builds_index || part.builds_index;
  into.validates_foreign_key = into.validates_foreign_key || part.validates_foreign_key;
  into.waits_for_older_transactions =
      into.waits_for_older_transactions || part.waits_for_older_transactions;
  into.no_transaction_block = into.no_transaction_block || part.no_transaction_block;
  into.changes_rows = into.changes_rows || part.changes_rows;
  if (part.more_relations && !into.more_relations) {
    into.more_relations = true;
    into.more_relations_reason = part.more_relations_reason;
  }
  if (!part.known && into.known) {
    into.known = false;
    into.unknown_reason = part.unknown_reason;
  }
  for (const std::string& n : part.notes)
    if (std::find(into.notes.begin(), into.notes.end(), n) == into.notes.end())
      into.notes.push_back(n);
}

Effect unknown(std::string why) {
  Effect e;
  e.known = false;
  e.unknown_reason = std::move(why);
  return e;
}

void more(Effect& e, std::string why) {
  if (e.more_relations) return;
  e.more_relations = true;
  e.more_relations_reason = std::move(why);
}

// --- data statements ---------------------------------------------------------------------------

// What read_relations needs from a query, gathered in one walk: the names its WITH clauses
// define, its FOR UPDATE / FOR SHARE clauses, and the relations it names. A large INSERT ...
// VALUES is mostly constants, so walking it once instead of three times matters.
struct QueryReads {
  std::vector<std::string_view> ctes;
  bool lock_all = false;                 // a locking clause without a list: every relation
  std::vector<std::string_view> locked;  // relations named in locking clauses
  std::vector<const PgQuery__RangeVar*> relations;

  explicit QueryReads(const ProtobufCMessage* m) {
    static const KindSet kinds{&pg_query__range_var__descriptor,
                               &pg_query__common_table_expr__descriptor,
                               &pg_query__locking_clause__descriptor};
    for_each_message_in(m, kinds, [&](const ProtobufCMessage& x) {
      if (const auto* rv = as<PgQuery__RangeVar>(&x)) {
        relations.push_back(rv);
      } else if (const auto* cte = as<PgQuery__CommonTableExpr>(&x)) {
        ctes.emplace_back(cte->ctename ? cte->ctename : "");
      } else if (const auto* lc = as<PgQuery__LockingClause>(&x)) {
        if (lc->n_locked_rels == 0) lock_all = true;
        for (const PgQuery__Node* r : items(lc->locked_rels, lc->n_locked_rels))
          if (const auto* lrv = as<PgQuery__RangeVar>(r))
            locked.emplace_back(lrv->relname ? lrv->relname : "");
      }
    });
  }

  bool is_cte(const PgQuery__RangeVar* rv) const {
    return (!rv->schemaname || !*rv->schemaname) && rv->relname &&
           std::find(ctes.begin(), ctes.end(), rv->relname) != ctes.end();
  }
  bool for_update(const PgQuery__RangeVar* rv) const {
    return lock_all ||
           std::find(locked.begin(), locked.end(), rv->relname ? rv->relname : "") != locked.end();
  }
};

// Every relation a query reads gets ACCESS SHARE (ROW SHARE under FOR UPDATE / FOR SHARE);
// a view adds the relations of its query, a partitioned table its partitions.
void read_relations(const Builder& b, Effect& e, const ProtobufCMessage* m,
                    const PgQuery__RangeVar* skip) {
  QueryReads reads(m);
  for (const PgQuery__RangeVar* rv : reads.relations) {
    if (rv == skip || reads.is_cte(rv)) continue;
    QualifiedName n = b.ctx().resolve(rv);
    LockMode mode = reads.for_update(rv) ? LockMode::RowShare : LockMode::AccessShare;
    const ViewInfo* v = b.cat().view(n);
    if (v && !v->materialized) {
      b.lock(e, n, mode, RelationRole::View);
      b.view_sources(e, n, mode, true);
      continue;
    }
    b.lock(e, n, mode, v ? RelationRole::MaterializedView : RelationRole::Source);
    if (rv->inh) {
      for (const QualifiedName& d : b.descendants(n)) b.lock(e, d, mode, RelationRole::Partition);
    }
    Builder::scan(e, n, Tri::Maybe, "the query may read every row");
  }
}

bool has_column(const std::vector<std::string>& cols, std::string_view c) {
  return std::find(cols.begin(), cols.end(), c) != cols.end();
}

// Foreign keys fire on changed rows: a new or changed referencing value locks the referenced
// row (ROW SHARE on that table); a deleted or re-keyed referenced row looks for referencing
// rows (ROW SHARE), or changes them (ROW EXCLUSIVE) for CASCADE / SET NULL / SET DEFAULT.
void foreign_key_checks(const Builder& b, Effect& e, const QualifiedName& target,
                        const std::vector<std::string>* set_columns, bool inserts, bool deletes) {
  const TableInfo* t = b.table(target);
  if (!t) {
    if (inserts || deletes || set_columns)
      more(e, fmt::format("tables linked to {} by foreign keys migsafe has not seen (ROW SHARE "
                          "on each, when rows change)",
                          target.display()));
    return;
  }
  if (inserts || set_columns) {
    for (const ConstraintInfo& c : t->constraints) {
      if (c.kind != ConstraintKind::ForeignKey) continue;
      bool touched = inserts && (!set_columns || c.columns.empty());
      if (set_columns)
        for (const std::string& col : c.columns) touched = touched || has_column(*set_columns, col);
      if (touched) {
        b.lock(e, c.references, LockMode::RowShare, RelationRole::ReferencedTable);
        Builder::scan(e, c.references, Tri::Maybe,
                      "each referenced row is looked up (a sequential scan when the planner "
                      "prefers one)");
      }
    }
  }
  bool rekeys = false;
  if (set_columns && !inserts) {
    for (const ConstraintInfo& c : t->constraints)
      if (c.kind == ConstraintKind::PrimaryKey || c.kind == ConstraintKind::Unique)
        for (const std::string& col : c.columns) rekeys = rekeys || has_column(*set_columns, col);
  }
  if (deletes || rekeys) {
    for (const auto& [other, c] : b.cat().referencing(target)) {
      char action = deletes ? c->on_delete : c->on_update;
      bool changes = action == 'c' || action == 'n' || action == 'd';
      b.lock(e, other->name, changes ? LockMode::RowExclusive : LockMode::RowShare,
             RelationRole::ReferencingTable);
      Builder::scan(e, other->name, Tri::Maybe,
                    "referencing rows are looked up, with a sequential scan when no index on the "
                    "foreign key helps");
    }
  }
  if (!t->columns_known)
    more(e, fmt::format("tables linked to {} by foreign keys migsafe has not seen (ROW SHARE "
                        "on each, when rows change)",
                        target.display()));
}

std::vector<std::string> target_columns(PgQuery__Node* const* list, size_t n) {
  std::vector<std::string> out;
  for (const PgQuery__Node* x : items(list, n))
    if (const auto* rt = as<PgQuery__ResTarget>(x)) out.emplace_back(rt->name ? rt->name : "");
  return out;
}

void write_target(const Builder& b, Effect& e, const QualifiedName& target, bool inh,
                  bool whole_table, const std::string& what) {
  b.lock(e, target, LockMode::RowExclusive, RelationRole::Table);
  if (inh && !b.partitioned(target)) {
    for (const QualifiedName& d : b.descendants(target))
      b.lock(e, d, LockMode::RowExclusive, RelationRole::Partition);
  } else if (b.partitioned(target)) {
    for (const QualifiedName& d : b.descendants(target))
      b.lock(e, d, LockMode::RowExclusive, RelationRole::Partition);
  }
  if (!what.empty())
    for (const QualifiedName& s : b.storage_of(target))
      Builder::scan(e, s, whole_table ? Tri::Yes : Tri::Maybe, what);
}

}  // namespace

bool is_migration_bookkeeping_table(const QualifiedName& table) {
  // Alembic, Rails (and its metadata), Django, Flyway, Flyway before 5, Liquibase, Prisma,
  // Diesel, goose, knex, golang-migrate, dbmate, sqitch (in its own schema).
  static constexpr std::string_view kTables[] = {
      "alembic_version",       "schema_migrations",
      "ar_internal_metadata",  "django_migrations",
      "flyway_schema_history", "schema_version",
      "databasechangelog",     "databasechangeloglock",
      "_prisma_migrations",    "__diesel_schema_migrations",
      "goose_db_version",      "knex_migrations",
      "knex_migrations_lock"};
  if (table.schema == "sqitch") return true;
  for (std::string_view t : kTables)
    if (table.name == t) return true;
  return false;
}

namespace {

Effect insert_stmt(const Builder& b, const PgQuery__InsertStmt& s) {
  Effect e;
  QualifiedName target = b.ctx().resolve(s.relation);
  e.changes_rows = s.select_stmt && !as<PgQuery__SelectStmt>(s.select_stmt)->values_lists &&
                   !is_migration_bookkeeping_table(target);
  b.lock(e, target, LockMode::RowExclusive, RelationRole::Table);
  if (b.partitioned(target))
    more(e,
         fmt::format("the partitions of {} that receive rows (ROW EXCLUSIVE)", target.display()));
  std::vector<std::string> cols = target_columns(s.cols, s.n_cols);
  // Columns left out take their defaults: a serial or identity column calls nextval().
  if (const TableInfo* t = b.table(target); t && !cols.empty()) {
    for (const ColumnInfo& c : t->columns)
      if ((c.identity || is_serial(c.type)) && !has_column(cols, c.name))
        b.lock(e, Builder::owned_sequence_name(target, c.name), LockMode::RowExclusive,
               RelationRole::Sequence);
  }
  foreign_key_checks(b, e, target, cols.empty() ? nullptr : &cols, true, false);
  if (s.on_conflict_clause &&
      s.on_conflict_clause->action == PG_QUERY__ON_CONFLICT_ACTION__ONCONFLICT_UPDATE) {
    std::vector<std::string> set =
        target_columns(s.on_conflict_clause->target_list, s.on_conflict_clause->n_target_list);
    foreign_key_checks(b, e, target, &set, false, false);
  }
  read_relations(b, e, &s.base, s.relation);
  return e;
}

Effect update_stmt(const Builder& b, const PgQuery__UpdateStmt& s) {
  Effect e;
  QualifiedName target = b.ctx().resolve(s.relation);
  e.changes_rows = !is_migration_bookkeeping_table(target);
  bool whole = !s.where_clause && s.n_from_clause == 0;
  write_target(b, e, target, s.relation->inh, whole,
               whole ? fmt::format("UPDATE without WHERE changes every row of {}", target.display())
                     : "the WHERE clause decides how many rows are read");
  std::vector<std::string> set = target_columns(s.target_list, s.n_target_list);
  foreign_key_checks(b, e, target, &set, false, false);
  read_relations(b, e, &s.base, s.relation);
  return e;
}

Effect delete_stmt(const Builder& b, const PgQuery__DeleteStmt& s) {
  Effect e;
  QualifiedName target = b.ctx().resolve(s.relation);
  e.changes_rows = !is_migration_bookkeeping_table(target);
  bool whole = !s.where_clause && s.n_using_clause == 0;
  write_target(b, e, target, s.relation->inh, whole,
               whole ? fmt::format("DELETE without WHERE reads every row of {}", target.display())
                     : "the WHERE clause decides how many rows are read");
  foreign_key_checks(b, e, target, nullptr, false, true);
  read_relations(b, e, &s.base, s.relation);
  return e;
}

Effect merge_stmt(const Builder& b, const PgQuery__MergeStmt& s) {
  Effect e;
  e.changes_rows = true;
  QualifiedName target = b.ctx().resolve(s.relation);
  write_target(b, e, target, s.relation->inh, false, "MERGE joins the source with the target");
  foreign_key_checks(b, e, target, nullptr, true, true);
  read_relations(b, e, &s.base, s.relation);
  return e;
}

Effect select_stmt(const Builder& b, const PgQuery__SelectStmt& s) {
  Effect e;
  if (s.into_clause && s.into_clause->rel) {
    b.lock(e, b.ctx().resolve(s.into_clause->rel), LockMode::AccessExclusive, RelationRole::Table);
    for (RelationLock& l : e.locks) l.is_new = true;
    read_relations(b, e, &s.base, s.into_clause->rel);
    return e;
  }
  read_relations(b, e, &s.base, nullptr);
  return e;
}

// --- ALTER TABLE subcommands ------------------------------------------------------------------

// Whether ADD COLUMN ... REFERENCES in this statement is checked against the existing rows.
// PostgreSQL skips that check (and still marks the key valid) when every new column of the
// statement is all NULL: no new column has a default (serial and stored generated columns have
// one) and no other subcommand adds a FOREIGN KEY (transformAlterTableStmt, skipValidation).
bool inline_foreign_keys_validated(const PgQuery__AlterTableStmt& s) {
  for (const PgQuery__Node* n : items(s.cmds, s.n_cmds)) {
    const auto* cmd = as<PgQuery__AlterTableCmd>(n);
    if (!cmd) continue;
    if (const auto* def = as<PgQuery__ColumnDef>(cmd->def)) {
      ColumnFacts f = column_facts(*def);
      if (f.default_expr || f.serial || f.generated_stored) return true;
    }
    const auto* c = as<PgQuery__Constraint>(cmd->def);
    if (c && c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) return true;
  }
  return false;
}

// A full read of `table` (of its partitions when it is partitioned).
void scan_table(const Builder& b, Effect& e, const QualifiedName& table, Tri t,
                const std::string& why) {
  for (const QualifiedName& s : b.storage_of(table)) Builder::scan(e, s, t, why);
}

// A rewrite of `table`: every row copied into a new file, and every index rebuilt (ACCESS
// EXCLUSIVE on each) when the table has any.
void rewrite_table(const Builder& b, Effect& e, const QualifiedName& table, Tri t,
                   const std::string& why) {
  if (t == Tri::No) return;
  if (b.partitioned(table)) {
    // No storage of its own: the partitions are rewritten.
    note(e.rewrite, e.rewrite_reason, t, why);
    for (const QualifiedName& p : b.storage_of(table)) rewrite_table(b, e, p, t, why);
    return;
  }
  Builder::rewrite(e, table, t, why);
  if (t == Tri::Yes) {
    Tri idx = b.has_indexes(table);
    if (idx == Tri::Yes) b.lock(e, table, LockMode::AccessExclusive, RelationRole::Indexes);
    if (idx != Tri::No) e.builds_index = true;
  }
}

void add_column_effect(const Builder& b, Effect& e, const QualifiedName& table,
                       const PgQuery__ColumnDef& def, bool validates_references) {
  ColumnFacts f = column_facts(def);
  const FileContext& ctx = b.ctx();
  std::string col = def.colname ? def.colname : "?";
  bool any_default = f.default_expr || f.serial || f.identity || f.generated_stored;
  if (any_default && ctx.pg_version() < 11) {
    rewrite_table(b, e, table, Tri::Yes,
                  fmt::format("before PostgreSQL 11 adding column {} with a default "
                              "writes the default into every row",
                              col));
  } else if (f.serial) {
    rewrite_table(b, e, table, Tri::Yes,
                  fmt::format("{} is {}: its nextval() default is volatile, so "
                              "every row gets its own value",
                              col, f.type.display()));
  } else if (f.identity) {
    rewrite_table(b, e, table, Tri::Yes,
                  fmt::format("identity column {} fills every existing row", col));
  } else if (f.generated_stored) {
    rewrite_table(
        b, e, table, Tri::Yes,
        fmt::format("stored generated column {} is computed for every existing row", col));
  } else if (f.default_expr) {
    ExpressionVolatility v = expression_volatility(f.default_expr, ctx.function_lookup());
    if (v.volatility == Volatility::Volatile) {
      rewrite_table(b, e, table, Tri::Yes,
                    fmt::format("the default calls {}, which is volatile, so it is "
                                "evaluated for every existing row",
                                v.function));
    } else if (v.volatility == Volatility::Unknown) {
      rewrite_table(b, e, table, Tri::Maybe,
                    fmt::format("the default calls {}, whose volatility is not known here; a "
                                "VOLATILE function (PostgreSQL's default) rewrites the table",
                                v.function));
    }
  }
  if (f.not_null && !any_default) {
    scan_table(b, e, table, Tri::Yes,
               fmt::format("NOT NULL without a default checks every row of {}", table.display()));
  }
  if (f.check)
    scan_table(b, e, table, Tri::Yes, "the CHECK constraint is verified against every row");
  if (f.primary_key || f.unique) {
    e.builds_index = true;
    Builder::scan(e, table, Tri::Yes, "the index for the new constraint reads every row");
  }
  if (f.references) {
    QualifiedName ref = b.ctx().resolve(f.references->pktable);
    if (!(ref == table)) b.lock(e, ref, LockMode::ShareRowExclusive, RelationRole::ReferencedTable);
    if (validates_references) {
      e.validates_foreign_key = true;
      Builder::scan(e, table, Tri::Yes, "the new foreign key is validated against every row");
      // A table created earlier in the file is empty: the validation query ends at its first
      // (missing) row and never reads the referenced table.
      if (!(ref == table) && !b.is_new_relation(table, RelationRole::Table))
        Builder::scan(e, ref, Tri::Maybe, "the validation query joins the referenced table");
    }
  }
}

void add_constraint_effect(const Builder& b, Effect& e, const QualifiedName& table,
                           const PgQuery__Constraint& c, LockMode* table_mode) {
  const FileContext& ctx = b.ctx();
  switch (c.contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
      *table_mode = LockMode::AccessExclusive;
      if (!c.skip_validation)
        for (const QualifiedName& s : b.storage_of(table))
          Builder::scan(e, s, Tri::Yes, "validating the CHECK reads every row");
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN: {
      *table_mode = LockMode::ShareRowExclusive;
      QualifiedName ref = ctx.resolve(c.pktable);
      if (!(ref == table))
        b.lock(e, ref, LockMode::ShareRowExclusive, RelationRole::ReferencedTable);
      if (!c.skip_validation) {
        e.validates_foreign_key = true;
        Builder::scan(e, table, Tri::Yes, "validating the foreign key reads every row");
        // A table created earlier in the file is empty: nothing to join.
        if (!(ref == table) && !b.is_new_relation(table, RelationRole::Table))
          Builder::scan(e, ref, Tri::Maybe, "the validation query joins the referenced table");
      }
      break;
    }
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: {
      *table_mode = LockMode::AccessExclusive;
      bool using_index = c.indexname && *c.indexname;
      if (!using_index) {
        e.builds_index = true;
        Builder::scan(e, table, Tri::Yes, "building the constraint's index reads every row");
      } else {
        // The index is renamed to the constraint's name: the rename's lock on the index too
        // (SHARE UPDATE EXCLUSIVE from PostgreSQL 12).
        b.lock(e, QualifiedName{table.schema, c.indexname},
               ctx.pg_version() >= 12 ? LockMode::ShareUpdateExclusive : LockMode::AccessExclusive,
               RelationRole::Index);
        if (c.contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) {
          // A primary key needs NOT NULL columns; nullable ones are checked with a scan.
          const IndexInfo* idx = ctx.catalog().index(QualifiedName{table.schema, c.indexname});
          const TableInfo* t = ctx.catalog().table(table);
          Tri nullable = Tri::Maybe;
          if (idx && t) {
            nullable = Tri::No;
            for (const auto& col : idx->columns) {
              const ColumnInfo* ci = t->column(col);
              if (!ci)
                nullable = worst(nullable, Tri::Maybe);
              else if (!ci->not_null)
                nullable = Tri::Yes;
            }
          }
          Builder::scan(e, table, nullable,
                        "a primary key on nullable columns checks every row for NULLs");
        }
      }
      break;
    }
    case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION:
      *table_mode = LockMode::AccessExclusive;
      e.builds_index = true;
      Builder::scan(e, table, Tri::Yes,
                    "building the exclusion constraint's index reads every row");
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
      *table_mode = LockMode::AccessExclusive;
      Builder::scan(e, table, Tri::Yes, "NOT NULL is checked against every row");
      break;
    default:
      *table_mode = LockMode::AccessExclusive;
      break;
  }
}

bool using_changes_data(const PgQuery__Node* using_expr, std::string_view column) {
  if (!using_expr) return false;
  const PgQuery__Node* e = using_expr;
  if (const auto* cast = as<PgQuery__TypeCast>(e)) e = cast->arg;
  const auto* ref = as<PgQuery__ColumnRef>(e);
  if (ref && ref->n_fields >= 1 && string_value(ref->fields[ref->n_fields - 1]) == column)
    return false;
  return true;
}

// Storage parameters that take SHARE UPDATE EXCLUSIVE (reloptions.c); any other takes ACCESS
// EXCLUSIVE (view options, user_catalog_table, index AM options).
LockMode reloptions_lock(const PgQuery__Node* def) {
  static const std::string_view light[] = {"fillfactor",
                                           "autovacuum_enabled",
                                           "autovacuum_vacuum_threshold",
                                           "autovacuum_vacuum_insert_threshold",
                                           "autovacuum_analyze_threshold",
                                           "autovacuum_vacuum_cost_delay",
                                           "autovacuum_vacuum_cost_limit",
                                           "autovacuum_freeze_min_age",
                                           "autovacuum_multixact_freeze_min_age",
                                           "autovacuum_freeze_max_age",
                                           "autovacuum_multixact_freeze_max_age",
                                           "autovacuum_freeze_table_age",
                                           "autovacuum_multixact_freeze_table_age",
                                           "log_autovacuum_min_duration",
                                           "toast_tuple_target",
                                           "autovacuum_vacuum_scale_factor",
                                           "autovacuum_vacuum_insert_scale_factor",
                                           "autovacuum_analyze_scale_factor",
                                           "parallel_workers",
                                           "vacuum_index_cleanup",
                                           "vacuum_truncate",
                                           "vacuum_cleanup_index_scale_factor",
                                           "deduplicate_items",
                                           "n_distinct",
                                           "n_distinct_inherited"};
  LockMode m = LockMode::ShareUpdateExclusive;
  const auto* list = as<PgQuery__List>(def);
  if (!list) return LockMode::AccessExclusive;
  for (const PgQuery__Node* o : items(list->items, list->n_items)) {
    const auto* d = as<PgQuery__DefElem>(o);
    if (!d || !d->defname) continue;
    std::string_view name = d->defname;
    if (std::find(std::begin(light), std::end(light), name) == std::end(light))
      m = LockMode::AccessExclusive;
  }
  return m;
}

// Subcommands that PostgreSQL applies to every partition and inheritance child too (with the
// same lock), unless the table is named with ONLY.
bool recurses(PgQuery__AlterTableType t, const PgQuery__Node* def) {
  switch (t) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStorage:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetCompression:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropExpression:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse:
      return true;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse: {
      const auto* c = as<PgQuery__Constraint>(def);
      return c && (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK ||
                   c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN ||
                   c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ||
                   c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE);
    }
    default:
      return false;
  }
}

// ATTACH PARTITION reads every row of the partition to check it against the partition bound,
// unless a valid CHECK constraint on the partition implies the bound. migsafe cannot prove the
// implication; a validated CHECK (other than a bare IS NOT NULL) that the catalog knows on the
// partition is taken to be the one the documented recipe adds right before the ATTACH. A
// partition the catalog knows completely, with no such CHECK, is scanned (measured).
void attach_partition_scan(const Builder& b, Effect& e, const QualifiedName& partition) {
  const TableInfo* t = b.ctx().catalog().table(partition);
  if (t) {
    for (const ConstraintInfo& c : t->constraints)
      if (c.kind == ConstraintKind::Check && c.validated && c.not_null_column.empty()) return;
  }
  bool known = t && (t->columns_known || t->is_partition);
  Builder::scan(e, partition, known ? Tri::Yes : Tri::Maybe,
                known ? fmt::format("{} is scanned to check every row against the partition bound",
                                    partition.display())
                      : fmt::format("{} is scanned to check every row against the partition "
                                    "bound, unless a valid CHECK constraint on it already proves "
                                    "the bound (none is known from this migration)",
                                    partition.display()));
}

Effect alter_cmd_effect(const Builder& b, const QualifiedName& table, RelationRole role,
                        const PgQuery__AlterTableCmd& cmd, bool validates_references) {
  const FileContext& ctx = b.ctx();
  Effect e;
  // The table's own lock comes first: it is what the statement is about.
  b.lock(e, table, LockMode::None, role);
  LockMode mode = LockMode::AccessExclusive;
  std::string col = cmd.name ? cmd.name : "";
  switch (cmd.subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnToView:
      if (const auto* def = as<PgQuery__ColumnDef>(cmd.def))
        add_column_effect(b, e, table, *def, validates_references);
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_CookedColumnDefault:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropExpression:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStorage:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplicaIdentity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRowSecurity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRowSecurity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ForceRowSecurity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_NoForceRowSecurity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetIdentity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_GenericOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnGenericOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddOf:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropOf:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRule:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysRule:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaRule:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRule:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropOids:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplaceRelOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterConstraint:
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetCompression:
      if (ctx.pg_version() < 14)
        return unknown("SET COMPRESSION does not exist before PostgreSQL 14");
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddInherit:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropInherit:
      // The child is changed under ACCESS EXCLUSIVE; the parent only gets SHARE UPDATE
      // EXCLUSIVE (a new pg_inherits row).
      if (const auto* rv = as<PgQuery__RangeVar>(cmd.def))
        b.lock(e, ctx.resolve(rv), LockMode::ShareUpdateExclusive, RelationRole::Parent);
      if (cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddInherit)
        Builder::scan(e, table, Tri::Maybe,
                      "the parent's NOT NULL and CHECK constraints are checked against the child");
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull: {
      const TableInfo* t = ctx.catalog().table(table);
      bool proven = false;
      if (t && ctx.pg_version() >= 12) {
        for (const ConstraintInfo& c : t->constraints)
          if (c.kind == ConstraintKind::Check && c.validated && c.not_null_column == col)
            proven = true;
      }
      if (!proven)
        for (const QualifiedName& s : b.storage_of(table))
          Builder::scan(e, s, Tri::Yes,
                        fmt::format("SET NOT NULL reads every row to prove {} has no NULLs", col));
      break;
    }
    case PG_QUERY__ALTER_TABLE_TYPE__AT_CheckNotNull:
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ClusterOn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropCluster:
      mode = LockMode::ShareUpdateExclusive;
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions:
      mode = reloptions_lock(cmd.def);
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigAll:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigAll:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigUser:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser:
      mode = LockMode::ShareRowExclusive;
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ReAddConstraint:
      if (const auto* c = as<PgQuery__Constraint>(cmd.def))
        add_constraint_effect(b, e, table, *c, &mode);
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse: {
      mode = LockMode::ShareUpdateExclusive;
      const TableInfo* t = ctx.catalog().table(table);
      const ConstraintInfo* c = t ? t->constraint(col) : nullptr;
      if (c && c->validated && c->added_transaction < 0 && !is_new(c->origin)) {
        // Already valid: VALIDATE does nothing but take its lock.
        break;
      }
      for (const QualifiedName& s : b.storage_of(table))
        Builder::scan(e, s, Tri::Yes, fmt::format("VALIDATE CONSTRAINT {} reads every row", col));
      if (c && c->kind == ConstraintKind::ForeignKey) {
        e.validates_foreign_key = true;
        b.lock(e, c->references, LockMode::RowShare, RelationRole::ReferencedTable);
        Builder::scan(e, c->references, Tri::Maybe,
                      "the validation query joins the referenced table");
      } else if (!c) {
        e.notes.push_back(fmt::format(
            "constraint {} is not known here: a foreign key also takes ROW SHARE on the table it "
            "references",
            col));
        more(e, "the table a foreign key references (ROW SHARE), when the constraint is one");
      }
      break;
    }
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse: {
      const TableInfo* t = ctx.catalog().table(table);
      const ConstraintInfo* c = t ? t->constraint(col) : nullptr;
      if (c && c->kind == ConstraintKind::ForeignKey && !(c->references == table)) {
        // Dropping a foreign key drops its triggers on the referenced table too.
        b.lock(e, c->references, LockMode::AccessExclusive, RelationRole::ReferencedTable);
      } else if (!c) {
        more(e, fmt::format("if {} is a foreign key, the table it references (ACCESS EXCLUSIVE)",
                            col));
      }
      break;
    }
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType: {
      const auto* def = as<PgQuery__ColumnDef>(cmd.def);
      if (!def) break;
      TypeRef to = type_ref(def->type_name);
      const TableInfo* t = ctx.catalog().table(table);
      const ColumnInfo* c = t ? t->column(col) : nullptr;
      TypeRef from = c ? c->type : TypeRef{};
      TypeChange change =
          classify_type_change(from, to, using_changes_data(def->raw_default, col),
                               def->coll_clause != nullptr, ctx.session_timezone_utc());
      std::string why =
          change.rewrite == Tri::Maybe
              ? (from.empty()
                     ? fmt::format("changing {} to {} rewrites the table and rebuilds its indexes "
                                   "unless its current type (not known from this migration) is "
                                   "binary coercible to {}",
                                   col, to.display(), to.display())
                     : fmt::format("changing {} to {} rewrites the table and rebuilds its indexes "
                                   "unless {} is binary coercible to {} ({})",
                                   col, to.display(), from.display(), to.display(), change.reason))
              : change.reason;
      for (const QualifiedName& s : b.storage_of(table))
        rewrite_table(b, e, s, change.rewrite, why);
      if (change.rewrite == Tri::No && change.rebuilds_indexes) {
        // Indexes on the column are rebuilt without a table rewrite (a collation change).
        e.builds_index = true;
        Builder::scan(e, table, Tri::Yes, "the indexes on the column are rebuilt");
      }
      break;
    }
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged:
      rewrite_table(b, e, table, Tri::Yes, "SET LOGGED / SET UNLOGGED copies the whole table");
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetAccessMethod:
      if (ctx.pg_version() < 15)
        return unknown("SET ACCESS METHOD does not exist before PostgreSQL 15");
      {
        const auto* am = cmd.name ? cmd.name : "";
        // Moving to the access method the table already has does nothing; heap is the default.
        rewrite_table(b, e, table, std::string_view(am) == "heap" ? Tri::Maybe : Tri::Yes,
                      std::string_view(am) == "heap"
                          ? "SET ACCESS METHOD rewrites the table unless it already uses heap"
                          : "SET ACCESS METHOD rewrites the table");
      }
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace:
      // The files are copied block by block: a new relfilenode, but no index rebuild. Moving
      // to the tablespace the table is already in does nothing.
      if (!b.partitioned(table))
        Builder::rewrite(e, table, Tri::Maybe,
                         "SET TABLESPACE copies the table's files, unless it is already there");
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition: {
      // PostgreSQL 12 lowered the parent's lock to SHARE UPDATE EXCLUSIVE.
      mode = ctx.pg_version() >= 12 ? LockMode::ShareUpdateExclusive : LockMode::AccessExclusive;
      if (const auto* pc = as<PgQuery__PartitionCmd>(cmd.def)) {
        QualifiedName partition = ctx.resolve(pc->name);
        b.lock(e, partition, LockMode::AccessExclusive, RelationRole::Partition);
        attach_partition_scan(b, e, partition);
      }
      break;
    }
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition: {
      const auto* pc = as<PgQuery__PartitionCmd>(cmd.def);
      bool concurrent = pc && pc->concurrent;
      if (concurrent && ctx.pg_version() < 14)
        return unknown("DETACH PARTITION ... CONCURRENTLY needs PostgreSQL 14");
      mode = concurrent ? LockMode::ShareUpdateExclusive : LockMode::AccessExclusive;
      if (pc) {
        QualifiedName part = ctx.resolve(pc->name);
        if (concurrent) {
          b.lock(e, part, LockMode::ShareUpdateExclusive, RelationRole::Partition);
          b.lock(e, part, LockMode::AccessExclusive, RelationRole::Partition,
                 "second transaction, after every transaction using the parent has ended");
          b.lock(e, table, LockMode::AccessShare, role, "while the detach is finished");
          e.no_transaction_block = true;
          e.waits_for_older_transactions = true;
        } else {
          b.lock(e, part, LockMode::AccessExclusive, RelationRole::Partition);
        }
      }
      break;
    }
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartitionFinalize:
      mode = LockMode::ShareUpdateExclusive;
      break;
    default:
      return unknown(fmt::format("ALTER TABLE subcommand {} is not in the lock model",
                                 static_cast<int>(cmd.subtype)));
  }
  b.lock(e, table, mode, role);
  return e;
}

// Children get the parent's lock for recursing subcommands; scans and rewrites of a
// partitioned table happen in its partitions (it has no storage of its own).
void recurse_to_children(const Builder& b, Effect& part, const QualifiedName& table, bool only,
                         const PgQuery__AlterTableCmd& cmd) {
  if (only || !recurses(cmd.subtype, cmd.def)) return;
  const RelationLock* own = nullptr;
  for (const RelationLock& l : part.locks)
    if (l.relation == table && l.role != RelationRole::Indexes) own = &l;
  if (!own) return;
  LockMode mode = own->mode;
  Tri rewrite = own->rewrite, scan = own->scan;
  // A partitioned table's reads and rewrites were already put on its partitions.
  bool copy = !b.partitioned(table);
  std::string rewrite_reason = part.rewrite_reason, scan_reason = part.scan_reason;
  for (const QualifiedName& child : b.descendants(table)) {
    b.lock(part, child, mode, RelationRole::Partition);
    if (copy && rewrite != Tri::No) rewrite_table(b, part, child, rewrite, rewrite_reason);
    if (copy && scan != Tri::No) Builder::scan(part, child, scan, scan_reason);
  }
}

Effect alter_table(const Builder& b, const PgQuery__AlterTableStmt& s) {
  Effect e;
  QualifiedName rel = b.ctx().resolve(s.relation);
  RelationRole role = RelationRole::Table;
  switch (s.objtype) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:  // ALTER TYPE composite ADD ATTRIBUTE ...
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
      role = RelationRole::Index;
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
      role = RelationRole::View;
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
      role = RelationRole::MaterializedView;
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
      role = RelationRole::Sequence;
      break;
    default:
      return unknown("ALTER of this object kind is not in the lock model");
  }
  bool validates_references = inline_foreign_keys_validated(s);
  for (const PgQuery__Node* n : items(s.cmds, s.n_cmds)) {
    const auto* cmd = as<PgQuery__AlterTableCmd>(n);
    if (!cmd) continue;
    Effect part = alter_cmd_effect(b, rel, role, *cmd, validates_references);
    if (role == RelationRole::Index &&
        cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace) {
      // ALTER INDEX ... SET TABLESPACE copies the index only.
      for (RelationLock& l : part.locks) l.rewrite = l.scan = Tri::No;
      part.rewrite = part.scan = Tri::No;
      part.notes.push_back("the index's files are copied to the new tablespace");
    }
    if (s.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
      recurse_to_children(b, part, rel, s.relation && !s.relation->inh, *cmd);
    merge(b, e, part);
    e.subcommands.push_back(std::move(part));
  }
  return e;
}

// --- other statements -------------------------------------------------------------------------

Effect index_stmt(const Builder& b, const PgQuery__IndexStmt& s) {
  Effect e;
  QualifiedName table = b.ctx().resolve(s.relation);
  QualifiedName index{table.schema, s.idxname ? s.idxname : ""};
  if (s.if_not_exists && !index.empty() && b.cat().index(index)) {
    e.notes.push_back("the index already exists: nothing is done");
    return e;
  }
  e.builds_index = true;
  if (s.concurrent) {
    if (b.partitioned(table))
      return unknown("CREATE INDEX CONCURRENTLY on a partitioned table fails");
    b.lock(e, table, LockMode::ShareUpdateExclusive, RelationRole::Table);
    e.no_transaction_block = true;
    e.waits_for_older_transactions = true;
    Builder::scan(e, table, Tri::Yes, "CREATE INDEX CONCURRENTLY reads the table twice");
  } else {
    b.lock(e, table, LockMode::Share, RelationRole::Table);
    if (s.relation->inh)
      for (const QualifiedName& d : b.descendants(table))
        b.lock(e, d, LockMode::Share, RelationRole::Partition);
    for (const QualifiedName& st : b.storage_of(table))
      Builder::scan(e, st, Tri::Yes, "building the index reads every row");
  }
  return e;
}

void drop_table(const Builder& b, Effect& e, const QualifiedName& name, bool cascade, int depth) {
  if (depth > 8) return;
  const FileContext& ctx = b.ctx();
  b.lock(e, name, LockMode::AccessExclusive,
         depth == 0 ? RelationRole::Table : RelationRole::Partition);
  if (b.has_indexes(name) == Tri::Yes)
    b.lock(e, name, LockMode::AccessExclusive, RelationRole::Indexes);
  for (const QualifiedName& seq : b.owned_sequences(name))
    b.lock(e, seq, LockMode::AccessExclusive, RelationRole::Sequence);
  const TableInfo* t = ctx.catalog().table(name);
  if (!t) {
    more(e, fmt::format("tables linked to {} by foreign keys migsafe has not seen (ACCESS "
                        "EXCLUSIVE on each)",
                        name.display()));
    return;
  }
  // Its foreign keys' triggers live on the referenced tables, and the foreign keys pointing at
  // it (dropped with CASCADE) on the referencing ones: both are locked.
  for (const ConstraintInfo& c : t->constraints)
    if (c.kind == ConstraintKind::ForeignKey && !(c.references == name))
      b.lock(e, c.references, LockMode::AccessExclusive, RelationRole::ReferencedTable);
  for (const auto& [other, c] : ctx.catalog().referencing(name))
    if (!(other->name == name))
      b.lock(e, other->name, LockMode::AccessExclusive, RelationRole::ReferencingTable);
  // A partition's parent is locked too; a partitioned table's partitions are dropped with it.
  if (t->is_partition && !t->parents.empty())
    b.lock(e, t->parents.front(), LockMode::AccessExclusive, RelationRole::Parent);
  for (const TableInfo* c : ctx.catalog().children(name))
    if (c->is_partition || cascade) drop_table(b, e, c->name, cascade, depth + 1);
  if (!t->columns_known)
    more(e, fmt::format("tables linked to {} by foreign keys migsafe has not seen (ACCESS "
                        "EXCLUSIVE on each)",
                        name.display()));
}

void drop_view(const Builder& b, Effect& e, const QualifiedName& name, bool materialized) {
  b.lock(e, name, LockMode::AccessExclusive,
         materialized ? RelationRole::MaterializedView : RelationRole::View);
  if (materialized && b.has_indexes(name) == Tri::Yes)
    b.lock(e, name, LockMode::AccessExclusive, RelationRole::Indexes);
}

// The relation named by the leading items of an object list ("table.trigger" -> table).
QualifiedName owner_relation(const Builder& b, const PgQuery__List& list) {
  if (list.n_items < 2) return {};
  return b.ctx().resolve_list(list.items, list.n_items - 1);
}

Effect drop_stmt(const Builder& b, const PgQuery__DropStmt& s) {
  Effect e;
  const FileContext& ctx = b.ctx();
  bool cascade = s.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
  for (const PgQuery__Node* obj : items(s.objects, s.n_objects)) {
    const auto* list = as<PgQuery__List>(obj);
    QualifiedName name = list ? ctx.resolve_list(list->items, list->n_items) : QualifiedName{};
    switch (s.remove_type) {
      case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: {
        const IndexInfo* idx = ctx.catalog().index(name);
        if (!idx && s.missing_ok) {
          e.notes.push_back(fmt::format("if {} does not exist nothing is locked", name.display()));
        }
        QualifiedName table = idx ? idx->table : QualifiedName{};
        if (s.concurrent) {
          b.lock(e, table, LockMode::ShareUpdateExclusive, RelationRole::IndexTable);
          b.lock(e, name, LockMode::ShareUpdateExclusive, RelationRole::Index);
          b.lock(e, name, LockMode::AccessExclusive, RelationRole::Index,
                 "last step, once no transaction can use the index");
          e.locks.back().unused = true;
          e.no_transaction_block = true;
          e.waits_for_older_transactions = true;
        } else {
          b.lock(e, table, LockMode::AccessExclusive, RelationRole::IndexTable);
          b.lock(e, name, LockMode::AccessExclusive, RelationRole::Index);
        }
        break;
      }
      case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
        if (!ctx.catalog().table(name) && s.missing_ok) {
          e.notes.push_back(fmt::format("if {} does not exist nothing is locked", name.display()));
          b.lock(e, name, LockMode::AccessExclusive, RelationRole::Table);
          break;
        }
        drop_table(b, e, name, cascade, 0);
        break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
        drop_view(b, e, name, false);
        break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
        drop_view(b, e, name, true);
        break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
        b.lock(e, name, LockMode::AccessExclusive, RelationRole::Sequence);
        break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
      case PG_QUERY__OBJECT_TYPE__OBJECT_RULE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY:
        // DROP TRIGGER / RULE / POLICY name ON table: the list is [schema.]table, name.
        if (list)
          b.lock(e, owner_relation(b, *list), LockMode::AccessExclusive, RelationRole::Table);
        break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_STATISTIC_EXT:
        more(e, "the table of the statistics object (SHARE UPDATE EXCLUSIVE)");
        break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN:
      case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
      case PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION:
      case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
      case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_OPERATOR:
      case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_SERVER:
      case PG_QUERY__OBJECT_TYPE__OBJECT_FDW:
      case PG_QUERY__OBJECT_TYPE__OBJECT_COLLATION:
      case PG_QUERY__OBJECT_TYPE__OBJECT_CONVERSION:
      case PG_QUERY__OBJECT_TYPE__OBJECT_CAST:
      case PG_QUERY__OBJECT_TYPE__OBJECT_LANGUAGE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_OPCLASS:
      case PG_QUERY__OBJECT_TYPE__OBJECT_OPFAMILY:
      case PG_QUERY__OBJECT_TYPE__OBJECT_TSCONFIGURATION:
      case PG_QUERY__OBJECT_TYPE__OBJECT_TSDICTIONARY:
      case PG_QUERY__OBJECT_TYPE__OBJECT_TSPARSER:
      case PG_QUERY__OBJECT_TYPE__OBJECT_TSTEMPLATE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_TRANSFORM:
      case PG_QUERY__OBJECT_TYPE__OBJECT_ACCESS_METHOD:
      case PG_QUERY__OBJECT_TYPE__OBJECT_EVENT_TRIGGER:
      case PG_QUERY__OBJECT_TYPE__OBJECT_PUBLICATION:
        // No lock on a table or index, unless CASCADE reaches them (a column of a dropped
        // type, a table in a dropped schema, an index using a dropped operator class).
        if (cascade)
          more(e, "CASCADE drops dependent objects, locking their tables with ACCESS EXCLUSIVE");
        break;
      default:
        return unknown("DROP of this object kind is not in the lock model");
    }
  }
  return e;
}

Effect rename_stmt(const Builder& b, const PgQuery__RenameStmt& s) {
  Effect e;
  const FileContext& ctx = b.ctx();
  QualifiedName rel = s.relation ? ctx.resolve(s.relation) : QualifiedName{};
  auto relation_role = [&](PgQuery__ObjectType t) {
    switch (t) {
      case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
        return RelationRole::View;
      case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
        return RelationRole::MaterializedView;
      case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
        return RelationRole::Sequence;
      case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
        return RelationRole::Index;
      default:
        return RelationRole::Table;
    }
  };
  switch (s.rename_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
      b.lock(e, rel, LockMode::AccessExclusive, relation_role(s.rename_type));
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
      b.lock(e, rel, LockMode::AccessExclusive, relation_role(s.relation_type));
      if (s.relation && s.relation->inh)
        for (const QualifiedName& d : b.descendants(rel))
          b.lock(e, d, LockMode::AccessExclusive, RelationRole::Partition);
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT: {
      b.lock(e, rel, LockMode::AccessExclusive, RelationRole::Table);
      // A PRIMARY KEY / UNIQUE constraint's index is renamed with it.
      const TableInfo* t = ctx.catalog().table(rel);
      const ConstraintInfo* c = t && s.subname ? t->constraint(s.subname) : nullptr;
      if (c && (c->kind == ConstraintKind::PrimaryKey || c->kind == ConstraintKind::Unique ||
                c->kind == ConstraintKind::Exclusion))
        b.lock(e, QualifiedName{rel.schema, c->name},
               ctx.pg_version() >= 12 ? LockMode::ShareUpdateExclusive : LockMode::AccessExclusive,
               RelationRole::Index);
      else if (!c)
        more(e, "the constraint's index, if it has one");
      break;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
      // PostgreSQL 12 lowered ALTER INDEX ... RENAME to SHARE UPDATE EXCLUSIVE.
      b.lock(e, rel,
             ctx.pg_version() >= 12 ? LockMode::ShareUpdateExclusive : LockMode::AccessExclusive,
             RelationRole::Index);
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
    case PG_QUERY__OBJECT_TYPE__OBJECT_RULE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY:
      b.lock(e, rel, LockMode::AccessExclusive, RelationRole::Table);
      break;
    default:
      // Schemas, types, functions, domains ...: no lock on a table or index.
      break;
  }
  return e;
}

// REINDEX CONCURRENTLY builds a replacement next to each index, swaps them, and drops the old
// one: ROW EXCLUSIVE while it is swapped, ACCESS EXCLUSIVE when it is dropped (nobody uses it
// by then).
void concurrent_reindex_steps(const Builder& b, Effect& e, const QualifiedName& rel,
                              RelationRole role) {
  b.lock(e, rel, LockMode::RowExclusive, role, "while the replacement is swapped in");
  b.lock(e, rel, LockMode::AccessExclusive, role, "last step, when the old index is dropped");
  e.locks.back().unused = true;
}

Effect reindex_stmt(const Builder& b, const PgQuery__ReindexStmt& s) {
  Effect e;
  bool concurrent = option_enabled(items(s.params, s.n_params), "concurrently");
  if (concurrent && b.pg() < 12) return unknown("REINDEX CONCURRENTLY needs PostgreSQL 12");
  QualifiedName rel = s.relation ? b.ctx().resolve(s.relation) : QualifiedName{};
  e.builds_index = true;
  if (concurrent) {
    e.no_transaction_block = true;
    e.waits_for_older_transactions = true;
  }
  LockMode table_mode = concurrent ? LockMode::ShareUpdateExclusive : LockMode::Share;
  LockMode index_mode = concurrent ? LockMode::ShareUpdateExclusive : LockMode::AccessExclusive;
  switch (s.kind) {
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX: {
      const IndexInfo* idx = b.cat().index(rel);
      QualifiedName table = idx ? idx->table : QualifiedName{};
      b.lock(e, table, table_mode, RelationRole::IndexTable);
      b.lock(e, rel, index_mode, RelationRole::Index);
      if (concurrent) concurrent_reindex_steps(b, e, rel, RelationRole::Index);
      Builder::scan(e, table, Tri::Yes, "rebuilding the index reads the whole table");
      break;
    }
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_TABLE:
      if (b.partitioned(rel)) {
        // PostgreSQL 14+: each partition in its own transaction.
        if (b.pg() < 14) return unknown("REINDEX of a partitioned table needs PostgreSQL 14");
        e.no_transaction_block = true;
        for (const QualifiedName& p : b.storage_of(rel)) {
          b.lock(e, p, table_mode, RelationRole::Partition);
          b.lock(e, p, index_mode, RelationRole::Indexes);
          Builder::scan(e, p, Tri::Yes, "rebuilding an index reads the whole table");
        }
        break;
      }
      b.lock(e, rel, table_mode,
             b.cat().view(rel) ? RelationRole::MaterializedView : RelationRole::Table);
      if (b.has_indexes(rel) != Tri::No) {
        b.lock(e, rel, index_mode, RelationRole::Indexes);
        if (concurrent) concurrent_reindex_steps(b, e, rel, RelationRole::Indexes);
      }
      Builder::scan(e, rel, Tri::Yes, "rebuilding an index reads the whole table");
      break;
    default:
      // SCHEMA / DATABASE / SYSTEM: every table in it, one transaction per table.
      e.no_transaction_block = true;
      more(e,
           "every table of the schema or database, one after the other (SHARE, and ACCESS "
           "EXCLUSIVE on each index)");
      break;
  }
  return e;
}

Effect vacuum_stmt(const Builder& b, const PgQuery__VacuumStmt& s) {
  Effect e;
  auto opts = items(s.options, s.n_options);
  bool full = option_enabled(opts, "full");
  bool analyze = !s.is_vacuumcmd || option_enabled(opts, "analyze");
  if (s.is_vacuumcmd) e.no_transaction_block = true;
  LockMode m = s.is_vacuumcmd && full ? LockMode::AccessExclusive : LockMode::ShareUpdateExclusive;
  if (s.n_rels == 0) more(e, "every table of the database, one after the other");
  for (const PgQuery__Node* r : items(s.rels, s.n_rels)) {
    const auto* vr = as<PgQuery__VacuumRelation>(r);
    if (!vr || !vr->relation) continue;
    QualifiedName rel = b.ctx().resolve(vr->relation);
    const ViewInfo* view = b.cat().view(rel);
    b.lock(e, rel, m, view ? RelationRole::MaterializedView : RelationRole::Table);
    std::vector<QualifiedName> parts;
    if (b.partitioned(rel))
      for (const QualifiedName& d : b.descendants(rel)) {
        b.lock(e, d, m, RelationRole::Partition);
        parts.push_back(d);
      }
    for (const QualifiedName& st : b.storage_of(rel)) {
      if (s.is_vacuumcmd && full)
        rewrite_table(b, e, st, Tri::Yes, "VACUUM FULL writes a new copy of the table");
    }
  }
  if (analyze) e.notes.push_back("ANALYZE reads a random sample of the rows, not every row");
  return e;
}

Effect cluster_stmt(const Builder& b, const PgQuery__ClusterStmt& s) {
  Effect e;
  if (!s.relation) {
    e.no_transaction_block = true;
    more(e, "every table clustered before, one after the other (ACCESS EXCLUSIVE on each)");
    return e;
  }
  QualifiedName rel = b.ctx().resolve(s.relation);
  if (b.partitioned(rel)) {
    if (b.pg() < 15) return unknown("CLUSTER of a partitioned table needs PostgreSQL 15");
    e.no_transaction_block = true;
    for (const QualifiedName& p : b.storage_of(rel)) {
      b.lock(e, p, LockMode::AccessExclusive, RelationRole::Partition);
      rewrite_table(b, e, p, Tri::Yes, "CLUSTER writes a new, sorted copy of the table");
    }
    return e;
  }
  b.lock(e, rel, LockMode::AccessExclusive,
         b.cat().view(rel) ? RelationRole::MaterializedView : RelationRole::Table);
  rewrite_table(b, e, rel, Tri::Yes, "CLUSTER writes a new, sorted copy of the table");
  e.builds_index = true;
  return e;
}

void truncate_table(const Builder& b, Effect& e, const QualifiedName& name, bool cascade,
                    bool restart, RelationRole role, int depth) {
  if (depth > 8) return;
  b.lock(e, name, LockMode::AccessExclusive, role);
  for (const QualifiedName& st : b.storage_of(name)) {
    if (!(st == name)) b.lock(e, st, LockMode::AccessExclusive, RelationRole::Partition);
    Builder::rewrite(e, st, Tri::Yes, "TRUNCATE gives the table a new, empty file");
    Builder::entry(e, st).scan = Tri::No;
    if (b.has_indexes(st) == Tri::Yes) {
      b.lock(e, st, LockMode::AccessExclusive, RelationRole::Indexes);
      // Rebuilding the (empty) indexes runs a sequential scan over the new, empty file.
      Builder::entry(e, st).scan = Tri::Yes;
    }
    if (restart)
      for (const QualifiedName& seq : b.owned_sequences(st))
        b.lock(e, seq, LockMode::AccessExclusive, RelationRole::Sequence);
  }
  if (cascade) {
    for (const auto& [other, c] : b.cat().referencing(name))
      if (!(other->name == name) && !e.lock_on(other->name))
        truncate_table(b, e, other->name, cascade, restart, RelationRole::ReferencingTable,
                       depth + 1);
  }
}

Effect truncate_stmt(const Builder& b, const PgQuery__TruncateStmt& s) {
  Effect e;
  bool cascade = s.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
  for (const PgQuery__Node* r : items(s.relations, s.n_relations)) {
    const auto* rv = as<PgQuery__RangeVar>(r);
    if (!rv) continue;
    QualifiedName name = b.ctx().resolve(rv);
    truncate_table(b, e, name, cascade, s.restart_seqs, RelationRole::Table, 0);
    if (rv->inh && !b.partitioned(name))
      for (const QualifiedName& d : b.descendants(name))
        truncate_table(b, e, d, cascade, s.restart_seqs, RelationRole::Partition, 1);
    const TableInfo* t = b.table(name);
    if (cascade && (!t || !t->columns_known))
      more(e,
           "CASCADE also truncates tables referencing these through foreign keys migsafe has "
           "not seen (ACCESS EXCLUSIVE on each)");
  }
  // No existing row is read: the aggregate says so, whatever the empty index builds scan.
  e.scan = Tri::No;
  e.scan_reason.clear();
  return e;
}

Effect create_stmt(const Builder& b, const PgQuery__CreateStmt& s) {
  Effect e;
  const FileContext& ctx = b.ctx();
  QualifiedName name = ctx.resolve(s.relation);
  if (s.if_not_exists && ctx.catalog().table(name)) {
    e.notes.push_back("the table already exists: nothing is done");
    return e;
  }
  RelationLock self;
  self.relation = name;
  self.mode = LockMode::AccessExclusive;
  self.is_new = true;
  e.locks.push_back(self);
  for_each_message(&s.base, [&](const ProtobufCMessage& x) {
    const auto* c = as<PgQuery__Constraint>(&x);
    if (c && c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) {
      QualifiedName ref = ctx.resolve(c->pktable);
      if (!(ref == name))
        b.lock(e, ref, LockMode::ShareRowExclusive, RelationRole::ReferencedTable);
    }
    if (const auto* like = as<PgQuery__TableLikeClause>(&x))
      if (like->relation)
        b.lock(e, ctx.resolve(like->relation), LockMode::AccessShare, RelationRole::Source);
  });
  for (const PgQuery__Node* p : items(s.inh_relations, s.n_inh_relations)) {
    const auto* rv = as<PgQuery__RangeVar>(p);
    if (!rv) continue;
    QualifiedName parent = ctx.resolve(rv);
    if (s.partbound) {
      // A new partition changes the parent's partition descriptor: ACCESS EXCLUSIVE on it.
      b.lock(e, parent, LockMode::AccessExclusive, RelationRole::Parent);
      // Foreign keys of the parent are cloned onto the partition.
      if (const TableInfo* pt = ctx.catalog().table(parent)) {
        for (const ConstraintInfo& c : pt->constraints)
          if (c.kind == ConstraintKind::ForeignKey && !(c.references == parent))
            b.lock(e, c.references, LockMode::ShareRowExclusive, RelationRole::ReferencedTable);
      }
    } else {
      b.lock(e, parent, LockMode::ShareUpdateExclusive, RelationRole::Parent);
    }
  }
  return e;
}

Effect create_table_as(const Builder& b, const PgQuery__CreateTableAsStmt& s) {
  Effect e;
  if (!s.into || !s.into->rel) return unknown("CREATE TABLE AS without a target");
  QualifiedName name = b.ctx().resolve(s.into->rel);
  bool matview = s.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW;
  if (s.if_not_exists && (b.table(name) || b.cat().view(name))) {
    e.notes.push_back("the relation already exists: nothing is done");
    return e;
  }
  RelationLock self;
  self.relation = name;
  self.mode = LockMode::AccessExclusive;
  self.role = matview ? RelationRole::MaterializedView : RelationRole::Table;
  self.is_new = true;
  e.locks.push_back(self);
  read_relations(b, e, unwrap(s.query), nullptr);
  if (s.into->skip_data)
    for (RelationLock& l : e.locks) l.scan = Tri::No;
  return e;
}

Effect view_stmt(const Builder& b, const PgQuery__ViewStmt& s) {
  Effect e;
  QualifiedName name = b.ctx().resolve(s.view);
  b.lock(e, name, LockMode::AccessExclusive, RelationRole::View);
  if (!b.cat().view(name)) e.locks.back().is_new = true;
  read_relations(b, e, unwrap(s.query), nullptr);
  // Defining a view only plans nothing: no row is read.
  for (RelationLock& l : e.locks) l.scan = Tri::No;
  e.scan = Tri::No;
  return e;
}

Effect refresh_stmt(const Builder& b, const PgQuery__RefreshMatViewStmt& s) {
  Effect e;
  QualifiedName name = b.ctx().resolve(s.relation);
  b.lock(e, name, s.concurrent ? LockMode::Exclusive : LockMode::AccessExclusive,
         RelationRole::MaterializedView);
  const ViewInfo* v = b.cat().view(name);
  if (!v)
    more(e, fmt::format("the relations the query of {} reads (ACCESS SHARE)", name.display()));
  if (!s.skip_data) {
    b.view_sources(e, name, LockMode::AccessShare, true);
    if (v)
      for (const QualifiedName& src : v->sources)
        Builder::scan(e, src, Tri::Maybe, "the view's query runs in full");
  }
  if (s.concurrent) {
    Builder::scan(e, name, Tri::Maybe, "the new result is compared with the old one");
    e.builds_index = false;
  } else {
    Builder::rewrite(e, name, Tri::Yes, "REFRESH writes a new copy of the materialized view");
    Tri idx = b.has_indexes(name);
    if (idx == Tri::Yes) b.lock(e, name, LockMode::AccessExclusive, RelationRole::Indexes);
    if (idx != Tri::No) e.builds_index = true;
  }
  return e;
}

LockMode lock_stmt_mode(int mode) {
  // LOCK's numeric modes follow lockdefs.h: 1 = ACCESS SHARE ... 8 = ACCESS EXCLUSIVE.
  if (mode < 1 || mode > 8) return LockMode::AccessExclusive;
  return static_cast<LockMode>(mode);
}

Effect lock_stmt(const Builder& b, const PgQuery__LockStmt& s) {
  Effect e;
  LockMode m = lock_stmt_mode(s.mode);
  for (const PgQuery__Node* r : items(s.relations, s.n_relations)) {
    const auto* rv = as<PgQuery__RangeVar>(r);
    if (!rv) continue;
    QualifiedName n = b.ctx().resolve(rv);
    const ViewInfo* v = b.cat().view(n);
    if (v && !v->materialized) {
      // PostgreSQL 11+: locking a view locks the relations its query uses.
      b.lock(e, n, m, RelationRole::View);
      b.view_sources(e, n, m, false);
      continue;
    }
    b.lock(e, n, m, RelationRole::Table);
    if (rv->inh)
      for (const QualifiedName& d : b.descendants(n)) b.lock(e, d, m, RelationRole::Partition);
  }
  return e;
}

Effect create_trigger(const Builder& b, const PgQuery__CreateTrigStmt& s) {
  Effect e;
  QualifiedName table = b.ctx().resolve(s.relation);
  b.lock(e, table, LockMode::ShareRowExclusive, RelationRole::Table);
  // A row trigger on a partitioned table is cloned onto every partition.
  if (s.row && b.partitioned(table))
    for (const QualifiedName& d : b.descendants(table))
      b.lock(e, d, LockMode::ShareRowExclusive, RelationRole::Partition);
  if (s.constrrel)
    b.lock(e, b.ctx().resolve(s.constrrel), LockMode::AccessShare, RelationRole::Source);
  return e;
}

// COMMENT ON / SECURITY LABEL ON a relation or one of its parts: SHARE UPDATE EXCLUSIVE on the
// relation (get_object_address); other objects are not relations.
Effect comment_like(const Builder& b, PgQuery__ObjectType type, const PgQuery__Node* object) {
  Effect e;
  const auto* list = as<PgQuery__List>(object);
  if (!list || list->n_items == 0) return e;
  switch (type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
      b.lock(e, b.ctx().resolve_list(list->items, list->n_items), LockMode::ShareUpdateExclusive,
             RelationRole::Table);
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
      b.lock(e, b.ctx().resolve_list(list->items, list->n_items), LockMode::ShareUpdateExclusive,
             RelationRole::View);
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
      b.lock(e, b.ctx().resolve_list(list->items, list->n_items), LockMode::ShareUpdateExclusive,
             RelationRole::MaterializedView);
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
      b.lock(e, b.ctx().resolve_list(list->items, list->n_items), LockMode::ShareUpdateExclusive,
             RelationRole::Sequence);
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
      b.lock(e, b.ctx().resolve_list(list->items, list->n_items), LockMode::ShareUpdateExclusive,
             RelationRole::Index);
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
    case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
    case PG_QUERY__OBJECT_TYPE__OBJECT_RULE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY:
      b.lock(e, owner_relation(b, *list), LockMode::ShareUpdateExclusive, RelationRole::Table);
      break;
    default:
      break;
  }
  return e;
}

// ALTER DOMAIN ... ADD CONSTRAINT / SET NOT NULL / VALIDATE checks every column that uses the
// domain, under SHARE on each table.
Effect alter_domain(const Builder& b, const PgQuery__AlterDomainStmt& s) {
  Effect e;
  std::string sub = s.subtype ? s.subtype : "";
  bool checks = sub == "N" || sub == "V";
  if (sub == "C") {
    const auto* c = as<PgQuery__Constraint>(s.def);
    checks = c && !c->skip_validation;
  }
  if (!checks) return e;
  std::string domain(last_name(items(s.type_name, s.n_type_name)));
  for (const TableInfo* t : b.cat().tables_using_type(domain)) {
    b.lock(e, t->name, LockMode::Share, RelationRole::Table);
    Builder::scan(e, t->name, Tri::Yes, fmt::format("every value of domain {} is checked", domain));
  }
  if (b.cat().has_unknown_columns())
    more(e,
         fmt::format("tables with columns of domain {} that migsafe has not seen (SHARE on each)",
                     domain));
  return e;
}

Effect publication_tables(const Builder& b, PgQuery__Node* const* objs, size_t n) {
  Effect e;
  for (const PgQuery__Node* o : items(objs, n)) {
    const auto* spec = as<PgQuery__PublicationObjSpec>(o);
    if (!spec) continue;
    if (spec->pubtable && spec->pubtable->relation)
      b.lock(e, b.ctx().resolve(spec->pubtable->relation), LockMode::ShareUpdateExclusive,
             RelationRole::Table);
    else
      more(e, "the tables of the schemas named (SHARE UPDATE EXCLUSIVE)");
  }
  return e;
}

Effect alter_seq(const Builder& b, const PgQuery__AlterSeqStmt& s) {
  Effect e;
  QualifiedName seq = b.ctx().resolve(s.sequence);
  b.lock(e, seq, LockMode::ShareRowExclusive, RelationRole::Sequence);
  b.lock(e, seq, LockMode::RowExclusive, RelationRole::Sequence);
  for (const PgQuery__Node* o : items(s.options, s.n_options)) {
    const auto* d = as<PgQuery__DefElem>(o);
    if (!d || !d->defname || std::string_view(d->defname) != "owned_by") continue;
    const auto* list = as<PgQuery__List>(d->arg);
    if (list && list->n_items >= 2)
      b.lock(e, b.ctx().resolve_list(list->items, list->n_items - 1), LockMode::AccessShare,
             RelationRole::Table);
  }
  return e;
}

Effect create_seq(const Builder& b, const PgQuery__CreateSeqStmt& s) {
  Effect e;
  QualifiedName seq = b.ctx().resolve(s.sequence);
  if (s.if_not_exists && b.cat().sequence(seq)) return e;
  b.lock(e, seq, LockMode::AccessExclusive, RelationRole::Sequence);
  e.locks.back().is_new = true;
  for (const PgQuery__Node* o : items(s.options, s.n_options)) {
    const auto* d = as<PgQuery__DefElem>(o);
    if (!d || !d->defname || std::string_view(d->defname) != "owned_by") continue;
    const auto* list = as<PgQuery__List>(d->arg);
    if (list && list->n_items >= 2)
      b.lock(e, b.ctx().resolve_list(list->items, list->n_items - 1), LockMode::AccessShare,
             RelationRole::Table);
  }
  return e;
}

Effect predict_message(const Builder& b, const ProtobufCMessage* m);

Effect explain_stmt(const Builder& b, const PgQuery__ExplainStmt& s) {
  Effect inner = predict_message(b, unwrap(s.query));
  if (option_enabled(items(s.options, s.n_options), "analyze")) return inner;
  // Without ANALYZE the query is planned, not run: the same locks, no rows read or written.
  Effect e;
  e.known = inner.known;
  e.unknown_reason = inner.unknown_reason;
  for (RelationLock l : inner.locks) {
    if (l.is_new) continue;
    l.rewrite = l.scan = Tri::No;
    e.locks.push_back(l);
  }
  return e;
}

Effect create_schema(const Builder& b, const PgQuery__CreateSchemaStmt& s) {
  Effect e;
  for (const PgQuery__Node* elt : items(s.schema_elts, s.n_schema_elts)) {
    Effect part = predict_message(b, unwrap(elt));
    merge(b, e, part);
  }
  return e;
}

Effect alter_enum(const Builder& b, const PgQuery__AlterEnumStmt& s) {
  Effect e;
  bool add = s.new_val && *s.new_val && !(s.old_val && *s.old_val);
  if (!add) return e;  // RENAME VALUE
  // EXCLUSIVE on the type itself, no table lock. Before PostgreSQL 12, ADD VALUE cannot run
  // inside a transaction block; from 12 it can, but the new value cannot be used before COMMIT.
  if (b.pg() < 12)
    e.no_transaction_block = true;
  else
    e.notes.push_back("the new value cannot be used until the transaction commits");
  return e;
}

// Statements that take no lock on any table, index, view or sequence.
bool lock_free(const ProtobufCMessage* m) {
  return as<PgQuery__TransactionStmt>(m) || as<PgQuery__VariableSetStmt>(m) ||
         as<PgQuery__VariableShowStmt>(m) || as<PgQuery__CreateFunctionStmt>(m) ||
         as<PgQuery__AlterFunctionStmt>(m) || as<PgQuery__CreateEnumStmt>(m) ||
         as<PgQuery__CreateRangeStmt>(m) || as<PgQuery__CompositeTypeStmt>(m) ||
         as<PgQuery__CreateDomainStmt>(m) || as<PgQuery__DefineStmt>(m) ||
         as<PgQuery__CreateExtensionStmt>(m) || as<PgQuery__AlterExtensionStmt>(m) ||
         as<PgQuery__AlterExtensionContentsStmt>(m) || as<PgQuery__GrantStmt>(m) ||
         as<PgQuery__GrantRoleStmt>(m) || as<PgQuery__AlterDefaultPrivilegesStmt>(m) ||
         as<PgQuery__CreateRoleStmt>(m) || as<PgQuery__AlterRoleStmt>(m) ||
         as<PgQuery__AlterRoleSetStmt>(m) || as<PgQuery__DropRoleStmt>(m) ||
         as<PgQuery__AlterOwnerStmt>(m) || as<PgQuery__AlterTypeStmt>(m) ||
         as<PgQuery__AlterCollationStmt>(m) || as<PgQuery__AlterOperatorStmt>(m) ||
         as<PgQuery__AlterOpFamilyStmt>(m) || as<PgQuery__CreateOpClassStmt>(m) ||
         as<PgQuery__CreateOpFamilyStmt>(m) || as<PgQuery__CreateCastStmt>(m) ||
         as<PgQuery__CreateConversionStmt>(m) || as<PgQuery__CreatePLangStmt>(m) ||
         as<PgQuery__CreateTransformStmt>(m) || as<PgQuery__CreateAmStmt>(m) ||
         as<PgQuery__CreateEventTrigStmt>(m) || as<PgQuery__AlterEventTrigStmt>(m) ||
         as<PgQuery__AlterTSConfigurationStmt>(m) || as<PgQuery__AlterTSDictionaryStmt>(m) ||
         as<PgQuery__CreateFdwStmt>(m) || as<PgQuery__AlterFdwStmt>(m) ||
         as<PgQuery__CreateForeignServerStmt>(m) || as<PgQuery__AlterForeignServerStmt>(m) ||
         as<PgQuery__CreateUserMappingStmt>(m) || as<PgQuery__AlterUserMappingStmt>(m) ||
         as<PgQuery__DropUserMappingStmt>(m) || as<PgQuery__AlterDatabaseSetStmt>(m) ||
         as<PgQuery__AlterDatabaseRefreshCollStmt>(m) || as<PgQuery__AlterObjectDependsStmt>(m) ||
         as<PgQuery__AlterStatsStmt>(m) || as<PgQuery__AlterTableSpaceOptionsStmt>(m) ||
         as<PgQuery__ConstraintsSetStmt>(m) || as<PgQuery__ListenStmt>(m) ||
         as<PgQuery__NotifyStmt>(m) || as<PgQuery__UnlistenStmt>(m) ||
         as<PgQuery__DeallocateStmt>(m) || as<PgQuery__FetchStmt>(m) ||
         as<PgQuery__ClosePortalStmt>(m) || as<PgQuery__CheckPointStmt>(m) ||
         as<PgQuery__LoadStmt>(m) || as<PgQuery__DropSubscriptionStmt>(m) ||
         as<PgQuery__AlterSubscriptionStmt>(m) || as<PgQuery__CreateSubscriptionStmt>(m) ||
         as<PgQuery__DropTableSpaceStmt>(m) || as<PgQuery__CreateTableSpaceStmt>(m) ||
         as<PgQuery__CreatedbStmt>(m) || as<PgQuery__DropdbStmt>(m) ||
         as<PgQuery__AlterDatabaseStmt>(m) || as<PgQuery__AlterSystemStmt>(m) ||
         as<PgQuery__DiscardStmt>(m) || as<PgQuery__ImportForeignSchemaStmt>(m);
}

// Statements PostgreSQL refuses inside a transaction block (PreventInTransactionBlock) that
// the statement functions below do not already flag; they lock no relation of the migration.
// Measured on PostgreSQL 15. DROP SUBSCRIPTION refuses only when the subscription has a
// replication slot, which the file cannot show: it is flagged.
bool refuses_transaction_block(const ProtobufCMessage* m) {
  if (as<PgQuery__CreatedbStmt>(m) || as<PgQuery__DropdbStmt>(m) ||
      as<PgQuery__AlterSystemStmt>(m) || as<PgQuery__CreateTableSpaceStmt>(m) ||
      as<PgQuery__DropTableSpaceStmt>(m) || as<PgQuery__DropSubscriptionStmt>(m))
    return true;
  if (const auto* ad = as<PgQuery__AlterDatabaseStmt>(m)) {
    for (const PgQuery__Node* o : items(ad->options, ad->n_options)) {
      const auto* d = as<PgQuery__DefElem>(o);
      if (d && d->defname && std::string_view(d->defname) == "tablespace") return true;
    }
    return false;
  }
  if (const auto* cs = as<PgQuery__CreateSubscriptionStmt>(m)) {
    // create_slot defaults to true; connect = false turns it off.
    auto opts = items(cs->options, cs->n_options);
    bool mentions_connect = false, mentions_slot = false;
    for (const PgQuery__Node* o : opts) {
      const auto* d = as<PgQuery__DefElem>(o);
      if (!d || !d->defname) continue;
      mentions_connect = mentions_connect || std::string_view(d->defname) == "connect";
      mentions_slot = mentions_slot || std::string_view(d->defname) == "create_slot";
    }
    if (mentions_slot) return option_enabled(opts, "create_slot");
    return !mentions_connect || option_enabled(opts, "connect");
  }
  if (const auto* d = as<PgQuery__DiscardStmt>(m))
    return d->target == PG_QUERY__DISCARD_MODE__DISCARD_ALL;
  if (const auto* t = as<PgQuery__TransactionStmt>(m))
    return t->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT_PREPARED ||
           t->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_PREPARED;
  return false;
}

Effect predict_message(const Builder& b, const ProtobufCMessage* m) {
  if (!m) return unknown("the statement did not parse");
  if (const auto* at = as<PgQuery__AlterTableStmt>(m)) return alter_table(b, *at);
  if (const auto* ix = as<PgQuery__IndexStmt>(m)) return index_stmt(b, *ix);
  if (const auto* dr = as<PgQuery__DropStmt>(m)) return drop_stmt(b, *dr);
  if (const auto* rn = as<PgQuery__RenameStmt>(m)) return rename_stmt(b, *rn);
  if (const auto* ri = as<PgQuery__ReindexStmt>(m)) return reindex_stmt(b, *ri);
  if (const auto* va = as<PgQuery__VacuumStmt>(m)) return vacuum_stmt(b, *va);
  if (const auto* cl = as<PgQuery__ClusterStmt>(m)) return cluster_stmt(b, *cl);
  if (const auto* cr = as<PgQuery__CreateStmt>(m)) return create_stmt(b, *cr);
  if (const auto* cf = as<PgQuery__CreateForeignTableStmt>(m))
    return create_stmt(b, *cf->base_stmt);
  if (const auto* ca = as<PgQuery__CreateTableAsStmt>(m)) return create_table_as(b, *ca);
  if (const auto* vw = as<PgQuery__ViewStmt>(m)) return view_stmt(b, *vw);
  if (const auto* tr = as<PgQuery__TruncateStmt>(m)) return truncate_stmt(b, *tr);
  if (const auto* rm = as<PgQuery__RefreshMatViewStmt>(m)) return refresh_stmt(b, *rm);
  if (const auto* lk = as<PgQuery__LockStmt>(m)) return lock_stmt(b, *lk);
  if (const auto* ct = as<PgQuery__CreateTrigStmt>(m)) return create_trigger(b, *ct);
  if (const auto* ins = as<PgQuery__InsertStmt>(m)) return insert_stmt(b, *ins);
  if (const auto* upd = as<PgQuery__UpdateStmt>(m)) return update_stmt(b, *upd);
  if (const auto* del = as<PgQuery__DeleteStmt>(m)) return delete_stmt(b, *del);
  if (const auto* mg = as<PgQuery__MergeStmt>(m)) return merge_stmt(b, *mg);
  if (const auto* sel = as<PgQuery__SelectStmt>(m)) return select_stmt(b, *sel);
  if (const auto* ex = as<PgQuery__ExplainStmt>(m)) return explain_stmt(b, *ex);
  if (const auto* ae = as<PgQuery__AlterEnumStmt>(m)) return alter_enum(b, *ae);
  if (const auto* ad = as<PgQuery__AlterDomainStmt>(m)) return alter_domain(b, *ad);
  if (const auto* as_ = as<PgQuery__AlterSeqStmt>(m)) return alter_seq(b, *as_);
  if (const auto* cs_ = as<PgQuery__CreateSeqStmt>(m)) return create_seq(b, *cs_);
  if (const auto* sc = as<PgQuery__CreateSchemaStmt>(m)) return create_schema(b, *sc);
  if (const auto* cm = as<PgQuery__CommentStmt>(m)) return comment_like(b, cm->objtype, cm->object);
  if (const auto* sl = as<PgQuery__SecLabelStmt>(m))
    return comment_like(b, sl->objtype, sl->object);
  if (const auto* rule = as<PgQuery__RuleStmt>(m)) {
    Effect e;
    b.lock(e, b.ctx().resolve(rule->relation), LockMode::AccessExclusive, RelationRole::Table);
    return e;
  }
  if (const auto* pol = as<PgQuery__CreatePolicyStmt>(m)) {
    Effect e;
    b.lock(e, b.ctx().resolve(pol->table), LockMode::AccessExclusive, RelationRole::Table);
    return e;
  }
  if (const auto* pol = as<PgQuery__AlterPolicyStmt>(m)) {
    Effect e;
    b.lock(e, b.ctx().resolve(pol->table), LockMode::AccessExclusive, RelationRole::Table);
    return e;
  }
  if (const auto* cs = as<PgQuery__CreateStatsStmt>(m)) {
    Effect e;
    for (const PgQuery__Node* r : items(cs->relations, cs->n_relations))
      if (const auto* rv = as<PgQuery__RangeVar>(r))
        b.lock(e, b.ctx().resolve(rv), LockMode::ShareUpdateExclusive, RelationRole::Table);
    return e;
  }
  if (const auto* os = as<PgQuery__AlterObjectSchemaStmt>(m)) {
    Effect e;
    switch (os->object_type) {
      case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
      case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
      case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: {
        QualifiedName n = b.ctx().resolve(os->relation);
        b.lock(e, n, LockMode::AccessExclusive, RelationRole::Table);
        // Its owned sequences move with it (its indexes too, without a lock of their own).
        for (const QualifiedName& seq : b.owned_sequences(n))
          b.lock(e, seq, LockMode::AccessExclusive, RelationRole::Sequence);
        break;
      }
      default:
        break;
    }
    return e;
  }
  if (const auto* cp = as<PgQuery__CreatePublicationStmt>(m))
    return publication_tables(b, cp->pubobjects, cp->n_pubobjects);
  if (const auto* ap = as<PgQuery__AlterPublicationStmt>(m))
    return publication_tables(b, ap->pubobjects, ap->n_pubobjects);
  if (const auto* cur = as<PgQuery__DeclareCursorStmt>(m)) {
    Effect e = predict_message(b, unwrap(cur->query));
    for (RelationLock& l : e.locks) l.scan = Tri::No;
    e.scan = Tri::No;
    return e;
  }
  if (const auto* prep = as<PgQuery__PrepareStmt>(m)) {
    // PREPARE analyses the query and locks its relations; it runs nothing.
    Effect e = predict_message(b, unwrap(prep->query));
    Effect out;
    for (RelationLock l : e.locks) {
      l.rewrite = l.scan = Tri::No;
      out.locks.push_back(l);
    }
    return out;
  }
  if (const auto* copy = as<PgQuery__CopyStmt>(m)) {
    Effect e;
    if (copy->query) return predict_message(b, unwrap(copy->query));
    QualifiedName n = b.ctx().resolve(copy->relation);
    if (copy->is_from) {
      e.changes_rows = true;
      b.lock(e, n, LockMode::RowExclusive, RelationRole::Table);
      foreign_key_checks(b, e, n, nullptr, true, false);
    } else {
      b.lock(e, n, LockMode::AccessShare, RelationRole::Table);
      Builder::scan(e, n, Tri::Yes, "COPY TO reads every row");
    }
    return e;
  }
  if (as<PgQuery__DoStmt>(m)) return unknown("a DO block runs code migsafe does not analyse");
  if (as<PgQuery__CallStmt>(m)) return unknown("a procedure runs code migsafe does not analyse");
  if (as<PgQuery__ExecuteStmt>(m))
    return unknown("EXECUTE runs a prepared statement migsafe does not follow");
  if (as<PgQuery__DropOwnedStmt>(m) || as<PgQuery__ReassignOwnedStmt>(m) ||
      as<PgQuery__AlterTableMoveAllStmt>(m)) {
    Effect e;
    more(e, "every relation the role owns or the tablespace holds (ACCESS EXCLUSIVE on each)");
    e.no_transaction_block = false;
    return e;
  }
  if (lock_free(m)) {
    Effect e;
    e.no_transaction_block = refuses_transaction_block(m);
    return e;
  }
  return unknown("this kind of statement is not in the lock model");
}

}  // namespace

bool holds_blocking_lock_while_working(const Effect& e) {
  if (e.rewrite == Tri::No && e.scan == Tri::No && !e.builds_index) return false;
  // Rewriting, reading or indexing a table created earlier in the file is work on an empty
  // table: it ends at once, whatever locks the statement holds elsewhere (the referenced table
  // of a new table's foreign key).
  bool works_on_existing = false;
  for (const RelationLock& l : e.locks)
    if (!l.is_new && !l.relation.empty() &&
        (l.rewrite != Tri::No || l.scan != Tri::No ||
         (e.builds_index && l.role != RelationRole::ReferencedTable)))
      works_on_existing = true;
  if (!works_on_existing) return false;
  for (const RelationLock& l : e.locks) {
    if (l.is_new || l.unused || !l.phase.empty()) continue;
    if (l.role == RelationRole::MaterializedView ? blocks_reads(l.mode) : blocks_writes(l.mode))
      return true;
  }
  return false;
}

Effect predict(const Statement& stmt, const FileContext& ctx) {
  Builder b(ctx);
  if (!stmt.node) return unknown("the statement did not parse");
  const ProtobufCMessage* m = unwrap(stmt.node);
  Effect e = predict_message(b, m);
  if (refuses_transaction_block(m)) e.no_transaction_block = true;
  return e;
}

bool never_refuses_transaction_block(const Statement& stmt) {
  // None of these reaches a path of predict_message that sets no_transaction_block (ALTER TABLE
  // ... DETACH PARTITION CONCURRENTLY, the index, drop, reindex, vacuum, cluster and enum
  // statements, refuses_transaction_block's list); tests/locks_model_test.cpp holds every
  // fixture statement to that.
  const ProtobufCMessage* m = stmt.node ? unwrap(stmt.node) : nullptr;
  return as<PgQuery__InsertStmt>(m) || as<PgQuery__UpdateStmt>(m) || as<PgQuery__DeleteStmt>(m) ||
         as<PgQuery__MergeStmt>(m) || as<PgQuery__SelectStmt>(m) || as<PgQuery__CreateStmt>(m) ||
         as<PgQuery__CreateTableAsStmt>(m) || as<PgQuery__ViewStmt>(m) ||
         as<PgQuery__CommentStmt>(m) || as<PgQuery__CreateFunctionStmt>(m) ||
         as<PgQuery__CreateTrigStmt>(m) || as<PgQuery__CreateSeqStmt>(m) ||
         as<PgQuery__AlterSeqStmt>(m) || as<PgQuery__TruncateStmt>(m) || as<PgQuery__CopyStmt>(m) ||
         as<PgQuery__GrantStmt>(m) || as<PgQuery__VariableSetStmt>(m);
}

Effect predict_sql(const std::string& sql, const FileContext& ctx) {
  return predict_after({sql}, ctx);
}

Effect predict_after(const std::vector<std::string>& steps, const FileContext& ctx) {
  if (steps.empty()) return unknown("no statement");
  if (steps.size() == 1) {
    // Nothing to advance past: predict against the context itself. Copying it would copy the
    // history's whole catalog for each finding (quadratic over a long history).
    ParsedFile p = parse_sql(steps.front());
    if (p.statements.size() != 1 || !p.errors.empty()) return unknown("not one statement");
    return predict(p.statements.front(), ctx);
  }
  FileContext copy = ctx;
  std::vector<ParsedFile> parsed;
  parsed.reserve(steps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    parsed.push_back(parse_sql(steps[i]));
    const ParsedFile& p = parsed.back();
    if (p.statements.size() != 1 || !p.errors.empty()) return unknown("not one statement");
    const Statement& stmt = p.statements.front();
    if (i + 1 == steps.size()) return predict(stmt, copy);
    Effect e = predict(stmt, copy);
    copy.advance(stmt, [&]() -> const Effect& { return e; });
  }
  return unknown("no statement");
}

}  // namespace migsafe
