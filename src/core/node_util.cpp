// Parse-tree readers; see node_util.hpp.
#include "core/node_util.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace migsafe {

std::string_view string_value(const PgQuery__Node* n) {
  if (is(n, PG_QUERY__NODE__NODE_STRING) && n->string && n->string->sval) return n->string->sval;
  return {};
}

std::optional<long long> integer_value(const PgQuery__Node* n) {
  if (!is(n, PG_QUERY__NODE__NODE_A_CONST) || n->a_const->isnull) return std::nullopt;
  const PgQuery__AConst* c = n->a_const;
  if (c->val_case == PG_QUERY__A__CONST__VAL_IVAL && c->ival) return c->ival->ival;
  if (c->val_case == PG_QUERY__A__CONST__VAL_FVAL && c->fval && c->fval->fval) {
    long long v = 0;
    std::string_view s = c->fval->fval;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size()) return v;
  }
  return std::nullopt;
}

std::optional<std::string> const_text(const PgQuery__Node* n) {
  if (!is(n, PG_QUERY__NODE__NODE_A_CONST) || n->a_const->isnull) return std::nullopt;
  const PgQuery__AConst* c = n->a_const;
  switch (c->val_case) {
    case PG_QUERY__A__CONST__VAL_IVAL:
      return std::to_string(c->ival ? c->ival->ival : 0);
    case PG_QUERY__A__CONST__VAL_FVAL:
      return std::string(c->fval && c->fval->fval ? c->fval->fval : "");
    case PG_QUERY__A__CONST__VAL_SVAL:
      return std::string(c->sval && c->sval->sval ? c->sval->sval : "");
    case PG_QUERY__A__CONST__VAL_BOOLVAL:
      return std::string(c->boolval && c->boolval->boolval ? "true" : "false");
    case PG_QUERY__A__CONST__VAL_BSVAL:
      return std::string(c->bsval && c->bsval->bsval ? c->bsval->bsval : "");
    default:
      return std::nullopt;
  }
}

std::string dotted(std::span<PgQuery__Node* const> names) {
  std::string out;
  for (const PgQuery__Node* n : names) {
    if (!out.empty()) out += '.';
    out += string_value(n);
  }
  return out;
}

std::string_view last_name(std::span<PgQuery__Node* const> names) {
  return names.empty() ? std::string_view() : string_value(names.back());
}

bool option_enabled(std::span<PgQuery__Node* const> options, std::string_view name) {
  bool on = false;
  for (const PgQuery__Node* o : options) {
    if (!is(o, PG_QUERY__NODE__NODE_DEF_ELEM) || !o->def_elem->defname) continue;
    const PgQuery__DefElem* d = o->def_elem;
    if (std::string_view(d->defname) != name) continue;
    const PgQuery__Node* arg = d->arg;
    if (!arg) {
      on = true;
    } else if (is(arg, PG_QUERY__NODE__NODE_INTEGER)) {
      on = arg->integer->ival != 0;
    } else {
      std::string v(string_value(arg));
      if (v.empty())
        if (auto c = const_text(arg)) v = *c;
      std::transform(v.begin(), v.end(), v.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      on = v != "false" && v != "off" && v != "0";
    }
  }
  return on;
}

namespace {

std::string_view object_keyword(PgQuery__ObjectType t) {
  switch (t) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
      return "TABLE";
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
      return "INDEX";
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
      return "VIEW";
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
      return "MATERIALIZED VIEW";
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
      return "SEQUENCE";
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
      return "FOREIGN TABLE";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
      return "TRIGGER";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
      return "TYPE";
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN:
      return "DOMAIN";
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
      return "FUNCTION";
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
      return "PROCEDURE";
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
      return "SCHEMA";
    case PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION:
      return "EXTENSION";
    case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY:
      return "POLICY";
    case PG_QUERY__OBJECT_TYPE__OBJECT_RULE:
      return "RULE";
    default:
      return "";
  }
}

std::string with_object(std::string_view verb, PgQuery__ObjectType t, std::string_view rest = "") {
  std::string out(verb);
  std::string_view obj = object_keyword(t);
  if (!obj.empty()) {
    out += ' ';
    out += obj;
  }
  out += rest;
  return out;
}

std::string rename_kind(const PgQuery__RenameStmt& r) {
  switch (r.rename_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
      return with_object("ALTER", r.relation_type, " ... RENAME COLUMN");
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
      return "ALTER TABLE ... RENAME CONSTRAINT";
    default:
      return with_object("ALTER", r.rename_type, " ... RENAME TO");
  }
}

std::string reindex_kind(const PgQuery__ReindexStmt& r) {
  std::string out = "REINDEX";
  switch (r.kind) {
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX:
      out += " INDEX";
      break;
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_TABLE:
      out += " TABLE";
      break;
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SCHEMA:
      out += " SCHEMA";
      break;
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SYSTEM:
      out += " SYSTEM";
      break;
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_DATABASE:
      out += " DATABASE";
      break;
    default:
      break;
  }
  if (option_enabled(items(r.params, r.n_params), "concurrently")) out += " CONCURRENTLY";
  return out;
}

}  // namespace

std::string statement_kind(const PgQuery__Node* stmt) {
  if (!stmt) return "";
  switch (stmt->node_case) {
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
      return with_object("ALTER", stmt->alter_table_stmt->objtype);
    case PG_QUERY__NODE__NODE_INDEX_STMT:
      return stmt->index_stmt->concurrent ? "CREATE INDEX CONCURRENTLY" : "CREATE INDEX";
    case PG_QUERY__NODE__NODE_DROP_STMT:
      return with_object("DROP", stmt->drop_stmt->remove_type,
                         stmt->drop_stmt->concurrent ? " CONCURRENTLY" : "");
    case PG_QUERY__NODE__NODE_RENAME_STMT:
      return rename_kind(*stmt->rename_stmt);
    case PG_QUERY__NODE__NODE_REINDEX_STMT:
      return reindex_kind(*stmt->reindex_stmt);
    case PG_QUERY__NODE__NODE_VACUUM_STMT: {
      const PgQuery__VacuumStmt* v = stmt->vacuum_stmt;
      if (!v->is_vacuumcmd) return "ANALYZE";
      return option_enabled(items(v->options, v->n_options), "full") ? "VACUUM FULL" : "VACUUM";
    }
    case PG_QUERY__NODE__NODE_CREATE_STMT:
      return "CREATE TABLE";
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
      return stmt->create_table_as_stmt->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW
                 ? "CREATE MATERIALIZED VIEW"
                 : "CREATE TABLE AS";
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
      return "TRUNCATE";
    case PG_QUERY__NODE__NODE_LOCK_STMT:
      return "LOCK TABLE";
    case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
      return "CREATE TRIGGER";
    case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT:
      return stmt->refresh_mat_view_stmt->concurrent ? "REFRESH MATERIALIZED VIEW CONCURRENTLY"
                                                     : "REFRESH MATERIALIZED VIEW";
    case PG_QUERY__NODE__NODE_CLUSTER_STMT:
      return "CLUSTER";
    case PG_QUERY__NODE__NODE_COMMENT_STMT:
      return "COMMENT ON";
    case PG_QUERY__NODE__NODE_CREATE_STATS_STMT:
      return "CREATE STATISTICS";
    case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT:
      return "ALTER TYPE";
    case PG_QUERY__NODE__NODE_INSERT_STMT:
      return "INSERT";
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
      return "UPDATE";
    case PG_QUERY__NODE__NODE_DELETE_STMT:
      return "DELETE";
    case PG_QUERY__NODE__NODE_MERGE_STMT:
      return "MERGE";
    case PG_QUERY__NODE__NODE_SELECT_STMT:
      return "SELECT";
    case PG_QUERY__NODE__NODE_CREATEDB_STMT:
      return "CREATE DATABASE";
    case PG_QUERY__NODE__NODE_DROPDB_STMT:
      return "DROP DATABASE";
    case PG_QUERY__NODE__NODE_ALTER_DATABASE_STMT:
      return "ALTER DATABASE";
    case PG_QUERY__NODE__NODE_ALTER_SYSTEM_STMT:
      return "ALTER SYSTEM";
    case PG_QUERY__NODE__NODE_CREATE_TABLE_SPACE_STMT:
      return "CREATE TABLESPACE";
    case PG_QUERY__NODE__NODE_DROP_TABLE_SPACE_STMT:
      return "DROP TABLESPACE";
    case PG_QUERY__NODE__NODE_CREATE_SUBSCRIPTION_STMT:
      return "CREATE SUBSCRIPTION";
    case PG_QUERY__NODE__NODE_DROP_SUBSCRIPTION_STMT:
      return "DROP SUBSCRIPTION";
    case PG_QUERY__NODE__NODE_DISCARD_STMT:
      return "DISCARD";
    case PG_QUERY__NODE__NODE_VIEW_STMT:
      return "CREATE VIEW";
    case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT:
      return with_object("ALTER", stmt->alter_object_schema_stmt->object_type, " ... SET SCHEMA");
    default:
      return "";
  }
}

int node_location(const PgQuery__Node* n) {
  if (!n) return -1;
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_RANGE_VAR:
      return n->range_var->location;
    case PG_QUERY__NODE__NODE_COLUMN_DEF:
      return n->column_def->location;
    case PG_QUERY__NODE__NODE_CONSTRAINT:
      return n->constraint->location;
    case PG_QUERY__NODE__NODE_FUNC_CALL:
      return n->func_call->location;
    case PG_QUERY__NODE__NODE_A_CONST:
      return n->a_const->location;
    case PG_QUERY__NODE__NODE_TYPE_CAST:
      return n->type_cast->location;
    case PG_QUERY__NODE__NODE_TYPE_NAME:
      return n->type_name->location;
    case PG_QUERY__NODE__NODE_COLUMN_REF:
      return n->column_ref->location;
    case PG_QUERY__NODE__NODE_A_EXPR:
      return n->a_expr->location;
    case PG_QUERY__NODE__NODE_BOOL_EXPR:
      return n->bool_expr->location;
    case PG_QUERY__NODE__NODE_NULL_TEST:
      return n->null_test->location;
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION:
      return n->sqlvalue_function->location;
    case PG_QUERY__NODE__NODE_RES_TARGET:
      return n->res_target->location;
    case PG_QUERY__NODE__NODE_ROLE_SPEC:
      return n->role_spec->location;
    case PG_QUERY__NODE__NODE_SUB_LINK:
      return n->sub_link->location;
    case PG_QUERY__NODE__NODE_CASE_EXPR:
      return n->case_expr->location;
    case PG_QUERY__NODE__NODE_COALESCE_EXPR:
      return n->coalesce_expr->location;
    case PG_QUERY__NODE__NODE_A_ARRAY_EXPR:
      return n->a_array_expr->location;
    case PG_QUERY__NODE__NODE_ROW_EXPR:
      return n->row_expr->location;
    case PG_QUERY__NODE__NODE_DEF_ELEM:
      return n->def_elem->location;
    case PG_QUERY__NODE__NODE_INDEX_ELEM:
      return -1;
    default:
      return -1;
  }
}

}  // namespace migsafe
