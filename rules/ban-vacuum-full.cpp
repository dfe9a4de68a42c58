// VACUUM FULL of an existing table: a full copy of the table and its indexes under ACCESS
// EXCLUSIVE. pg_repack / pg_squeeze do the same online.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"
#include "core/object_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-vacuum-full",
    .severity = Severity::Error,
    .category = "locking",
    .summary = "VACUUM FULL, which rewrites tables under ACCESS EXCLUSIVE",
    .why =
        "VACUUM FULL writes a new copy of each table and all its indexes while holding ACCESS "
        "EXCLUSIVE: every read and write of the table waits until the copy is done.",
    .instead =
        "Reclaim space online with pg_repack or pg_squeeze, outside the migration; a plain VACUUM "
        "makes dead rows' space reusable without blocking.",
};

void visit(const PgQuery__VacuumStmt& s, Check& c) {
  if (!s.is_vacuumcmd || !option_enabled(items(s.options, s.n_options), "full")) return;
  std::vector<QualifiedName> tables;
  for (const RelationLock& l : c.effect().locks)
    if (!l.is_new && !l.relation.empty()) tables.push_back(l.relation);
  if (s.n_rels > 0 && tables.empty()) return;  // only tables this migration created
  bool all = s.n_rels == 0;
  std::string names = all ? "every table in the database" : names_phrase(tables);
  bool one = tables.size() == 1;
  auto finding = c.report(
      c.statement_span(),
      fmt::format("VACUUM FULL takes ACCESS EXCLUSIVE on {0} and writes a new copy of {1} and of "
                  "{2} indexes: every read and write of {3} waits until the copy is done, and "
                  "the copy needs as much free disk space as what it copies",
                  names, all || !one ? "each table" : "it", all || !one ? "their" : "its",
                  all ? "each table" : (one ? names : "these tables")));
  std::string table_args;
  for (const QualifiedName& t : tables) table_args += " --table=" + t.display();
  finding.help(fmt::format(
      "Take this out of the migration. To give the space back online, run pg_repack "
      "(`pg_repack{}`) or pg_squeeze: they build the copy while the table stays in use and hold "
      "ACCESS EXCLUSIVE only for a moment to swap it in (both need a primary key or a unique "
      "NOT NULL index). If the goal is only to make the space of dead rows reusable, a plain "
      "VACUUM does that under SHARE UPDATE EXCLUSIVE, which blocks neither reads nor writes.",
      all ? " --all" : table_args));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__VacuumStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
