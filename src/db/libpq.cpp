#include "db/libpq.hpp"

#include <dlfcn.h>

#include <atomic>
#include <mutex>
#include <string>

#include "db/pg.hpp"

namespace migsafe::db::libpq {
namespace {

std::atomic<bool> is_loaded{false};

// Loads once; on failure remembers the message so every caller gets the same error.
struct Loaded {
  Api api;
  std::string error;

  Loaded() {
    // The soname of libpq's ABI (PostgreSQL 10 and later; libpq5 on Debian).
    void* handle = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = dlerror();
      error = std::string("cannot load libpq (") + (why ? why : "libpq.so.5 not found") +
              "); install libpq5 (Debian) to use the commands that connect to PostgreSQL";
      return;
    }
#define MIGSAFE_LIBPQ_LOOKUP(name)                                       \
  api.name = reinterpret_cast<decltype(api.name)>(dlsym(handle, #name)); \
  if (!api.name && error.empty()) error = "libpq.so.5 has no function " #name;
    MIGSAFE_LIBPQ_FUNCTIONS(MIGSAFE_LIBPQ_LOOKUP)
#undef MIGSAFE_LIBPQ_LOOKUP
    // Never dlclose'd: libpq registers thread-exit and OpenSSL state that must outlive us.
    is_loaded = true;
  }
};

}  // namespace

const Api& api() {
  static const Loaded loaded;  // C++11 guarantees one initialization across threads
  if (!loaded.error.empty()) throw PgError(loaded.error, "");
  return loaded.api;
}

bool loaded() {
  return is_loaded.load();
}

}  // namespace migsafe::db::libpq
