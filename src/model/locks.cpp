// The lock table: one function per statement kind, one case per ALTER TABLE subcommand. Every
// lock, rewrite and scan claim migsafe makes comes from here.
#include "model/locks.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/node_util.hpp"
#include "core/parse.hpp"
#include "core/walk.hpp"
#include "model/context.hpp"
#include "model/types.hpp"
#include "model/volatility.hpp"

namespace migsafe {

std::string_view lock_name(LockMode m) {
  switch (m) {
    case LockMode::None:
      return "no lock";
    case LockMode::AccessShare:
      return "ACCESS SHARE";
    case LockMode::RowShare:
      return "ROW SHARE";
    case LockMode::RowExclusive:
      return "ROW EXCLUSIVE";
    case LockMode::ShareUpdateExclusive:
      return "SHARE UPDATE EXCLUSIVE";
    case LockMode::Share:
      return "SHARE";
    case LockMode::ShareRowExclusive:
      return "SHARE ROW EXCLUSIVE";
    case LockMode::Exclusive:
      return "EXCLUSIVE";
    case LockMode::AccessExclusive:
      return "ACCESS EXCLUSIVE";
  }
  return "?";
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
    case RelationRole::Index:
      return "index";
    case RelationRole::IndexTable:
      return "table of the index";
    case RelationRole::Parent:
      return "partitioned table";
    case RelationRole::Partition:
      return "partition";
    case RelationRole::View:
      return "view";
    case RelationRole::MaterializedView:
      return "materialized view";
    case RelationRole::Sequence:
      return "sequence";
  }
  return "relation";
}

std::string RelationLock::describe() const {
  if (relation.empty()) return fmt::format("{} on its {}", lock_name(mode), role_name(role));
  return fmt::format("{} on {}", lock_name(mode), relation.display());
}

const RelationLock* Effect::strongest_on_existing() const {
  const RelationLock* best = nullptr;
  for (const RelationLock& l : locks) {
    if (l.is_new) continue;
    if (!best || static_cast<int>(l.mode) > static_cast<int>(best->mode)) best = &l;
  }
  return best;
}

const RelationLock* Effect::lock_on(const QualifiedName& relation) const {
  for (const RelationLock& l : locks)
    if (l.relation == relation) return &l;
  return nullptr;
}

namespace {

Tri worst(Tri a, Tri b) {
  if (a == Tri::Yes || b == Tri::Yes) return Tri::Yes;
  if (a == Tri::Maybe || b == Tri::Maybe) return Tri::Maybe;
  return Tri::No;
}

class Builder {
 public:
  explicit Builder(const FileContext& ctx) : ctx_(ctx) {}

  void lock(Effect& e, const QualifiedName& rel, LockMode mode, RelationRole role) const {
    for (RelationLock& l : e.locks) {
      if (l.relation == rel && l.role == role) {
        if (static_cast<int>(mode) > static_cast<int>(l.mode)) l.mode = mode;
        return;
      }
    }
    RelationLock l;
    l.relation = rel;
    l.mode = mode;
    l.role = role;
    l.is_new = is_new_relation(rel, role);
    e.locks.push_back(std::move(l));
  }

  bool is_new_relation(const QualifiedName& rel, RelationRole role) const {
    if (rel.empty()) return false;
    if (role == RelationRole::Index) {
      const IndexInfo* idx = ctx_.catalog().index(rel);
      return idx && (is_new(idx->origin) || ctx_.is_new_table(idx->table));
    }
    return ctx_.is_new_table(rel);
  }

  static void rewrite(Effect& e, Tri t, std::string why) {
    if (t == Tri::No) return;
    if (e.rewrite != Tri::Yes && (t == Tri::Yes || e.rewrite == Tri::No))
      e.rewrite_reason = std::move(why);
    e.rewrite = worst(e.rewrite, t);
    scan(e, t, "a rewrite reads every row");
  }
  static void scan(Effect& e, Tri t, std::string why) {
    if (t == Tri::No) return;
    if (e.scan != Tri::Yes && (t == Tri::Yes || e.scan == Tri::No)) e.scan_reason = std::move(why);
    e.scan = worst(e.scan, t);
  }

  const FileContext& ctx() const { return ctx_; }

 private:
  const FileContext& ctx_;
};

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

void add_column_effect(const Builder& b, Effect& e, const QualifiedName& table,
                       const PgQuery__ColumnDef& def, bool validates_references) {
  ColumnFacts f = column_facts(def);
  const FileContext& ctx = b.ctx();
  std::string col = def.colname ? def.colname : "?";
  bool any_default = f.default_expr || f.serial || f.identity || f.generated_stored;
  if (any_default && ctx.pg_version() < 11) {
    Builder::rewrite(e, Tri::Yes,
                     fmt::format("before PostgreSQL 11 adding column {} with a default "
                                 "writes the default into every row",
                                 col));
  } else if (f.serial) {
    Builder::rewrite(e, Tri::Yes,
                     fmt::format("{} is {}: its nextval() default is volatile, so "
                                 "every row gets its own value",
                                 col, f.type.display()));
  } else if (f.identity) {
    Builder::rewrite(e, Tri::Yes, fmt::format("identity column {} fills every existing row", col));
  } else if (f.generated_stored) {
    Builder::rewrite(e, Tri::Yes,
                     fmt::format("stored generated column {} is computed for every "
                                 "existing row",
                                 col));
  } else if (f.default_expr) {
    ExpressionVolatility v = expression_volatility(f.default_expr, ctx.function_lookup());
    if (v.volatility == Volatility::Volatile) {
      Builder::rewrite(e, Tri::Yes,
                       fmt::format("the default calls {}, which is volatile, so it is "
                                   "evaluated for every existing row",
                                   v.function));
    } else if (v.volatility == Volatility::Unknown) {
      Builder::rewrite(e, Tri::Maybe,
                       fmt::format("the default calls {}, whose volatility is not known here; a "
                                   "VOLATILE function (PostgreSQL's default) rewrites the table",
                                   v.function));
    }
  }
  if (f.not_null && !any_default) {
    Builder::scan(
        e, Tri::Yes,
        fmt::format("NOT NULL without a default checks every row of {}", table.display()));
  }
  if (f.check) Builder::scan(e, Tri::Yes, "the CHECK constraint is verified against every row");
  if (f.primary_key || f.unique) {
    e.builds_index = true;
    Builder::scan(e, Tri::Yes, "the index for the new constraint reads every row");
  }
  if (f.references) {
    b.lock(e, b.ctx().resolve(f.references->pktable), LockMode::ShareRowExclusive,
           RelationRole::ReferencedTable);
    if (validates_references) {
      e.validates_foreign_key = true;
      Builder::scan(e, Tri::Yes, "the new foreign key is validated against every row");
    }
  }
}

void add_constraint_effect(const Builder& b, Effect& e, const QualifiedName& table,
                           const PgQuery__Constraint& c, LockMode* table_mode) {
  const FileContext& ctx = b.ctx();
  switch (c.contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
      *table_mode = LockMode::AccessExclusive;
      if (!c.skip_validation) Builder::scan(e, Tri::Yes, "validating the CHECK reads every row");
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
      *table_mode = LockMode::ShareRowExclusive;
      b.lock(e, ctx.resolve(c.pktable), LockMode::ShareRowExclusive, RelationRole::ReferencedTable);
      if (!c.skip_validation) {
        e.validates_foreign_key = true;
        Builder::scan(e, Tri::Yes, "validating the foreign key reads every row");
      }
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: {
      *table_mode = LockMode::AccessExclusive;
      bool using_index = c.indexname && *c.indexname;
      if (!using_index) {
        e.builds_index = true;
        Builder::scan(e, Tri::Yes, "building the constraint's index reads every row");
      } else if (c.contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) {
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
        Builder::scan(e, nullable, "a primary key on nullable columns checks every row for NULLs");
      }
      break;
    }
    case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION:
      *table_mode = LockMode::AccessExclusive;
      e.builds_index = true;
      Builder::scan(e, Tri::Yes, "building the exclusion constraint's index reads every row");
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

// ATTACH PARTITION reads every row of the partition to check it against the partition bound,
// unless a valid CHECK constraint on the partition implies the bound. migsafe cannot prove the
// implication; a validated CHECK (other than a bare IS NOT NULL) that the catalog knows on the
// partition is taken to be the one the documented recipe adds right before the ATTACH.
void attach_partition_scan(const Builder& b, Effect& e, const QualifiedName& partition) {
  if (const TableInfo* t = b.ctx().catalog().table(partition)) {
    for (const ConstraintInfo& c : t->constraints)
      if (c.kind == ConstraintKind::Check && c.validated && c.not_null_column.empty()) return;
  }
  Builder::scan(e, Tri::Maybe,
                fmt::format("{} is scanned to check every row against the partition bound, "
                            "unless a valid CHECK constraint on it already proves the bound "
                            "(none is known from this migration)",
                            partition.display()));
}

Effect alter_cmd_effect(const Builder& b, const QualifiedName& table,
                        const PgQuery__AlterTableCmd& cmd, bool validates_references) {
  const FileContext& ctx = b.ctx();
  Effect e;
  LockMode mode = LockMode::AccessExclusive;
  std::string col = cmd.name ? cmd.name : "";
  switch (cmd.subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
      if (const auto* def = as<PgQuery__ColumnDef>(cmd.def))
        add_column_effect(b, e, table, *def, validates_references);
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropExpression:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStorage:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetCompression:
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
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddInherit:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropInherit:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRule:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysRule:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaRule:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRule:
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
        Builder::scan(e, Tri::Yes,
                      fmt::format("SET NOT NULL reads every row to prove {} has no NULLs", col));
      break;
    }
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ClusterOn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropCluster:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions:
      mode = LockMode::ShareUpdateExclusive;
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
      if (const auto* c = as<PgQuery__Constraint>(cmd.def))
        add_constraint_effect(b, e, table, *c, &mode);
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse: {
      mode = LockMode::ShareUpdateExclusive;
      Builder::scan(e, Tri::Yes, fmt::format("VALIDATE CONSTRAINT {} reads every row", col));
      const TableInfo* t = ctx.catalog().table(table);
      const ConstraintInfo* c = t ? t->constraint(col) : nullptr;
      if (c && c->kind == ConstraintKind::ForeignKey) {
        e.validates_foreign_key = true;
        b.lock(e, c->references, LockMode::RowShare, RelationRole::ReferencedTable);
      }
      break;
    }
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse: {
      const TableInfo* t = ctx.catalog().table(table);
      const ConstraintInfo* c = t ? t->constraint(col) : nullptr;
      if (c && c->kind == ConstraintKind::ForeignKey)
        b.lock(e, c->references, LockMode::AccessExclusive, RelationRole::ReferencedTable);
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
      Builder::rewrite(
          e, change.rewrite,
          change.rewrite == Tri::Maybe
              ? (from.empty()
                     ? fmt::format("changing {} to {} rewrites the table and rebuilds its indexes "
                                   "unless its current type (not known from this migration) is "
                                   "binary coercible to {}",
                                   col, to.display(), to.display())
                     : fmt::format("changing {} to {} rewrites the table and rebuilds its indexes "
                                   "unless {} is binary coercible to {} ({})",
                                   col, to.display(), from.display(), to.display(), change.reason))
              : change.reason);
      if (change.rebuilds_indexes && change.rewrite != Tri::No) e.builds_index = true;
      if (change.rewrite == Tri::No && change.rebuilds_indexes) e.builds_index = true;
      break;
    }
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged:
      Builder::rewrite(e, Tri::Yes, "SET LOGGED / SET UNLOGGED copies the whole table");
      e.builds_index = true;
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetAccessMethod:
      Builder::rewrite(e, Tri::Yes, "SET ACCESS METHOD rewrites the table");
      e.builds_index = true;
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace:
      Builder::rewrite(e, Tri::Yes, "SET TABLESPACE copies the table's files");
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition: {
      mode = LockMode::ShareUpdateExclusive;
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
      mode = concurrent ? LockMode::ShareUpdateExclusive : LockMode::AccessExclusive;
      if (pc) b.lock(e, ctx.resolve(pc->name), LockMode::AccessExclusive, RelationRole::Partition);
      if (concurrent) {
        e.no_transaction_block = true;
        e.waits_for_older_transactions = true;
      }
      break;
    }
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartitionFinalize:
      mode = LockMode::ShareUpdateExclusive;
      break;
    default:
      e.known = false;
      break;
  }
  b.lock(e, table, mode, RelationRole::Table);
  // Keep the table lock first: it is what the statement is about.
  std::stable_partition(e.locks.begin(), e.locks.end(),
                        [&](const RelationLock& l) { return l.role == RelationRole::Table; });
  return e;
}

void merge(const Builder& b, Effect& into, const Effect& part) {
  for (const RelationLock& l : part.locks) b.lock(into, l.relation, l.mode, l.role);
  if (part.rewrite != Tri::No) Builder::rewrite(into, part.rewrite, part.rewrite_reason);
  if (part.scan != Tri::No) Builder::scan(into, part.scan, part.scan_reason);
  into.builds_index = into.builds_index || part.builds_index;
  into.validates_foreign_key = into.validates_foreign_key || part.validates_foreign_key;
  into.waits_for_older_transactions =
      into.waits_for_older_transactions || part.waits_for_older_transactions;
  into.no_transaction_block = into.no_transaction_block || part.no_transaction_block;
  into.known = into.known && part.known;
}

Effect alter_table(const Builder& b, const PgQuery__AlterTableStmt& s) {
  Effect e;
  QualifiedName rel = b.ctx().resolve(s.relation);
  RelationRole role = RelationRole::Table;
  switch (s.objtype) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
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
      e.known = false;
      return e;
  }
  bool validates_references = inline_foreign_keys_validated(s);
  for (const PgQuery__Node* n : items(s.cmds, s.n_cmds)) {
    const auto* cmd = as<PgQuery__AlterTableCmd>(n);
    if (!cmd) continue;
    Effect part = alter_cmd_effect(b, rel, *cmd, validates_references);
    if (role != RelationRole::Table) {
      for (RelationLock& l : part.locks)
        if (l.relation == rel) {
          l.role = role;
          l.is_new = b.is_new_relation(rel, role);
        }
    }
    merge(b, e, part);
    e.subcommands.push_back(std::move(part));
  }
  return e;
}

// --- other statements -------------------------------------------------------------------------

Effect index_stmt(const Builder& b, const PgQuery__IndexStmt& s) {
  Effect e;
  QualifiedName table = b.ctx().resolve(s.relation);
  e.builds_index = true;
  if (s.concurrent) {
    b.lock(e, table, LockMode::ShareUpdateExclusive, RelationRole::Table);
    e.no_transaction_block = true;
    e.waits_for_older_transactions = true;
    Builder::scan(e, Tri::Yes, "CREATE INDEX CONCURRENTLY reads the table twice");
  } else {
    b.lock(e, table, LockMode::Share, RelationRole::Table);
    Builder::scan(e, Tri::Yes, "building the index reads every row");
  }
  return e;
}

Effect drop_stmt(const Builder& b, const PgQuery__DropStmt& s) {
  Effect e;
  const FileContext& ctx = b.ctx();
  for (const PgQuery__Node* obj : items(s.objects, s.n_objects)) {
    const auto* list = as<PgQuery__List>(obj);
    if (!list) continue;
    QualifiedName name = ctx.resolve_list(list->items, list->n_items);
    switch (s.remove_type) {
      case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: {
        const IndexInfo* idx = ctx.catalog().index(name);
        QualifiedName table = idx ? idx->table : QualifiedName{};
        LockMode m = s.concurrent ? LockMode::ShareUpdateExclusive : LockMode::AccessExclusive;
        b.lock(e, name, s.concurrent ? LockMode::ShareUpdateExclusive : LockMode::AccessExclusive,
               RelationRole::Index);
        b.lock(e, table, m, RelationRole::IndexTable);
        if (s.concurrent) {
          e.no_transaction_block = true;
          e.waits_for_older_transactions = true;
        }
        break;
      }
      case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE: {
        b.lock(e, name, LockMode::AccessExclusive, RelationRole::Table);
        if (const TableInfo* t = ctx.catalog().table(name)) {
          for (const ConstraintInfo& c : t->constraints)
            if (c.kind == ConstraintKind::ForeignKey && !(c.references == name))
              b.lock(e, c.references, LockMode::AccessExclusive, RelationRole::ReferencedTable);
        }
        break;
      }
      case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
        b.lock(e, name, LockMode::AccessExclusive, RelationRole::View);
        break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
        b.lock(e, name, LockMode::AccessExclusive, RelationRole::MaterializedView);
        break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
        b.lock(e, name, LockMode::AccessExclusive, RelationRole::Sequence);
        break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER: {
        // DROP TRIGGER name ON table: the list is [schema.]table, trigger.
        if (list->n_items >= 2) {
          QualifiedName table = ctx.resolve_list(list->items, list->n_items - 1);
          b.lock(e, table, LockMode::AccessExclusive, RelationRole::Table);
        }
        break;
      }
      default:
        e.known = false;
        break;
    }
  }
  return e;
}

Effect rename_stmt(const Builder& b, const PgQuery__RenameStmt& s) {
  Effect e;
  const FileContext& ctx = b.ctx();
  QualifiedName rel = ctx.resolve(s.relation);
  switch (s.rename_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
      b.lock(e, rel, LockMode::AccessExclusive,
             s.relation_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW ? RelationRole::View
                                                                   : RelationRole::Table);
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
      // PostgreSQL 12 lowered ALTER INDEX ... RENAME to SHARE UPDATE EXCLUSIVE.
      b.lock(e, rel,
             ctx.pg_version() >= 12 ? LockMode::ShareUpdateExclusive : LockMode::AccessExclusive,
             RelationRole::Index);
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
      b.lock(e, rel, LockMode::AccessExclusive, RelationRole::View);
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
      b.lock(e, rel, LockMode::AccessExclusive, RelationRole::MaterializedView);
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
      b.lock(e, rel, LockMode::AccessExclusive, RelationRole::Sequence);
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
      b.lock(e, rel, LockMode::AccessExclusive, RelationRole::Table);
      break;
    default:
      e.known = false;
      break;
  }
  return e;
}

Effect reindex_stmt(const Builder& b, const PgQuery__ReindexStmt& s) {
  Effect e;
  bool concurrent = option_enabled(items(s.params, s.n_params), "concurrently");
  QualifiedName rel = b.ctx().resolve(s.relation);
  e.builds_index = true;
  Builder::scan(e, Tri::Yes, "rebuilding an index reads the whole table");
  if (concurrent) {
    e.no_transaction_block = true;
    e.waits_for_older_transactions = true;
  }
  switch (s.kind) {
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX: {
      const IndexInfo* idx = b.ctx().catalog().index(rel);
      QualifiedName table = idx ? idx->table : QualifiedName{};
      b.lock(e, rel, concurrent ? LockMode::ShareUpdateExclusive : LockMode::AccessExclusive,
             RelationRole::Index);
      b.lock(e, table, concurrent ? LockMode::ShareUpdateExclusive : LockMode::Share,
             RelationRole::IndexTable);
      break;
    }
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_TABLE:
      b.lock(e, rel, concurrent ? LockMode::ShareUpdateExclusive : LockMode::Share,
             RelationRole::Table);
      if (!concurrent) {
        b.lock(e, QualifiedName{}, LockMode::AccessExclusive, RelationRole::Index);
        // The indexes of a table created in this migration are new as well.
        e.locks.back().is_new = b.is_new_relation(rel, RelationRole::Table);
      }
      break;
    default:
      // SCHEMA / DATABASE / SYSTEM: every table in it, one transaction per table.
      e.no_transaction_block = true;
      e.known = false;
      break;
  }
  return e;
}

Effect vacuum_stmt(const Builder& b, const PgQuery__VacuumStmt& s) {
  Effect e;
  bool full = option_enabled(items(s.options, s.n_options), "full");
  if (s.is_vacuumcmd) e.no_transaction_block = true;
  LockMode m = full ? LockMode::AccessExclusive : LockMode::ShareUpdateExclusive;
  if (full)
    Builder::rewrite(e, Tri::Yes, "VACUUM FULL writes a new copy of the table");
  else
    Builder::scan(e, Tri::Yes, "VACUUM / ANALYZE reads the table");
  if (s.n_rels == 0) e.known = false;  // every table in the database
  for (const PgQuery__Node* r : items(s.rels, s.n_rels)) {
    if (const auto* vr = as<PgQuery__VacuumRelation>(r))
      b.lock(e, b.ctx().resolve(vr->relation), m, RelationRole::Table);
  }
  return e;
}

// Relations read or written by a DML statement: the target gets ROW EXCLUSIVE, everything else
// it reads ACCESS SHARE. CTE names are not relations.
Effect dml(const Builder& b, const ProtobufCMessage* m, const PgQuery__RangeVar* target) {
  Effect e;
  std::vector<std::string> ctes;
  for_each_message(m, [&](const ProtobufCMessage& x) {
    if (const auto* cte = as<PgQuery__CommonTableExpr>(&x))
      ctes.emplace_back(cte->ctename ? cte->ctename : "");
  });
  QualifiedName target_name = target ? b.ctx().resolve(target) : QualifiedName{};
  if (target) b.lock(e, target_name, LockMode::RowExclusive, RelationRole::Table);
  for_each_message(m, [&](const ProtobufCMessage& x) {
    const auto* rv = as<PgQuery__RangeVar>(&x);
    if (!rv || rv == target) return;
    if ((!rv->schemaname || !*rv->schemaname) && rv->relname &&
        std::find(ctes.begin(), ctes.end(), rv->relname) != ctes.end())
      return;
    b.lock(e, b.ctx().resolve(rv), LockMode::AccessShare, RelationRole::Table);
  });
  return e;
}

Effect create_stmt(const Builder& b, const PgQuery__CreateStmt& s) {
  Effect e;
  const FileContext& ctx = b.ctx();
  QualifiedName name = ctx.resolve(s.relation);
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
  });
  if (s.partbound) {
    for (const PgQuery__Node* p : items(s.inh_relations, s.n_inh_relations)) {
      if (const auto* rv = as<PgQuery__RangeVar>(p))
        b.lock(e, ctx.resolve(rv), LockMode::AccessExclusive, RelationRole::Parent);
    }
  }
  return e;
}

LockMode lock_stmt_mode(int mode) {
  // LOCK's numeric modes follow lockdefs.h: 1 = ACCESS SHARE ... 8 = ACCESS EXCLUSIVE.
  if (mode < 1 || mode > 8) return LockMode::AccessExclusive;
  return static_cast<LockMode>(mode);
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

Effect predict_statement(const Statement& stmt, const FileContext& ctx);

}  // namespace

bool holds_blocking_lock_while_working(const Effect& e) {
  if (e.rewrite == Tri::No && e.scan == Tri::No && !e.builds_index) return false;
  for (const RelationLock& l : e.locks) {
    if (l.is_new) continue;
    if (l.role == RelationRole::MaterializedView ? blocks_reads(l.mode) : blocks_writes(l.mode))
      return true;
  }
  return false;
}

Effect predict(const Statement& stmt, const FileContext& ctx) {
  Effect e = predict_statement(stmt, ctx);
  if (refuses_transaction_block(unwrap(stmt.node))) e.no_transaction_block = true;
  return e;
}

namespace {

Effect predict_statement(const Statement& stmt, const FileContext& ctx) {
  Builder b(ctx);
  const ProtobufCMessage* m = unwrap(stmt.node);
  Effect e;
  if (!m) {
    e.known = false;
    return e;
  }
  if (const auto* at = as<PgQuery__AlterTableStmt>(m)) return alter_table(b, *at);
  if (const auto* ix = as<PgQuery__IndexStmt>(m)) return index_stmt(b, *ix);
  if (const auto* dr = as<PgQuery__DropStmt>(m)) return drop_stmt(b, *dr);
  if (const auto* rn = as<PgQuery__RenameStmt>(m)) return rename_stmt(b, *rn);
  if (const auto* ri = as<PgQuery__ReindexStmt>(m)) return reindex_stmt(b, *ri);
  if (const auto* va = as<PgQuery__VacuumStmt>(m)) return vacuum_stmt(b, *va);
  if (const auto* cr = as<PgQuery__CreateStmt>(m)) return create_stmt(b, *cr);
  if (const auto* tr = as<PgQuery__TruncateStmt>(m)) {
    for (const PgQuery__Node* r : items(tr->relations, tr->n_relations))
      if (const auto* rv = as<PgQuery__RangeVar>(r))
        b.lock(e, ctx.resolve(rv), LockMode::AccessExclusive, RelationRole::Table);
    Builder::rewrite(e, Tri::Yes, "TRUNCATE gives the table a new, empty file");
    e.scan = Tri::No;
    return e;
  }
  if (const auto* rm = as<PgQuery__RefreshMatViewStmt>(m)) {
    b.lock(e, ctx.resolve(rm->relation),
           rm->concurrent ? LockMode::Exclusive : LockMode::AccessExclusive,
           RelationRole::MaterializedView);
    if (rm->concurrent)
      Builder::scan(e, Tri::Yes, "the view query runs in full and is diffed");
    else
      Builder::rewrite(e, Tri::Yes, "REFRESH writes a new copy of the materialized view");
    return e;
  }
  if (const auto* cl = as<PgQuery__ClusterStmt>(m)) {
    if (!cl->relation) {
      e.known = false;
      e.no_transaction_block = true;
      return e;
    }
    b.lock(e, ctx.resolve(cl->relation), LockMode::AccessExclusive, RelationRole::Table);
    Builder::rewrite(e, Tri::Yes, "CLUSTER writes a new, sorted copy of the table");
    e.builds_index = true;
    return e;
  }
  if (const auto* ct = as<PgQuery__CreateTrigStmt>(m)) {
    b.lock(e, ctx.resolve(ct->relation), LockMode::ShareRowExclusive, RelationRole::Table);
    return e;
  }
  if (const auto* cs = as<PgQuery__CreateStatsStmt>(m)) {
    for (const PgQuery__Node* r : items(cs->relations, cs->n_relations))
      if (const auto* rv = as<PgQuery__RangeVar>(r))
        b.lock(e, ctx.resolve(rv), LockMode::ShareUpdateExclusive, RelationRole::Table);
    return e;
  }
  if (const auto* cm = as<PgQuery__CommentStmt>(m)) {
    const auto* list = as<PgQuery__List>(cm->object);
    if (list && (cm->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE ||
                 cm->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN)) {
      size_t n =
          cm->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN ? list->n_items - 1 : list->n_items;
      if (n > 0)
        b.lock(e, ctx.resolve_list(list->items, n), LockMode::ShareUpdateExclusive,
               RelationRole::Table);
    }
    return e;
  }
  if (const auto* lk = as<PgQuery__LockStmt>(m)) {
    for (const PgQuery__Node* r : items(lk->relations, lk->n_relations))
      if (const auto* rv = as<PgQuery__RangeVar>(r))
        b.lock(e, ctx.resolve(rv), lock_stmt_mode(lk->mode), RelationRole::Table);
    return e;
  }
  if (const auto* ae = as<PgQuery__AlterEnumStmt>(m)) {
    // EXCLUSIVE on the type itself, no table lock. Before PostgreSQL 12, ADD VALUE cannot run
    // inside a transaction block.
    if (ctx.pg_version() < 12 && ae->new_val && *ae->new_val && !(ae->old_val && *ae->old_val))
      e.no_transaction_block = true;
    return e;
  }
  if (const auto* ins = as<PgQuery__InsertStmt>(m)) return dml(b, m, ins->relation);
  if (const auto* upd = as<PgQuery__UpdateStmt>(m)) return dml(b, m, upd->relation);
  if (const auto* del = as<PgQuery__DeleteStmt>(m)) return dml(b, m, del->relation);
  if (as<PgQuery__SelectStmt>(m)) return dml(b, m, nullptr);
  if (as<PgQuery__TransactionStmt>(m) || as<PgQuery__VariableSetStmt>(m) ||
      as<PgQuery__VariableShowStmt>(m) || as<PgQuery__CreateSchemaStmt>(m) ||
      as<PgQuery__CreateFunctionStmt>(m) || as<PgQuery__CreateEnumStmt>(m) ||
      as<PgQuery__CreateSeqStmt>(m) || as<PgQuery__CreateExtensionStmt>(m) ||
      as<PgQuery__CompositeTypeStmt>(m) || as<PgQuery__CreateDomainStmt>(m)) {
    return e;  // no lock on any existing relation
  }
  e.known = false;
  return e;
}

}  // namespace

}  // namespace migsafe
