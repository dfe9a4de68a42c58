// Type normalisation and the rewrite-free ALTER COLUMN TYPE table (see
// ../shared/reference/postgres-locks.md, "ALTER COLUMN TYPE without a rewrite").
#include "model/types.hpp"

#include <fmt/format.h>

#include <map>

#include "core/node_util.hpp"

namespace migsafe {

namespace {

const std::map<std::string, std::string, std::less<>>& aliases() {
  static const std::map<std::string, std::string, std::less<>> m = {
      {"int", "int4"},
      {"integer", "int4"},
      {"smallint", "int2"},
      {"bigint", "int8"},
      {"real", "float4"},
      {"float", "float8"},
      {"double precision", "float8"},
      {"boolean", "bool"},
      {"decimal", "numeric"},
      {"character varying", "varchar"},
      {"character", "bpchar"},
      {"char", "bpchar"},
      {"timestamp without time zone", "timestamp"},
      {"timestamp with time zone", "timestamptz"},
      {"time without time zone", "time"},
      {"time with time zone", "timetz"},
      {"bit varying", "varbit"},
      {"serial4", "serial"},
      {"serial8", "bigserial"},
      {"serial2", "smallserial"},
  };
  return m;
}

const std::map<std::string, std::string, std::less<>>& spellings() {
  static const std::map<std::string, std::string, std::less<>> m = {
      {"int2", "smallint"},           {"int4", "integer"}, {"int8", "bigint"}, {"float4", "real"},
      {"float8", "double precision"}, {"bool", "boolean"}, {"bpchar", "char"},
  };
  return m;
}

bool has_precision_typmod(const std::string& n) {
  return n == "timestamp" || n == "timestamptz" || n == "time" || n == "timetz" || n == "interval";
}

}  // namespace

TypeRef type_ref(const PgQuery__TypeName* t) {
  TypeRef r;
  if (!t) return r;
  auto names = items(t->names, t->n_names);
  if (names.empty()) return r;
  std::string schema = names.size() >= 2 ? std::string(string_value(names[names.size() - 2])) : "";
  r.name = std::string(last_name(names));
  if (schema == "pg_catalog") schema.clear();
  r.schema = schema;
  if (r.schema.empty()) {
    auto it = aliases().find(r.name);
    if (it != aliases().end()) r.name = it->second;
  }
  for (const PgQuery__Node* m : items(t->typmods, t->n_typmods)) {
    auto v = integer_value(m);
    if (v) {
      r.mods.push_back(*v);
    } else {
      r.unknown_mods = true;
    }
  }
  // `interval` typmods carry field masks before the precision; keep only a trailing precision.
  if (r.name == "interval" && r.mods.size() > 1) r.mods = {r.mods.back()};
  r.array = t->n_array_bounds > 0;
  // float(p): p <= 24 is real, otherwise double precision.
  if (r.schema.empty() && r.name == "float8" && r.mods.size() == 1) {
    if (r.mods[0] <= 24) r.name = "float4";
    r.mods.clear();
  }
  return r;
}

bool is_serial(const TypeRef& t) {
  return t.schema.empty() &&
         (t.name == "serial" || t.name == "bigserial" || t.name == "smallserial");
}

std::string TypeRef::display() const {
  std::string out;
  if (!schema.empty()) out = schema + ".";
  auto it = spellings().find(name);
  out += it != spellings().end() ? it->second : name;
  if (!mods.empty()) {
    out += "(";
    for (size_t i = 0; i < mods.size(); ++i) {
      if (i) out += ',';
      out += std::to_string(mods[i]);
    }
    out += ")";
  }
  if (array) out += "[]";
  return out;
}

TypeChange classify_type_change(const TypeRef& from, const TypeRef& to, bool using_changes_data,
                                bool collation_change, Tri session_utc) {
  TypeChange c;
  auto yes = [&](std::string why) {
    c.rewrite = Tri::Yes;
    c.rebuilds_indexes = true;
    c.reason = std::move(why);
    return c;
  };
  auto no = [&](std::string why, bool rebuild = false) {
    c.rewrite = Tri::No;
    c.rebuilds_indexes = rebuild;
    c.reason = std::move(why);
    return c;
  };
  if (using_changes_data) return yes("the USING clause computes new values for every row");
  if (from.empty() || from.unknown_mods || to.unknown_mods) {
    c.rewrite = Tri::Maybe;
    c.reason = "the column's current type is not known";
    return c;
  }
  if (from == to) {
    if (collation_change) return no("only the collation changes", true);
    return no("the type does not change");
  }
  if (!from.builtin() || !to.builtin()) {
    c.rewrite = Tri::Maybe;
    c.reason = "a user-defined type or domain is involved";
    return c;
  }
  if (from.array != to.array)
    return yes(fmt::format("{} and {} are not binary coercible", from.display(), to.display()));
  if (from.array) {
    return yes("array element types change");
  }
  const std::string& a = from.name;
  const std::string& b = to.name;
  auto bigger_or_unbounded = [&](size_t i) {
    if (to.mods.size() <= i) return true;  // no limit in the new type
    if (from.mods.size() <= i) return false;
    return to.mods[i] >= from.mods[i];
  };
  if ((a == "varchar" || a == "text") && b == "text")
    return no("text and varchar are binary coercible");
  if (a == "text" && b == "varchar" && to.mods.empty())
    return no("text and varchar are binary coercible");
  if (a == "varchar" && b == "varchar") {
    if (bigger_or_unbounded(0)) return no("the length limit only grows");
    return yes(fmt::format("shrinking {} to {} checks and rewrites every row", from.display(),
                           to.display()));
  }
  if (a == "numeric" && b == "numeric") {
    if (to.mods.empty()) return no("unconstrained numeric accepts every value");
    long long from_scale = from.mods.size() > 1 ? from.mods[1] : 0;
    long long to_scale = to.mods.size() > 1 ? to.mods[1] : 0;
    if (!from.mods.empty() && from_scale == to_scale && to.mods[0] >= from.mods[0])
      return no("the precision only grows with the same scale");
    return yes(fmt::format("{} to {} changes the stored scale or precision", from.display(),
                           to.display()));
  }
  if (a == "varbit" && b == "varbit") {
    if (bigger_or_unbounded(0)) return no("the bit length limit only grows");
    return yes("shrinking a bit varying column rewrites it");
  }
  if (a == "cidr" && b == "inet") return no("cidr is binary coercible to inet");
  if (a == b && has_precision_typmod(a)) {
    if (bigger_or_unbounded(0)) return no("the fractional-second precision only grows");
    return yes("reducing fractional-second precision rounds every value");
  }
  if ((a == "timestamp" && b == "timestamptz") || (a == "timestamptz" && b == "timestamp")) {
    // The cast keeps the bytes only when the session TimeZone is UTC; a precision on the new
    // type adds a rounding step PostgreSQL cannot prove harmless (measured: timestamp(3) ->
    // timestamptz(3) rewrites even under UTC, timestamp(3) -> timestamptz does not).
    if (session_utc == Tri::Yes && to.mods.empty())
      return no("the session TimeZone is UTC, so stored values keep their meaning");
    c.rewrite = Tri::Yes;
    c.reason = session_utc == Tri::Yes
                   ? fmt::format(
                         "converting to {} with a precision rewrites even under UTC; convert to "
                         "{} without one",
                         to.display(), to.name == "timestamptz" ? "timestamptz" : "timestamp")
                   : "timestamp <-> timestamptz rewrites unless the session TimeZone is UTC "
                     "(add SET LOCAL TimeZone = 'UTC' before it)";
    return c;
  }
  return yes(fmt::format("{} is not binary coercible to {}", from.display(), to.display()));
}

}  // namespace migsafe
