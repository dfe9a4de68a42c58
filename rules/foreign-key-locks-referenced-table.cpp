// A foreign key lives on two tables: creating one with CREATE TABLE ... REFERENCES, or dropping
// one (ALTER TABLE ... DROP CONSTRAINT, DROP TABLE of a table with foreign keys), locks the
// other table too, with a lock that blocks its writes (or reads and writes) until COMMIT.
// Silent once a lock_timeout bounds the wait for that lock.
#include <fmt/format.h>

#include <algorithm>

#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "foreign-key-locks-referenced-table",
    .severity = Severity::Warning,
    .category = "locking",
    .summary = "creating or dropping a foreign key locks the other table too",
    .why =
        "A foreign key is enforced by triggers on both tables. CREATE TABLE ... REFERENCES takes "
        "SHARE ROW EXCLUSIVE on the referenced table (its writes wait), and dropping a foreign "
        "key, directly or with DROP TABLE, takes ACCESS EXCLUSIVE on the other table (reads and "
        "writes wait): while the statement waits for that lock behind a long transaction, and "
        "until its own transaction commits.",
    .instead =
        "Set a lock_timeout first and run the statement in a short transaction of its own, so "
        "waiting for the other table's lock gives up instead of stalling its traffic; drop the "
        "foreign keys of a table one by one before dropping the table.",
};

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i)
    out += (i ? (i + 1 == names.size() ? " and " : ", ") : "") + names[i];
  return out;
}

// The other tables a prediction locks through foreign keys, existing ones only.
std::vector<const RelationLock*> other_tables(const Effect& e) {
  std::vector<const RelationLock*> out;
  for (const RelationLock& l : e.locks)
    if ((l.role == RelationRole::ReferencedTable || l.role == RelationRole::ReferencingTable) &&
        !l.is_new && !l.relation.empty() && !blocked_traffic(l.mode).empty())
      out.push_back(&l);
  return out;
}

std::string timeout_help(std::string_view what) {
  return fmt::format(
      "Keep {} in a short transaction of its own that starts with `SET LOCAL lock_timeout = "
      "'5s';`: waiting for the lock then gives up after 5 seconds instead of stalling the other "
      "table's traffic, and the migration can be retried.",
      what);
}

void create_table(const PgQuery__CreateStmt& s, Check& c) {
  if (c.ctx().lock_timeout()) return;
  const Effect& e = c.effect();
  for (const RelationLock* l : other_tables(e)) {
    // Point at the REFERENCES that names this table.
    Span span = c.statement_span();
    for_each_message(&s.base, [&](const ProtobufCMessage& x) {
      const auto* con = as<PgQuery__Constraint>(&x);
      if (con && con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN &&
          c.ctx().resolve(con->pktable) == l->relation && span == c.statement_span())
        span = c.item_at(con->location);
    });
    std::string table = l->relation.display();
    auto finding = c.report(
        span, fmt::format("CREATE TABLE {} with a foreign key to {} takes {} on {}: {} of {} are "
                          "blocked while it waits for that lock and until the transaction commits",
                          c.ctx().resolve(s.relation).display(), table, lock_name(l->mode), table,
                          blocked_traffic(l->mode), table));
    finding.help(timeout_help("the CREATE TABLE"));
  }
}

void drop_constraint(const PgQuery__AlterTableCmd& cmd, Check& c) {
  if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint &&
      cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse)
    return;
  if (c.ctx().lock_timeout()) return;
  const Effect* e = c.subcommand_effect(cmd);
  if (!e) return;
  const auto* alter = c.ancestor<PgQuery__AlterTableStmt>();
  if (!alter || !alter->relation) return;
  QualifiedName table = c.ctx().resolve(alter->relation);
  if (c.ctx().is_new_table(table)) return;
  for (const RelationLock* l : other_tables(*e)) {
    std::string other = l->relation.display();
    auto finding = c.report(
        c.subcommand_span(cmd),
        fmt::format("dropping foreign key {} of {} also takes {} on {}, the table it references: "
                    "{} of {} are blocked while it waits for that lock and until the transaction "
                    "commits",
                    quote_ident(cmd.name ? cmd.name : "?"), table.display(), lock_name(l->mode),
                    other, blocked_traffic(l->mode), other));
    finding.help(timeout_help("the DROP CONSTRAINT"));
  }
}

void drop_table(const PgQuery__DropStmt& s, Check& c) {
  if (s.remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE || c.ctx().lock_timeout()) return;
  std::vector<QualifiedName> dropped;
  for (const PgQuery__Node* obj : items(s.objects, s.n_objects))
    if (const auto* list = as<PgQuery__List>(obj))
      dropped.push_back(c.ctx().resolve_list(list->items, list->n_items));
  std::vector<const RelationLock*> others;
  for (const RelationLock* l : other_tables(c.effect()))
    if (std::find(dropped.begin(), dropped.end(), l->relation) == dropped.end())
      others.push_back(l);
  if (others.empty()) return;
  std::vector<std::string> names, dropped_names;
  for (const RelationLock* l : others) names.push_back(l->relation.display());
  for (const QualifiedName& d : dropped) dropped_names.push_back(d.display());
  const RelationLock& first = *others.front();
  auto finding = c.report(
      c.statement_span(),
      fmt::format("DROP TABLE {} also takes {} on {}, linked to it by foreign keys: {} of {} are "
                  "blocked while it waits for that lock and until the transaction commits",
                  join(dropped_names), lock_name(first.mode), join(names),
                  blocked_traffic(first.mode), join(names)));
  finding.help(fmt::format(
      "Drop the foreign keys between {} and {} first, each with `ALTER TABLE ... DROP CONSTRAINT` "
      "in a short transaction of its own that starts with `SET LOCAL lock_timeout = '5s';`, then "
      "drop the table: it no longer locks {}.",
      join(dropped_names), join(names), join(names)));
}

const RegisterRule reg{RuleDef{
    .meta = kMeta,
    .visits = {on<PgQuery__CreateStmt>(create_table), on<PgQuery__AlterTableCmd>(drop_constraint),
               on<PgQuery__DropStmt>(drop_table)}}};

}  // namespace
}  // namespace migsafe
