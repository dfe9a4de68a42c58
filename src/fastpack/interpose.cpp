// Puts migsafe's serializer (pack.hpp) in front of protobuf-c's, by ELF symbol interposition:
// a function defined in the executable takes precedence over the one of the same name in a
// shared library, for calls made from inside that library too. libpg_query.so calls
// protobuf_c_message_get_packed_size and protobuf_c_message_pack through its PLT (they are
// global, default-visibility symbols there), so pg_query_parse_protobuf and pg_query_scan
// serialize with these. This file is linked into each executable (it would be dropped from a
// static library, since nothing in migsafe calls these functions by name).
//
// Should a descriptor not be supported, the call goes on to the next definition in the
// lookup order (libpg_query's own copy of protobuf-c), found with dlsym(RTLD_NEXT).
#include <dlfcn.h>

#include <cstdint>
#include <cstdlib>

#include "fastpack/pack.hpp"

namespace {

template <typename Fn>
Fn next_definition(const char* name) {
  void* f = dlsym(RTLD_NEXT, name);
  if (!f) std::abort();  // cannot happen: libpg_query.so, which is linked in, defines it
  return reinterpret_cast<Fn>(f);
}

}  // namespace

extern "C" size_t protobuf_c_message_get_packed_size(const ProtobufCMessage* message) {
  migsafe::fastpack::count_interposed_call();
  size_t n = migsafe::fastpack::packed_size(message);
  if (n != SIZE_MAX) return n;
  using Fn = size_t (*)(const ProtobufCMessage*);
  static const Fn next = next_definition<Fn>("protobuf_c_message_get_packed_size");
  return next(message);
}

extern "C" size_t protobuf_c_message_pack(const ProtobufCMessage* message, uint8_t* out) {
  migsafe::fastpack::count_interposed_call();
  size_t n = migsafe::fastpack::pack(message, out);
  if (n != SIZE_MAX) return n;
  using Fn = size_t (*)(const ProtobufCMessage*, uint8_t*);
  static const Fn next = next_definition<Fn>("protobuf_c_message_pack");
  return next(message, out);
}
