// Descriptor tables for the generic walk: built once, read-only afterwards (thread-safe).
#include "core/walk.hpp"

#include <unordered_map>

namespace migsafe {

namespace {

struct Tables {
  std::unordered_map<const ProtobufCMessageDescriptor*, int> index;
  std::vector<std::vector<const ProtobufCFieldDescriptor*>> children;

  Tables() {
    std::vector<const ProtobufCMessageDescriptor*> queue = {&pg_query__parse_result__descriptor,
                                                            &pg_query__scan_result__descriptor,
                                                            &pg_query__node__descriptor};
    for (size_t q = 0; q < queue.size(); ++q) {
      const ProtobufCMessageDescriptor* d = queue[q];
      if (index.count(d)) continue;
      index[d] = static_cast<int>(children.size());
      children.emplace_back();
      for (unsigned i = 0; i < d->n_fields; ++i) {
        const ProtobufCFieldDescriptor* f = &d->fields[i];
        if (f->type != PROTOBUF_C_TYPE_MESSAGE) continue;
        children.back().push_back(f);
        queue.push_back(static_cast<const ProtobufCMessageDescriptor*>(f->descriptor));
      }
    }
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

int message_index(const ProtobufCMessageDescriptor* d) {
  const auto& t = tables();
  auto it = t.index.find(d);
  return it == t.index.end() ? -1 : it->second;
}

size_t message_kind_count() {
  return tables().children.size();
}

const ProtobufCMessage* unwrap(const PgQuery__Node* node) {
  if (!node || node->node_case == PG_QUERY__NODE__NODE__NOT_SET) return nullptr;
  const ProtobufCFieldDescriptor* f =
      protobuf_c_message_descriptor_get_field(&pg_query__node__descriptor, node->node_case);
  if (!f) return nullptr;
  return *reinterpret_cast<ProtobufCMessage* const*>(reinterpret_cast<const char*>(node) +
                                                     f->offset);
}

namespace walk_detail {

Children children_of(const ProtobufCMessageDescriptor* d) {
  const auto& t = tables();
  auto it = t.index.find(d);
  if (it == t.index.end()) return {};
  const auto& v = t.children[static_cast<size_t>(it->second)];
  return Children{v.data(), v.size()};
}

bool is_node_wrapper(const ProtobufCMessageDescriptor* d) {
  return d == &pg_query__node__descriptor;
}

}  // namespace walk_detail

}  // namespace migsafe
