// Descriptor tables for the generic walk: built once, read-only afterwards (thread-safe).
#include "core/walk.hpp"

#include <cstdint>
#include <unordered_set>

namespace migsafe {

namespace {

struct Tables {
  // Every message type reachable from the parse and scan results, by dense index.
  std::vector<std::vector<const ProtobufCFieldDescriptor*>> children;
  std::vector<walk_detail::Kind> kinds;
  // Open addressing, linear probing, keyed by descriptor address; a power of two at least
  // four times the number of kinds, so a probe almost always ends at its first slot.
  static constexpr unsigned kBits = 11;
  struct Slot {
    const ProtobufCMessageDescriptor* d = nullptr;
    const walk_detail::Kind* kind = nullptr;
  };
  std::vector<Slot> slots = std::vector<Slot>(size_t{1} << kBits);
  walk_detail::Kind unknown;

  static size_t hash(const ProtobufCMessageDescriptor* d) {
    return static_cast<size_t>((reinterpret_cast<uintptr_t>(d) * 0x9E3779B97F4A7C15ull) >>
                               (64 - kBits));
  }

  Tables() {
    std::vector<const ProtobufCMessageDescriptor*> queue = {&pg_query__parse_result__descriptor,
                                                            &pg_query__scan_result__descriptor,
                                                            &pg_query__node__descriptor};
    std::vector<const ProtobufCMessageDescriptor*> order;
    std::unordered_set<const ProtobufCMessageDescriptor*> seen;
    for (size_t q = 0; q < queue.size(); ++q) {
      const ProtobufCMessageDescriptor* d = queue[q];
      if (!seen.insert(d).second) continue;
      order.push_back(d);
      children.emplace_back();
      for (unsigned i = 0; i < d->n_fields; ++i) {
        const ProtobufCFieldDescriptor* f = &d->fields[i];
        if (f->type != PROTOBUF_C_TYPE_MESSAGE) continue;
        children.back().push_back(f);
        queue.push_back(static_cast<const ProtobufCMessageDescriptor*>(f->descriptor));
      }
    }
    kinds.resize(order.size());
    for (size_t k = 0; k < order.size(); ++k) {
      kinds[k] = walk_detail::Kind{static_cast<int>(k), children[k].data(), children[k].size()};
      size_t s = hash(order[k]);
      while (slots[s].d) s = (s + 1) & (slots.size() - 1);
      slots[s] = Slot{order[k], &kinds[k]};
    }
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

size_t message_kind_count() {
  return tables().kinds.size();
}

namespace walk_detail {

const Kind& kind_of(const ProtobufCMessageDescriptor* d) {
  const Tables& t = tables();
  for (size_t s = Tables::hash(d);; s = (s + 1) & (t.slots.size() - 1)) {
    if (!t.slots[s].d) return t.unknown;  // an empty slot (and so nullptr) is never a kind
    if (t.slots[s].d == d) return *t.slots[s].kind;
  }
}

}  // namespace walk_detail

}  // namespace migsafe
