// libpq, loaded when a command first talks to a server (`migsafe trace`, `stats --dsn`, the
// lock oracle) instead of at start-up. Linking it made every run, a one-file pre-commit check
// included, load and relocate the 23 libraries libpq depends on (Kerberos, LDAP, GnuTLS, SASL
// ...): about 5 ms of a 7 ms run (callgrind: 13.4 M of 18.7 M instructions in the dynamic
// loader). The types and constants still come from libpq-fe.h; only the functions are looked
// up here, once, with dlopen / dlsym.
#pragma once

#include <libpq-fe.h>

namespace migsafe::db::libpq {

#define MIGSAFE_LIBPQ_FUNCTIONS(X) \
  X(PQbackendPID)                  \
  X(PQclear)                       \
  X(PQconnectdb)                   \
  X(PQconninfoFree)                \
  X(PQconninfoParse)               \
  X(PQconsumeInput)                \
  X(PQerrorMessage)                \
  X(PQexecParams)                  \
  X(PQfinish)                      \
  X(PQfname)                       \
  X(PQfreemem)                     \
  X(PQgetResult)                   \
  X(PQgetisnull)                   \
  X(PQgetlength)                   \
  X(PQgetvalue)                    \
  X(PQisBusy)                      \
  X(PQnfields)                     \
  X(PQntuples)                     \
  X(PQparameterStatus)             \
  X(PQresultErrorField)            \
  X(PQresultStatus)                \
  X(PQsendQuery)                   \
  X(PQserverVersion)               \
  X(PQsetNoticeProcessor)          \
  X(PQstatus)

struct Api {
#define MIGSAFE_LIBPQ_MEMBER(name) decltype(&::name) name = nullptr;
  MIGSAFE_LIBPQ_FUNCTIONS(MIGSAFE_LIBPQ_MEMBER)
#undef MIGSAFE_LIBPQ_MEMBER
};

// The functions, loading libpq.so.5 on the first call (thread-safe). Throws db::PgError
// ("cannot load libpq ...: install libpq5") when the library or a function is missing.
const Api& api();

// Whether libpq has been loaded into this process (for the test that start-up does not).
bool loaded();

}  // namespace migsafe::db::libpq
