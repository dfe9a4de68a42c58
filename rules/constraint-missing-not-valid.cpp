// A CHECK or FOREIGN KEY constraint checked against every existing row while a lock that blocks
// traffic is held: ADD CONSTRAINT without NOT VALID, an inline CHECK on ADD COLUMN (which cannot
// be NOT VALID), and VALIDATE CONSTRAINT in the transaction that added the constraint NOT VALID.
#include <fmt/format.h>

#include "core/alter_util.hpp"
#include "core/check.hpp"
#include "core/node_util.hpp"
#include "model/catalog.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "constraint-missing-not-valid",
    .severity = Severity::Error,
    .category = "locking",
    .summary = "CHECK or FOREIGN KEY constraint validated while a blocking lock is held",
    .why =
        "Adding a CHECK constraint without NOT VALID holds ACCESS EXCLUSIVE (no reads, no writes) "
        "and a FOREIGN KEY holds SHARE ROW EXCLUSIVE on both tables (no writes) while every "
        "existing row is checked; VALIDATE in the same transaction keeps those locks for its scan.",
    .instead =
        "Add the constraint NOT VALID, commit, then run ALTER TABLE ... VALIDATE CONSTRAINT in a "
        "separate transaction: it takes SHARE UPDATE EXCLUSIVE, which blocks neither reads nor "
        "writes.",
};

const char* kind_word(const PgQuery__Constraint& con) {
  return con.contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK ? "CHECK" : "FOREIGN KEY";
}

// A name to suggest for an unnamed constraint (PostgreSQL's own choice is not predictable here:
// it depends on the expression and on the names already taken).
std::string suggested_name(const AlterTarget& t, const PgQuery__Constraint& con) {
  std::string name = t.table.name;
  if (con.contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) {
    for (const PgQuery__Node* n : items(con.fk_attrs, con.n_fk_attrs))
      name += "_" + std::string(string_value(n));
    return quote_ident(name + "_fkey");
  }
  // A CHECK is named after the first column its expression mentions, as PostgreSQL does.
  std::string column;
  for_each_message(con.raw_expr, [&](const ProtobufCMessage& m) {
    const auto* ref = as<PgQuery__ColumnRef>(&m);
    if (ref && column.empty() && ref->n_fields > 0)
      column = string_value(ref->fields[ref->n_fields - 1]);
  });
  if (!column.empty()) name += "_" + column;
  return quote_ident(name + "_check");
}

// What the recipe's VALIDATE CONSTRAINT takes, from the lock model: the constraint added NOT
// VALID first, then validated.
AlternativeLocks validate_locks(Check& c, const AlterTarget& t, const std::string& add,
                                const std::string& name) {
  return alternative_locks(
      c.ctx(), {fmt::format("ALTER TABLE {} {} NOT VALID", t.table_sql, add),
                fmt::format("ALTER TABLE {} VALIDATE CONSTRAINT {}", t.table_sql, name)});
}

std::string validate_steps(const AlterTarget& t, const std::string& add, const std::string& name) {
  return fmt::format(
      "  ALTER TABLE {0} {1} NOT VALID;\n"
      "  -- commit; then, in a separate transaction:\n"
      "  ALTER TABLE {0} VALIDATE CONSTRAINT {2};",
      t.table_sql, add, name);
}

void add_constraint(const PgQuery__AlterTableCmd& cmd, const PgQuery__Constraint& con,
                    const AlterTarget& t, Check& c) {
  if (con.skip_validation) return;
  if (con.contype != PG_QUERY__CONSTR_TYPE__CONSTR_CHECK &&
      con.contype != PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN)
    return;
  std::vector<RelationLock> locks = existing_locks(t.effect->locks);
  std::string blocked = blocked_phrase(locks);
  if (blocked.empty() || t.effect->scan == Tri::No) return;
  bool named = con.conname && *con.conname;
  std::string what =
      named ? fmt::format("ADD CONSTRAINT {} {}", quote_ident(con.conname), kind_word(con))
            : fmt::format("ADD {}", kind_word(con));
  Span span = c.subcommand_span(cmd);
  auto finding = c.report(
      span, fmt::format("{} without NOT VALID takes {} and holds {} while {}: {} are blocked "
                        "for the whole scan",
                        what, locks_phrase(locks), locks.size() > 1 ? "them" : "it",
                        t.effect->scan_reason, blocked));
  std::string add = sql_text(c, span);
  if (named) {
    std::string name = quote_ident(con.conname);
    AlternativeLocks alt = validate_locks(c, t, add, name);
    finding.help(fmt::format(
        "Add the constraint NOT VALID: the lock is then held only briefly and existing rows are "
        "not checked (new rows are). Then validate it in a separate transaction; VALIDATE "
        "CONSTRAINT takes {}, which {}:\n{}",
        alt.takes, alt.blocks, validate_steps(t, add, name)));
    Fix fix;
    fix.title = "Add NOT VALID and validate in a separate statement";
    // Inside a transaction block the VALIDATE would still run under the ADD's lock.
    fix.safe = !c.ctx().in_transaction();
    if (!fix.safe) fix.title += " (then move the VALIDATE to a transaction of its own)";
    std::string validate =
        fmt::format("\nALTER TABLE {} VALIDATE CONSTRAINT {};", t.table_sql, name);
    Span stmt = c.statement_span();
    if (span.end == stmt.end) {
      // The last statement of the file, without a ';': one edit, so the order is unambiguous.
      fix.edits.push_back(Edit{Span{span.end, span.end}, " NOT VALID;" + validate});
    } else {
      fix.edits.push_back(Edit{Span{span.end, span.end}, " NOT VALID"});
      fix.edits.push_back(Edit{Span{stmt.end, stmt.end}, validate});
    }
    finding.fix(std::move(fix));
  } else {
    std::string name = suggested_name(t, con);
    const char* keyword = con.contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK ? "check" : "foreign";
    std::string body = sql_text(c, from_word(c, span, keyword).value_or(span));
    std::string named_add = fmt::format("ADD CONSTRAINT {} {}", name, body);
    AlternativeLocks validate = validate_locks(c, t, named_add, name);
    finding.help(fmt::format(
        "Name the constraint, add it NOT VALID (the lock is then held only briefly and existing "
        "rows are not checked), and validate it in a separate transaction: VALIDATE CONSTRAINT "
        "takes {}, which {}. No automatic fix is offered because the name PostgreSQL generates "
        "for an unnamed constraint cannot be known reliably here:\n{}",
        validate.takes, validate.blocks, validate_steps(t, named_add, name)));
  }
}

void inline_check(const PgQuery__AlterTableCmd& cmd, const PgQuery__ColumnDef& def,
                  const AlterTarget& t, Check& c) {
  ColumnFacts f = column_facts(def);
  // A rewrite reads every row anyway and adding-field-with-default reports it. Only the table's
  // own lock matters for the CHECK (an inline REFERENCES is adding-foreign-key-constraint's).
  if (!f.check || t.effect->rewrite != Tri::No || t.effect->scan == Tri::No) return;
  std::vector<RelationLock> locks = existing_locks({*t.lock});
  std::string blocked = blocked_phrase(locks);
  if (blocked.empty()) return;
  std::string col = quote_ident(def.colname ? def.colname : "?");
  Span span = c.subcommand_span(cmd);
  auto finding = c.report(
      span, fmt::format("ADD COLUMN {} with an inline CHECK takes {} and holds it while the CHECK "
                        "constraint is verified against every row: {} are blocked for the whole "
                        "scan (an inline constraint cannot be NOT VALID)",
                        col, locks_phrase(locks), blocked));
  std::optional<Span> check = column_constraint_span(c, def, *f.check, span);
  if (!check) {
    finding.help(
        "Add the column without the CHECK, then add the constraint with ALTER TABLE ... ADD "
        "CONSTRAINT ... NOT VALID and run VALIDATE CONSTRAINT in a separate transaction.");
    return;
  }
  std::string name =
      f.check->conname && *f.check->conname
          ? quote_ident(f.check->conname)
          : quote_ident(t.table.name + "_" + (def.colname ? def.colname : "") + "_check");
  std::string body = sql_text(c, from_word(c, *check, "check").value_or(*check));
  std::string named_add = fmt::format("ADD CONSTRAINT {} {}", name, body);
  AlternativeLocks validate = validate_locks(c, t, named_add, name);
  finding.help(fmt::format(
      "Add the column without the CHECK, then add the constraint NOT VALID (a brief lock; "
      "existing rows are not checked) and validate it in a separate transaction (VALIDATE takes "
      "{}, which {}):\n"
      "  ALTER TABLE {} {};\n{}",
      validate.takes, validate.blocks, t.table_sql, sql_text_without(c, span, {*check}),
      validate_steps(t, named_add, name)));
}

void validate_in_same_transaction(const PgQuery__AlterTableCmd& cmd, const AlterTarget& t,
                                  Check& c) {
  const FileContext& ctx = c.ctx();
  if (!ctx.in_transaction() || !cmd.name) return;
  const TableInfo* table = ctx.catalog().table(t.table);
  const ConstraintInfo* info = table ? table->constraint(cmd.name) : nullptr;
  if (!info || info->validated || info->added_transaction != ctx.transaction_id()) return;
  if (info->kind != ConstraintKind::Check && info->kind != ConstraintKind::ForeignKey) return;
  // The locks the ADD ... NOT VALID took are still held: nothing is released before COMMIT.
  std::vector<RelationLock> taken;
  const HeldLock* add = nullptr;
  for (const HeldLock& h : ctx.held_locks()) {
    if (h.statement != info->added_statement) continue;
    if (!(h.lock.relation == t.table) && !(h.lock.relation == info->references)) continue;
    taken.push_back(h.lock);
    if (!add) add = &h;
  }
  std::vector<RelationLock> locks = existing_locks(taken);
  std::string blocked = blocked_phrase(locks);
  if (!add || blocked.empty()) return;
  std::string name = quote_ident(cmd.name);
  auto finding = c.report(
      c.subcommand_span(cmd),
      fmt::format("VALIDATE CONSTRAINT {} runs in the transaction that added it NOT VALID: that "
                  "ADD took {} and keeps {} until COMMIT, so {} stay blocked while VALIDATE "
                  "reads every row",
                  name, locks_phrase(locks), locks.size() > 1 ? "them" : "it", blocked));
  // On its own (the constraint already added), VALIDATE takes what the model says now.
  AlternativeLocks validate = alternative_locks(
      ctx, {fmt::format("ALTER TABLE {} VALIDATE CONSTRAINT {}", t.table_sql, name)});
  finding.help(fmt::format(
      "Commit after the ADD CONSTRAINT ... NOT VALID and run the VALIDATE in a transaction of its "
      "own (a separate migration when your tool wraps each file in one transaction). On its own, "
      "VALIDATE CONSTRAINT takes {}, which {}:\n"
      "  -- commit; then, in a separate transaction:\n"
      "  ALTER TABLE {} VALIDATE CONSTRAINT {};",
      validate.takes, validate.blocks, t.table_sql, name));
  finding.related(add->where,
                  fmt::format("{} was added NOT VALID here; its lock is still held", name));
}

void visit(const PgQuery__AlterTableCmd& cmd, Check& c) {
  auto target = existing_table_target(cmd, c);
  if (!target) return;
  switch (cmd.subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse:
      if (const auto* con = as<PgQuery__Constraint>(cmd.def)) add_constraint(cmd, *con, *target, c);
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
      if (const auto* def = as<PgQuery__ColumnDef>(cmd.def)) inline_check(cmd, *def, *target, c);
      break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse:
      validate_in_same_transaction(cmd, *target, c);
      break;
    default:
      break;
  }
}

const RegisterRule reg{RuleDef{.meta = kMeta, .visits = {on<PgQuery__AlterTableCmd>(visit)}}};

}  // namespace
}  // namespace migsafe
