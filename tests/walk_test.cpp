// The generic tree walk (core/walk.hpp): its shortcuts (Node's oneof read as one union, the
// descriptor table) against protobuf-c's own field lookup, and its visiting order against an
// independent walk written here from the descriptors alone.
#include <gtest/gtest.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/linter.hpp"
#include "core/parse.hpp"
#include "core/walk.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;

// The message in a Node's oneof, found the slow way: protobuf-c's field lookup by number.
const ProtobufCMessage* unwrap_by_lookup(const PgQuery__Node* node) {
  if (!node || node->node_case == PG_QUERY__NODE__NODE__NOT_SET) return nullptr;
  const ProtobufCFieldDescriptor* f =
      protobuf_c_message_descriptor_get_field(&pg_query__node__descriptor, node->node_case);
  if (!f) return nullptr;
  return *reinterpret_cast<ProtobufCMessage* const*>(reinterpret_cast<const char*>(node) +
                                                     f->offset);
}

// Pre-order over every message, Node wrappers looked through, written from the descriptors
// with protobuf-c's lookup: what walk.hpp must visit, in the same order.
void reference_walk(const ProtobufCMessage* m, std::vector<const ProtobufCMessage*>& out) {
  if (!m) return;
  if (m->descriptor == &pg_query__node__descriptor) {
    reference_walk(unwrap_by_lookup(reinterpret_cast<const PgQuery__Node*>(m)), out);
    return;
  }
  out.push_back(m);
  const ProtobufCMessageDescriptor* d = m->descriptor;
  const char* base = reinterpret_cast<const char*>(m);
  for (unsigned i = 0; i < d->n_fields; ++i) {
    const ProtobufCFieldDescriptor& f = d->fields[i];
    if (f.type != PROTOBUF_C_TYPE_MESSAGE) continue;
    if ((f.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
        *reinterpret_cast<const uint32_t*>(base + f.quantifier_offset) != f.id)
      continue;
    if (f.label == PROTOBUF_C_LABEL_REPEATED) {
      size_t n = *reinterpret_cast<const size_t*>(base + f.quantifier_offset);
      auto* arr = *reinterpret_cast<ProtobufCMessage* const* const*>(base + f.offset);
      for (size_t k = 0; k < n; ++k) reference_walk(arr[k], out);
    } else {
      reference_walk(*reinterpret_cast<ProtobufCMessage* const*>(base + f.offset), out);
    }
  }
}

TEST(Walk, EveryMemberOfNodesOneofIsAMessageInTheOneUnion) {
  const ProtobufCMessageDescriptor& d = pg_query__node__descriptor;
  ASSERT_GT(d.n_fields, 200u);
  for (unsigned i = 0; i < d.n_fields; ++i) {
    const ProtobufCFieldDescriptor& f = d.fields[i];
    EXPECT_EQ(f.type, PROTOBUF_C_TYPE_MESSAGE) << f.name;
    EXPECT_TRUE(f.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) << f.name;
    EXPECT_EQ(f.offset, offsetof(PgQuery__Node, alias)) << f.name;
    EXPECT_EQ(f.quantifier_offset, offsetof(PgQuery__Node, node_case)) << f.name;
  }
}

TEST(Walk, DescriptorTableGivesEveryKindItsOwnIndexAndItsMessageFields) {
  std::set<int> indexes;
  std::vector<const ProtobufCMessageDescriptor*> queue = {&pg_query__parse_result__descriptor,
                                                          &pg_query__scan_result__descriptor};
  std::set<const ProtobufCMessageDescriptor*> seen;
  for (size_t q = 0; q < queue.size(); ++q) {
    const ProtobufCMessageDescriptor* d = queue[q];
    if (!seen.insert(d).second) continue;
    const walk_detail::Kind& k = walk_detail::kind_of(d);
    EXPECT_GE(k.index, 0) << d->name;
    EXPECT_EQ(k.index, message_index(d));
    EXPECT_TRUE(indexes.insert(k.index).second) << d->name << " shares index " << k.index;
    size_t messages = 0;
    for (unsigned i = 0; i < d->n_fields; ++i) {
      if (d->fields[i].type != PROTOBUF_C_TYPE_MESSAGE) continue;
      ASSERT_LT(messages, k.count) << d->name;
      EXPECT_EQ(k.fields[messages], &d->fields[i]) << d->name;
      ++messages;
      queue.push_back(static_cast<const ProtobufCMessageDescriptor*>(d->fields[i].descriptor));
    }
    EXPECT_EQ(k.count, messages) << d->name;
  }
  EXPECT_EQ(seen.size(), message_kind_count());
  EXPECT_GT(seen.size(), 200u);
  // A descriptor outside the parse tree: no index, no children.
  ProtobufCMessageDescriptor stranger = pg_query__node__descriptor;
  EXPECT_EQ(message_index(&stranger), -1);
  EXPECT_EQ(walk_detail::kind_of(&stranger).count, 0u);
  EXPECT_EQ(message_index(nullptr), -1);
}

TEST(Walk, VisitsWhatTheReferenceWalkVisitsInOrderOnEveryFixtureAndExample) {
  size_t statements = 0, messages = 0;
  for (const char* dir : {"fixtures", "examples"}) {
    for (const auto& e : fs::recursive_directory_iterator(fs::path(test::source_dir()) / dir)) {
      if (!e.is_regular_file() || e.path().extension() != ".sql") continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      ParsedFile p = parse_sql(ss.str());
      for (const Statement& s : p.statements) {
        if (!s.node) continue;  // a statement that failed to parse has no tree
        ++statements;
        EXPECT_EQ(unwrap(s.node), unwrap_by_lookup(s.node)) << e.path();
        std::vector<const ProtobufCMessage*> expected, plain, walked;
        reference_walk(&s.node->base, expected);
        for_each_message(s.node, [&](const ProtobufCMessage& m) { plain.push_back(&m); });
        TreeWalker w;
        bool ancestors_ok = true;
        w.walk(unwrap(s.node),
               [&](const ProtobufCMessage& m, std::span<const ProtobufCMessage* const> up) {
                 // The ancestors are the messages already entered whose subtree holds m.
                 if (!walked.empty() && !up.empty() &&
                     std::find(walked.begin(), walked.end(), up.back()) == walked.end())
                   ancestors_ok = false;
                 if (walked.empty() != up.empty()) ancestors_ok = false;
                 walked.push_back(&m);
                 return true;
               });
        ASSERT_EQ(plain, expected) << e.path();
        ASSERT_EQ(walked, expected) << e.path();
        EXPECT_TRUE(ancestors_ok) << e.path();
        messages += expected.size();
      }
    }
  }
  EXPECT_GT(statements, 1000u);
  EXPECT_GT(messages, 8000u);
}

// The sets the walks filter by: the lint plan's (every kind some rule visits), the lock model's
// reads, and a few single kinds.
std::vector<KindSet> filter_sets() {
  std::vector<KindSet> sets;
  sets.push_back(LintPlan(LintSettings{}, RuleSelection{}).visited_kinds());
  sets.push_back(KindSet{&pg_query__range_var__descriptor, &pg_query__common_table_expr__descriptor,
                         &pg_query__locking_clause__descriptor});
  sets.push_back(KindSet{&pg_query__a__const__descriptor});
  sets.push_back(KindSet{&pg_query__string__descriptor});
  sets.push_back(KindSet{&pg_query__column_def__descriptor});
  sets.push_back(KindSet{});
  return sets;
}

TEST(Walk, FilteredWalksMeetEveryMessageOfTheirKindsWithTheSameAncestors) {
  std::vector<KindSet> sets = filter_sets();
  size_t met = 0, nodes = 0;
  for (const char* dir : {"fixtures", "examples"}) {
    for (const auto& e : fs::recursive_directory_iterator(fs::path(test::source_dir()) / dir)) {
      if (!e.is_regular_file() || e.path().extension() != ".sql") continue;
      ParsedFile p = parse_sql(test::read_text(e.path().string()));
      for (const Statement& s : p.statements) {
        if (!s.node) continue;
        // The kind read from a Node's oneof case is the kind of the message it holds.
        for_each_message(s.node, [&](const ProtobufCMessage& m) {
          walk_detail::for_each_child(
              &m, walk_detail::kind_of(m.descriptor), [&](const ProtobufCMessage* child) {
                const auto* n = as<PgQuery__Node>(child);
                const ProtobufCMessage* inner = n ? unwrap(n) : nullptr;
                if (!inner) return;
                ++nodes;
                EXPECT_EQ(walk_detail::kind_of_node_case(n->node_case).index,
                          message_index(inner->descriptor));
              });
        });
        for (const KindSet& set : sets) {
          using Seen = std::pair<const ProtobufCMessage*, std::vector<const ProtobufCMessage*>>;
          std::vector<Seen> all, filtered;
          std::vector<const ProtobufCMessage*> plain;
          TreeWalker w;
          auto record = [&](std::vector<Seen>& out) {
            return [&](const ProtobufCMessage& m, std::span<const ProtobufCMessage* const> up) {
              if (set.has(message_index(m.descriptor)))
                out.emplace_back(&m, std::vector<const ProtobufCMessage*>(up.begin(), up.end()));
              return true;
            };
          };
          w.walk(unwrap(s.node), record(all));
          w.walk(unwrap(s.node), record(filtered), &set);
          for_each_message_in(unwrap(s.node), set,
                              [&](const ProtobufCMessage& m) { plain.push_back(&m); });
          ASSERT_EQ(filtered, all) << e.path();
          ASSERT_EQ(plain.size(), all.size()) << e.path();
          for (size_t i = 0; i < all.size(); ++i) ASSERT_EQ(plain[i], all[i].first) << e.path();
          met += all.size();
        }
      }
    }
  }
  EXPECT_GT(met, 5000u);
  EXPECT_GT(nodes, 5000u);
}

TEST(Walk, AKindSetSkipsOnlyKindsThatCannotHoldItsMembers) {
  KindSet reads{&pg_query__range_var__descriptor};
  auto index = [](const ProtobufCMessageDescriptor& d) { return message_index(&d); };
  EXPECT_TRUE(reads.has(index(pg_query__range_var__descriptor)));
  EXPECT_FALSE(reads.has(index(pg_query__select_stmt__descriptor)));
  // A VALUES list's constants hold only scalars; a sub-select, a list or any Node can hold a
  // relation.
  EXPECT_FALSE(reads.below(index(pg_query__a__const__descriptor)));
  EXPECT_FALSE(reads.below(index(pg_query__string__descriptor)));
  EXPECT_TRUE(reads.below(index(pg_query__select_stmt__descriptor)));
  EXPECT_TRUE(reads.below(index(pg_query__list__descriptor)));
  EXPECT_TRUE(reads.below(index(pg_query__node__descriptor)));
  EXPECT_TRUE(reads.below(index(pg_query__insert_stmt__descriptor)));
  EXPECT_TRUE(reads.below(-1));  // an unknown kind is never skipped
  KindSet none;
  EXPECT_FALSE(none.below(index(pg_query__select_stmt__descriptor)));

  ParsedFile p = parse_sql("INSERT INTO t VALUES (1, 'a'), ((SELECT max(x) FROM u), 'b')");
  ASSERT_EQ(p.statements.size(), 1u);
  std::vector<std::string> found;
  for_each_message_in(unwrap(p.statements[0].node), reads, [&](const ProtobufCMessage& m) {
    found.emplace_back(reinterpret_cast<const PgQuery__RangeVar&>(m).relname);
  });
  EXPECT_EQ(found, (std::vector<std::string>{"t", "u"}));
}

TEST(Walk, SkippingAMessageSkipsItsSubtreeOnly) {
  ParsedFile p = parse_sql("SELECT (SELECT a FROM t1), b FROM t2 WHERE c IN (SELECT d FROM t3)");
  ASSERT_EQ(p.statements.size(), 1u);
  std::vector<std::string> tables;
  TreeWalker w;
  w.walk(unwrap(p.statements[0].node),
         [&](const ProtobufCMessage& m, std::span<const ProtobufCMessage* const> up) {
           if (const auto* rv = as<PgQuery__RangeVar>(&m)) tables.emplace_back(rv->relname);
           // Do not enter sub-selects (any SelectStmt below the statement's own).
           return !(as<PgQuery__SelectStmt>(&m) && !up.empty());
         });
  EXPECT_EQ(tables, std::vector<std::string>{"t2"});
}

}  // namespace
}  // namespace migsafe::test
