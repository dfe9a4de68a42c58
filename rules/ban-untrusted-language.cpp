// Functions (and DO blocks) in C or an untrusted procedural language (plpython3u, plperlu,
// pltclu, ...): their code runs inside the server process with the operating-system user's
// rights, outside every SQL permission check.
#include <fmt/format.h>

#include <cctype>

#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-untrusted-language",
    .severity = Severity::Warning,
    .category = "security",
    .summary = "a function or DO block in C or an untrusted language",
    .why =
        "C functions and untrusted languages (plpython3u, plperlu, pltclu, ...) run inside the "
        "server process with the PostgreSQL operating-system user's rights: they can read and "
        "write any file and bypass every SQL permission, and a C bug crashes the server.",
    .instead =
        "Write it in a trusted language (SQL, PL/pgSQL, PL/Perl, PL/Tcl, PL/v8); ship C code as "
        "a reviewed extension installed with CREATE EXTENSION.",
};

// C, and the untrusted variants: by convention a procedural language whose name ends in `u`
// (plpython3u, plperlu, pltclu, plluau, javau), plus PL/R and PL/sh, which have no trusted form.
bool untrusted(std::string lang) {
  for (char& ch : lang) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (lang == "c" || lang == "plr" || lang == "plsh" || lang == "javau") return true;
  return lang.size() > 3 && lang.starts_with("pl") && lang.ends_with("u");
}

const PgQuery__DefElem* language_of(std::span<PgQuery__Node* const> options) {
  for (const PgQuery__Node* o : options) {
    const auto* d = as<PgQuery__DefElem>(o);
    if (d && d->defname && std::string_view(d->defname) == "language") return d;
  }
  return nullptr;
}

// The trusted form of an untrusted language, where PostgreSQL ships one.
std::string_view trusted_variant(std::string_view lang) {
  if (lang == "plperlu") return "plperl";
  if (lang == "pltclu") return "pltcl";
  if (lang == "plluau") return "pllua";
  return {};
}

// `what` names the routine ("function slugify"), or is "a DO block".
void report(const PgQuery__DefElem& lang, std::string_view what, std::string_view routine,
            Check& c) {
  std::string name(string_value(lang.arg));
  if (!untrusted(name)) return;
  bool is_c = name == "c" || name == "C";
  auto f = c.report(
      c.token_at(lang.location),
      fmt::format("{} in {}: {}, with the PostgreSQL operating-system user's rights and outside "
                  "every SQL permission check",
                  what, is_c ? "C" : name,
                  is_c ? "it loads a shared library into the server process, where a bug crashes "
                         "the server and any code can run"
                       : "an untrusted language runs any code inside the server process"));
  std::string it = routine.empty() ? std::string("it") : std::string(routine);
  std::string_view trusted = trusted_variant(name);
  f.help(is_c ? fmt::format("Ship the C code of {} as a reviewed extension (CREATE EXTENSION), "
                            "not from a migration.",
                            it)
              : fmt::format("Rewrite {} in a trusted language (SQL, PL/pgSQL{}), or move the "
                            "work out of the database.",
                            it,
                            trusted.empty() ? std::string()
                                            : fmt::format(", or {} instead of {}", trusted, name)));
}

void visit_function(const PgQuery__CreateFunctionStmt& s, Check& c) {
  if (const auto* lang = language_of(items(s.options, s.n_options)))
    report(*lang, s.is_procedure ? "a procedure" : "a function",
           fmt::format("{} {}", s.is_procedure ? "procedure" : "function",
                       dotted(items(s.funcname, s.n_funcname))),
           c);
}

void visit_do(const PgQuery__DoStmt& s, Check& c) {
  if (const auto* lang = language_of(items(s.args, s.n_args)))
    report(*lang, "a DO block", "the DO block", c);
}

const RegisterRule reg{RuleDef{
    .meta = kMeta,
    .visits = {on<PgQuery__CreateFunctionStmt>(visit_function), on<PgQuery__DoStmt>(visit_do)}}};

}  // namespace
}  // namespace migsafe
