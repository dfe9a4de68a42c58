// Rules and their registry. A rule is one file in rules/: a metadata record plus visit
// functions for the node kinds it cares about, registered by a static RegisterRule object.
// Rules are stateless: everything they know about the file comes from the Check they are given.
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include <span>
#include <string_view>
#include <vector>

#include "core/finding.hpp"
#include "core/walk.hpp"

namespace migsafe {

class Check;

// An option a rule reads with Check::option(), set in the config file under `[rules.<id>]`.
// The config accepts only declared options, of the declared kind; the rule's docs page lists
// them under "## Options".
struct RuleOption {
  enum class Kind { String, Integer, Boolean };
  std::string_view name{};  // snake_case, like the config file's other keys
  Kind kind = Kind::String;
  std::string_view fallback{};  // the value when unset, as Check::option() returns it
  std::string_view help{};
};

struct RuleMeta {
  std::string_view id{};  // kebab-case; squawk's id where the meaning is the same
  Severity severity = Severity::Warning;
  std::string_view category{};  // locking, compatibility, data, hygiene, security, syntax
  std::string_view summary{};   // one line
  std::string_view why{};       // one or two sentences: what goes wrong in production
  std::string_view instead{};   // one or two sentences: the safe alternative
  int min_pg = 0;               // applies from this PostgreSQL major version (0: any)
  int max_pg = 0;               // up to and including this one (0: any)
  bool default_enabled = true;  // false: opt-in, runs only when selected (--select, config)
  std::span<const RuleOption> options{};
};
const RuleOption* find_option(const RuleMeta& meta, std::string_view name);

// One visit function for one message type, type-erased for the dispatch table.
struct Subscription {
  const ProtobufCMessageDescriptor* descriptor = nullptr;
  void (*call)(void (*fn)(), const ProtobufCMessage& m, Check& c) = nullptr;
  void (*fn)() = nullptr;
};

template <class T>
Subscription on(void (*fn)(const T&, Check&)) {
  Subscription s;
  s.descriptor = descriptor_of<T>();
  s.fn = reinterpret_cast<void (*)()>(fn);
  s.call = [](void (*f)(), const ProtobufCMessage& m, Check& c) {
    reinterpret_cast<void (*)(const T&, Check&)>(f)(reinterpret_cast<const T&>(m), c);
  };
  return s;
}

struct RuleDef {
  RuleMeta meta{};
  std::vector<Subscription> visits{};
  void (*statement)(Check&) = nullptr;  // once per statement, before its nodes
  void (*finish)(Check&) = nullptr;     // once per file, after the last statement
};

struct RegisterRule {
  explicit RegisterRule(RuleDef def);
};

// All registered rules, sorted by id. Stable for the life of the process once main() runs.
const std::vector<RuleDef>& all_rules();
const RuleDef* find_rule(std::string_view id);
// Index of a rule in all_rules(), or -1.
int rule_index(std::string_view id);

// Where a rule's documentation lives.
std::string docs_url(std::string_view id);

}  // namespace migsafe
