// Name resolution helpers; see names.hpp.
#include "core/names.hpp"

#include "core/node_util.hpp"
#include "core/parse.hpp"

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

namespace {

// Whether `s` (no '"' in it) holds a run of more than `limit` identifier bytes. A run that long
// starting at or after `i` covers byte i + limit: when the last byte before it that breaks runs
// is at b, no such run starts before b + 1, so the search goes on from there.
bool has_long_run(std::string_view s, size_t limit) {
  const size_t n = s.size();
  for (size_t i = 0; i + limit < n;) {
    size_t j = i + limit + 1;  // [i, j) must be identifier bytes
    while (j > i && is_identifier_byte(s[j - 1])) --j;
    if (j == i) return true;
    i = j;  // s[j - 1] breaks runs
  }
  return false;
}

}  // namespace

bool may_hold_long_identifier(std::string_view text, size_t limit) {
  for (size_t i = 0;;) {
    size_t quote = text.find('"', i);
    if (has_long_run(text.substr(i, (quote == std::string_view::npos ? text.size() : quote) - i),
                     limit))
      return true;
    if (quote == std::string_view::npos) return false;
    size_t close = text.find('"', quote + 1);
    while (close != std::string_view::npos && close + 1 < text.size() && text[close + 1] == '"')
      close = text.find('"', close + 2);  // "" stands for a quote inside the name
    if (close == std::string_view::npos || close - quote - 1 > limit) return true;
    i = close + 1;
  }
}

}  // namespace migsafe
