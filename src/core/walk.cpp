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
  // The kind of each member of Node's oneof, by its field number (the node_case value).
  std::vector<const walk_detail::Kind*> by_node_case;

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
    const ProtobufCMessageDescriptor& node = pg_query__node__descriptor;
    for (unsigned i = 0; i < node.n_fields; ++i) {
      const ProtobufCFieldDescriptor& f = node.fields[i];
      if (f.type != PROTOBUF_C_TYPE_MESSAGE) continue;
      if (f.id >= by_node_case.size()) by_node_case.resize(f.id + 1, &unknown);
      by_node_case[f.id] = &lookup(static_cast<const ProtobufCMessageDescriptor*>(f.descriptor));
    }
  }

  const walk_detail::Kind& lookup(const ProtobufCMessageDescriptor* d) const {
    for (size_t s = hash(d);; s = (s + 1) & (slots.size() - 1)) {
      if (!slots[s].d) return unknown;  // an empty slot (and so nullptr) is never a kind
      if (slots[s].d == d) return *slots[s].kind;
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
  return tables().lookup(d);
}

const Kind& kind_of_node_case(uint32_t node_case) {
  const Tables& t = tables();
  return node_case < t.by_node_case.size() ? *t.by_node_case[node_case] : t.unknown;
}

}  // namespace walk_detail

KindSet::KindSet(const std::vector<int>& kinds) : flags_(message_kind_count(), 0) {
  for (int k : kinds)
    if (k >= 0 && static_cast<size_t>(k) < flags_.size()) flags_[static_cast<size_t>(k)] |= kHas;
  close();
}

KindSet::KindSet(std::initializer_list<const ProtobufCMessageDescriptor*> descriptors)
    : KindSet([&] {
        std::vector<int> kinds;
        for (const ProtobufCMessageDescriptor* d : descriptors) kinds.push_back(message_index(d));
        return kinds;
      }()) {}

void KindSet::close() {
  // A kind is below a member when it is one, or when a message-typed field of it (a Node
  // field: any kind) can hold a kind that is. A fixed point over the descriptor graph.
  const Tables& t = tables();
  for (unsigned char& f : flags_)
    if (f & kHas) f |= kBelow;
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t k = 0; k < t.kinds.size(); ++k) {
      if (flags_[k] & kBelow) continue;
      for (const ProtobufCFieldDescriptor* f : t.children[k]) {
        int c = t.lookup(static_cast<const ProtobufCMessageDescriptor*>(f->descriptor)).index;
        if (c >= 0 && (flags_[static_cast<size_t>(c)] & kBelow)) {
          flags_[k] |= kBelow;
          changed = true;
          break;
        }
      }
    }
  }
}

}  // namespace migsafe
