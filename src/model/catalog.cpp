// Catalog replay; see catalog.hpp. One apply function per statement kind; each returns whether
// it modeled the statement, found nothing to model, or had to give up (unknown).
#include "model/catalog.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/node_util.hpp"
#include "core/walk.hpp"

namespace migsafe {

const ColumnInfo* TableInfo::column(std::string_view n) const {
  for (const auto& c : columns)
    if (c.name == n) return &c;
  return nullptr;
}
ColumnInfo* TableInfo::column(std::string_view n) {
  for (auto& c : columns)
    if (c.name == n) return &c;
  return nullptr;
}
const ConstraintInfo* TableInfo::constraint(std::string_view n) const {
  for (const auto& c : constraints)
    if (c.name == n) return &c;
  return nullptr;
}
ConstraintInfo* TableInfo::constraint(std::string_view n) {
  for (auto& c : constraints)
    if (c.name == n) return &c;
  return nullptr;
}
const ConstraintInfo* TableInfo::primary_key() const {
  for (const auto& c : constraints)
    if (c.kind == ConstraintKind::PrimaryKey) return &c;
  return nullptr;
}

std::string Dependent::describe() const {
  switch (kind) {
    case View:
      return fmt::format("view {}", object.display());
    case Index:
      return fmt::format("index {}", object.display());
    case ForeignKey:
      return fmt::format("foreign key {} on {}", quote_ident(name), object.display());
    case Partition:
      return fmt::format("partition {}", object.display());
  }
  return object.display();
}

const TableInfo* Catalog::table(const QualifiedName& n) const {
  auto it = tables_.find(n);
  return it == tables_.end() ? nullptr : &it->second;
}
TableInfo* Catalog::table(const QualifiedName& n) {
  auto it = tables_.find(n);
  return it == tables_.end() ? nullptr : &it->second;
}
const IndexInfo* Catalog::index(const QualifiedName& n) const {
  auto it = indexes_.find(n);
  return it == indexes_.end() ? nullptr : &it->second;
}
const ViewInfo* Catalog::view(const QualifiedName& n) const {
  auto it = views_.find(n);
  return it == views_.end() ? nullptr : &it->second;
}
const EnumInfo* Catalog::enum_type(const QualifiedName& n) const {
  auto it = enums_.find(n);
  return it == enums_.end() ? nullptr : &it->second;
}

std::optional<Origin> Catalog::sequence(const QualifiedName& n) const {
  auto it = sequences_.find(n);
  if (it == sequences_.end()) return std::nullopt;
  return it->second;
}

std::vector<const TableInfo*> Catalog::children(const QualifiedName& n) const {
  if (!children_.map) {
    // Built once until the tables change, in table order (the order of a scan of tables_).
    auto& index = children_.map.emplace();
    for (const auto& [name, t] : tables_)
      for (size_t i = 0; i < t.parents.size(); ++i)
        if (std::find(t.parents.begin(), t.parents.begin() + static_cast<long>(i), t.parents[i]) ==
            t.parents.begin() + static_cast<long>(i))
          index.emplace(t.parents[i], &t);
  }
  std::vector<const TableInfo*> out;
  auto [from, to] = children_.map->equal_range(n);
  for (auto it = from; it != to; ++it) out.push_back(it->second);
  return out;
}

std::vector<const TableInfo*> Catalog::tables_using_type(std::string_view type) const {
  std::vector<const TableInfo*> out;
  for (const auto& [name, t] : tables_)
    for (const ColumnInfo& c : t.columns)
      if (c.type.name == type) {
        out.push_back(&t);
        break;
      }
  return out;
}

bool Catalog::has_unknown_columns() const {
  for (const auto& [name, t] : tables_)
    if (!t.columns_known && !views_.count(name)) return true;
  return false;
}

void Catalog::mark_history() {
  for (auto& [name, t] : tables_) {
    t.origin = Origin::History;
    for (auto& c : t.columns) c.origin = Origin::History;
    for (auto& c : t.constraints) {
      c.origin = Origin::History;
      c.added_transaction = -1;
    }
  }
  for (auto& [name, i] : indexes_) i.origin = Origin::History;
  for (auto& [name, v] : views_) v.origin = Origin::History;
  for (auto& [name, e] : enums_) e.origin = Origin::History;
  for (auto& [name, o] : sequences_) o = Origin::History;
  touched_tables_.clear();
  touched_indexes_.clear();
  touched_views_.clear();
  touched_enums_.clear();
  touched_all_ = false;
}

TableInfo& Catalog::add_table(const QualifiedName& n, Origin origin) {
  // A new table has no parents yet, so the child index stays valid (rebuilding it after every
  // CREATE TABLE made a long history quadratic); only a replaced table that had parents is in it.
  if (auto it = tables_.find(n); it != tables_.end() && !it->second.parents.empty())
    children_.map.reset();
  touched_tables_.push_back(n);
  TableInfo& t = tables_[n];
  t = TableInfo{};
  t.name = n;
  t.origin = origin;
  return t;
}

void Catalog::drop_table(const QualifiedName& n) {
  // The index points at children: only a table that has parents is in it as one.
  if (auto it = tables_.find(n); it != tables_.end() && !it->second.parents.empty())
    children_.map.reset();
  tables_.erase(n);
  views_.erase(n);
  std::erase_if(indexes_, [&](const auto& kv) { return kv.second.table == n; });
}

IndexInfo& Catalog::add_index(IndexInfo index) {
  QualifiedName key = index.name;
  touched_indexes_.push_back(key);
  return indexes_[key] = std::move(index);
}

std::vector<const TableInfo*> Catalog::touched_tables() const {
  std::vector<const TableInfo*> out;
  if (touched_all_) {
    for (const auto& [n, t] : tables_) out.push_back(&t);
    return out;
  }
  // Sorted and deduplicated through pointers: copying the names cost more than the lookups.
  std::vector<const QualifiedName*> names;
  names.reserve(touched_tables_.size());
  for (const QualifiedName& n : touched_tables_) names.push_back(&n);
  std::sort(names.begin(), names.end(), [](auto* a, auto* b) { return *a < *b; });
  names.erase(std::unique(names.begin(), names.end(), [](auto* a, auto* b) { return *a == *b; }),
              names.end());
  for (const QualifiedName* n : names)
    if (const TableInfo* t = table(*n)) out.push_back(t);
  return out;
}

std::vector<const IndexInfo*> Catalog::indexes_on(const QualifiedName& table) const {
  std::vector<const IndexInfo*> out;
  for (const auto& [name, idx] : indexes_)
    if (idx.table == table) out.push_back(&idx);
  return out;
}

const IndexInfo* Catalog::index_leading_with(const QualifiedName& table,
                                             const std::vector<std::string>& columns) const {
  if (columns.empty()) return nullptr;
  std::vector<std::string> want = columns;
  std::sort(want.begin(), want.end());
  for (const IndexInfo* idx : indexes_on(table)) {
    if (!idx->valid || idx->partial || idx->columns.size() < want.size()) continue;
    std::vector<std::string> lead(idx->columns.begin(),
                                  idx->columns.begin() + static_cast<long>(want.size()));
    std::sort(lead.begin(), lead.end());
    if (lead == want) return idx;
  }
  return nullptr;
}

std::vector<const ColumnInfo*> Catalog::referenced_columns(const ConstraintInfo& fk) const {
  std::vector<const ColumnInfo*> out;
  const TableInfo* t = table(fk.references);
  std::vector<std::string> names = fk.ref_columns;
  if (names.empty() && t) {
    if (const ConstraintInfo* pk = t->primary_key()) names = pk->columns;
  }
  if (names.empty()) names.resize(fk.columns.size());
  for (const auto& n : names) out.push_back(t && !n.empty() ? t->column(n) : nullptr);
  return out;
}

std::vector<std::pair<const TableInfo*, const ConstraintInfo*>> Catalog::referencing(
    const QualifiedName& table) const {
  std::vector<std::pair<const TableInfo*, const ConstraintInfo*>> out;
  for (const auto& [name, t] : tables_)
    for (const ConstraintInfo& c : t.constraints)
      if (c.kind == ConstraintKind::ForeignKey && c.references == table) out.push_back({&t, &c});
  return out;
}

std::vector<Dependent> Catalog::dependents_of_column(const QualifiedName& table,
                                                     std::string_view column) const {
  std::vector<Dependent> out;
  std::string col(column);
  for (const auto& [name, v] : views_)
    for (const ViewDependency& d : v.reads)
      if (d.relation == table && d.columns.count(col)) {
        out.push_back(Dependent{Dependent::View, name, ""});
        break;
      }
  for (const IndexInfo* idx : indexes_on(table))
    if (std::find(idx->columns.begin(), idx->columns.end(), col) != idx->columns.end())
      out.push_back(Dependent{Dependent::Index, idx->name, ""});
  const TableInfo* self = this->table(table);
  for (const auto& [t, fk] : referencing(table)) {
    std::vector<std::string> refs = fk->ref_columns;
    if (refs.empty() && self)
      if (const ConstraintInfo* pk = self->primary_key()) refs = pk->columns;
    if (std::find(refs.begin(), refs.end(), col) != refs.end())
      out.push_back(Dependent{Dependent::ForeignKey, t->name, fk->name});
  }
  return out;
}

std::vector<Dependent> Catalog::dependents_of_table(const QualifiedName& table) const {
  std::vector<Dependent> out;
  for (const auto& [name, v] : views_)
    for (const ViewDependency& d : v.reads)
      if (d.relation == table) {
        out.push_back(Dependent{Dependent::View, name, ""});
        break;
      }
  for (const auto& [t, fk] : referencing(table))
    if (!(t->name == table)) out.push_back(Dependent{Dependent::ForeignKey, t->name, fk->name});
  for (const auto& [name, t] : tables_)
    if (t.kind == TableKind::Partition && t.parent == table)
      out.push_back(Dependent{Dependent::Partition, name, ""});
  return out;
}

void Catalog::settle(Origin to) {
  auto move = [&](Origin& o) {
    if (o == Origin::ThisFile) o = to;
  };
  auto settle_table = [&](TableInfo& t) {
    move(t.origin);
    for (auto& c : t.columns) move(c.origin);
    for (auto& c : t.constraints) {
      move(c.origin);
      c.added_transaction = -1;
    }
  };
  if (touched_all_) {
    for (auto& [n, t] : tables_) settle_table(t);
    for (auto& [n, i] : indexes_) move(i.origin);
    for (auto& [n, v] : views_) move(v.origin);
    for (auto& [n, e] : enums_) move(e.origin);
  } else {
    for (const auto& n : touched_tables_)
      if (TableInfo* t = table(n)) settle_table(*t);
    for (const auto& n : touched_indexes_)
      if (auto it = indexes_.find(n); it != indexes_.end()) move(it->second.origin);
    for (const auto& n : touched_views_)
      if (auto it = views_.find(n); it != views_.end()) move(it->second.origin);
    for (const auto& n : touched_enums_)
      if (auto it = enums_.find(n); it != enums_.end()) move(it->second.origin);
  }
  for (auto& [n, o] : sequences_) move(o);
  touched_tables_.clear();
  touched_indexes_.clear();
  touched_views_.clear();
  touched_enums_.clear();
  touched_all_ = false;
}

std::string not_null_check_column(const PgQuery__Node* expr) {
  const auto* test = as<PgQuery__NullTest>(expr);
  if (!test || test->nulltesttype != PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL) return "";
  const auto* ref = as<PgQuery__ColumnRef>(test->arg);
  if (!ref || ref->n_fields != 1) return "";
  return std::string(string_value(ref->fields[0]));
}

namespace {

using Outcome = ReplayOutcome;

Outcome modeled() {
  return Outcome{Outcome::Modeled, ""};
}
Outcome no_effect() {
  return Outcome{Outcome::NoEffect, ""};
}
Outcome unknown(std::string why) {
  return Outcome{Outcome::Unknown, std::move(why)};
}

std::vector<std::string> names_of(PgQuery__Node* const* list, size_t n) {
  std::vector<std::string> out;
  for (const PgQuery__Node* x : items(list, n)) out.emplace_back(string_value(x));
  return out;
}

// PostgreSQL's generated constraint names: <table>_<columns>_<suffix>, at most 63 bytes.
std::string generated_name(const QualifiedName& table, const std::vector<std::string>& cols,
                           std::string_view suffix) {
  std::string name = table.name;
  if (suffix != "pkey") {
    for (const auto& c : cols) name += "_" + c;
  }
  name += "_";
  name += suffix;
  if (name.size() > 63) name.resize(63);
  return name;
}

void add_constraint(Catalog& cat, TableInfo& t, const PgQuery__Constraint& c, const ReplayState& s,
                    const std::string* column) {
  cat.touch_table(t.name);
  ConstraintInfo info = constraint_info(c, s.default_schema);
  if (column && info.columns.empty()) info.columns = {*column};
  if (info.name.empty()) {
    const char* suffix = "";
    switch (info.kind) {
      case ConstraintKind::Check:
        suffix = "check";
        break;
      case ConstraintKind::ForeignKey:
        suffix = "fkey";
        break;
      case ConstraintKind::PrimaryKey:
        suffix = "pkey";
        break;
      case ConstraintKind::Unique:
        suffix = "key";
        break;
      case ConstraintKind::Exclusion:
        suffix = "excl";
        break;
      case ConstraintKind::Other:
        return;
    }
    std::vector<std::string> cols = info.columns;
    if (info.kind == ConstraintKind::Check && cols.empty() && !info.not_null_column.empty())
      cols = {info.not_null_column};
    info.name = generated_name(t.name, cols, suffix);
  }
  info.added_transaction = s.transaction;
  info.added_statement = s.statement;
  info.origin = s.origin;
  if (info.kind == ConstraintKind::PrimaryKey) {
    for (const auto& col : info.columns)
      if (ColumnInfo* ci = t.column(col)) ci->not_null = true;
  }
  // PRIMARY KEY, UNIQUE and EXCLUDE constraints are backed by an index of the same name; USING
  // INDEX renames the existing index to the constraint's name.
  if (info.kind == ConstraintKind::PrimaryKey || info.kind == ConstraintKind::Unique ||
      info.kind == ConstraintKind::Exclusion) {
    IndexInfo idx;
    bool from_existing = false;
    if (c.indexname && *c.indexname) {
      QualifiedName old{t.name.schema, c.indexname};
      if (const IndexInfo* existing = cat.index(old)) {
        idx = *existing;
        from_existing = true;
        cat.drop_index(old);
        if (info.columns.empty()) info.columns = idx.columns;
      }
    }
    if (!from_existing) {
      idx.columns = info.columns;
      idx.origin = s.origin;
      idx.expressions = info.kind == ConstraintKind::Exclusion && info.columns.empty();
    }
    idx.name = QualifiedName{t.name.schema, info.name};
    idx.table = t.name;
    idx.unique = info.kind != ConstraintKind::Exclusion;
    idx.constraint = info.name;
    cat.add_index(std::move(idx));
  }
  t.constraints.push_back(std::move(info));
}

ColumnInfo column_info(const PgQuery__ColumnDef& def, Origin origin) {
  ColumnFacts f = column_facts(def);
  ColumnInfo c;
  c.name = def.colname ? def.colname : "";
  c.type = f.type;
  c.not_null = f.not_null || f.primary_key || f.identity || f.serial;
  c.has_default = f.default_expr != nullptr || f.serial || f.identity || f.generated_stored;
  c.identity = f.identity;
  c.generated = f.generated_stored;
  c.origin = origin;
  return c;
}

void add_column(Catalog& cat, TableInfo& t, const PgQuery__ColumnDef& def, const ReplayState& s) {
  if (!def.colname) return;
  cat.touch_table(t.name);
  std::string name = def.colname;
  if (ColumnInfo* existing = t.column(name)) {
    // CREATE TABLE ... PARTITION OF / INHERITS may restate an inherited column's options.
    ColumnInfo fresh = column_info(def, s.origin);
    if (fresh.type.empty()) fresh.type = existing->type;
    *existing = fresh;
  } else {
    t.columns.push_back(column_info(def, s.origin));
  }
  for (const PgQuery__Node* n : column_constraints(def)) {
    if (const auto* c = as<PgQuery__Constraint>(n)) {
      if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK ||
          c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN ||
          c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ||
          c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE) {
        add_constraint(cat, t, *c, s, &name);
      }
    }
  }
}

TableInfo& known_table(Catalog& cat, const QualifiedName& n) {
  if (TableInfo* t = cat.table(n)) return *t;
  // A table from before the history: record what we learn, but its other columns are unknown.
  TableInfo& t = cat.add_table(n, Origin::History);
  t.columns_known = false;
  return t;
}

// Copies the columns of a known table (LIKE, INHERITS, PARTITION OF). Returns false when the
// source's columns are not known.
bool copy_columns(const Catalog& cat, TableInfo& into, const QualifiedName& from, Origin origin,
                  bool defaults) {
  const TableInfo* src = cat.table(from);
  if (!src || !src->columns_known) return false;
  for (const ColumnInfo& c : src->columns) {
    if (into.column(c.name)) continue;
    ColumnInfo copy = c;
    copy.origin = origin;
    if (!defaults) {
      copy.has_default = false;
      copy.identity = false;
      copy.generated = false;
    }
    into.columns.push_back(std::move(copy));
  }
  return true;
}

Outcome apply_create(Catalog& cat, const PgQuery__CreateStmt& s, const ReplayState& st) {
  QualifiedName name = resolve(s.relation, st.default_schema);
  if (s.if_not_exists && cat.table(name)) return modeled();
  TableInfo& t = cat.add_table(name, st.origin);
  t.created_statement = st.statement;
  Outcome out = modeled();
  if (s.of_typename) {
    t.columns_known = false;
    out = unknown("CREATE TABLE ... OF a composite type: its columns are not modeled");
  }
  if (s.partspec) t.kind = TableKind::Partitioned;
  t.partitioned = s.partspec != nullptr;
  t.is_partition = s.partbound != nullptr;
  for (const PgQuery__Node* p : items(s.inh_relations, s.n_inh_relations))
    if (const auto* rv = as<PgQuery__RangeVar>(p))
      t.parents.push_back(resolve(rv, st.default_schema));
  if (!t.parents.empty()) cat.parents_changed();  // (a plain CREATE TABLE leaves the index valid)
  for (const PgQuery__Node* p : items(s.inh_relations, s.n_inh_relations)) {
    const auto* rv = as<PgQuery__RangeVar>(p);
    if (!rv) continue;
    QualifiedName parent = resolve(rv, st.default_schema);
    if (s.partbound) {
      if (t.kind != TableKind::Partitioned) t.kind = TableKind::Partition;
      t.parent = parent;
    }
    // Partitions get NOT NULL and defaults; inheritance children get NOT NULL and defaults too.
    if (!copy_columns(cat, t, parent, st.origin, true)) t.columns_known = false;
  }
  t.columns.reserve(t.columns.size() + s.n_table_elts);  // not moved column by column as it grows
  for (const PgQuery__Node* e : items(s.table_elts, s.n_table_elts)) {
    if (const auto* col = as<PgQuery__ColumnDef>(e)) {
      add_column(cat, t, *col, st);
    } else if (const auto* c = as<PgQuery__Constraint>(e)) {
      add_constraint(cat, t, *c, st, nullptr);
    } else if (const auto* like = as<PgQuery__TableLikeClause>(e)) {
      QualifiedName src = resolve(like->relation, st.default_schema);
      // LIKE always copies types and NOT NULL; defaults only with INCLUDING DEFAULTS (or ALL).
      constexpr uint32_t kLikeConstraints = 1u << 2;  // CREATE_TABLE_LIKE_CONSTRAINTS
      constexpr uint32_t kLikeDefaults = 1u << 3;     // CREATE_TABLE_LIKE_DEFAULTS
      constexpr uint32_t kLikeIndexes = 1u << 6;      // CREATE_TABLE_LIKE_INDEXES
      bool defaults = (like->options & kLikeDefaults) != 0;
      if (like->options & (kLikeConstraints | kLikeIndexes)) {
        // The copied indexes and constraints get generated names the catalog does not model.
        copy_columns(cat, t, src, st.origin, defaults);
        t.columns_known = false;
        out = unknown(fmt::format(
            "CREATE TABLE ... (LIKE {} INCLUDING INDEXES / CONSTRAINTS): the copied indexes "
            "and constraints are not modeled",
            src.display()));
      } else if (!copy_columns(cat, t, src, st.origin, defaults)) {
        t.columns_known = false;
        out = unknown(fmt::format("CREATE TABLE ... (LIKE {}): the columns of {} are not known",
                                  src.display(), src.display()));
      }
    }
  }
  for (const PgQuery__Node* e : items(s.constraints, s.n_constraints)) {
    if (const auto* c = as<PgQuery__Constraint>(e)) add_constraint(cat, t, *c, st, nullptr);
  }
  return out;
}

void rename_column_everywhere(Catalog& cat, TableInfo& t, const std::string& from,
                              const std::string& to) {
  if (ColumnInfo* c = t.column(from)) c->name = to;
  auto swap_in = [&](std::vector<std::string>& v) {
    for (auto& x : v)
      if (x == from) x = to;
  };
  for (auto& k : t.constraints) {
    swap_in(k.columns);
    if (k.not_null_column == from) k.not_null_column = to;
  }
  for (auto& [n, idx] : cat.mutable_indexes())
    if (idx.table == t.name) swap_in(idx.columns);
  for (auto& [n, other] : cat.mutable_tables())
    for (auto& k : other.constraints)
      if (k.kind == ConstraintKind::ForeignKey && k.references == t.name) swap_in(k.ref_columns);
  for (auto& [n, v] : cat.mutable_views())
    for (auto& d : v.reads)
      if (d.relation == t.name && d.columns.erase(from)) d.columns.insert(to);
}

void drop_column(Catalog& cat, TableInfo& t, const std::string& col, bool cascade) {
  std::erase_if(t.columns, [&](const ColumnInfo& c) { return c.name == col; });
  auto uses = [&](const std::vector<std::string>& v) {
    return std::find(v.begin(), v.end(), col) != v.end();
  };
  // Indexes and constraints of the table that involve the column go with it.
  std::erase_if(cat.mutable_indexes(), [&](const auto& kv) {
    return kv.second.table == t.name && uses(kv.second.columns);
  });
  std::erase_if(t.constraints, [&](const ConstraintInfo& k) {
    return uses(k.columns) || k.not_null_column == col;
  });
  if (cascade) {
    for (auto& [n, other] : cat.mutable_tables())
      std::erase_if(other.constraints, [&](const ConstraintInfo& k) {
        return k.kind == ConstraintKind::ForeignKey && k.references == t.name &&
               uses(k.ref_columns);
      });
    std::erase_if(cat.mutable_views(), [&](const auto& kv) {
      for (const auto& d : kv.second.reads)
        if (d.relation == t.name && d.columns.count(col)) return true;
      return false;
    });
  }
}

Outcome apply_alter_table(Catalog& cat, const PgQuery__AlterTableStmt& s, const ReplayState& st) {
  QualifiedName name = resolve(s.relation, st.default_schema);
  switch (s.objtype) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
      // Storage options, owners, statistics: nothing the catalog tracks.
      return no_effect();
    default:
      return unknown("ALTER of this object type is not modeled");
  }
  if (s.missing_ok && !cat.table(name)) return modeled();
  TableInfo& t = known_table(cat, name);
  Outcome out = modeled();
  for (const PgQuery__Node* n : items(s.cmds, s.n_cmds)) {
    const auto* cmd = as<PgQuery__AlterTableCmd>(n);
    if (!cmd) continue;
    std::string colname = cmd->name ? cmd->name : "";
    switch (cmd->subtype) {
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
        if (const auto* def = as<PgQuery__ColumnDef>(cmd->def)) {
          if (!(cmd->missing_ok && def->colname && t.column(def->colname)))
            add_column(cat, t, *def, st);
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse:
        drop_column(cat, t, colname, cmd->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE);
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
        if (const auto* def = as<PgQuery__ColumnDef>(cmd->def)) {
          ColumnInfo* c = t.column(colname);
          if (!c) {
            t.columns.push_back(
                ColumnInfo{colname, {}, false, false, false, false, Origin::History});
            c = &t.columns.back();
          }
          c->type = type_ref(def->type_name);
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
        if (ColumnInfo* c = t.column(colname)) c->not_null = true;
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
        if (ColumnInfo* c = t.column(colname)) c->not_null = false;
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
        if (ColumnInfo* c = t.column(colname)) c->has_default = cmd->def != nullptr;
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity:
        if (ColumnInfo* c = t.column(colname)) {
          c->identity = true;
          c->has_default = true;
          c->not_null = true;
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity:
        if (ColumnInfo* c = t.column(colname)) {
          c->identity = false;
          c->has_default = false;
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropExpression:
        if (ColumnInfo* c = t.column(colname)) {
          c->generated = false;
          c->has_default = false;
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse:
        if (const auto* c = as<PgQuery__Constraint>(cmd->def))
          add_constraint(cat, t, *c, st, nullptr);
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse:
        if (ConstraintInfo* c = t.constraint(colname)) {
          c->validated = true;
        } else {
          ConstraintInfo info;
          info.name = colname;
          info.origin = Origin::History;
          t.constraints.push_back(info);
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse:
        std::erase_if(t.constraints, [&](const ConstraintInfo& c) { return c.name == colname; });
        std::erase_if(cat.mutable_indexes(), [&](const auto& kv) {
          return kv.second.table == name && kv.second.constraint == colname;
        });
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
        if (const auto* pc = as<PgQuery__PartitionCmd>(cmd->def)) {
          QualifiedName part = resolve(pc->name, st.default_schema);
          TableInfo& p = known_table(cat, part);
          p.kind = TableKind::Partition;
          p.parent = name;
          p.parents = {name};
          cat.parents_changed();
          p.is_partition = true;
          cat.touch_table(part);
          if (TableInfo* parent = cat.table(name)) parent->kind = TableKind::Partitioned;
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition:
        if (const auto* pc = as<PgQuery__PartitionCmd>(cmd->def)) {
          if (TableInfo* p = cat.table(resolve(pc->name, st.default_schema))) {
            p->kind = TableKind::Table;
            p->parent = QualifiedName{};
            p->parents.clear();
            cat.parents_changed();
            p->is_partition = false;
          }
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddInherit:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropInherit:
        if (const auto* rv = as<PgQuery__RangeVar>(cmd->def)) {
          QualifiedName parent = resolve(rv, st.default_schema);
          if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddInherit)
            t.parents.push_back(parent);
          else
            std::erase(t.parents, parent);
          cat.parents_changed();
        }
        t.columns_known = false;
        out = unknown("ALTER TABLE ... INHERIT changes inherited columns: not modeled");
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddOf:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropOf:
        t.columns_known = false;
        out = unknown("ALTER TABLE ... INHERIT / OF changes inherited columns: not modeled");
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetOptions:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetOptions:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStorage:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetCompression:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetIdentity:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ClusterOn:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropCluster:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetAccessMethod:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplaceRelOptions:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrig:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigAll:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigAll:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigUser:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRule:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysRule:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaRule:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRule:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplicaIdentity:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRowSecurity:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRowSecurity:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ForceRowSecurity:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_NoForceRowSecurity:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_GenericOptions:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnGenericOptions:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartitionFinalize:
        break;  // storage, triggers, owners, security: not tracked
      default:
        out = unknown(fmt::format("ALTER TABLE subcommand {} is not modeled",
                                  static_cast<int>(cmd->subtype)));
        break;
    }
  }
  return out;
}

Outcome apply_index(Catalog& cat, const PgQuery__IndexStmt& s, const ReplayState& st) {
  IndexInfo idx;
  QualifiedName table = resolve(s.relation, st.default_schema);
  // An index lives in its table's schema.
  idx.name = QualifiedName{table.schema, s.idxname ? s.idxname : ""};
  idx.table = table;
  idx.unique = s.unique || s.primary;
  idx.valid = true;
  idx.partial = s.where_clause != nullptr;
  idx.origin = st.origin;
  for (const PgQuery__Node* p : items(s.index_params, s.n_index_params)) {
    const auto* e = as<PgQuery__IndexElem>(p);
    if (e && e->name && *e->name) {
      idx.columns.emplace_back(e->name);
    } else {
      idx.columns.emplace_back("");
      idx.expressions = true;
    }
  }
  if (idx.name.name.empty()) {
    // PostgreSQL names it <table>_<columns>_idx (or _key for unique), de-duplicated against
    // existing names: the name cannot be predicted exactly in every case.
    std::string base = table.name;
    for (const auto& c : idx.columns) base += "_" + (c.empty() ? std::string("expr") : c);
    base += idx.unique ? "_key" : "_idx";
    if (base.size() > 63) base.resize(63);
    idx.name.name = base;
    if (cat.index(idx.name)) return unknown("an unnamed index whose generated name is taken");
  }
  if (s.if_not_exists && cat.index(idx.name)) return modeled();
  cat.add_index(std::move(idx));
  return modeled();
}

void drop_table_cascade(Catalog& cat, const QualifiedName& name, bool cascade) {
  cat.drop_table(name);
  if (!cascade) return;
  for (auto& [n, t] : cat.mutable_tables())
    std::erase_if(t.constraints, [&](const ConstraintInfo& k) {
      return k.kind == ConstraintKind::ForeignKey && k.references == name;
    });
  std::erase_if(cat.mutable_views(), [&](const auto& kv) {
    for (const auto& d : kv.second.reads)
      if (d.relation == name) return true;
    return false;
  });
}

Outcome apply_drop(Catalog& cat, const PgQuery__DropStmt& s, const ReplayState& st) {
  bool cascade = s.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
  Outcome out = modeled();
  for (const PgQuery__Node* obj : items(s.objects, s.n_objects)) {
    switch (s.remove_type) {
      case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
      case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
      case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW: {
        const auto* list = as<PgQuery__List>(obj);
        if (!list) continue;
        QualifiedName name = resolve_list(list->items, list->n_items, st.default_schema);
        if (s.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) {
          cat.drop_index(name);
        } else if (s.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW ||
                   s.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW) {
          cat.drop_view(name);
          if (s.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW) cat.drop_table(name);
          if (cascade) drop_table_cascade(cat, name, true);  // views reading the view
        } else {
          // Partitions go with their partitioned table.
          std::vector<QualifiedName> parts;
          for (const auto& [n, t] : cat.tables())
            if (t.kind == TableKind::Partition && t.parent == name) parts.push_back(n);
          for (const auto& p : parts) drop_table_cascade(cat, p, cascade);
          drop_table_cascade(cat, name, cascade);
        }
        break;
      }
      case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE: {
        const auto* tn = as<PgQuery__TypeName>(obj);
        if (!tn) continue;
        QualifiedName name = resolve_list(tn->names, tn->n_names, st.default_schema);
        cat.mutable_enums().erase(name);
        if (cascade) out = unknown("DROP TYPE ... CASCADE drops the columns that use the type");
        break;
      }
      case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: {
        std::string schema(string_value(obj));
        cat.mutable_schemas().erase(schema);
        auto in_schema = [&](const QualifiedName& n) { return n.schema == schema; };
        std::erase_if(cat.mutable_tables(), [&](const auto& kv) { return in_schema(kv.first); });
        std::erase_if(cat.mutable_indexes(), [&](const auto& kv) { return in_schema(kv.first); });
        std::erase_if(cat.mutable_views(), [&](const auto& kv) { return in_schema(kv.first); });
        std::erase_if(cat.mutable_enums(), [&](const auto& kv) { return in_schema(kv.first); });
        break;
      }
      case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: {
        const auto* list = as<PgQuery__List>(obj);
        if (list) cat.drop_sequence(resolve_list(list->items, list->n_items, st.default_schema));
        if (cascade) out = unknown("DROP SEQUENCE ... CASCADE drops the defaults that use it");
        break;
      }
      case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
      case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
      case PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION:
      case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY:
      case PG_QUERY__OBJECT_TYPE__OBJECT_RULE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_STATISTIC_EXT:
        if (cascade) return unknown("DROP ... CASCADE may drop tracked objects");
        return no_effect();
      default:
        return unknown("DROP of this object type is not modeled");
    }
  }
  return out;
}

// Moves a view or enum (any map keyed by name whose value has a `name`) to `newname` in the same
// schema, and marks it touched under its new name.
template <class Map, class Touch>
void rename_entry(Map& entries, const QualifiedName& name, const std::string& newname,
                  Touch touch) {
  auto it = entries.find(name);
  if (it == entries.end()) return;
  auto value = std::move(it->second);
  entries.erase(it);
  value.name.name = newname;
  touch(value.name);
  QualifiedName key = value.name;
  entries[key] = std::move(value);
}

void rename_table(Catalog& cat, const QualifiedName& from, const QualifiedName& to) {
  TableInfo* t = cat.table(from);
  if (!t) return;
  TableInfo moved = std::move(*t);
  cat.mutable_tables().erase(from);
  moved.name = to;
  cat.mutable_tables()[to] = std::move(moved);
  cat.touch_table(to);
  for (auto& [n, idx] : cat.mutable_indexes())
    if (idx.table == from) idx.table = to;
  for (auto& [n, other] : cat.mutable_tables()) {
    for (auto& k : other.constraints)
      if (k.kind == ConstraintKind::ForeignKey && k.references == from) k.references = to;
    if (other.parent == from) other.parent = to;
  }
  for (auto& [n, v] : cat.mutable_views())
    for (auto& d : v.reads)
      if (d.relation == from) d.relation = to;
}

Outcome apply_rename(Catalog& cat, const PgQuery__RenameStmt& s, const ReplayState& st) {
  std::string newname = s.newname ? s.newname : "";
  std::string sub = s.subname ? s.subname : "";
  switch (s.rename_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE: {
      QualifiedName name = resolve(s.relation, st.default_schema);
      rename_table(cat, name, QualifiedName{name.schema, newname});
      return modeled();
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW: {
      QualifiedName name = resolve(s.relation, st.default_schema);
      if (s.rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW)
        rename_table(cat, name, QualifiedName{name.schema, newname});
      rename_entry(cat.mutable_views(), name, newname,
                   [&](const QualifiedName& n) { cat.touch_view(n); });
      return modeled();
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN: {
      QualifiedName name = resolve(s.relation, st.default_schema);
      if (s.relation_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE &&
          s.relation_type != PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE)
        return no_effect();
      if (TableInfo* t = cat.table(name)) rename_column_everywhere(cat, *t, sub, newname);
      return modeled();
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT: {
      QualifiedName name = resolve(s.relation, st.default_schema);
      if (TableInfo* t = cat.table(name)) {
        if (ConstraintInfo* c = t->constraint(sub)) c->name = newname;
        // The constraint's index is renamed with it.
        QualifiedName old{name.schema, sub};
        if (const IndexInfo* idx = cat.index(old); idx && idx->constraint == sub) {
          IndexInfo moved = *idx;
          cat.drop_index(old);
          moved.name.name = newname;
          moved.constraint = newname;
          cat.add_index(std::move(moved));
        }
      }
      return modeled();
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: {
      QualifiedName name = resolve(s.relation, st.default_schema);
      if (const IndexInfo* idx = cat.index(name)) {
        IndexInfo moved = *idx;
        cat.drop_index(name);
        moved.name.name = newname;
        if (!moved.constraint.empty()) {
          if (TableInfo* t = cat.table(moved.table))
            if (ConstraintInfo* c = t->constraint(moved.constraint)) c->name = newname;
          moved.constraint = newname;
        }
        cat.add_index(std::move(moved));
      }
      return modeled();
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: {
      cat.touch_all();
      std::string from = sub;
      if (cat.mutable_schemas().erase(from)) cat.mutable_schemas().insert(newname);
      std::vector<QualifiedName> moved;
      for (const auto& [n, t] : cat.tables())
        if (n.schema == from) moved.push_back(n);
      for (const auto& n : moved) rename_table(cat, n, QualifiedName{newname, n.name});
      for (auto* m : {&cat.mutable_indexes()}) {
        std::map<QualifiedName, IndexInfo> next;
        for (auto& [n, i] : *m) {
          IndexInfo x = i;
          if (x.name.schema == from) x.name.schema = newname;
          next[x.name] = std::move(x);
        }
        *m = std::move(next);
      }
      return modeled();
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE: {
      const auto* list = as<PgQuery__List>(s.object);
      if (!list) return no_effect();
      QualifiedName name = resolve_list(list->items, list->n_items, st.default_schema);
      rename_entry(cat.mutable_enums(), name, newname,
                   [&](const QualifiedName& n) { cat.touch_enum(n); });
      return modeled();
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_DATABASE:
      return no_effect();
    default:
      return unknown("RENAME of this object type is not modeled");
  }
}

// What a view's query reads: every relation in FROM (minus CTE names), and the columns its
// column references tie to a relation. A reference that cannot be tied to one relation (several
// relations in FROM, none of them known to own the column) marks the reads as incomplete.
std::vector<ViewDependency> view_reads(const Catalog& cat, const PgQuery__Node* query,
                                       std::string_view default_schema) {
  std::vector<std::string> ctes;
  std::map<std::string, QualifiedName> aliases;  // alias or relation name -> relation
  std::vector<QualifiedName> relations;
  std::vector<const PgQuery__ColumnRef*> refs;
  for_each_message(unwrap(query), [&](const ProtobufCMessage& m) {
    if (const auto* cte = as<PgQuery__CommonTableExpr>(&m))
      ctes.emplace_back(cte->ctename ? cte->ctename : "");
    if (const auto* ref = as<PgQuery__ColumnRef>(&m)) refs.push_back(ref);
  });
  for_each_message(unwrap(query), [&](const ProtobufCMessage& m) {
    const auto* rv = as<PgQuery__RangeVar>(&m);
    if (!rv || !rv->relname) return;
    if ((!rv->schemaname || !*rv->schemaname) &&
        std::find(ctes.begin(), ctes.end(), rv->relname) != ctes.end())
      return;
    QualifiedName n = resolve(rv, default_schema);
    if (std::find(relations.begin(), relations.end(), n) == relations.end()) relations.push_back(n);
    aliases[rv->alias && rv->alias->aliasname ? rv->alias->aliasname : rv->relname] = n;
  });
  std::vector<ViewDependency> deps;
  for (const auto& r : relations) deps.push_back(ViewDependency{r, {}, true});
  auto dep = [&](const QualifiedName& n) -> ViewDependency* {
    for (auto& d : deps)
      if (d.relation == n) return &d;
    return nullptr;
  };
  auto all_columns = [&](ViewDependency& d) {
    const TableInfo* t = cat.table(d.relation);
    if (!t || !t->columns_known) d.columns_known = false;
    if (t)
      for (const auto& c : t->columns) d.columns.insert(c.name);
  };
  for (const PgQuery__ColumnRef* ref : refs) {
    auto fields = items(ref->fields, ref->n_fields);
    if (fields.empty()) continue;
    bool star = is(fields.back(), PG_QUERY__NODE__NODE_A_STAR);
    if (fields.size() == 1) {
      if (star) {
        for (auto& d : deps) all_columns(d);
        continue;
      }
      std::string col(string_value(fields[0]));
      if (deps.size() == 1) {
        deps[0].columns.insert(col);
        continue;
      }
      // Several relations: the column belongs to the one known table that has it.
      ViewDependency* owner = nullptr;
      bool ambiguous = false;
      for (auto& d : deps) {
        const TableInfo* t = cat.table(d.relation);
        if (!t || !t->columns_known) {
          ambiguous = true;
        } else if (t->column(col)) {
          if (owner) ambiguous = true;
          owner = &d;
        }
      }
      if (owner && !ambiguous) {
        owner->columns.insert(col);
      } else {
        for (auto& d : deps) d.columns_known = false;
      }
      continue;
    }
    // alias.col, alias.*, schema.table.col
    std::string qualifier(string_value(fields[fields.size() - 2]));
    ViewDependency* d = nullptr;
    if (fields.size() == 3) {
      d = dep(QualifiedName{std::string(string_value(fields[0])), qualifier});
    } else {
      auto it = aliases.find(qualifier);
      if (it != aliases.end()) d = dep(it->second);
    }
    if (!d) continue;  // a subquery or CTE alias
    if (star)
      all_columns(*d);
    else
      d->columns.insert(std::string(string_value(fields.back())));
  }
  return deps;
}

std::vector<QualifiedName> sources_of(const std::vector<ViewDependency>& reads) {
  std::vector<QualifiedName> out;
  for (const auto& d : reads) out.push_back(d.relation);
  return out;
}

Outcome apply_view(Catalog& cat, const PgQuery__ViewStmt& s, const ReplayState& st) {
  QualifiedName name = resolve(s.view, st.default_schema);
  ViewInfo v;
  v.name = name;
  // CREATE OR REPLACE keeps the view's age.
  const ViewInfo* existing = cat.view(name);
  v.origin = existing ? existing->origin : st.origin;
  v.reads = view_reads(cat, s.query, st.default_schema);
  v.sources = sources_of(v.reads);
  cat.mutable_views()[name] = std::move(v);
  cat.touch_view(name);
  return modeled();
}

Outcome apply_create_as(Catalog& cat, const PgQuery__CreateTableAsStmt& s, const ReplayState& st) {
  if (!s.into || !s.into->rel) return no_effect();
  QualifiedName name = resolve(s.into->rel, st.default_schema);
  if (s.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW) {
    if (s.if_not_exists && cat.view(name)) return modeled();
    // A materialized view is also a relation with storage (indexes, REFRESH): the catalog keeps
    // it as a table whose columns it does not list, and as a view for what it reads.
    TableInfo& t = cat.add_table(name, st.origin);
    t.created_statement = st.statement;
    t.columns_known = false;
    ViewInfo v;
    v.name = name;
    v.materialized = true;
    v.origin = st.origin;
    v.reads = view_reads(cat, s.query, st.default_schema);
    v.sources = sources_of(v.reads);
    cat.mutable_views()[name] = std::move(v);
    cat.touch_view(name);
    return modeled();
  }
  if (s.if_not_exists && cat.table(name)) return modeled();
  TableInfo& t = cat.add_table(name, st.origin);
  t.created_statement = st.statement;
  t.columns_known = false;
  return unknown("CREATE TABLE ... AS: the columns come from a query and are not modeled");
}

Outcome apply_enum(Catalog& cat, const PgQuery__CreateEnumStmt& s, const ReplayState& st) {
  EnumInfo e;
  e.name = resolve_list(s.type_name, s.n_type_name, st.default_schema);
  e.values = names_of(s.vals, s.n_vals);
  e.origin = st.origin;
  cat.touch_enum(e.name);
  cat.mutable_enums()[e.name] = std::move(e);
  return modeled();
}

Outcome apply_alter_enum(Catalog& cat, const PgQuery__AlterEnumStmt& s, const ReplayState& st) {
  QualifiedName name = resolve_list(s.type_name, s.n_type_name, st.default_schema);
  auto& enums = cat.mutable_enums();
  auto it = enums.find(name);
  if (it == enums.end()) {
    EnumInfo e;
    e.name = name;
    e.origin = Origin::History;
    it = enums.emplace(name, std::move(e)).first;
  }
  auto& values = it->second.values;
  std::string nv = s.new_val ? s.new_val : "";
  if (s.old_val && *s.old_val) {
    for (auto& v : values)
      if (v == s.old_val) v = nv;
    return modeled();
  }
  if (std::find(values.begin(), values.end(), nv) != values.end()) return modeled();
  auto at = values.end();
  if (s.new_val_neighbor && *s.new_val_neighbor) {
    auto n = std::find(values.begin(), values.end(), s.new_val_neighbor);
    if (n != values.end()) at = s.new_val_is_after ? n + 1 : n;
  }
  values.insert(at, nv);
  return modeled();
}

Outcome apply_alter_schema(Catalog& cat, const PgQuery__AlterObjectSchemaStmt& s,
                           const ReplayState& st) {
  std::string to = s.newschema ? s.newschema : "";
  switch (s.object_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE: {
      QualifiedName from = resolve(s.relation, st.default_schema);
      if (!cat.table(from)) return modeled();
      QualifiedName dest{to, from.name};
      rename_table(cat, from, dest);
      cat.touch_all();
      // Its indexes move along.
      std::map<QualifiedName, IndexInfo> next;
      for (auto& [n, i] : cat.mutable_indexes()) {
        IndexInfo x = i;
        if (x.table == dest) x.name.schema = to;
        next[x.name] = std::move(x);
      }
      cat.mutable_indexes() = std::move(next);
      return modeled();
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
      return no_effect();
    default:
      return unknown("ALTER ... SET SCHEMA of this object type is not modeled");
  }
}

}  // namespace

ColumnFacts column_facts(const PgQuery__ColumnDef& c) {
  ColumnFacts f;
  f.type = type_ref(c.type_name);
  f.serial = is_serial(f.type);
  f.not_null = c.is_not_null;
  if (c.raw_default) f.default_expr = c.raw_default;
  if (c.identity && *c.identity) f.identity = true;
  if (c.generated && *c.generated) f.generated_stored = true;
  for (const PgQuery__Node* n : column_constraints(c)) {
    const auto* con = as<PgQuery__Constraint>(n);
    if (!con) continue;
    switch (con->contype) {
      case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
        f.not_null = true;
        break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_NULL:
        f.not_null = false;
        break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
        f.default_expr = con->raw_expr;
        break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
        f.identity = true;
        break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED:
        f.generated_stored = true;
        break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
        f.primary_key = true;
        break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
        f.unique = true;
        break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
        f.check = con;
        break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
        f.references = con;
        break;
      default:
        break;
    }
  }
  return f;
}

ConstraintInfo constraint_info(const PgQuery__Constraint& c, std::string_view default_schema) {
  ConstraintInfo info;
  info.name = c.conname ? c.conname : "";
  switch (c.contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
      info.kind = ConstraintKind::Check;
      info.not_null_column = not_null_check_column(c.raw_expr);
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
      info.kind = ConstraintKind::ForeignKey;
      info.columns = names_of(c.fk_attrs, c.n_fk_attrs);
      info.ref_columns = names_of(c.pk_attrs, c.n_pk_attrs);
      info.references = resolve(c.pktable, default_schema);
      if (c.fk_del_action && *c.fk_del_action) info.on_delete = *c.fk_del_action;
      if (c.fk_upd_action && *c.fk_upd_action) info.on_update = *c.fk_upd_action;
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
      info.kind = ConstraintKind::PrimaryKey;
      info.columns = names_of(c.keys, c.n_keys);
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
      info.kind = ConstraintKind::Unique;
      info.columns = names_of(c.keys, c.n_keys);
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION:
      info.kind = ConstraintKind::Exclusion;
      break;
    default:
      info.kind = ConstraintKind::Other;
  }
  info.validated = !c.skip_validation;
  return info;
}

ReplayOutcome Catalog::apply(const PgQuery__Node* stmt, const ReplayState& state) {
  const ProtobufCMessage* m = unwrap(stmt);
  if (!m) return no_effect();
  if (const auto* create = as<PgQuery__CreateStmt>(m)) return apply_create(*this, *create, state);
  if (const auto* ctas = as<PgQuery__CreateTableAsStmt>(m))
    return apply_create_as(*this, *ctas, state);
  if (const auto* select = as<PgQuery__SelectStmt>(m)) {
    if (select->into_clause && select->into_clause->rel) {
      TableInfo& t =
          add_table(resolve(select->into_clause->rel, state.default_schema), state.origin);
      t.created_statement = state.statement;
      t.columns_known = false;
      return unknown("SELECT ... INTO: the columns come from a query and are not modeled");
    }
    return no_effect();
  }
  if (const auto* alter = as<PgQuery__AlterTableStmt>(m))
    return apply_alter_table(*this, *alter, state);
  if (const auto* index = as<PgQuery__IndexStmt>(m)) return apply_index(*this, *index, state);
  if (const auto* drop = as<PgQuery__DropStmt>(m)) return apply_drop(*this, *drop, state);
  if (const auto* rename = as<PgQuery__RenameStmt>(m)) return apply_rename(*this, *rename, state);
  if (const auto* view = as<PgQuery__ViewStmt>(m)) return apply_view(*this, *view, state);
  if (const auto* en = as<PgQuery__CreateEnumStmt>(m)) return apply_enum(*this, *en, state);
  if (const auto* ae = as<PgQuery__AlterEnumStmt>(m)) return apply_alter_enum(*this, *ae, state);
  if (const auto* os = as<PgQuery__AlterObjectSchemaStmt>(m))
    return apply_alter_schema(*this, *os, state);
  if (const auto* cs = as<PgQuery__CreateSchemaStmt>(m)) {
    if (cs->schemaname) schemas_.insert(cs->schemaname);
    if (cs->n_schema_elts > 0) {
      // CREATE SCHEMA s CREATE TABLE ...: the elements are replayed in the new schema.
      ReplayState inner = state;
      inner.default_schema = cs->schemaname ? cs->schemaname : state.default_schema;
      ReplayOutcome out = modeled();
      for (const PgQuery__Node* e : items(cs->schema_elts, cs->n_schema_elts)) {
        ReplayOutcome o = apply(e, inner);
        if (o.kind == ReplayOutcome::Unknown) out = o;
      }
      return out;
    }
    return modeled();
  }
  if (const auto* seq = as<PgQuery__CreateSeqStmt>(m)) {
    QualifiedName name = resolve(seq->sequence, state.default_schema);
    if (!(seq->if_not_exists && sequences_.count(name))) sequences_[name] = state.origin;
    return modeled();
  }
  if (as<PgQuery__DoStmt>(m)) return unknown("DO block: its dynamic effect is not modeled");
  if (as<PgQuery__CallStmt>(m)) return unknown("CALL: the procedure's effect is not modeled");
  if (as<PgQuery__ExecuteStmt>(m)) return unknown("EXECUTE: the prepared statement is not known");
  if (as<PgQuery__CompositeTypeStmt>(m) || as<PgQuery__CreateDomainStmt>(m) ||
      as<PgQuery__CreateRangeStmt>(m))
    return no_effect();  // types the catalog does not track (only enums)
  if (as<PgQuery__AlterDomainStmt>(m) || as<PgQuery__AlterTypeStmt>(m)) return no_effect();
  if (as<PgQuery__CreateExtensionStmt>(m))
    return no_effect();  // objects an extension installs live in its own schema
  // Everything else (DML, SET, transactions, functions, triggers, sequences, grants, comments,
  // statistics, policies, VACUUM, ...) changes nothing the catalog tracks.
  return no_effect();
}

}  // namespace migsafe
