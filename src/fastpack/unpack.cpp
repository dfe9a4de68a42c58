// See unpack.hpp.
#include "fastpack/unpack.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "fastpack/wire.hpp"

namespace migsafe::fastpack {
namespace {

using wire::element_size;
using wire::load;
using wire::Reader;
using wire::wire_type;

// Per descriptor: field number -> field, and the repeated fields' counter slots.
struct Layout {
  std::vector<int> by_id;                 // field index + 1 per field number (0: no such field)
  std::vector<int> repeated;              // per field index: its repeated counter slot, or -1
  std::vector<unsigned> repeated_fields;  // the field index of each counter slot
  int n_repeated = 0;
  bool supported = true;
};

Layout make_layout(const ProtobufCMessageDescriptor* d) {
  Layout l;
  if (d->magic != PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC) {
    l.supported = false;
    return l;
  }
  uint32_t max_id = 0;
  for (unsigned i = 0; i < d->n_fields; ++i) max_id = std::max(max_id, d->fields[i].id);
  if (max_id > 65536) {
    l.supported = false;
    return l;
  }
  l.by_id.assign(max_id + 1, 0);
  l.repeated.assign(d->n_fields, -1);
  for (unsigned i = 0; i < d->n_fields; ++i) {
    l.by_id[d->fields[i].id] = static_cast<int>(i) + 1;
    if (d->fields[i].label == PROTOBUF_C_LABEL_REPEATED) {
      l.repeated[i] = l.n_repeated++;
      l.repeated_fields.push_back(i);
    }
  }
  return l;
}

const Layout& layout_for(const ProtobufCMessageDescriptor* d) {
  return wire::per_descriptor<Layout, make_layout>(d);
}

class Unpacker {
 public:
  explicit Unpacker(ProtobufCAllocator* a) : a_(a) {}

  ProtobufCMessage* message(const ProtobufCMessageDescriptor* d, const uint8_t* data, size_t len) {
    const Layout& l = layout_for(d);
    if (!l.supported) return nullptr;
    // Repeated fields first: count their elements, then allocate each array once.
    // Counters for the repeated fields (element count, then elements filled), on the stack
    // for the usual handful.
    size_t n_rep = static_cast<size_t>(l.n_repeated);
    size_t local[32];
    std::vector<size_t> heap;
    size_t* counts = local;
    if (2 * n_rep > 32) {
      heap.resize(2 * n_rep);
      counts = heap.data();
    }
    std::fill(counts, counts + 2 * n_rep, size_t{0});
    size_t* filled = counts + n_rep;
    Reader scan(data, data + len);
    while (!scan.done()) {
      const ProtobufCFieldDescriptor* f = nullptr;
      unsigned wire = 0;
      if (!field(scan, d, l, f, wire)) return nullptr;
      const uint8_t* payload = nullptr;
      size_t plen = 0;
      if (!scan.skip(wire, &payload, &plen)) return nullptr;
      if (f->label != PROTOBUF_C_LABEL_REPEATED) continue;
      size_t& n = counts[static_cast<size_t>(l.repeated[static_cast<size_t>(f - d->fields)])];
      if (wire == PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED && wire_type(f->type) != wire) {
        size_t k = 0;  // a packed run of scalars
        if (!packed_count(*f, payload, plen, k)) return nullptr;
        n += k;
      } else {
        ++n;
      }
    }
    auto* m = static_cast<ProtobufCMessage*>(alloc(d->sizeof_message));
    if (!m) return nullptr;
    d->message_init(m);
    char* base = reinterpret_cast<char*>(m);
    // Only the repeated fields are visited here: walking all of a Node's ~260 fields per
    // message is what made protobuf-c's unpack slow.
    for (size_t slot = 0; slot < n_rep; ++slot) {
      if (counts[slot] == 0) continue;
      const ProtobufCFieldDescriptor& f = d->fields[l.repeated_fields[slot]];
      void* array = alloc(counts[slot] * element_size(f.type));
      if (!array) return nullptr;
      std::memcpy(base + f.offset, &array, sizeof array);
    }
    Reader read(data, data + len);
    while (!read.done()) {
      const ProtobufCFieldDescriptor* f = nullptr;
      unsigned wire = 0;
      if (!field(read, d, l, f, wire)) return nullptr;
      char* member = base + f->offset;
      if (f->label == PROTOBUF_C_LABEL_REPEATED) {
        size_t slot = static_cast<size_t>(l.repeated[static_cast<size_t>(f - d->fields)]);
        char* array;
        std::memcpy(&array, member, sizeof array);
        size_t step = element_size(f->type);
        if (wire == PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED && wire_type(f->type) != wire) {
          const uint8_t* payload = nullptr;
          size_t plen = 0;
          if (!read.skip(wire, &payload, &plen)) return nullptr;
          Reader packed(payload, payload + plen);
          while (!packed.done())
            if (!value(packed, *f, array + step * filled[slot]++)) return nullptr;
        } else if (!value(read, *f, array + step * filled[slot]++)) {
          return nullptr;
        }
        continue;
      }
      if (!value(read, *f, member)) return nullptr;
      bool oneof = (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0;
      if (oneof) {
        std::memcpy(base + f->quantifier_offset, &f->id, sizeof(uint32_t));
      } else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->type != PROTOBUF_C_TYPE_MESSAGE &&
                 f->type != PROTOBUF_C_TYPE_STRING) {
        protobuf_c_boolean has = 1;
        std::memcpy(base + f->quantifier_offset, &has, sizeof has);
      }
    }
    for (size_t slot = 0; slot < n_rep; ++slot) {
      size_t n = filled[slot];
      if (n != counts[slot]) return nullptr;
      std::memcpy(base + d->fields[l.repeated_fields[slot]].quantifier_offset, &n, sizeof n);
    }
    return m;
  }

 private:
  ProtobufCAllocator* a_;

  void* alloc(size_t n) { return a_->alloc(a_->allocator_data, n); }

  // Reads a tag; the field it names (nullptr and false for an unknown one or a wire type that
  // does not fit the field).
  static bool field(Reader& r, const ProtobufCMessageDescriptor* d, const Layout& l,
                    const ProtobufCFieldDescriptor*& f, unsigned& wire) {
    uint64_t tag;
    if (!r.varint(tag)) return false;
    uint64_t id = tag >> 3;
    wire = static_cast<unsigned>(tag & 7);
    if (id == 0 || id >= l.by_id.size() || l.by_id[id] == 0) return false;  // unknown field
    f = d->fields + (l.by_id[id] - 1);
    unsigned expected = wire_type(f->type);
    if (wire == expected) return true;
    // A packed run of a repeated scalar.
    return f->label == PROTOBUF_C_LABEL_REPEATED && wire == PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED;
  }

  static bool packed_count(const ProtobufCFieldDescriptor& f, const uint8_t* p, size_t len,
                           size_t& count) {
    switch (wire_type(f.type)) {
      case PROTOBUF_C_WIRE_TYPE_64BIT:
        count = len / 8;
        return len % 8 == 0;
      case PROTOBUF_C_WIRE_TYPE_32BIT:
        count = len / 4;
        return len % 4 == 0;
      case PROTOBUF_C_WIRE_TYPE_VARINT:
        count = 0;
        for (size_t i = 0; i < len; ++i)
          if (!(p[i] & 0x80)) ++count;
        return len == 0 || !(p[len - 1] & 0x80);
      default:
        return false;
    }
  }

  // Reads one value of `f` into `out`, as protobuf-c stores it (field() checked its wire type).
  bool value(Reader& r, const ProtobufCFieldDescriptor& f, void* out) {
    uint64_t v = 0;
    const uint8_t* b = nullptr;
    switch (f.type) {
      case PROTOBUF_C_TYPE_INT32:
      case PROTOBUF_C_TYPE_ENUM:
      case PROTOBUF_C_TYPE_UINT32: {
        if (!r.varint(v)) return false;
        auto x = static_cast<uint32_t>(v);  // the low 32 bits, as protobuf-c takes them
        std::memcpy(out, &x, 4);
        return true;
      }
      case PROTOBUF_C_TYPE_SINT32: {
        if (!r.varint(v)) return false;
        auto u = static_cast<uint32_t>(v);
        auto x = static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));
        std::memcpy(out, &x, 4);
        return true;
      }
      case PROTOBUF_C_TYPE_INT64:
      case PROTOBUF_C_TYPE_UINT64:
        if (!r.varint(v)) return false;
        std::memcpy(out, &v, 8);
        return true;
      case PROTOBUF_C_TYPE_SINT64: {
        if (!r.varint(v)) return false;
        auto x = static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
        std::memcpy(out, &x, 8);
        return true;
      }
      case PROTOBUF_C_TYPE_BOOL: {
        if (!r.varint(v)) return false;
        protobuf_c_boolean x = v != 0;
        std::memcpy(out, &x, sizeof x);
        return true;
      }
      case PROTOBUF_C_TYPE_SFIXED32:
      case PROTOBUF_C_TYPE_FIXED32:
      case PROTOBUF_C_TYPE_FLOAT:
        if (!r.bytes(4, b)) return false;
        std::memcpy(out, b, 4);
        return true;
      case PROTOBUF_C_TYPE_SFIXED64:
      case PROTOBUF_C_TYPE_FIXED64:
      case PROTOBUF_C_TYPE_DOUBLE:
        if (!r.bytes(8, b)) return false;
        std::memcpy(out, b, 8);
        return true;
      case PROTOBUF_C_TYPE_STRING: {
        if (!r.varint(v) || !r.bytes(v, b)) return false;
        auto* s = static_cast<char*>(alloc(v + 1));
        if (!s) return false;
        if (v) std::memcpy(s, b, v);
        s[v] = '\0';
        std::memcpy(out, &s, sizeof s);
        return true;
      }
      case PROTOBUF_C_TYPE_BYTES: {
        if (!r.varint(v) || !r.bytes(v, b)) return false;
        ProtobufCBinaryData bd{v, nullptr};
        if (v) {
          bd.data = static_cast<uint8_t*>(alloc(v));
          if (!bd.data) return false;
          std::memcpy(bd.data, b, v);
        }
        std::memcpy(out, &bd, sizeof bd);
        return true;
      }
      case PROTOBUF_C_TYPE_MESSAGE: {
        if (!r.varint(v) || !r.bytes(v, b)) return false;
        ProtobufCMessage* sub =
            message(static_cast<const ProtobufCMessageDescriptor*>(f.descriptor), b, v);
        if (!sub) return false;
        std::memcpy(out, &sub, sizeof sub);
        return true;
      }
    }
    return false;
  }
};

bool same_value(const ProtobufCFieldDescriptor& f, const char* a, const char* b) {
  switch (f.type) {
    case PROTOBUF_C_TYPE_STRING: {
      const char* x = load<const char*>(a);
      const char* y = load<const char*>(b);
      if (!x || !y) return x == y;
      return std::strcmp(x, y) == 0;
    }
    case PROTOBUF_C_TYPE_BYTES: {
      auto x = load<ProtobufCBinaryData>(a);
      auto y = load<ProtobufCBinaryData>(b);
      return x.len == y.len && (x.len == 0 || std::memcmp(x.data, y.data, x.len) == 0);
    }
    case PROTOBUF_C_TYPE_MESSAGE:
      return same_tree(load<const ProtobufCMessage*>(a), load<const ProtobufCMessage*>(b));
    default:
      return std::memcmp(a, b, element_size(f.type)) == 0;
  }
}

}  // namespace

ProtobufCMessage* unpack(const ProtobufCMessageDescriptor* descriptor,
                         ProtobufCAllocator* allocator, size_t len, const uint8_t* data) {
  return Unpacker(allocator).message(descriptor, data, len);
}

bool same_tree(const ProtobufCMessage* a, const ProtobufCMessage* b) {
  if (!a || !b) return a == b;
  if (a->descriptor != b->descriptor) return false;
  if (a->n_unknown_fields != b->n_unknown_fields) return false;
  const ProtobufCMessageDescriptor* d = a->descriptor;
  const char* x = reinterpret_cast<const char*>(a);
  const char* y = reinterpret_cast<const char*>(b);
  for (unsigned i = 0; i < d->n_fields; ++i) {
    const ProtobufCFieldDescriptor& f = d->fields[i];
    if (f.label == PROTOBUF_C_LABEL_REPEATED) {
      size_t n = load<size_t>(x + f.quantifier_offset);
      if (n != load<size_t>(y + f.quantifier_offset)) return false;
      const char* xa = load<const char*>(x + f.offset);
      const char* ya = load<const char*>(y + f.offset);
      for (size_t k = 0; k < n; ++k)
        if (!same_value(f, xa + k * element_size(f.type), ya + k * element_size(f.type)))
          return false;
      continue;
    }
    bool oneof = (f.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0;
    if (oneof || f.label == PROTOBUF_C_LABEL_OPTIONAL) {
      // The case of a oneof (uint32) or an optional scalar's has-flag.
      bool pointer = f.type == PROTOBUF_C_TYPE_MESSAGE || f.type == PROTOBUF_C_TYPE_STRING;
      if (oneof || !pointer) {
        size_t qsize = oneof ? sizeof(uint32_t) : sizeof(protobuf_c_boolean);
        if (std::memcmp(x + f.quantifier_offset, y + f.quantifier_offset, qsize) != 0) return false;
      }
      if (oneof && load<uint32_t>(x + f.quantifier_offset) != f.id) continue;  // not the set one
    }
    if (!same_value(f, x + f.offset, y + f.offset)) return false;
  }
  return true;
}

}  // namespace migsafe::fastpack
