// Catalog replay; see catalog.hpp.
#include "model/catalog.hpp"

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

std::optional<Origin> Catalog::sequence(const QualifiedName& n) const {
  auto it = sequences_.find(n);
  if (it == sequences_.end()) return std::nullopt;
  return it->second;
}

std::vector<const TableInfo*> Catalog::children(const QualifiedName& n) const {
  std::vector<const TableInfo*> out;
  for (const auto& [name, t] : tables_)
    if (std::find(t.parents.begin(), t.parents.end(), n) != t.parents.end()) out.push_back(&t);
  return out;
}

std::vector<std::pair<const TableInfo*, const ConstraintInfo*>> Catalog::referencing(
    const QualifiedName& n) const {
  std::vector<std::pair<const TableInfo*, const ConstraintInfo*>> out;
  for (const auto& [name, t] : tables_)
    for (const ConstraintInfo& c : t.constraints)
      if (c.kind == ConstraintKind::ForeignKey && c.references == n) out.emplace_back(&t, &c);
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
  for (auto& [name, o] : sequences_) o = Origin::History;
}

std::vector<const IndexInfo*> Catalog::indexes_on(const QualifiedName& table) const {
  std::vector<const IndexInfo*> out;
  for (const auto& [name, index] : indexes_)
    if (index.table == table) out.push_back(&index);
  return out;
}

TableInfo& Catalog::add_table(const QualifiedName& n, Origin origin) {
  TableInfo& t = tables_[n];
  t = TableInfo{};
  t.name = n;
  t.origin = origin;
  return t;
}

void Catalog::drop_table(const QualifiedName& n) {
  tables_.erase(n);
  views_.erase(n);
  for (auto it = indexes_.begin(); it != indexes_.end();) {
    it = it->second.table == n ? indexes_.erase(it) : std::next(it);
  }
}

void Catalog::rename_view(const QualifiedName& from, const std::string& to) {
  auto it = views_.find(from);
  if (it == views_.end()) return;
  ViewInfo v = std::move(it->second);
  views_.erase(it);
  v.name.name = to;
  views_[v.name] = std::move(v);
}

IndexInfo& Catalog::add_index(IndexInfo index) {
  QualifiedName key = index.name;
  return indexes_[key] = std::move(index);
}

std::string not_null_check_column(const PgQuery__Node* expr) {
  const auto* test = as<PgQuery__NullTest>(expr);
  if (!test || test->nulltesttype != PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL) return "";
  const auto* ref = as<PgQuery__ColumnRef>(test->arg);
  if (!ref || ref->n_fields != 1) return "";
  return std::string(string_value(ref->fields[0]));
}

namespace {

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

void add_constraint(TableInfo& t, const PgQuery__Constraint& c, const ReplayState& s,
                    const std::string* column) {
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

void add_column(TableInfo& t, const PgQuery__ColumnDef& def, const ReplayState& s) {
  if (!def.colname) return;
  std::string name = def.colname;
  if (ColumnInfo* existing = t.column(name)) {
    *existing = column_info(def, s.origin);
  } else {
    t.columns.push_back(column_info(def, s.origin));
  }
  for (const PgQuery__Node* n : column_constraints(def)) {
    if (const auto* c = as<PgQuery__Constraint>(n)) {
      if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK ||
          c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN ||
          c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ||
          c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE) {
        add_constraint(t, *c, s, &name);
      }
    }
  }
}

TableInfo& known_table(Catalog& cat, const QualifiedName& n) {
  if (TableInfo* t = cat.table(n)) return *t;
  // A table from before this migration: record what we learn, but its other columns are unknown.
  TableInfo& t = cat.add_table(n, Origin::History);
  t.columns_known = false;
  return t;
}

void apply_create(Catalog& cat, const PgQuery__CreateStmt& s, const ReplayState& st) {
  QualifiedName name = resolve(s.relation, st.default_schema);
  if (s.if_not_exists && cat.table(name)) return;
  TableInfo& t = cat.add_table(name, st.origin);
  t.created_statement = st.statement;
  t.columns_known = s.n_inh_relations == 0 && !s.partbound && !s.of_typename;
  t.partitioned = s.partspec != nullptr;
  t.is_partition = s.partbound != nullptr;
  for (const PgQuery__Node* p : items(s.inh_relations, s.n_inh_relations))
    if (const auto* rv = as<PgQuery__RangeVar>(p))
      t.parents.push_back(resolve(rv, st.default_schema));
  for (const PgQuery__Node* e : items(s.table_elts, s.n_table_elts)) {
    if (const auto* col = as<PgQuery__ColumnDef>(e)) {
      add_column(t, *col, st);
    } else if (const auto* c = as<PgQuery__Constraint>(e)) {
      add_constraint(t, *c, st, nullptr);
    } else {
      t.columns_known = false;  // LIKE other_table
    }
  }
  for (const PgQuery__Node* e : items(s.constraints, s.n_constraints)) {
    if (const auto* c = as<PgQuery__Constraint>(e)) add_constraint(t, *c, st, nullptr);
  }
}

void apply_alter_table(Catalog& cat, const PgQuery__AlterTableStmt& s, const ReplayState& st) {
  if (s.objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) return;
  QualifiedName name = resolve(s.relation, st.default_schema);
  if (s.missing_ok && !cat.table(name)) return;
  TableInfo& t = known_table(cat, name);
  for (const PgQuery__Node* n : items(s.cmds, s.n_cmds)) {
    const auto* cmd = as<PgQuery__AlterTableCmd>(n);
    if (!cmd) continue;
    std::string colname = cmd->name ? cmd->name : "";
    switch (cmd->subtype) {
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
        if (const auto* def = as<PgQuery__ColumnDef>(cmd->def)) {
          if (!(cmd->missing_ok && def->colname && t.column(def->colname))) add_column(t, *def, st);
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
        std::erase_if(t.columns, [&](const ColumnInfo& c) { return c.name == colname; });
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
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
        if (const auto* c = as<PgQuery__Constraint>(cmd->def)) add_constraint(t, *c, st, nullptr);
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
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
        std::erase_if(t.constraints, [&](const ConstraintInfo& c) { return c.name == colname; });
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
        if (const auto* pc = as<PgQuery__PartitionCmd>(cmd->def)) {
          TableInfo& part = known_table(cat, resolve(pc->name, st.default_schema));
          part.parents = {name};
          part.is_partition = true;
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition:
        if (const auto* pc = as<PgQuery__PartitionCmd>(cmd->def)) {
          if (TableInfo* part = cat.table(resolve(pc->name, st.default_schema))) {
            part->parents.clear();
            part->is_partition = false;
          }
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddInherit:
        if (const auto* rv = as<PgQuery__RangeVar>(cmd->def))
          t.parents.push_back(resolve(rv, st.default_schema));
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropInherit:
        if (const auto* rv = as<PgQuery__RangeVar>(cmd->def)) {
          QualifiedName parent = resolve(rv, st.default_schema);
          std::erase(t.parents, parent);
        }
        break;
      default:
        break;
    }
  }
}

void apply_index(Catalog& cat, const PgQuery__IndexStmt& s, const ReplayState& st) {
  IndexInfo idx;
  QualifiedName table = resolve(s.relation, st.default_schema);
  // An index lives in its table's schema.
  idx.name = QualifiedName{table.schema, s.idxname ? s.idxname : ""};
  idx.table = table;
  idx.unique = s.unique || s.primary;
  idx.valid = true;
  idx.origin = st.origin;
  for (const PgQuery__Node* p : items(s.index_params, s.n_index_params)) {
    const auto* e = as<PgQuery__IndexElem>(p);
    idx.columns.emplace_back(e && e->name ? e->name : "");
  }
  if (!idx.name.name.empty()) {
    if (s.if_not_exists && cat.index(idx.name)) return;
    cat.add_index(std::move(idx));
  }
}

void apply_drop(Catalog& cat, const PgQuery__DropStmt& s, const ReplayState& st) {
  for (const PgQuery__Node* obj : items(s.objects, s.n_objects)) {
    const auto* list = as<PgQuery__List>(obj);
    if (!list) continue;
    QualifiedName name = resolve_list(list->items, list->n_items, st.default_schema);
    switch (s.remove_type) {
      case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
      case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
      case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
        cat.drop_table(name);
        break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
        cat.drop_sequence(name);
        break;
      default:
        break;
    }
  }
}

void apply_rename(Catalog& cat, const PgQuery__RenameStmt& s, const ReplayState& st) {
  if (!s.relation) return;
  QualifiedName name = resolve(s.relation, st.default_schema);
  if ((s.rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW ||
       s.rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ||
       s.rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) &&
      s.newname)
    cat.rename_view(name, s.newname);
  TableInfo* t = cat.table(name);
  if (!t) return;
  std::string newname = s.newname ? s.newname : "";
  std::string sub = s.subname ? s.subname : "";
  switch (s.rename_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE: {
      TableInfo moved = *t;
      cat.drop_table(name);
      moved.name.name = newname;
      TableInfo& fresh = cat.add_table(moved.name, moved.origin);
      fresh = std::move(moved);
      break;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
      if (ColumnInfo* c = t->column(sub)) c->name = newname;
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
      if (ConstraintInfo* c = t->constraint(sub)) c->name = newname;
      break;
    default:
      break;
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

// The relations a query reads (CTE names are not relations).
std::vector<QualifiedName> query_sources(const ProtobufCMessage* query, std::string_view schema) {
  std::vector<std::string> ctes;
  std::vector<QualifiedName> out;
  for_each_message(query, [&](const ProtobufCMessage& x) {
    if (const auto* cte = as<PgQuery__CommonTableExpr>(&x))
      ctes.emplace_back(cte->ctename ? cte->ctename : "");
  });
  for_each_message(query, [&](const ProtobufCMessage& x) {
    const auto* rv = as<PgQuery__RangeVar>(&x);
    if (!rv) return;
    if ((!rv->schemaname || !*rv->schemaname) && rv->relname &&
        std::find(ctes.begin(), ctes.end(), rv->relname) != ctes.end())
      return;
    QualifiedName n = resolve(rv, schema);
    if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  });
  return out;
}

void Catalog::apply(const PgQuery__Node* stmt, const ReplayState& state) {
  const ProtobufCMessage* m = unwrap(stmt);
  if (const auto* view = as<PgQuery__ViewStmt>(m)) {
    QualifiedName name = resolve(view->view, state.default_schema);
    ViewInfo& v = views_[name];
    if (v.name.empty()) v.origin = state.origin;  // CREATE OR REPLACE keeps the view's age
    v.name = name;
    v.materialized = false;
    v.sources = query_sources(unwrap(view->query), state.default_schema);
    return;
  }
  if (const auto* seq = as<PgQuery__CreateSeqStmt>(m)) {
    QualifiedName name = resolve(seq->sequence, state.default_schema);
    if (!(seq->if_not_exists && sequences_.count(name))) sequences_[name] = state.origin;
    return;
  }
  if (const auto* create = as<PgQuery__CreateStmt>(m)) {
    apply_create(*this, *create, state);
    return;
  }
  if (const auto* ctas = as<PgQuery__CreateTableAsStmt>(m)) {
    if (ctas->into && ctas->into->rel) {
      QualifiedName name = resolve(ctas->into->rel, state.default_schema);
      if (ctas->if_not_exists && (table(name) || view(name))) return;
      TableInfo& t = add_table(name, state.origin);
      t.created_statement = state.statement;
      t.columns_known = false;
      if (ctas->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW) {
        ViewInfo& v = views_[name];
        v.name = name;
        v.materialized = true;
        v.sources = query_sources(unwrap(ctas->query), state.default_schema);
        v.origin = state.origin;
      }
    }
    return;
  }
  if (const auto* select = as<PgQuery__SelectStmt>(m)) {
    if (select->into_clause && select->into_clause->rel) {
      TableInfo& t =
          add_table(resolve(select->into_clause->rel, state.default_schema), state.origin);
      t.created_statement = state.statement;
      t.columns_known = false;
    }
    return;
  }
  if (const auto* alter = as<PgQuery__AlterTableStmt>(m)) {
    apply_alter_table(*this, *alter, state);
    return;
  }
  if (const auto* index = as<PgQuery__IndexStmt>(m)) {
    apply_index(*this, *index, state);
    return;
  }
  if (const auto* drop = as<PgQuery__DropStmt>(m)) {
    apply_drop(*this, *drop, state);
    if (drop->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) {
      for (const PgQuery__Node* obj : items(drop->objects, drop->n_objects)) {
        if (const auto* list = as<PgQuery__List>(obj))
          indexes_.erase(resolve_list(list->items, list->n_items, state.default_schema));
      }
    }
    return;
  }
  if (const auto* rename = as<PgQuery__RenameStmt>(m)) apply_rename(*this, *rename, state);
}

}  // namespace migsafe
