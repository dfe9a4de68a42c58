// A linear-time protobuf-c serializer that produces the same bytes as protobuf-c 1.4's
// protobuf_c_message_get_packed_size / protobuf_c_message_pack.
//
// Why: libpg_query builds the parse tree as protobuf-c messages and serializes it before
// handing it out. protobuf-c's serializer walks every field of a message's descriptor to find
// the one set member of a oneof; pg_query's Node has about 260 such fields, so serializing
// a tree cost more than half of migsafe's CPU time on a typical corpus (callgrind; see the
// README's performance section). This serializer plans each descriptor once (a oneof is one
// step that jumps to its set member) and computes every sub-message's length in one pass
// before writing, so the work is proportional to the fields actually set.
//
// interpose.cpp puts it in front of libpg_query's copy of the two functions (ELF symbol
// interposition); tests/fastpack_test.cpp proves the bytes are identical to libpg_query's own
// serializer on every fixture, example and corpus file.
#pragma once

#include <protobuf-c/protobuf-c.h>

#include <cstddef>
#include <cstdint>

namespace migsafe::fastpack {

// The serialized size of `message`, as protobuf_c_message_get_packed_size. SIZE_MAX when a
// message in the tree has a descriptor this serializer does not know (wrong magic, a field
// type newer than protobuf-c 1.4); the caller then uses protobuf-c's own.
size_t packed_size(const ProtobufCMessage* message);

// Serializes `message` into `out` (which holds packed_size(message) bytes) and returns the
// number of bytes written, as protobuf_c_message_pack; SIZE_MAX, with nothing written, in the
// case above.
size_t pack(const ProtobufCMessage* message, uint8_t* out);

// How many top-level calls the interposed functions served (the test's proof that the
// interposition is in effect in a binary).
uint64_t interposed_calls();
void count_interposed_call();

}  // namespace migsafe::fastpack
