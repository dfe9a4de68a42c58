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
