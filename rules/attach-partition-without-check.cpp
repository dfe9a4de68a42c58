// ALTER TABLE ... ATTACH PARTITION of an existing table with no valid CHECK constraint known to
// prove the partition bound: PostgreSQL reads the whole partition under ACCESS EXCLUSIVE.
#include <fmt/format.h>

#include "core/alter_util.hpp"
#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "attach-partition-without-check",
    .severity = Severity::Warning,
    .category = "locking",
    .summary = "ATTACH PARTITION that scans the partition under ACCESS EXCLUSIVE",
    .why =
        "ATTACH PARTITION reads every row of the table being attached to check it against the "
        "partition bound, holding ACCESS EXCLUSIVE on it, unless a valid CHECK constraint "
        "already proves the bound.",
    .instead =
        "Add a CHECK constraint matching the bound as NOT VALID, VALIDATE it (SHARE UPDATE "
        "EXCLUSIVE, traffic continues), then ATTACH: the scan is skipped. Drop the CHECK "
        "afterwards.",
};

// Where a bound value starts in the source (a cast starts at its argument).
int datum_location(const PgQuery__Node* n) {
  if (const auto* cast = as<PgQuery__TypeCast>(n)) return datum_location(cast->arg);
  return node_location(n);
}

bool is_infinite(const PgQuery__Node* n) {
  const auto* ref = as<PgQuery__ColumnRef>(n);
  if (!ref || ref->n_fields != 1) return false;
  std::string_view v = string_value(ref->fields[0]);
  return v == "minvalue" || v == "maxvalue";
}

// A CHECK expression equivalent to a one-column bound, with `key` for the partition key column
// (the ATTACH does not name it); empty when the bound is not of that simple form.
std::string bound_check(Check& c, const PgQuery__PartitionBoundSpec& b, const std::string& key) {
  auto text = [&](const PgQuery__Node* n) { return sql_text(c, c.item_at(datum_location(n))); };
  if (b.is_default) return "";
  std::string strategy = b.strategy ? b.strategy : "";
  if (strategy == "r" && b.n_lowerdatums == 1 && b.n_upperdatums == 1) {
    std::string out = fmt::format("{} IS NOT NULL", key);
    if (!is_infinite(b.lowerdatums[0]))
      out += fmt::format(" AND {} >= {}", key, text(b.lowerdatums[0]));
    if (!is_infinite(b.upperdatums[0]))
      out += fmt::format(" AND {} < {}", key, text(b.upperdatums[0]));
    return out;
  }
  if (strategy == "l" && b.n_listdatums > 0) {
    std::vector<std::string> values;
    bool null_allowed = false;
    for (const PgQuery__Node* d : items(b.listdatums, b.n_listdatums)) {
      const auto* k = as<PgQuery__AConst>(d);
      if (k && k->isnull) {
        null_allowed = true;
        continue;
      }
      values.push_back(text(d));
    }
    std::string in;
    for (const std::string& v : values) in += (in.empty() ? "" : ", ") + v;
    if (null_allowed) return fmt::format("{0} IS NULL OR {0} IN ({1})", key, in);
    return fmt::format("{0} IS NOT NULL AND {0} IN ({1})", key, in);
  }
  return "";
}

void visit(const PgQuery__AlterTableCmd& cmd, Check& c) {
  if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition) return;
  const auto* pc = as<PgQuery__PartitionCmd>(cmd.def);
  const auto* stmt = c.ancestor<PgQuery__AlterTableStmt>();
  if (!pc || !pc->name || !stmt) return;
  const Effect* e = c.subcommand_effect(cmd);
  if (!e || e->scan == Tri::No) return;
  QualifiedName partition = c.ctx().resolve(pc->name);
  const RelationLock* lock = nullptr;
  for (const RelationLock& l : e->locks)
    if (l.role == RelationRole::Partition && l.relation == partition) lock = &l;
  if (!lock || lock->is_new) return;
  std::string part = partition.display();
  std::string parent = c.ctx().resolve(stmt->relation).display();
  auto finding = c.report(
      c.subcommand_span(cmd),
      fmt::format("ATTACH PARTITION {0} holds {1} on {0} while it reads every row to check it "
                  "against the partition bound: reads and writes of {0} wait until the scan is "
                  "done. No valid CHECK constraint that proves the bound is known on {0}",
                  part, lock_name(lock->mode)));
  std::string key = "<partition key>";
  std::string check = pc->bound ? bound_check(c, *pc->bound, key) : "";
  if (check.empty()) check = "<the partition bound as a condition on the partition key>";
  std::string constraint = quote_ident(partition.name + "_bound");
  std::string attach = sql_text(c, c.subcommand_span(cmd));
  finding.help(fmt::format(
      "Prove the bound first with a constraint that does not block traffic, so that ATTACH "
      "skips the scan:\n"
      "  ALTER TABLE {0} ADD CONSTRAINT {1} CHECK ({2}) NOT VALID;\n"
      "  ALTER TABLE {0} VALIDATE CONSTRAINT {1};  -- SHARE UPDATE EXCLUSIVE: traffic continues\n"
      "  ALTER TABLE {3} {4};  -- no scan now\n"
      "  ALTER TABLE {0} DROP CONSTRAINT {1};\n"
      "If {3} has a DEFAULT partition, ATTACH also scans it for rows that belong in {0}; a CHECK "
      "on the default partition that excludes the new bound avoids that too.",
      part, constraint, check, parent, attach));
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__AlterTableCmd>(visit)}}};

}  // namespace
}  // namespace migsafe
