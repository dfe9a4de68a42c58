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
      // Not "char": the parser spells char(n) pg_catalog.bpchar, so a bare "char" is the quoted
      // one-byte internal type.
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

namespace {

// Decimal digits an integer type always holds in full (int2 holds every 4-digit number, ...).
int integer_digits(const std::string& n) {
  if (n == "int2") return 4;
  if (n == "int4") return 9;
  if (n == "int8") return 18;
  return 0;
}
// Decimal digits the largest value of an integer type has.
int integer_max_digits(const std::string& n) {
  if (n == "int2") return 5;
  if (n == "int4") return 10;
  if (n == "int8") return 19;
  return 0;
}
bool is_integer(const std::string& n) {
  return integer_digits(n) > 0;
}
bool is_float(const std::string& n) {
  return n == "float4" || n == "float8";
}
bool is_string(const std::string& n) {
  return n == "text" || n == "varchar" || n == "bpchar";
}
// Significant decimal digits a float type keeps.
int float_digits(const std::string& n) {
  return n == "float4" ? 6 : 15;
}
std::string ordinal(long long n) {
  if (n % 100 >= 11 && n % 100 <= 13) return fmt::format("{}th", n);
  switch (n % 10) {
    case 1:
      return fmt::format("{}st", n);
    case 2:
      return fmt::format("{}nd", n);
    case 3:
      return fmt::format("{}rd", n);
    default:
      return fmt::format("{}th", n);
  }
}
// Integer digits a numeric type holds (-1: unlimited).
long long numeric_integer_digits(const TypeRef& t) {
  if (t.mods.empty()) return -1;
  return t.mods[0] - (t.mods.size() > 1 ? t.mods[1] : 0);
}
// Decimal places a numeric type keeps (-1: unlimited).
long long numeric_scale(const TypeRef& t) {
  if (t.mods.empty()) return -1;
  return t.mods.size() > 1 ? t.mods[1] : 0;
}
// Longest string a string type holds (-1: unlimited).
long long string_length(const TypeRef& t) {
  if (t.name == "text" || t.mods.empty()) return -1;
  return t.mods[0];
}
std::string decimal_places(long long n) {
  if (n == 0) return "the fractional part is rounded away";
  return fmt::format("digits after the {} decimal place are rounded away", ordinal(n));
}

}  // namespace

TypeNarrowing narrowing_type_change(const TypeRef& from, const TypeRef& to, bool explicit_cast) {
  TypeNarrowing r;
  if (from.empty() || to.empty() || !from.builtin() || !to.builtin() || from.array != to.array ||
      from.unknown_mods || to.unknown_mods || from == to)
    return r;
  const std::string& a = from.name;
  const std::string& b = to.name;
  std::string target = to.display();
  auto out_of_range = [&] { r.fails = fmt::format("values outside the range of {}", target); };

  if (is_integer(a) && is_integer(b)) {
    if (integer_max_digits(b) < integer_max_digits(a)) out_of_range();
  } else if (is_integer(a) && is_float(b)) {
    // real keeps 24 bits of mantissa, double precision 53.
    if (a != "int2" && (b == "float4" || a == "int8"))
      r.loses = fmt::format("integers beyond {} lose their last digits",
                            b == "float4" ? "16,777,216" : "9,007,199,254,740,992");
  } else if (is_integer(a) && b == "numeric") {
    long long digits = numeric_integer_digits(to);
    if (digits >= 0 && digits < integer_max_digits(a))
      r.fails = fmt::format("values with more than {} digits before the decimal point", digits);
  } else if ((a == "numeric" || is_float(a)) && is_integer(b)) {
    if (a != "numeric" || numeric_scale(from) != 0) r.loses = decimal_places(0);
    long long digits = a == "numeric" ? numeric_integer_digits(from) : -1;
    if (digits < 0 || digits > integer_digits(b)) out_of_range();
  } else if (a == "float8" && b == "float4") {
    r.loses = "digits beyond the 6th significant digit are rounded";
    out_of_range();
  } else if (a == "numeric" && is_float(b)) {
    r.loses =
        fmt::format("digits beyond the {} significant digit are rounded", ordinal(float_digits(b)));
  } else if ((a == "numeric" || is_float(a)) && b == "numeric") {
    long long from_scale = a == "numeric" ? numeric_scale(from) : -1;
    long long to_scale = numeric_scale(to);
    if (to_scale >= 0 && (from_scale < 0 || to_scale < from_scale))
      r.loses = decimal_places(to_scale);
    long long from_digits = a == "numeric" ? numeric_integer_digits(from) : -1;
    long long to_digits = numeric_integer_digits(to);
    if (to_digits >= 0 && (from_digits < 0 || to_digits < from_digits))
      r.fails = fmt::format("values with more than {} digits before the decimal point", to_digits);
  } else if (is_string(a) && (b == "varchar" || b == "bpchar")) {
    long long from_len = string_length(from);
    long long to_len = string_length(to);
    if (to_len >= 0 && (from_len < 0 || to_len < from_len)) {
      std::string longer = fmt::format("values longer than {} characters", to_len);
      if (explicit_cast)
        r.loses = longer + " are cut to " + std::to_string(to_len);
      else
        r.fails = longer;
    }
  } else if ((a == "varbit" || a == "bit") && (b == "varbit" || b == "bit")) {
    long long from_len = from.mods.empty() ? (a == "bit" ? 1 : -1) : from.mods[0];
    long long to_len = to.mods.empty() ? (b == "bit" ? 1 : -1) : to.mods[0];
    if (to_len >= 0 && (from_len < 0 || to_len < from_len))
      r.fails = fmt::format("bit strings longer than {} bits", to_len);
  } else if (a == b && has_precision_typmod(a)) {
    long long from_p = from.mods.empty() ? 6 : from.mods[0];
    long long to_p = to.mods.empty() ? 6 : to.mods[0];
    if (to_p < from_p)
      r.loses = to_p == 0 ? "fractional seconds are rounded away"
                          : fmt::format("fractional seconds beyond {} digits are rounded", to_p);
  } else if (a == "timestamptz" && b == "timestamp") {
    r.loses =
        "each value becomes the wall-clock time in the session TimeZone, and the instant it "
        "stood for is no longer recorded";
  } else if ((a == "timestamp" || a == "timestamptz") && b == "date") {
    r.loses = "the time of day is dropped";
  } else if ((a == "timestamp" || a == "timestamptz") && (b == "time" || b == "timetz")) {
    r.loses = "the date is dropped";
  } else if (a == "timetz" && b == "time") {
    r.loses = "the time zone offset is dropped";
  } else if (a == "json" && b == "jsonb") {
    r.loses =
        "duplicate object keys are dropped (only the last is kept), and key order and whitespace "
        "are lost";
  } else if (a == "inet" && b == "cidr") {
    r.loses = "the host bits of each address are cleared (192.168.1.5/24 becomes 192.168.1.0/24)";
  }
  return r;
}

}  // namespace migsafe
