// REINDEX without CONCURRENTLY on an existing table or index (PostgreSQL 12+, where CONCURRENTLY
// exists): writes stop, and in practice reads too, until every index is rebuilt.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"
#include "core/object_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "require-concurrent-reindex",
    .severity = Severity::Error,
    .category = "locking",
    .summary = "REINDEX of an existing table, index or schema without CONCURRENTLY",
    .why =
        "A plain REINDEX holds SHARE on the table and ACCESS EXCLUSIVE on each index it rebuilds: "
        "writes wait for the whole rebuild, and so do reads, because planning a query on the "
        "table locks all of its indexes.",
    .instead =
        "Use REINDEX ... CONCURRENTLY outside a transaction block: it builds a new copy of each "
        "index under SHARE UPDATE EXCLUSIVE and swaps it in, so reads and writes continue.",
    .min_pg = 12,
};

// The keyword after REINDEX [ ( options ) ] that names what is rebuilt: CONCURRENTLY goes after it.
std::optional<Token> kind_keyword(Check& c) {
  const Tokens& tokens = c.tokens();
  const auto& all = tokens.all();
  auto first = tokens.first_at(c.statement_span().begin);
  if (!first) return std::nullopt;
  size_t k = *first + 1;  // past REINDEX
  if (k < all.size() && tokens.text_of(all[k]) == "(") {
    int depth = 0;
    for (; k < all.size(); ++k) {
      std::string_view t = tokens.text_of(all[k]);
      if (t == "(") ++depth;
      if (t == ")" && --depth == 0) break;
    }
    ++k;
  }
  if (k >= all.size()) return std::nullopt;
  return all[k];
}

void visit(const PgQuery__ReindexStmt& s, Check& c) {
  auto params = items(s.params, s.n_params);
  if (option_enabled(params, "concurrently")) return;
  const FileContext& ctx = c.ctx();
  std::string what, message, help_target;
  switch (s.kind) {
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_TABLE: {
      QualifiedName table = ctx.resolve(s.relation);
      const RelationLock* lock = c.effect().lock_on(table);
      if (!lock || lock->is_new) return;
      std::string name = table.display();
      what = "TABLE";
      message = fmt::format(
          "REINDEX TABLE {0} takes {1} on {0} and ACCESS EXCLUSIVE on each of its indexes until "
          "all of them are rebuilt: writes to {0} are blocked, and in practice reads too, "
          "because planning any query on {0} locks all of its indexes",
          name, lock_name(lock->mode));
      help_target = name;
      break;
    }
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX: {
      QualifiedName index = ctx.resolve(s.relation);
      if (is_new_object_of_type(ctx, PG_QUERY__OBJECT_TYPE__OBJECT_INDEX, index)) return;
      std::string table = "its table";
      for (const RelationLock& l : c.effect().locks)
        if (l.role == RelationRole::IndexTable && !l.relation.empty()) table = l.relation.display();
      what = "INDEX";
      message = fmt::format(
          "REINDEX INDEX {0} takes ACCESS EXCLUSIVE on {0} and SHARE on {1} until the index is "
          "rebuilt: writes to {1} are blocked, and so is every query whose planning considers "
          "{0}, which in practice is every query on {1}",
          index.display(), table);
      help_target = index.display();
      break;
    }
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SCHEMA: {
      std::string schema = s.name ? s.name : "";
      if (ctx.is_new_object(ObjectKind::Schema, QualifiedName{"", schema})) return;
      what = "SCHEMA";
      message = fmt::format(
          "REINDEX SCHEMA {0} rebuilds every index in {0}, one table at a time under SHARE on "
          "the table and ACCESS EXCLUSIVE on its indexes: writes to each table, and in practice "
          "reads, stop while its indexes are rebuilt",
          quote_ident(schema));
      help_target = quote_ident(schema);
      break;
    }
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_DATABASE: {
      what = "DATABASE";
      message =
          "REINDEX DATABASE rebuilds every index of the database, one table at a time under "
          "SHARE on the table and ACCESS EXCLUSIVE on its indexes: writes to each table, and in "
          "practice reads, stop while its indexes are rebuilt";
      help_target = s.name ? quote_ident(s.name) : "";
      break;
    }
    default:
      // REINDEX SYSTEM has no concurrent form: system catalogs cannot be reindexed concurrently.
      return;
  }
  auto finding = c.report(c.statement_span(), message);
  finding.help(fmt::format(
      "Use `REINDEX {} CONCURRENTLY {}` in a migration step of its own, outside any transaction "
      "block: it builds a new copy of each index next to the old one under SHARE UPDATE "
      "EXCLUSIVE and swaps it in, so reads and writes continue. It takes longer and needs room "
      "for the copies. If it fails it leaves INVALID copies named *_ccnew; drop them with DROP "
      "INDEX CONCURRENTLY and run it again. Indexes of exclusion constraints cannot be rebuilt "
      "concurrently.",
      what, help_target));
  if (auto kw = kind_keyword(c)) {
    Fix fix;
    fix.title = "Add CONCURRENTLY";
    // CONCURRENTLY fails inside a transaction block; an explicit (CONCURRENTLY false) option
    // would contradict the keyword.
    bool in_tx = ctx.in_transaction();
    bool option_given = false;
    for (const PgQuery__Node* p : params) {
      const auto* d = as<PgQuery__DefElem>(p);
      if (d && d->defname && std::string_view(d->defname) == "concurrently") option_given = true;
    }
    fix.safe = !in_tx && !option_given;
    if (in_tx) fix.title += " (and move the statement out of its transaction block)";
    if (option_given) fix.title += " (and remove the CONCURRENTLY option from the list)";
    fix.edits.push_back(Edit{Span{kw->end, kw->end}, " CONCURRENTLY"});
    finding.fix(std::move(fix));
  }
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__ReindexStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
