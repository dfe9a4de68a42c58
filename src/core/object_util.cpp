// Helpers for the object rules; see object_util.hpp.
#include "core/object_util.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>

#include "core/node_util.hpp"

namespace migsafe {

bool is_new_object_of_type(const FileContext& ctx, PgQuery__ObjectType type,
                           const QualifiedName& name) {
  switch (type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
      return ctx.is_new_table(name) || ctx.is_new_object(ObjectKind::View, name);
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: {
      const IndexInfo* idx = ctx.catalog().index(name);
      return idx && (is_new(idx->origin) || ctx.is_new_table(idx->table));
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
      return ctx.is_new_object(ObjectKind::View, name);
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE:
      return ctx.is_new_object(ObjectKind::Function, name);
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN:
      return ctx.is_new_object(ObjectKind::Type, name);
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
      return ctx.is_new_object(ObjectKind::Sequence, name);
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
      return ctx.is_new_object(ObjectKind::Schema, name);
    default:
      return false;
  }
}

bool is_new_column(const FileContext& ctx, const QualifiedName& table, std::string_view column) {
  if (ctx.is_new_table(table)) return true;
  const TableInfo* t = ctx.catalog().table(table);
  const ColumnInfo* c = t ? t->column(column) : nullptr;
  return c && is_new(c->origin);
}

ConstraintKind constraint_kind(const FileContext& ctx, const QualifiedName& table,
                               std::string_view name, bool* from_name) {
  const TableInfo* t = ctx.catalog().table(table);
  const ConstraintInfo* known = t ? t->constraint(name) : nullptr;
  if (from_name) *from_name = false;
  if (known && known->kind != ConstraintKind::Other) return known->kind;
  if (from_name) *from_name = true;
  std::string lower(name);
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto ends = [&](std::initializer_list<std::string_view> suffixes) {
    for (std::string_view x : suffixes)
      if (lower.size() > x.size() && std::string_view(lower).substr(lower.size() - x.size()) == x)
        return true;
    return false;
  };
  auto starts = [&](std::initializer_list<std::string_view> prefixes) {
    for (std::string_view x : prefixes)
      if (lower.size() > x.size() && std::string_view(lower).substr(0, x.size()) == x) return true;
    return false;
  };
  // PostgreSQL's generated suffixes first, then the common conventions of schema tools
  // (Rails, Django, Drizzle, Prisma, Hibernate: fk_..., ..._fk, uq_..., ..._unique, ...).
  if (ends({"_pkey", "_pk"}) || starts({"pk_"})) return ConstraintKind::PrimaryKey;
  if (ends({"_fkey", "_fk"}) || starts({"fk_"})) return ConstraintKind::ForeignKey;
  if (ends({"_excl"})) return ConstraintKind::Exclusion;
  if (ends({"_key", "_unique", "_uniq", "_uq", "_uk"}) || starts({"uq_", "uk_", "unique_"}))
    return ConstraintKind::Unique;
  if (ends({"_check", "_chk", "_ck", "_not_null"}) || starts({"ck_", "chk_", "check_"}))
    return ConstraintKind::Check;
  return ConstraintKind::Other;
}

std::vector<QualifiedName> existing_dropped(const PgQuery__DropStmt& s, const FileContext& ctx) {
  std::vector<QualifiedName> out;
  for (const PgQuery__Node* obj : items(s.objects, s.n_objects)) {
    QualifiedName name = ctx.resolve_object(obj);
    if (!name.empty() && !is_new_object_of_type(ctx, s.remove_type, name)) out.push_back(name);
  }
  return out;
}

std::string_view object_noun(PgQuery__ObjectType t) {
  switch (t) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
      return "table";
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
      return "foreign table";
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
      return "view";
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
      return "materialized view";
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
      return "index";
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
      return "sequence";
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
      return "function";
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
      return "procedure";
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
      return "routine";
    case PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE:
      return "aggregate";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
      return "type";
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN:
      return "domain";
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
      return "schema";
    case PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION:
      return "extension";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
      return "trigger";
    case PG_QUERY__OBJECT_TYPE__OBJECT_RULE:
      return "rule";
    case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY:
      return "policy";
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLLATION:
      return "collation";
    case PG_QUERY__OBJECT_TYPE__OBJECT_CONVERSION:
      return "conversion";
    case PG_QUERY__OBJECT_TYPE__OBJECT_OPERATOR:
      return "operator";
    case PG_QUERY__OBJECT_TYPE__OBJECT_STATISTIC_EXT:
      return "statistics object";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TSCONFIGURATION:
      return "text search configuration";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TSDICTIONARY:
      return "text search dictionary";
    case PG_QUERY__OBJECT_TYPE__OBJECT_PUBLICATION:
      return "publication";
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_SERVER:
      return "foreign server";
    case PG_QUERY__OBJECT_TYPE__OBJECT_EVENT_TRIGGER:
      return "event trigger";
    default:
      return "object";
  }
}

std::string grant_objects(const FileContext& ctx, const PgQuery__GrantStmt& s) {
  std::vector<std::string> names;
  for (const PgQuery__Node* n : items(s.objects, s.n_objects)) {
    if (const auto* rv = as<PgQuery__RangeVar>(n)) {
      names.push_back(ctx.resolve(rv).display());
    } else if (const auto* str = as<PgQuery__String>(n); str && str->sval) {
      names.push_back(quote_ident(str->sval));
    } else if (const auto* f = as<PgQuery__ObjectWithArgs>(n)) {
      names.push_back(resolve_list(f->objname, f->n_objname, ctx.default_schema()).display() +
                      "(...)");
    }
  }
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  if (s.targtype == PG_QUERY__GRANT_TARGET_TYPE__ACL_TARGET_ALL_IN_SCHEMA && !out.empty()) {
    std::string noun(object_noun(s.objtype));
    for (char& ch : noun) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return "ALL " + noun + "S IN SCHEMA " + out;
  }
  return out;
}

std::string grant_privileges(const PgQuery__GrantStmt& s) {
  std::string out;
  for (const PgQuery__Node* n : items(s.privileges, s.n_privileges))
    if (const auto* p = as<PgQuery__AccessPriv>(n); p && p->priv_name) {
      std::string name = p->priv_name;
      for (char& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      out += (out.empty() ? "" : ", ") + name;
    }
  return out.empty() ? "ALL" : out;
}

std::string join_and(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += i + 1 == parts.size() ? " and " : ", ";
    out += parts[i];
  }
  return out;
}

std::string names_phrase(const std::vector<QualifiedName>& names) {
  std::vector<std::string> parts;
  for (const QualifiedName& n : names) parts.push_back(n.display());
  return join_and(parts);
}

std::optional<Token> last_word(Check& c, std::string_view word) {
  const Tokens& tokens = c.tokens();
  std::optional<Token> found;
  for (const Token& t : tokens.all()) {
    std::string_view text = tokens.text_of(t);
    if (text.size() != word.size()) continue;
    bool same = std::equal(text.begin(), text.end(), word.begin(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) ==
             std::tolower(static_cast<unsigned char>(b));
    });
    if (same) found = t;
  }
  return found;
}

std::optional<Fix> remove_cascade_fix(Check& c) {
  auto kw = last_word(c, "cascade");
  if (!kw) return std::nullopt;
  // Take the whitespace before the keyword along, so `DROP VIEW v CASCADE;` becomes `DROP VIEW v;`.
  size_t begin = kw->begin;
  std::string_view bytes = c.file().bytes();
  while (begin > c.statement_span().begin && (bytes[begin - 1] == ' ' || bytes[begin - 1] == '\t'))
    --begin;
  Fix fix;
  fix.title = "Remove CASCADE (the statement then fails if anything still depends on it)";
  fix.safe = false;
  fix.edits.push_back(Edit{Span{begin, kw->end}, ""});
  return fix;
}

}  // namespace migsafe
