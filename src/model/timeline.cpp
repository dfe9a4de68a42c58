// Statement-by-statement lock timeline; see timeline.hpp.
#include "model/timeline.hpp"

#include <map>

#include "core/node_util.hpp"
#include "core/walk.hpp"

namespace migsafe {

FileTimeline build_timeline(std::shared_ptr<const SourceFile> file, const LintSettings& settings) {
  FileTimeline t;
  t.file = file;
  t.parsed = parse_file(*file);
  FileContext ctx(*file, settings);
  std::map<int, int> numbers;  // the context's transaction ids -> 1, 2, ...
  for (const Statement& stmt : t.parsed.statements) {
    StatementLocks s;
    s.statement = &stmt;
    s.kind = statement_kind(stmt.node);
    s.effect = predict(stmt, ctx);
    bool opens = false;
    if (const auto* tx = as<PgQuery__TransactionStmt>(unwrap(stmt.node)))
      opens =
          !ctx.in_transaction() && (tx->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN ||
                                    tx->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START);
    if (ctx.in_transaction() || opens) {
      int id = ctx.transaction_id();
      auto it = numbers.find(id);
      if (it == numbers.end()) it = numbers.emplace(id, static_cast<int>(numbers.size()) + 1).first;
      s.transaction = it->second;
      s.transaction_kind =
          ctx.in_assumed_transaction() ? TransactionKind::Assumed : TransactionKind::Explicit;
      s.held = ctx.held_on_existing();
    }
    ctx.advance(stmt, [&]() -> const Effect& { return s.effect; });
    t.statements.push_back(std::move(s));
  }
  auto after = std::make_shared<Catalog>(ctx.catalog());
  after->mark_history();
  t.catalog_after = after;
  return t;
}

}  // namespace migsafe
