// A SECURITY DEFINER function without SET search_path runs with its owner's privileges but
// resolves names through the caller's search_path: the caller can put their own function or
// operator first and have it run as the owner.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "security-definer-without-search-path",
    .severity = Severity::Error,
    .category = "security",
    .summary = "a SECURITY DEFINER function without SET search_path",
    .why =
        "A SECURITY DEFINER function runs with its owner's privileges but looks names up through "
        "the caller's search_path: any role that can create objects in a schema the caller puts "
        "first can have its own code run as the owner.",
    .instead =
        "Add SET search_path = <the schemas it uses>, pg_temp to the function (pg_temp last), and "
        "schema-qualify what it calls.",
};

// SECURITY DEFINER is the option `security` with a Boolean true (INVOKER: false).
bool security_definer(const PgQuery__CreateFunctionStmt& s) {
  bool definer = false;
  for (const PgQuery__Node* o : items(s.options, s.n_options)) {
    const auto* d = as<PgQuery__DefElem>(o);
    if (!d || !d->defname || std::string_view(d->defname) != "security") continue;
    definer = is(d->arg, PG_QUERY__NODE__NODE_BOOLEAN) && d->arg->boolean->boolval;
  }
  return definer;
}

bool sets_search_path(const PgQuery__CreateFunctionStmt& s) {
  for (const PgQuery__Node* o : items(s.options, s.n_options)) {
    const auto* d = as<PgQuery__DefElem>(o);
    if (!d || !d->defname || std::string_view(d->defname) != "set") continue;
    const auto* set = as<PgQuery__VariableSetStmt>(d->arg);
    if (set && set->name && std::string_view(set->name) == "search_path") return true;
  }
  return false;
}

void visit(const PgQuery__CreateFunctionStmt& s, Check& c) {
  if (!security_definer(s)) return;
  if (sets_search_path(s)) return;
  // A SQL-standard body (BEGIN ATOMIC ... END, RETURN ...) is parsed when the function is
  // created: its names are bound then, not looked up again at each call.
  if (s.sql_body) return;
  auto names = items(s.funcname, s.n_funcname);
  std::string schema = names.size() >= 2 ? std::string(string_value(names[names.size() - 2]))
                                         : c.ctx().default_schema();
  std::string kind = s.is_procedure ? "procedure" : "function";
  auto f = c.report(
      c.statement_span(),
      fmt::format("SECURITY DEFINER {} {} has no SET search_path: it runs with its owner's "
                  "privileges but resolves table, function and operator names through the "
                  "caller's search_path, so a caller can make it run their own code as the owner",
                  kind, dotted(names)));
  f.help(fmt::format(
      "Pin the search path in the definition, with pg_temp last (otherwise the temporary schema "
      "is searched first for tables):\n"
      "  CREATE {} ... SECURITY DEFINER SET search_path = {}, pg_temp AS ...\n"
      "and schema-qualify the objects it uses. Before PostgreSQL 15 every role may create "
      "objects in public: leave it out of that list if you can. Also REVOKE EXECUTE ON "
      "{} {} FROM PUBLIC and grant it to the roles that need it.",
      s.is_procedure ? "PROCEDURE" : "FUNCTION", quote_ident(schema),
      s.is_procedure ? "PROCEDURE" : "FUNCTION", dotted(names)));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__CreateFunctionStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
