// What pack.cpp and unpack.cpp share about protobuf-c's in-memory layout and the wire format.
#pragma once

#include <protobuf-c/protobuf-c.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <unordered_map>

namespace migsafe::fastpack::wire {

// A value of type T at `p` (members are not always aligned for T in the generated structs).
template <typename T>
T load(const void* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// The size of one element of a repeated field's array, as protobuf-c lays it out.
inline size_t element_size(ProtobufCType t) {
  switch (t) {
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_DOUBLE:
      return 8;
    case PROTOBUF_C_TYPE_BOOL:
      return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_MESSAGE:
      return sizeof(void*);
    case PROTOBUF_C_TYPE_BYTES:
      return sizeof(ProtobufCBinaryData);
    default:
      return 4;
  }
}

// The wire type of a (non-packed) value of type `t`.
inline unsigned wire_type(ProtobufCType t) {
  switch (t) {
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_DOUBLE:
      return PROTOBUF_C_WIRE_TYPE_64BIT;
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_FLOAT:
      return PROTOBUF_C_WIRE_TYPE_32BIT;
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_BYTES:
    case PROTOBUF_C_TYPE_MESSAGE:
      return PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED;
    default:
      return PROTOBUF_C_WIRE_TYPE_VARINT;
  }
}

// Reads the wire format front to back; every read checks the bounds and fails (false) on
// truncated input or a varint longer than ten bytes.
class Reader {
 public:
  Reader(const uint8_t* p, const uint8_t* end) : p_(p), end_(end) {}
  bool done() const { return p_ >= end_; }
  const uint8_t* at() const { return p_; }

  bool varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (p_ >= end_) return false;
      uint8_t b = *p_++;
      if (shift < 64) v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool bytes(size_t n, const uint8_t*& out) {
    if (static_cast<size_t>(end_ - p_) < n) return false;
    out = p_;
    p_ += n;
    return true;
  }
  // Skips one value of wire type `wire`; for a length-prefixed one, `payload` gets its bytes.
  bool skip(unsigned wire, const uint8_t** payload = nullptr, size_t* len = nullptr) {
    uint64_t v;
    const uint8_t* b;
    switch (wire) {
      case PROTOBUF_C_WIRE_TYPE_VARINT:
        return varint(v);
      case PROTOBUF_C_WIRE_TYPE_64BIT:
        return bytes(8, b);
      case PROTOBUF_C_WIRE_TYPE_32BIT:
        return bytes(4, b);
      case PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED:
        if (!varint(v) || !bytes(v, b)) return false;
        if (payload) *payload = b;
        if (len) *len = v;
        return true;
      default:
        return false;  // groups: protobuf-c does not write them
    }
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

// `make(d)`, computed once per descriptor and thread: a direct-mapped cache in front of a map
// (a tree has a few dozen message types, and a hash lookup per message showed in the profile).
template <typename Info, Info (*make)(const ProtobufCMessageDescriptor*)>
const Info& per_descriptor(const ProtobufCMessageDescriptor* d) {
  struct Slot {
    const ProtobufCMessageDescriptor* d = nullptr;
    const Info* info = nullptr;
  };
  thread_local std::unordered_map<const ProtobufCMessageDescriptor*, Info> infos;
  thread_local Slot cache[256];
  Slot& slot = cache[(reinterpret_cast<uintptr_t>(d) >> 4) & 255];
  if (slot.d == d) return *slot.info;
  auto it = infos.find(d);
  if (it == infos.end()) it = infos.emplace(d, make(d)).first;
  slot = Slot{d, &it->second};  // unordered_map never moves its elements
  return it->second;
}

}  // namespace migsafe::fastpack::wire
