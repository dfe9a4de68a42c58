// A protobuf-c deserializer for the trees libpg_query serializes: the counterpart of pack.hpp.
//
// protobuf-c's protobuf_c_message_unpack walks every field of a message's descriptor at least
// once per message (to set up repeated fields and check required ones); for pg_query's Node,
// a oneof of about 260 fields, that made unpacking a quarter of migsafe's CPU time once the
// serializer was fixed (callgrind). This one looks a field up by its number in a table built
// once per descriptor and touches only the fields present.
//
// It reads what protobuf-c 1.4 writes: each field once, repeated fields as a run, no unknown
// fields, no groups. Anything else (and any malformed input) makes it return nullptr, and the
// caller unpacks with protobuf-c instead; tests/fastpack_test.cpp compares its trees with
// protobuf-c's, member by member, on every fixture, example and corpus file.
#pragma once

#include <protobuf-c/protobuf-c.h>

#include <cstddef>
#include <cstdint>

namespace migsafe::fastpack {

// The message of type `descriptor` in `data`, allocated with `allocator` (never freed by
// element: use an arena), or nullptr when the input is not in the form above.
ProtobufCMessage* unpack(const ProtobufCMessageDescriptor* descriptor,
                         ProtobufCAllocator* allocator, size_t len, const uint8_t* data);

// Whether two trees hold the same values, field by field (the test's comparison).
bool same_tree(const ProtobufCMessage* a, const ProtobufCMessage* b);

}  // namespace migsafe::fastpack
