// Generic traversal of the protobuf-c parse tree, driven by the message descriptors, so every
// node kind is reachable without a hand-written visitor per type. `Node` wrappers (the oneof
// that holds any node) are unwrapped: callbacks only ever see concrete messages.
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include <cstddef>
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

// Dense index of a message descriptor (stable within one run), or -1 for an unknown one.
int message_index(const ProtobufCMessageDescriptor* d);
size_t message_kind_count();

// The concrete message inside a Node wrapper (nullptr for an empty node).
const ProtobufCMessage* unwrap(const PgQuery__Node* node);

template <class T>
const T* as(const ProtobufCMessage* m) {
  return (m && m->descriptor == descriptor_of<T>()) ? reinterpret_cast<const T*>(m) : nullptr;
}
template <class T>
const T* as(const PgQuery__Node* n) {
  return as<T>(unwrap(n));
}

// Pre-order walk. `enter(msg, ancestors)` returns false to skip the children of `msg`.
// `ancestors` holds the enclosing messages, outermost first, not including `msg`.
class TreeWalker {
 public:
  template <class Enter>
  void walk(const ProtobufCMessage* root, Enter&& enter) {
    stack_.clear();
    visit(root, enter);
  }

 private:
  template <class Enter>
  void visit(const ProtobufCMessage* m, Enter& enter);

  std::vector<const ProtobufCMessage*> stack_;
};

namespace walk_detail {
// The message-typed fields of a descriptor, computed once.
struct Children {
  const ProtobufCFieldDescriptor* const* fields = nullptr;
  size_t count = 0;
};
Children children_of(const ProtobufCMessageDescriptor* d);
bool is_node_wrapper(const ProtobufCMessageDescriptor* d);
}  // namespace walk_detail

template <class Enter>
void TreeWalker::visit(const ProtobufCMessage* m, Enter& enter) {
  if (!m) return;
  if (walk_detail::is_node_wrapper(m->descriptor)) {
    visit(unwrap(reinterpret_cast<const PgQuery__Node*>(m)), enter);
    return;
  }
  if (!enter(*m, std::span<const ProtobufCMessage* const>(stack_))) return;
  stack_.push_back(m);
  auto kids = walk_detail::children_of(m->descriptor);
  const char* base = reinterpret_cast<const char*>(m);
  for (size_t i = 0; i < kids.count; ++i) {
    const ProtobufCFieldDescriptor* f = kids.fields[i];
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
      uint32_t which = *reinterpret_cast<const uint32_t*>(base + f->quantifier_offset);
      if (which != f->id) continue;
    }
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
      size_t n = *reinterpret_cast<const size_t*>(base + f->quantifier_offset);
      auto* arr = *reinterpret_cast<ProtobufCMessage* const* const*>(base + f->offset);
      for (size_t k = 0; k < n; ++k) visit(arr[k], enter);
    } else {
      visit(*reinterpret_cast<ProtobufCMessage* const*>(base + f->offset), enter);
    }
  }
  stack_.pop_back();
}

// Calls f(msg) for every message below `root` (root included), pre-order.
template <class F>
void for_each_message(const ProtobufCMessage* root, F&& f) {
  TreeWalker w;
  w.walk(root, [&](const ProtobufCMessage& m, std::span<const ProtobufCMessage* const>) {
    f(m);
    return true;
  });
}
template <class F>
void for_each_message(const PgQuery__Node* root, F&& f) {
  for_each_message(unwrap(root), std::forward<F>(f));
}

}  // namespace migsafe
