// DROP TABLE of a table this migration did not create: code that still uses it fails, and the
// rows are gone for good.
#include <fmt/format.h>

#include <algorithm>

#include "core/check.hpp"
#include "core/node_util.hpp"
#include "model/catalog.hpp"

#include <algorithm>

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "ban-drop-table",
    .severity = Severity::Warning,
    .category = "compatibility",
    .summary = "DROP TABLE of a table the migration did not create",
    .why =
        "Code that still reads or writes the table fails as soon as the drop commits, and its "
        "rows are gone: getting them back means restoring a backup.",
    .instead =
        "Stop using the table in the code and deploy that first; rename or archive it if you "
        "are not sure nothing else uses it; drop it in a later migration.",
};

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

void visit(const PgQuery__DropStmt& s, Check& c) {
  if (s.remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) return;
  const FileContext& ctx = c.ctx();
  std::vector<QualifiedName> existing;
  for (const PgQuery__Node* obj : items(s.objects, s.n_objects)) {
    const auto* list = as<PgQuery__List>(obj);
    if (!list) continue;
    QualifiedName name = ctx.resolve_list(list->items, list->n_items);
    // A table created earlier in this migration (a scratch or staging table) has no users.
    if (!ctx.is_new_table(name)) existing.push_back(name);
  }
  if (existing.empty()) return;

  std::vector<std::string> names;
  for (const QualifiedName& n : existing) names.push_back(n.display());
  std::string tables = join(names);
  bool one = existing.size() == 1;

  // Every existing relation the drop locks (foreign keys add the tables they reference).
  std::vector<std::string> blocked;
  std::string mode;
  for (const RelationLock& l : c.effect().locks) {
    if (l.is_new || l.relation.empty() || blocked_traffic(l.mode).empty()) continue;
    // Its indexes and sequences go with the table; the tables matter.
    if (l.role == RelationRole::Indexes || l.role == RelationRole::Sequence) continue;
    if (std::find(blocked.begin(), blocked.end(), l.relation.display()) != blocked.end()) continue;
    blocked.push_back(l.relation.display());
    if (mode.empty()) mode = fmt::format("{} lock", lock_name(l.mode));
  }
  std::string lock_note;
  if (!blocked.empty())
    lock_note = fmt::format("; while it waits for its {}, queries on {} queue behind it", mode,
                            join(blocked));

  // What the schema history says still uses the tables (views, other tables' foreign keys,
  // partitions): without CASCADE PostgreSQL refuses the drop; with it they go too.
  std::vector<std::string> users;
  for (const QualifiedName& n : existing)
    for (const Dependent& d : ctx.catalog().dependents_of_table(n))
      if (std::find(existing.begin(), existing.end(), d.object) == existing.end() ||
          d.kind == Dependent::ForeignKey)
        users.push_back(d.describe());
  std::string users_note;
  if (!users.empty()) {
    bool cascade = s.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
    users_note = fmt::format("; {} still {} {}: {}", join(users),
                             users.size() == 1 ? "uses" : "use", one ? "it" : "them",
                             cascade ? "CASCADE silently drops them too"
                                     : "without CASCADE the DROP fails with \"other objects depend "
                                       "on it\"");
  }

  auto finding = c.report(
      c.statement_span(),
      fmt::format("DROP TABLE deletes {} and every row in {}: code that still uses {} fails with "
                  "\"relation does not exist\" once this commits, and the data can only be "
                  "recovered from a backup{}{}",
                  tables, one ? "it" : "them", one ? "it" : "them", users_note, lock_note));

  const std::string& first = names.front();
  std::string cascade_note;
  if (s.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
    cascade_note =
        " CASCADE also drops the views that read the table and the foreign keys of other "
        "tables that point at it: drop those explicitly so the migration says what it removes.";
  finding.help(fmt::format(
      "Retire {} in steps. Stop using {} in the code and deploy that everywhere. If you are "
      "not sure that nothing else reads {} (reports, other services, cron jobs), first rename "
      "it (`ALTER TABLE {} RENAME TO {}`) and wait: a forgotten user then fails while the data "
      "still exists and can be renamed back. Keep a copy (`pg_dump --table={}`) if the data may "
      "be needed. Then drop {} in a later migration.{}",
      one ? "the table" : "the tables", one ? "it" : "them", one ? "it" : "them", first,
      quote_ident(existing.front().name + "_retired"), first, one ? "it" : "them", cascade_note));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__DropStmt>(visit)}}};

}  // namespace
}  // namespace migsafe
