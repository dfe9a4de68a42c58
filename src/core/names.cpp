// Name resolution helpers; see names.hpp.
#include "core/names.hpp"

#include "core/node_util.hpp"

namespace migsafe {

std::string quote_ident(std::string_view ident) {
  bool plain = !ident.empty() && ((ident[0] >= 'a' && ident[0] <= 'z') || ident[0] == '_');
  for (char c : ident) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
          static_cast<unsigned char>(c) >= 0x80)) {
      plain = false;
    }
  }
  if (plain) return std::string(ident);
  std::string out = "\"";
  for (char c : ident) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string QualifiedName::display() const {
  if (schema.empty() || schema == "public") return quote_ident(name);
  return quote_ident(schema) + "." + quote_ident(name);
}

QualifiedName resolve(const PgQuery__RangeVar* rv, std::string_view default_schema) {
  QualifiedName q;
  if (!rv) return q;
  q.name = rv->relname ? rv->relname : "";
  q.schema = (rv->schemaname && *rv->schemaname) ? rv->schemaname : std::string(default_schema);
  return q;
}

QualifiedName resolve_list(PgQuery__Node* const* items, size_t n, std::string_view default_schema) {
  QualifiedName q;
  if (n == 0) return q;
  q.name = std::string(string_value(items[n - 1]));
  q.schema = n >= 2 ? std::string(string_value(items[n - 2])) : std::string(default_schema);
  return q;
}

QualifiedName resolve_object(const PgQuery__Node* object, std::string_view default_schema) {
  if (!object) return {};
  switch (object->node_case) {
    case PG_QUERY__NODE__NODE_LIST:
      return resolve_list(object->list->items, object->list->n_items, default_schema);
    case PG_QUERY__NODE__NODE_TYPE_NAME:
      return resolve_list(object->type_name->names, object->type_name->n_names, default_schema);
    case PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS:
      return resolve_list(object->object_with_args->objname, object->object_with_args->n_objname,
                          default_schema);
    case PG_QUERY__NODE__NODE_STRING:
      return QualifiedName{"", std::string(string_value(object))};
    default:
      return {};
  }
}

}  // namespace migsafe
