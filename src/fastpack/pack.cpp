// See pack.hpp. The wire format and the rules for which fields are written follow protobuf-c
// 1.4 exactly (required: always; oneof: the set member, unless a NULL or default string or
// message; optional: its has-flag, or a non-NULL non-default string or message; proto3
// unlabeled: when not zero, empty or NULL; repeated: every element, packed when the field says
// so; then the unknown fields).
#include "fastpack/pack.hpp"

#include <atomic>
#include <cstring>
#include <optional>
#include <unordered_map>
#include <vector>

#include "fastpack/wire.hpp"

namespace migsafe::fastpack {
namespace {

using wire::element_size;
using wire::load;
using wire::wire_type;

// One step of a descriptor's plan: a field, or a run of fields that form one oneof.
struct Step {
  const ProtobufCFieldDescriptor* field = nullptr;  // the field, or the run's first field
  unsigned run = 0;    // 0: a single field; otherwise the number of fields in the oneof run
  bool dense = false;  // the run's ids are field->id, field->id + 1, ...
};

struct Plan {
  std::vector<Step> steps;
  bool supported = true;
};

bool known_type(ProtobufCType t) {
  switch (t) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_DOUBLE:
    case PROTOBUF_C_TYPE_BOOL:
    case PROTOBUF_C_TYPE_ENUM:
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_BYTES:
    case PROTOBUF_C_TYPE_MESSAGE:
      return true;
  }
  return false;
}

bool in_oneof(const ProtobufCFieldDescriptor& f) {
  return (f.label == PROTOBUF_C_LABEL_OPTIONAL || f.label == PROTOBUF_C_LABEL_NONE) &&
         (f.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0;
}

Plan make_plan(const ProtobufCMessageDescriptor* d) {
  Plan plan;
  if (d->magic != PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC) {
    plan.supported = false;
    return plan;
  }
  // Runs of adjacent fields of one oneof; a oneof whose fields are not adjacent keeps one step
  // per field, so its set member is still written at its own place in field order.
  std::unordered_map<unsigned, int> runs_of_oneof;
  for (unsigned i = 0; i < d->n_fields;) {
    const ProtobufCFieldDescriptor& f = d->fields[i];
    if (!known_type(f.type)) plan.supported = false;
    unsigned j = i + 1;
    if (in_oneof(f))
      while (j < d->n_fields && in_oneof(d->fields[j]) &&
             d->fields[j].quantifier_offset == f.quantifier_offset)
        ++j;
    if (in_oneof(f)) ++runs_of_oneof[f.quantifier_offset];
    i = j;
  }
  for (unsigned i = 0; i < d->n_fields;) {
    const ProtobufCFieldDescriptor& f = d->fields[i];
    unsigned j = i + 1;
    if (in_oneof(f) && runs_of_oneof[f.quantifier_offset] == 1) {
      while (j < d->n_fields && in_oneof(d->fields[j]) &&
             d->fields[j].quantifier_offset == f.quantifier_offset)
        ++j;
      bool dense = true;
      for (unsigned k = i; k < j; ++k) dense = dense && d->fields[k].id == f.id + (k - i);
      plan.steps.push_back(Step{&f, j - i, dense});
    } else {
      plan.steps.push_back(Step{&f, 0, false});
    }
    i = j;
  }
  return plan;
}

const Plan& plan_for(const ProtobufCMessageDescriptor* d) {
  return wire::per_descriptor<Plan, make_plan>(d);
}

// --- encodings ----------------------------------------------------------------------------

size_t varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

uint8_t* put_varint(uint64_t v, uint8_t* out) {
  while (v >= 0x80) {
    *out++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *out++ = static_cast<uint8_t>(v);
  return out;
}

// int32 and enum values: a negative one is written as its 64-bit two's complement (10 bytes).
uint64_t int32_wire(int32_t v) {
  return static_cast<uint64_t>(static_cast<int64_t>(v));
}
uint32_t zigzag32(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v < 0 ? -1 : 0);
}
uint64_t zigzag64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v < 0 ? -1 : 0);
}

size_t tag_size(uint32_t id) {
  return varint_size(static_cast<uint64_t>(id) << 3);
}
uint8_t* put_tag(uint32_t id, unsigned wire, uint8_t* out) {
  return put_varint((static_cast<uint64_t>(id) << 3) | wire, out);
}

// proto3 "unlabeled" fields are written unless zero, empty or NULL.
bool zeroish(const ProtobufCFieldDescriptor& f, const void* member) {
  switch (f.type) {
    case PROTOBUF_C_TYPE_BOOL:
      return load<protobuf_c_boolean>(member) == 0;
    case PROTOBUF_C_TYPE_ENUM:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_FIXED32:
      return load<uint32_t>(member) == 0;
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_FIXED64:
      return load<uint64_t>(member) == 0;
    case PROTOBUF_C_TYPE_FLOAT:
      return load<float>(member) == 0;
    case PROTOBUF_C_TYPE_DOUBLE:
      return load<double>(member) == 0;
    case PROTOBUF_C_TYPE_STRING: {
      const char* s = load<const char*>(member);
      return s == nullptr || *s == '\0';
    }
    case PROTOBUF_C_TYPE_BYTES:
      return load<ProtobufCBinaryData>(member).len == 0;
    case PROTOBUF_C_TYPE_MESSAGE:
      return load<const void*>(member) == nullptr;
  }
  return true;
}

// Whether a non-repeated field is written, per its label.
bool present(const ProtobufCFieldDescriptor& f, const char* base) {
  const char* member = base + f.offset;
  bool pointer = f.type == PROTOBUF_C_TYPE_MESSAGE || f.type == PROTOBUF_C_TYPE_STRING;
  switch (f.label) {
    case PROTOBUF_C_LABEL_REQUIRED:
      return true;
    case PROTOBUF_C_LABEL_OPTIONAL:
    case PROTOBUF_C_LABEL_NONE:
      if (in_oneof(f)) {
        if (load<uint32_t>(base + f.quantifier_offset) != f.id) return false;
        if (pointer) {
          const void* p = load<const void*>(member);
          return p != nullptr && p != f.default_value;
        }
        return true;
      }
      if (f.label == PROTOBUF_C_LABEL_NONE) return !zeroish(f, member);
      if (pointer) {
        const void* p = load<const void*>(member);
        return p != nullptr && p != f.default_value;
      }
      return load<protobuf_c_boolean>(base + f.quantifier_offset) != 0;
    case PROTOBUF_C_LABEL_REPEATED:
      break;
  }
  return false;
}

// The two passes. Sizing records every sub-message's length in pre-order; writing consumes
// them in the same order, so each message is visited exactly twice.
class Packer {
 public:
  bool failed = false;

  size_t size_message(const ProtobufCMessage* m) {
    size_t slot = sizes_.size();
    sizes_.push_back(0);
    const Plan& plan = plan_for(m->descriptor);
    if (!plan.supported) {
      failed = true;
      return 0;
    }
    const char* base = reinterpret_cast<const char*>(m);
    size_t n = 0;
    for (const Step& s : plan.steps) {
      const ProtobufCFieldDescriptor* f = active(s, base);
      if (!f) continue;
      if (f->label == PROTOBUF_C_LABEL_REPEATED)
        n += size_repeated(*f, base);
      else if (present(*f, base))
        n += tag_size(f->id) + size_value(*f, base + f->offset);
    }
    for (unsigned i = 0; i < m->n_unknown_fields; ++i)
      n += tag_size(m->unknown_fields[i].tag) + m->unknown_fields[i].len;
    sizes_[slot] = n;
    return n;
  }

  uint8_t* write_message(const ProtobufCMessage* m, uint8_t* out) {
    ++cursor_;
    const Plan& plan = plan_for(m->descriptor);
    const char* base = reinterpret_cast<const char*>(m);
    for (const Step& s : plan.steps) {
      const ProtobufCFieldDescriptor* f = active(s, base);
      if (!f) continue;
      if (f->label == PROTOBUF_C_LABEL_REPEATED) {
        out = write_repeated(*f, base, out);
      } else if (present(*f, base)) {
        out = put_tag(f->id, wire_type(f->type), out);
        out = write_value(*f, base + f->offset, out);
      }
    }
    for (unsigned i = 0; i < m->n_unknown_fields; ++i) {
      const ProtobufCMessageUnknownField& u = m->unknown_fields[i];
      out = put_tag(u.tag, u.wire_type, out);
      std::memcpy(out, u.data, u.len);
      out += u.len;
    }
    return out;
  }

 private:
  std::vector<size_t> sizes_;
  size_t cursor_ = 0;

  // The field a step stands for: itself, or the set member of its oneof (nullptr: none set).
  static const ProtobufCFieldDescriptor* active(const Step& s, const char* base) {
    if (s.run == 0) return s.field;
    uint32_t set = load<uint32_t>(base + s.field->quantifier_offset);
    if (s.dense) {
      if (set < s.field->id || set - s.field->id >= s.run) return nullptr;
      return s.field + (set - s.field->id);
    }
    for (unsigned k = 0; k < s.run; ++k)
      if (s.field[k].id == set) return s.field + k;
    return nullptr;
  }

  // The bytes of one value after its tag (a length prefix included where the type has one).
  size_t size_value(const ProtobufCFieldDescriptor& f, const void* member) {
    switch (f.type) {
      case PROTOBUF_C_TYPE_SINT32:
        return varint_size(zigzag32(load<int32_t>(member)));
      case PROTOBUF_C_TYPE_ENUM:
      case PROTOBUF_C_TYPE_INT32:
        return varint_size(int32_wire(load<int32_t>(member)));
      case PROTOBUF_C_TYPE_UINT32:
        return varint_size(load<uint32_t>(member));
      case PROTOBUF_C_TYPE_SINT64:
        return varint_size(zigzag64(load<int64_t>(member)));
      case PROTOBUF_C_TYPE_INT64:
      case PROTOBUF_C_TYPE_UINT64:
        return varint_size(load<uint64_t>(member));
      case PROTOBUF_C_TYPE_SFIXED32:
      case PROTOBUF_C_TYPE_FIXED32:
      case PROTOBUF_C_TYPE_FLOAT:
        return 4;
      case PROTOBUF_C_TYPE_SFIXED64:
      case PROTOBUF_C_TYPE_FIXED64:
      case PROTOBUF_C_TYPE_DOUBLE:
        return 8;
      case PROTOBUF_C_TYPE_BOOL:
        return 1;
      case PROTOBUF_C_TYPE_STRING: {
        const char* s = load<const char*>(member);
        size_t len = s ? std::strlen(s) : 0;
        return varint_size(len) + len;
      }
      case PROTOBUF_C_TYPE_BYTES: {
        size_t len = load<ProtobufCBinaryData>(member).len;
        return varint_size(len) + len;
      }
      case PROTOBUF_C_TYPE_MESSAGE: {
        const auto* sub = load<const ProtobufCMessage*>(member);
        size_t len = sub ? size_message(sub) : 0;
        return varint_size(len) + len;
      }
    }
    return 0;
  }

  uint8_t* write_value(const ProtobufCFieldDescriptor& f, const void* member, uint8_t* out) {
    switch (f.type) {
      case PROTOBUF_C_TYPE_SINT32:
        return put_varint(zigzag32(load<int32_t>(member)), out);
      case PROTOBUF_C_TYPE_ENUM:
      case PROTOBUF_C_TYPE_INT32:
        return put_varint(int32_wire(load<int32_t>(member)), out);
      case PROTOBUF_C_TYPE_UINT32:
        return put_varint(load<uint32_t>(member), out);
      case PROTOBUF_C_TYPE_SINT64:
        return put_varint(zigzag64(load<int64_t>(member)), out);
      case PROTOBUF_C_TYPE_INT64:
      case PROTOBUF_C_TYPE_UINT64:
        return put_varint(load<uint64_t>(member), out);
      case PROTOBUF_C_TYPE_SFIXED32:
      case PROTOBUF_C_TYPE_FIXED32:
      case PROTOBUF_C_TYPE_FLOAT:
        std::memcpy(out, member, 4);  // little-endian hosts only, as the build requires
        return out + 4;
      case PROTOBUF_C_TYPE_SFIXED64:
      case PROTOBUF_C_TYPE_FIXED64:
      case PROTOBUF_C_TYPE_DOUBLE:
        std::memcpy(out, member, 8);
        return out + 8;
      case PROTOBUF_C_TYPE_BOOL:
        *out = load<protobuf_c_boolean>(member) ? 1 : 0;
        return out + 1;
      case PROTOBUF_C_TYPE_STRING: {
        const char* s = load<const char*>(member);
        size_t len = s ? std::strlen(s) : 0;
        out = put_varint(len, out);
        if (len) std::memcpy(out, s, len);
        return out + len;
      }
      case PROTOBUF_C_TYPE_BYTES: {
        auto b = load<ProtobufCBinaryData>(member);
        out = put_varint(b.len, out);
        if (b.len) std::memcpy(out, b.data, b.len);
        return out + b.len;
      }
      case PROTOBUF_C_TYPE_MESSAGE: {
        const auto* sub = load<const ProtobufCMessage*>(member);
        if (!sub) {
          *out = 0;
          return out + 1;
        }
        out = put_varint(sizes_[cursor_], out);
        return write_message(sub, out);
      }
    }
    return out;
  }

  size_t size_repeated(const ProtobufCFieldDescriptor& f, const char* base) {
    size_t count = load<size_t>(base + f.quantifier_offset);
    if (count == 0) return 0;
    const char* array = load<const char*>(base + f.offset);
    size_t step = element_size(f.type);
    size_t payload = 0;
    for (size_t i = 0; i < count; ++i) payload += size_value(f, array + i * step);
    if (f.flags & PROTOBUF_C_FIELD_FLAG_PACKED)
      return tag_size(f.id) + varint_size(payload) + payload;
    return tag_size(f.id) * count + payload;
  }

  uint8_t* write_repeated(const ProtobufCFieldDescriptor& f, const char* base, uint8_t* out) {
    size_t count = load<size_t>(base + f.quantifier_offset);
    if (count == 0) return out;
    const char* array = load<const char*>(base + f.offset);
    size_t step = element_size(f.type);
    if (f.flags & PROTOBUF_C_FIELD_FLAG_PACKED) {
      // Packed fields are scalars: sizing them visits no message, so this is safe here.
      size_t payload = 0;
      for (size_t i = 0; i < count; ++i) payload += size_value(f, array + i * step);
      out = put_tag(f.id, PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED, out);
      out = put_varint(payload, out);
      for (size_t i = 0; i < count; ++i) out = write_value(f, array + i * step, out);
      return out;
    }
    unsigned wire = wire_type(f.type);
    for (size_t i = 0; i < count; ++i) {
      out = put_tag(f.id, wire, out);
      out = write_value(f, array + i * step, out);
    }
    return out;
  }
};

std::atomic<uint64_t> calls{0};

// libpg_query (like every protobuf-c caller) asks for a tree's size, allocates, then packs the
// same tree. The sizes the first call computed are kept for the second, on the same thread,
// and only for the very next pack of the same message; any other call recomputes them.
struct Memo {
  const ProtobufCMessage* message = nullptr;
  std::optional<Packer> packer;
};
thread_local Memo memo;

}  // namespace

size_t packed_size(const ProtobufCMessage* message) {
  memo.message = nullptr;
  Packer& p = memo.packer.emplace();
  size_t n = p.size_message(message);
  if (p.failed) return SIZE_MAX;
  memo.message = message;
  return n;
}

size_t pack(const ProtobufCMessage* message, uint8_t* out) {
  std::optional<Packer> fresh;
  Packer* p = nullptr;
  if (memo.message == message && memo.packer) {
    p = &*memo.packer;
  } else {
    p = &fresh.emplace();
    p->size_message(message);
    if (p->failed) return SIZE_MAX;
  }
  memo.message = nullptr;
  size_t n = static_cast<size_t>(p->write_message(message, out) - out);
  memo.packer.reset();
  return n;
}

uint64_t interposed_calls() {
  return calls.load(std::memory_order_relaxed);
}
void count_interposed_call() {
  calls.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace migsafe::fastpack
