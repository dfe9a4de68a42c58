// FileContext: state tracking across the statements of one file; see context.hpp.
#include "model/context.hpp"

#include <algorithm>
#include <cctype>

#include "core/node_util.hpp"
#include "core/walk.hpp"

namespace migsafe {

bool disables_timeout(std::string_view value) {
  size_t i = 0;
  while (i < value.size() && std::isspace(static_cast<unsigned char>(value[i]))) ++i;
  bool digits = false;
  while (i < value.size() && (value[i] == '0' || value[i] == '.')) {
    digits = digits || value[i] == '0';
    ++i;
  }
  if (!digits) return false;
  while (i < value.size() && std::isspace(static_cast<unsigned char>(value[i]))) ++i;
  std::string unit;
  for (; i < value.size(); ++i)
    unit += static_cast<char>(std::tolower(static_cast<unsigned char>(value[i])));
  return unit.empty() || unit == "ms" || unit == "s" || unit == "min" || unit == "h" ||
         unit == "d" || unit == "us";
}

namespace {

bool is_utc_zone(std::string value) {
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const char* const utc[] = {
      "utc",  "etc/utc",  "gmt",       "etc/gmt",       "zulu",      "etc/zulu",
      "uct",  "etc/uct",  "universal", "etc/universal", "greenwich", "etc/greenwich",
      "gmt0", "etc/gmt0", "gmt+0",     "gmt-0",         "etc/gmt+0", "etc/gmt-0",
      "0",    "+00:00",   "00:00"};
  for (const char* z : utc)
    if (value == z) return true;
  return false;
}

Volatility volatility_option(const PgQuery__CreateFunctionStmt& f) {
  for (const PgQuery__Node* o : items(f.options, f.n_options)) {
    const auto* d = as<PgQuery__DefElem>(o);
    if (!d || !d->defname || std::string_view(d->defname) != "volatility") continue;
    std::string_view v = string_value(d->arg);
    if (v == "immutable") return Volatility::Immutable;
    if (v == "stable") return Volatility::Stable;
    return Volatility::Volatile;
  }
  return Volatility::Volatile;  // PostgreSQL's default
}

// `SELECT set_config('lock_timeout', '5s', is_local)`: the function form of SET.
bool set_config_call(const PgQuery__SelectStmt& s, std::string* name, std::string* value,
                     bool* local) {
  if (s.n_target_list != 1 || s.n_from_clause != 0) return false;
  const auto* target = as<PgQuery__ResTarget>(s.target_list[0]);
  const auto* call = target ? as<PgQuery__FuncCall>(target->val) : nullptr;
  if (!call || call->n_args != 3) return false;
  if (last_name(items(call->funcname, call->n_funcname)) != "set_config") return false;
  auto n = const_text(call->args[0]);
  auto v = const_text(call->args[1]);
  auto l = const_text(call->args[2]);
  if (!n || !v || !l) return false;
  *name = *n;
  *value = *v;
  *local = *l == "true" || *l == "t";
  return true;
}

}  // namespace

FileContext::FileContext(const SourceFile& file, const LintSettings& settings)
    : file_(file), settings_(settings) {
  if (settings_.working_catalog) {
    catalog_.use(settings_.working_catalog);
  } else if (settings_.base_catalog) {
    catalog_.own() = *settings_.base_catalog;
  }
  const auto& segments = settings_.transaction_segments;
  if (segments.empty() ? settings_.assume_in_transaction
                       : segments.front().begin == 0 && segments.front().in_transaction)
    begin_assumed_transaction();
  if (!segments.empty() && segments.front().begin == 0) next_segment_ = 1;
}

void FileContext::begin_assumed_transaction() {
  in_tx_ = true;
  assumed_tx_ = true;
  lock_timeout_.begin();
  statement_timeout_.begin();
  timezone_utc_.begin();
  default_schema_.begin();
}

void FileContext::enter(const Statement& stmt) {
  const auto& segments = settings_.transaction_segments;
  bool crossed = false;
  bool in_transaction = false;
  while (next_segment_ < segments.size() && segments[next_segment_].begin <= stmt.span.begin) {
    crossed = true;
    in_transaction = segments[next_segment_].in_transaction;
    ++next_segment_;
  }
  if (!crossed) return;
  // The tool commits the previous segment's transaction (its own or one the SQL left open).
  if (in_tx_) {
    end_transaction(true);
    release_locks();
    ++tx_id_;
  }
  if (in_transaction) begin_assumed_transaction();
}

bool FileContext::is_new_table(const QualifiedName& n) const {
  const TableInfo* t = catalog_.get().table(n);
  return t && is_new(t->origin);
}

std::optional<Volatility> FileContext::user_function_volatility(std::string_view schema,
                                                                std::string_view name) const {
  std::string s = schema.empty() ? default_schema_.current : std::string(schema);
  auto it = functions_.find({s, std::string(name)});
  if (it == functions_.end()) return std::nullopt;
  return it->second;
}

bool FileContext::is_new_object(ObjectKind kind, const QualifiedName& n) const {
  if (n.empty()) return false;
  if (created_objects_.count({kind, n})) return true;
  // Everything in a schema this file created is new as well.
  return kind != ObjectKind::Schema && !n.schema.empty() &&
         created_objects_.count({ObjectKind::Schema, QualifiedName{"", n.schema}});
}

void FileContext::record_created_object(const ProtobufCMessage& m) {
  auto add = [&](ObjectKind k, QualifiedName n) {
    if (!n.empty()) created_objects_.insert({k, std::move(n)});
  };
  if (const auto* v = as<PgQuery__ViewStmt>(&m)) {
    if (!v->replace) add(ObjectKind::View, resolve(v->view));
  } else if (const auto* f = as<PgQuery__CreateFunctionStmt>(&m)) {
    if (!f->replace) add(ObjectKind::Function, resolve_list(f->funcname, f->n_funcname));
  } else if (const auto* e = as<PgQuery__CreateEnumStmt>(&m)) {
    add(ObjectKind::Type, resolve_list(e->type_name, e->n_type_name));
  } else if (const auto* r = as<PgQuery__CreateRangeStmt>(&m)) {
    add(ObjectKind::Type, resolve_list(r->type_name, r->n_type_name));
  } else if (const auto* c = as<PgQuery__CompositeTypeStmt>(&m)) {
    add(ObjectKind::Type, resolve(c->typevar));
  } else if (const auto* d = as<PgQuery__CreateDomainStmt>(&m)) {
    add(ObjectKind::Type, resolve_list(d->domainname, d->n_domainname));
  } else if (const auto* def = as<PgQuery__DefineStmt>(&m)) {
    if (def->kind == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE && !def->if_not_exists && !def->replace)
      add(ObjectKind::Type, resolve_list(def->defnames, def->n_defnames));
  } else if (const auto* q = as<PgQuery__CreateSeqStmt>(&m)) {
    if (!q->if_not_exists) add(ObjectKind::Sequence, resolve(q->sequence));
  } else if (const auto* sc = as<PgQuery__CreateSchemaStmt>(&m)) {
    if (!sc->if_not_exists && sc->schemaname)
      add(ObjectKind::Schema, QualifiedName{"", sc->schemaname});
  } else if (const auto* rn = as<PgQuery__RenameStmt>(&m)) {
    // A new object keeps being new under its new name.
    std::optional<ObjectKind> kind;
    QualifiedName old_name;
    switch (rn->rename_type) {
      case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
        kind = ObjectKind::View;
        old_name = resolve(rn->relation);
        break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
        kind = ObjectKind::Sequence;
        old_name = resolve(rn->relation);
        break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
      case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
        kind = ObjectKind::Function;
        old_name = resolve_object(rn->object);
        break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN:
        kind = ObjectKind::Type;
        old_name = resolve_object(rn->object);
        break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
        kind = ObjectKind::Schema;
        old_name = QualifiedName{"", rn->subname ? rn->subname : ""};
        break;
      default:
        break;
    }
    if (kind && rn->newname && is_new_object(*kind, old_name)) {
      QualifiedName fresh = old_name;
      fresh.name = rn->newname;
      add(*kind, fresh);
    }
  }
}

void FileContext::record_added_enum_value(const PgQuery__AlterEnumStmt& s, const Statement& stmt) {
  // ADD VALUE sets new_val alone; RENAME VALUE sets old_val too. IF NOT EXISTS may add nothing,
  // but when the value already existed its use is safe and when it did not it is not: the file
  // shows which only if it also created the type, so the value is recorded either way.
  if (!in_tx_ || !s.new_val || !*s.new_val || (s.old_val && *s.old_val)) return;
  added_enum_values_.push_back(
      AddedEnumValue{resolve_list(s.type_name, s.n_type_name), s.new_val, stmt.span});
}

UserFunctionLookup FileContext::function_lookup() const {
  return [this](std::string_view schema, std::string_view name) {
    return user_function_volatility(schema, name);
  };
}

void FileContext::begin_routine_transaction() {
  in_tx_ = true;
  routine_tx_ = true;
  lock_timeout_.begin();
  statement_timeout_.begin();
  timezone_utc_.begin();
  default_schema_.begin();
}

void FileContext::enter_routine() {
  if (routine_depth_++ == 0 && !in_tx_) begin_routine_transaction();
}

void FileContext::routine_transaction_end(bool committed) {
  if (!routine_tx_) return;
  end_transaction(committed);
  release_locks();
  ++tx_id_;
  begin_routine_transaction();
}

void FileContext::leave_routine() {
  if (routine_depth_ == 0 || --routine_depth_ > 0) return;
  if (routine_tx_) end_transaction(true);
}

void FileContext::end_transaction(bool committed) {
  lock_timeout_.end(committed);
  statement_timeout_.end(committed);
  timezone_utc_.end(committed);
  default_schema_.end(committed);
  in_tx_ = false;
  assumed_tx_ = false;
  routine_tx_ = false;
  tx_start_.reset();
  added_enum_values_.clear();
}

void FileContext::apply_transaction(const PgQuery__TransactionStmt& t, const Statement& stmt) {
  switch (t.kind) {
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START:
      if (!in_tx_) {
        in_tx_ = true;
        tx_start_ = stmt.span;
        lock_timeout_.begin();
        statement_timeout_.begin();
        timezone_utc_.begin();
        default_schema_.begin();
      }
      break;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_PREPARE:
      if (in_tx_) end_transaction(true);
      break;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
      if (in_tx_) end_transaction(false);
      break;
    default:
      break;
  }
}

void FileContext::set_value(std::string_view name, std::optional<std::string> value, bool local,
                            const Statement& stmt) {
  auto assign = [&](TransactionalSetting& slot) {
    std::optional<SettingValue> v;
    if (value && !disables_timeout(*value)) v = SettingValue{*value, stmt.span, local, tx_id_};
    slot.set(v, local, in_tx_);
  };
  if (name == "lock_timeout") {
    assign(lock_timeout_);
  } else if (name == "statement_timeout") {
    assign(statement_timeout_);
  } else if (name == "timezone") {
    timezone_utc_.set(value ? (is_utc_zone(*value) ? Tri::Yes : Tri::No) : Tri::Maybe, local,
                      in_tx_);
  } else if (name == "search_path") {
    default_schema_.set(value ? *value : "public", local, in_tx_);
  }
}

void FileContext::apply_set(const PgQuery__VariableSetStmt& s, const Statement& stmt) {
  std::string name = s.name ? s.name : "";
  switch (s.kind) {
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE: {
      if (name == "search_path") {
        // The first schema that is not "$user" receives unqualified names.
        for (const PgQuery__Node* a : items(s.args, s.n_args)) {
          auto v = const_text(a);
          if (v && *v != "$user") {
            set_value(name, *v, s.is_local, stmt);
            return;
          }
        }
        return;
      }
      std::optional<std::string> value;
      if (s.n_args >= 1) value = const_text(s.args[0]);
      if (!value) {
        // SET TIME ZONE INTERVAL '...' and other forms: the value is not a plain constant.
        if (name == "timezone") timezone_utc_.set(Tri::Maybe, s.is_local, in_tx_);
        return;
      }
      set_value(name, value, s.is_local, stmt);
      break;
    }
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT:
    case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET:
      set_value(name, std::nullopt, s.is_local, stmt);
      break;
    case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL:
      // RESET ALL is a plain SET of every setting to its default.
      lock_timeout_.reset_all(std::nullopt);
      statement_timeout_.reset_all(std::nullopt);
      timezone_utc_.reset_all(Tri::Maybe);
      default_schema_.reset_all("public");
      break;
    default:
      break;
  }
}

void FileContext::hold(HeldLock h) {
  const RelationLock& l = h.lock;
  if (!l.is_new && !l.unused && !l.relation.empty() && l.role != RelationRole::Indexes) {
    auto [at, added] = held_existing_at_.try_emplace(l.relation, held_existing_.size());
    if (added)
      held_existing_.push_back(h);
    else if (stronger(l.mode, held_existing_[at->second].lock.mode))
      held_existing_[at->second] = h;
  }
  held_.push_back(std::move(h));
}

void FileContext::release_locks() {
  held_.clear();
  held_existing_.clear();
  held_existing_at_.clear();
}

void FileContext::advance(const Statement& stmt, const std::function<const Effect&()>& effect) {
  // Predict before anything changes: the prediction must see the state before the statement.
  // Locks only stay held when a transaction is already open (BEGIN itself takes none).
  bool track_unprotected = !lock_timeout_.current && !first_unprotected_;
  bool track_long = !statement_timeout_.current && !first_long_unprotected_;
  const Effect* held_effect = (in_tx_ || track_unprotected || track_long) ? &effect() : nullptr;
  if (track_unprotected) {
    const RelationLock* l = held_effect->strongest_on_existing();
    if (l && !blocked_traffic(l->mode).empty()) first_unprotected_ = stmt.index;
  }
  if (track_long && holds_blocking_lock_while_working(*held_effect))
    first_long_unprotected_ = stmt.index;
  const ProtobufCMessage* m = unwrap(stmt.node);
  if (m) {
    ReplayState state;
    state.default_schema = default_schema_.current;
    state.origin = Origin::ThisFile;
    state.transaction = tx_id_;
    state.statement = stmt.index;
    ReplayOutcome outcome = catalog_.get().apply(stmt.node, state);
    if (outcome.kind == ReplayOutcome::Unknown)
      unknowns_.push_back(UnknownStatement{stmt.span, std::move(outcome.reason)});
    if (const auto* t = as<PgQuery__TransactionStmt>(m)) {
      // PL/pgSQL refuses transaction commands as SQL statements (COMMIT is its own statement).
      if (!in_routine()) apply_transaction(*t, stmt);
    } else if (const auto* s = as<PgQuery__VariableSetStmt>(m)) {
      apply_set(*s, stmt);
    } else if (const auto* sel = as<PgQuery__SelectStmt>(m)) {
      std::string name, value;
      bool local = false;
      if (set_config_call(*sel, &name, &value, &local)) set_value(name, value, local, stmt);
    } else if (const auto* f = as<PgQuery__CreateFunctionStmt>(m)) {
      auto names = items(f->funcname, f->n_funcname);
      std::string schema = names.size() >= 2 ? std::string(string_value(names[names.size() - 2]))
                                             : default_schema_.current;
      functions_[{schema, std::string(last_name(names))}] = volatility_option(*f);
    } else if (const auto* ae = as<PgQuery__AlterEnumStmt>(m)) {
      record_added_enum_value(*ae, stmt);
    }
    record_created_object(*m);
  }
  if (lock_timeout_.current) first_unprotected_.reset();
  if (statement_timeout_.current) first_long_unprotected_.reset();
  if (in_tx_ && held_effect) {
    std::string kind = statement_kind(stmt.node);
    for (const RelationLock& l : held_effect->locks)
      if (l.mode != LockMode::None)
        hold(HeldLock{l, stmt.index, stmt.span, kind, held_effect->changes_rows});
  } else {
    release_locks();
  }
  // Outside a transaction block every statement is its own transaction.
  if (!in_tx_) {
    ++tx_id_;
    added_enum_values_.clear();
  }
}

}  // namespace migsafe
