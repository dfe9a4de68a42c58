// Generic traversal of the protobuf-c parse tree, driven by the message descriptors, so every
// node kind is reachable without a hand-written visitor per type. `Node` wrappers (the oneof
// that holds any node) are unwrapped: callbacks only ever see concrete messages.
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <span>
#include <vector>

namespace migsafe {

// Compile-time map from a message type to its descriptor, generated from the header.
template <class T>
struct MessageTraits;
#define MIGSAFE_MESSAGE(Type, Descriptor)                                         \
  template <>                                                                     \
  struct MessageTraits<Type> {                                                    \
    static const ProtobufCMessageDescriptor* descriptor() { return &Descriptor; } \
  };
#include "node_traits.inc"
#undef MIGSAFE_MESSAGE

template <class T>
const ProtobufCMessageDescriptor* descriptor_of() {
  return MessageTraits<T>::descriptor();
}

namespace walk_detail {
// What the walk knows about one message type, computed once: its dense index and its
// message-typed fields.
struct Kind {
  int index = -1;
  const ProtobufCFieldDescriptor* const* fields = nullptr;
  size_t count = 0;
};
// The kind of `d` (a kind with index -1 and no fields for a descriptor not in the tree).
// An open-addressing table keyed by the descriptor's address: the walk asks for every node.
const Kind& kind_of(const ProtobufCMessageDescriptor* d);
}  // namespace walk_detail

// Dense index of a message descriptor (stable within one run), or -1 for an unknown one.
inline int message_index(const ProtobufCMessageDescriptor* d) {
  return walk_detail::kind_of(d).index;
}
size_t message_kind_count();

// A set of message kinds and, computed once from the descriptors, the kinds under which one of
// them can occur. A walk that looks only for these kinds skips every other subtree: in a VALUES
// list, each value's A_Const and the scalar inside it (no Node or List field below them).
class KindSet {
 public:
  KindSet() = default;                              // empty
  explicit KindSet(const std::vector<int>& kinds);  // dense indices (message_index)
  KindSet(std::initializer_list<const ProtobufCMessageDescriptor*> descriptors);

  bool has(int kind) const {
    return kind >= 0 && static_cast<size_t>(kind) < flags_.size() && (flags_[kind] & kHas);
  }
  // Whether a message of this kind, or one in its subtree, can be in the set. True for a kind
  // the tables do not know (-1): nothing is skipped that was not understood.
  bool below(int kind) const {
    return kind < 0 || (static_cast<size_t>(kind) < flags_.size() && (flags_[kind] & kBelow));
  }

 private:
  void close();  // computes kBelow from kHas
  static constexpr unsigned char kHas = 1, kBelow = 2;
  std::vector<unsigned char> flags_;
};

// The concrete message inside a Node wrapper (nullptr for an empty node). Every member of
// Node's oneof is a message pointer stored in the one union after `node_case` (checked by
// the tests), so this is a load, not a field lookup.
inline const ProtobufCMessage* unwrap(const PgQuery__Node* node) {
  if (!node || node->node_case == PG_QUERY__NODE__NODE__NOT_SET) return nullptr;
  const ProtobufCMessage* m = nullptr;
  std::memcpy(&m, &node->alias, sizeof m);
  return m;
}

template <class T>
const T* as(const ProtobufCMessage* m) {
  return (m && m->descriptor == descriptor_of<T>()) ? reinterpret_cast<const T*>(m) : nullptr;
}
template <class T>
const T* as(const PgQuery__Node* n) {
  return as<T>(unwrap(n));
}

// Pre-order walk. `enter(msg, ancestors)` returns false to skip the children of `msg`.
// `ancestors` holds the enclosing messages, outermost first, not including `msg`. With `only`,
// a message none of whose subtree can be of those kinds is not entered (nor its subtree).
class TreeWalker {
 public:
  template <class Enter>
  void walk(const ProtobufCMessage* root, Enter&& enter, const KindSet* only = nullptr) {
    stack_.clear();
    only_ = only;
    visit(root, enter);
  }

 private:
  template <class Enter>
  void visit(const ProtobufCMessage* m, Enter& enter);

  std::vector<const ProtobufCMessage*> stack_;
  const KindSet* only_ = nullptr;
};

namespace walk_detail {
inline bool is_node_wrapper(const ProtobufCMessageDescriptor* d) {
  return d == &pg_query__node__descriptor;
}

// Calls child(msg) for each message-typed field value of `m` (of kind `kind`) in field order (a
// oneof's set member only; null pointers included, for the caller to skip).
template <class Child>
void for_each_child(const ProtobufCMessage* m, const Kind& kind, Child&& child) {
  const char* base = reinterpret_cast<const char*>(m);
  for (size_t i = 0; i < kind.count; ++i) {
    const ProtobufCFieldDescriptor* fd = kind.fields[i];
    if (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
      uint32_t which = *reinterpret_cast<const uint32_t*>(base + fd->quantifier_offset);
      if (which != fd->id) continue;
    }
    if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
      size_t n = *reinterpret_cast<const size_t*>(base + fd->quantifier_offset);
      auto* arr = *reinterpret_cast<ProtobufCMessage* const* const*>(base + fd->offset);
      for (size_t k = 0; k < n; ++k) child(arr[k]);
    } else {
      child(*reinterpret_cast<ProtobufCMessage* const*>(base + fd->offset));
    }
  }
}

// The kind of the message a Node wrapper holds, from its oneof case (no descriptor lookup); the
// unknown kind for an empty node or a case the tables do not know.
const Kind& kind_of_node_case(uint32_t node_case);

// `m` with a Node wrapper taken off, and its kind; nullptr for nothing (a null pointer, an
// empty node).
inline const ProtobufCMessage* concrete(const ProtobufCMessage* m, const Kind*& kind) {
  if (!m) return nullptr;
  if (is_node_wrapper(m->descriptor)) {
    const auto* node = reinterpret_cast<const PgQuery__Node*>(m);
    m = unwrap(node);
    if (m) kind = &kind_of_node_case(static_cast<uint32_t>(node->node_case));
    return m;
  }
  kind = &kind_of(m->descriptor);
  return m;
}

// Calls f(msg) for every message below `m` (m included), pre-order, with no ancestor stack.
template <class F>
void visit_all(const ProtobufCMessage* m, F& f) {
  const Kind* kind = nullptr;
  if (!(m = concrete(m, kind))) return;
  f(*m);
  for_each_child(m, *kind, [&](const ProtobufCMessage* c) { visit_all(c, f); });
}

// The same for the messages of the kinds in `set`, skipping the subtrees that cannot hold one.
template <class F>
void visit_kinds(const ProtobufCMessage* m, const KindSet& set, F& f) {
  const Kind* kind = nullptr;
  if (!(m = concrete(m, kind)) || !set.below(kind->index)) return;
  if (set.has(kind->index)) f(*m);
  for_each_child(m, *kind, [&](const ProtobufCMessage* c) { visit_kinds(c, set, f); });
}
}  // namespace walk_detail

template <class Enter>
void TreeWalker::visit(const ProtobufCMessage* m, Enter& enter) {
  const walk_detail::Kind* kind = nullptr;
  if (!(m = walk_detail::concrete(m, kind))) return;
  if (only_ && !only_->below(kind->index)) return;
  if (!enter(*m, std::span<const ProtobufCMessage* const>(stack_))) return;
  stack_.push_back(m);
  walk_detail::for_each_child(m, *kind, [&](const ProtobufCMessage* c) { visit(c, enter); });
  stack_.pop_back();
}

// Calls f(msg) for every message below `root` (root included), pre-order.
template <class F>
void for_each_message(const ProtobufCMessage* root, F&& f) {
  walk_detail::visit_all(root, f);
}
template <class F>
void for_each_message(const PgQuery__Node* root, F&& f) {
  for_each_message(unwrap(root), std::forward<F>(f));
}

// Calls f(msg) for every message of a kind in `set` below `root` (root included), pre-order:
// for_each_message with a filter, which skips the subtrees where none can be.
template <class F>
void for_each_message_in(const ProtobufCMessage* root, const KindSet& set, F&& f) {
  walk_detail::visit_kinds(root, set, f);
}

}  // namespace migsafe
