// What a rule's visit function is given: the statement being linted, the file's facts before
// it, the lock model's prediction for it, the node's ancestors, span helpers, and report().
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/finding.hpp"
#include "core/linter.hpp"
#include "core/parse.hpp"
#include "core/rule.hpp"
#include "core/tokens.hpp"
#include "model/context.hpp"
#include "model/locks.hpp"

namespace migsafe {

class Check;

// Fluent access to a finding just reported.
class FindingRef {
 public:
  explicit FindingRef(Finding& f) : f_(f) {}
  FindingRef& help(std::string text) {
    f_.help = std::move(text);
    return *this;
  }
  FindingRef& fix(Fix fix) {
    f_.fixes.push_back(std::move(fix));
    return *this;
  }
  FindingRef& related(Span span, std::string message) {
    f_.related.push_back(Related{span, std::move(message)});
    return *this;
  }
  Finding& finding() { return f_; }

 private:
  Finding& f_;
};

class Check {
 public:
  Check(const FileContext& ctx, const Statement& stmt, std::vector<Finding>& out);

  const FileContext& ctx() const { return ctx_; }
  const SourceFile& file() const { return ctx_.file(); }
  const Statement& statement() const { return stmt_; }
  // The statement's SQL as PostgreSQL runs it (inside a DO block's quoted body, '' reads ').
  std::string_view statement_text() const { return stmt_.sql(file()); }
  const RuleMeta& rule() const { return rule_->meta; }

  // Enclosing messages of the node being visited, outermost (the statement) first.
  std::span<const ProtobufCMessage* const> ancestors() const { return ancestors_; }
  template <class T>
  const T* ancestor() const {
    for (size_t i = ancestors_.size(); i-- > 0;)
      if (const T* t = as<T>(ancestors_[i])) return t;
    return nullptr;
  }

  // The lock model's prediction for the whole statement (computed once, shared by rules).
  const Effect& effect();
  // For an ALTER TABLE subcommand: its own part of the prediction.
  const Effect* subcommand_effect(const PgQuery__AlterTableCmd& cmd);

  // Spans. Locations are the `location` fields of parse-tree nodes.
  Span statement_span() const { return stmt_.span; }
  Span token_at(int location);
  Span item_at(int location);  // from location to the end of its comma-separated list item
  Span subcommand_span(const PgQuery__AlterTableCmd& cmd);
  // The whole of line `line` (1-based; a BOM on line 1 left out): where findings about the
  // whole file (its name, its place in the history) point.
  Span line_span(uint32_t line) const;
  const Tokens& tokens();

  FindingRef report(Span span, std::string message);

  // A value several rules derive from the same node of this statement (a ColumnDef's column
  // use, say), computed by the first rule that asks and kept until the statement is done. The
  // value may depend only on the node, its ancestors and what the context knew before the
  // statement: all the same for every rule of one statement.
  template <class T, class Make>
  const T& memo(const void* node, Make&& make) {
    MemoKey key{node, &memo_tag<T>};
    auto it = memos_.find(key);
    if (it == memos_.end())
      it = memos_.emplace(key, std::make_shared<const T>(std::forward<Make>(make)())).first;
    return *static_cast<const T*>(it->second.get());
  }

  // A per-rule option from the configuration (`[rules.<id>]`), or `fallback` when unset.
  std::string_view option(std::string_view key, std::string_view fallback) const {
    if (!options_) return fallback;
    auto it = options_->find(key);
    return it == options_->end() ? fallback : std::string_view(it->second);
  }
  // Whether the comma-separated list in option `key` (or `fallback`) names `item`.
  bool option_lists(std::string_view key, std::string_view fallback, std::string_view item) const;

  // Used by the linter.
  void set_rule(const RuleDef* rule, Severity severity, const RuleOptions* options = nullptr) {
    rule_ = rule;
    severity_ = severity;
    options_ = options;
  }
  void set_ancestors(std::span<const ProtobufCMessage* const> a) { ancestors_ = a; }
  void set_effect_source(std::function<const Effect&()> f) { effect_source_ = std::move(f); }

 private:
  int subcommand_index(const PgQuery__AlterTableCmd& cmd) const;

  const FileContext& ctx_;
  const Statement& stmt_;
  std::vector<Finding>& out_;
  const RuleDef* rule_ = nullptr;
  Severity severity_ = Severity::Warning;
  const RuleOptions* options_ = nullptr;
  std::span<const ProtobufCMessage* const> ancestors_;
  std::function<const Effect&()> effect_source_;
  std::optional<Tokens> tokens_;
  template <class T>
  static constexpr char memo_tag = 0;  // one address per memoized type
  struct MemoKey {
    const void* node;
    const char* type;
    bool operator==(const MemoKey&) const = default;
  };
  struct MemoHash {
    size_t operator()(const MemoKey& k) const {
      return std::hash<const void*>()(k.node) ^ (std::hash<const void*>()(k.type) << 1);
    }
  };
  std::unordered_map<MemoKey, std::shared_ptr<const void>, MemoHash> memos_;
  std::optional<std::vector<Span>> subcommand_spans_;
};

}  // namespace migsafe
