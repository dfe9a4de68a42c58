// Outside a transaction block every statement commits on its own: when a later statement of
// the migration fails, the earlier ones stay done, and a rerun of the file stops at the first
// CREATE that finds its object already there (or DROP that finds it gone). IF [NOT] EXISTS, OR
// REPLACE, or a DROP ... IF EXISTS in front makes the statement re-runnable. Inside a transaction
// block a failure undoes everything, so nothing is reported there; neither is the last statement
// of a file (nothing after it can fail), except CREATE INDEX CONCURRENTLY IF NOT EXISTS, which
// silently keeps the INVALID index a failed build leaves behind.
#include <fmt/format.h>

#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "prefer-robust-stmts",
    .severity = Severity::Warning,
    .category = "hygiene",
    .summary = "a statement outside a transaction block that cannot be re-run after a failure",
    .why =
        "Outside a transaction block each statement commits on its own: if a later statement "
        "fails, a rerun of the migration stops at the first CREATE whose object already exists "
        "or DROP whose object is already gone, and someone has to repair it by hand.",
    .instead =
        "Use IF NOT EXISTS / IF EXISTS / OR REPLACE (or a DROP ... IF EXISTS before a CREATE "
        "INDEX CONCURRENTLY), or run the migration in one transaction block when it can be.",
};

// Whether a statement that can fail comes after `index` (SET and RESET are not counted).
bool later_statement(const FileContext& ctx, size_t index) {
  auto all = ctx.statements();
  for (size_t i = index + 1; i < all.size(); ++i) {
    if (!all[i].node) return true;  // it will not even parse
    if (as<PgQuery__VariableSetStmt>(all[i].node)) continue;
    return true;
  }
  return false;
}

// A DROP <type> IF EXISTS of `name` earlier in the file: the CREATE after it then starts from
// nothing on every run.
bool dropped_before(const FileContext& ctx, size_t index, PgQuery__ObjectType type,
                    const QualifiedName& name) {
  auto all = ctx.statements();
  for (size_t i = 0; i < index && i < all.size(); ++i) {
    const auto* d = as<PgQuery__DropStmt>(all[i].node);
    if (!d || !d->missing_ok || d->remove_type != type) continue;
    for (const PgQuery__Node* obj : items(d->objects, d->n_objects)) {
      const auto* list = as<PgQuery__List>(obj);
      if (!list) continue;
      QualifiedName n = ctx.resolve_list(list->items, list->n_items);
      // An index lives in its table's schema; a DROP INDEX without a schema finds it through
      // search_path, so compare the names alone when either side is unqualified.
      if (n == name || (type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX && n.name == name.name))
        return true;
    }
  }
  return false;
}

// ALTER TABLE <table> DROP CONSTRAINT IF EXISTS <name> earlier in the file, or earlier in the
// same ALTER TABLE.
bool constraint_dropped_before(Check& c, const QualifiedName& table, std::string_view name,
                               const PgQuery__AlterTableCmd& add) {
  const FileContext& ctx = c.ctx();
  auto drops = [&](const PgQuery__AlterTableStmt& a, const PgQuery__AlterTableCmd* stop) {
    if (!a.relation || ctx.resolve(a.relation) != table) return false;
    for (const PgQuery__Node* n : items(a.cmds, a.n_cmds)) {
      const auto* cmd = as<PgQuery__AlterTableCmd>(n);
      if (!cmd || cmd == stop) return false;
      if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint && cmd->missing_ok &&
          cmd->name && name == cmd->name)
        return true;
    }
    return false;
  };
  auto all = ctx.statements();
  for (size_t i = 0; i < c.statement().index && i < all.size(); ++i)
    if (const auto* a = as<PgQuery__AlterTableStmt>(all[i].node); a && drops(*a, nullptr))
      return true;
  const auto* self = as<PgQuery__AlterTableStmt>(c.statement().node);
  return self && drops(*self, &add);
}

// An edit inserting `text` after the first token spelled `word` (and after `then`, when it
// follows directly) at or after `from`.
std::optional<Edit> insert_after(Check& c, size_t from, std::string_view word,
                                 std::string_view text, std::string_view then = "") {
  const Tokens& tk = c.tokens();
  auto w = tk.find_word(from, word);
  if (!w) return std::nullopt;
  size_t at = w->end;
  if (!then.empty()) {
    auto i = tk.first_at(w->end);
    if (i && tk.text_of(tk.all()[*i]).size() == then.size()) {
      auto next = tk.find_word(w->end, then);
      if (next && next->begin == tk.all()[*i].begin) at = next->end;
    }
  }
  return Edit{Span{at, at}, std::string(text)};
}

enum class Missing { IfNotExists, IfExists, OrReplace };

void report(Check& c, Span span, std::string_view what, Missing missing, std::optional<Edit> edit,
            bool fix_safe = false) {
  std::string_view clause = missing == Missing::IfNotExists ? "IF NOT EXISTS"
                            : missing == Missing::IfExists  ? "IF EXISTS"
                                                            : "OR REPLACE";
  std::string_view state = missing == Missing::IfExists ? "stays dropped" : "stays created";
  std::string_view error = missing == Missing::IfExists ? "does not exist" : "already exists";
  auto finding = c.report(
      span, fmt::format("{} has no {} and runs outside a transaction block: if a later statement "
                        "of the migration fails, it {}, and a rerun stops here with \"{}\"",
                        what, clause, state, error));
  finding.help(fmt::format(
      "Add {} so that a rerun skips what the failed run already did, or run the whole "
      "migration in one transaction block (BEGIN ... COMMIT) so that a failure undoes all of it. "
      "If your migration tool already runs each file in a transaction, tell migsafe with "
      "--assume-in-transaction.",
      clause));
  if (edit) {
    Fix fix;
    fix.title = fmt::format("Add {}", clause);
    // A dropped object staying dropped is the intent; a CREATE that silently keeps an existing
    // object of the same name (perhaps a different one) is not always.
    fix.safe = fix_safe;
    fix.edits.push_back(std::move(*edit));
    finding.fix(std::move(fix));
  }
}

void check_index(const PgQuery__IndexStmt& s, Check& c, bool later) {
  const FileContext& ctx = c.ctx();
  size_t index = c.statement().index;
  QualifiedName table = s.relation ? ctx.resolve(s.relation) : QualifiedName{};
  QualifiedName name{table.schema, s.idxname ? s.idxname : ""};
  if (!name.empty() && dropped_before(ctx, index, PG_QUERY__OBJECT_TYPE__OBJECT_INDEX, name))
    return;
  std::string shown = quote_ident(name.name);
  if (s.concurrent) {
    if (name.empty()) {
      auto f = c.report(c.statement_span(),
                        "CREATE INDEX CONCURRENTLY without a name: if the build fails it leaves an "
                        "INVALID index behind under a generated name, and a rerun builds a second "
                        "one next to it");
      f.help(
          "Name the index and put `DROP INDEX CONCURRENTLY IF EXISTS <name>;` before it, so a "
          "rerun removes what a failed build left behind.");
      return;
    }
    // A plain build as the last statement fails loudly on a rerun ("already exists"), which is
    // fine; IF NOT EXISTS is the silent trap, and a later failure leaves the index built.
    if (!s.if_not_exists && !later) return;
    auto f = c.report(
        c.statement_span(),
        s.if_not_exists
            ? fmt::format("if this CONCURRENTLY build fails it leaves an INVALID index {} behind, "
                          "and on a rerun IF NOT EXISTS skips the build: the migration succeeds "
                          "without a usable index",
                          shown)
            : fmt::format("CREATE INDEX CONCURRENTLY {} runs outside a transaction block: if a "
                          "later statement of the migration fails it stays built (and if the "
                          "build itself fails it leaves an INVALID index), so a rerun stops here "
                          "with \"already exists\"",
                          shown));
    std::string drop = fmt::format(
        "DROP INDEX CONCURRENTLY IF EXISTS {};",
        name.schema.empty() || name.schema == ctx.default_schema() ? shown : name.display());
    f.help(fmt::format(
        "Put `{}` right before it: a rerun then removes what an earlier run left and builds the "
        "index again.{}",
        drop,
        s.if_not_exists ? " IF NOT EXISTS cannot tell a valid index from an INVALID one." : ""));
    Fix fix;
    fix.title = fmt::format("Insert `{}` before the statement", drop);
    fix.edits.push_back(
        Edit{Span{c.statement_span().begin, c.statement_span().begin}, drop + "\n"});
    f.fix(std::move(fix));
    return;
  }
  if (!later || s.if_not_exists) return;
  if (name.empty()) {
    auto f = c.report(c.statement_span(),
                      "CREATE INDEX without a name runs outside a transaction block: if a later "
                      "statement of the migration fails, a rerun builds a second, identical index");
    f.help("Name the index and add IF NOT EXISTS, or run the migration in one transaction block.");
    return;
  }
  report(c, c.statement_span(), fmt::format("CREATE INDEX {}", shown), Missing::IfNotExists,
         insert_after(c, c.statement_span().begin, "index", " IF NOT EXISTS", "concurrently"));
}

std::string_view drop_keyword(PgQuery__ObjectType t) {
  switch (t) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
      return "table";
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
      return "index";
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
      return "view";
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
      return "sequence";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
      return "type";
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN:
      return "domain";
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
      return "schema";
    case PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION:
      return "extension";
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
      return "function";
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
      return "procedure";
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
      return "routine";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
      return "trigger";
    case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY:
      return "policy";
    case PG_QUERY__OBJECT_TYPE__OBJECT_RULE:
      return "rule";
    default:
      return "";
  }
}

// "orders, billing.invoices": the objects a DROP names, for messages.
std::string dropped_names(const PgQuery__DropStmt& s) {
  std::string out;
  for (const PgQuery__Node* obj : items(s.objects, s.n_objects)) {
    std::string name;
    if (const auto* list = as<PgQuery__List>(obj)) {
      name = dotted(items(list->items, list->n_items));
    } else if (const auto* type = as<PgQuery__TypeName>(obj)) {
      name = dotted(items(type->names, type->n_names));
    } else if (const auto* owa = as<PgQuery__ObjectWithArgs>(obj)) {
      name = dotted(items(owa->objname, owa->n_objname));
    } else {
      name = std::string(string_value(obj));
    }
    if (name.empty()) continue;
    out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

void check_drop(const PgQuery__DropStmt& s, Check& c) {
  if (s.missing_ok) return;
  std::string kind = statement_kind(c.statement().node);
  if (kind.empty()) kind = "DROP";
  if (std::string names = dropped_names(s); !names.empty()) kind += " " + names;
  if (s.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
    // Dropping a table this file created (with a re-runnable CREATE) is re-runnable.
    bool all_new = s.n_objects > 0;
    for (const PgQuery__Node* obj : items(s.objects, s.n_objects)) {
      const auto* list = as<PgQuery__List>(obj);
      if (!list) continue;
      const TableInfo* t =
          c.ctx().catalog().table(c.ctx().resolve_list(list->items, list->n_items));
      all_new = all_new && t && t->origin == Origin::ThisFile;
    }
    if (all_new) return;
  }
  std::optional<Edit> edit;
  std::string_view kw = drop_keyword(s.remove_type);
  if (!kw.empty())
    edit = insert_after(c, c.statement_span().begin, kw, " IF EXISTS",
                        s.concurrent ? "concurrently" : "");
  report(c, c.statement_span(), kind, Missing::IfExists, std::move(edit), true);
}

void check_alter_table(const PgQuery__AlterTableStmt& s, Check& c) {
  if (s.objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE || !s.relation) return;
  QualifiedName table = c.ctx().resolve(s.relation);
  std::string t = table.display();
  for (const PgQuery__Node* n : items(s.cmds, s.n_cmds)) {
    const auto* cmd = as<PgQuery__AlterTableCmd>(n);
    if (!cmd) continue;
    Span span = c.subcommand_span(*cmd);
    switch (cmd->subtype) {
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn: {
        if (cmd->missing_ok) break;
        const auto* def = as<PgQuery__ColumnDef>(cmd->def);
        std::string col = def && def->colname ? quote_ident(def->colname) : "";
        report(c, span, fmt::format("ADD COLUMN {} on {}", col, t), Missing::IfNotExists,
               insert_after(c, span.begin, "add", " IF NOT EXISTS", "column"));
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
        if (cmd->missing_ok) break;
        report(c, span,
               fmt::format("DROP COLUMN {} on {}", quote_ident(cmd->name ? cmd->name : ""), t),
               Missing::IfExists, insert_after(c, span.begin, "drop", " IF EXISTS", "column"),
               true);
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
        if (cmd->missing_ok) break;
        report(c, span,
               fmt::format("DROP CONSTRAINT {} on {}", quote_ident(cmd->name ? cmd->name : ""), t),
               Missing::IfExists, insert_after(c, span.begin, "constraint", " IF EXISTS"), true);
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint: {
        const auto* con = as<PgQuery__Constraint>(cmd->def);
        if (!con) break;
        if (!con->conname || !*con->conname) {
          auto f = c.report(span, fmt::format("ADD CONSTRAINT on {} without a name runs outside a "
                                              "transaction block: if a later statement of the "
                                              "migration fails, a rerun adds the constraint again "
                                              "(a second copy, or an error for a primary key)",
                                              t));
          f.help(
              "Name the constraint and put `ALTER TABLE ... DROP CONSTRAINT IF EXISTS <name>` "
              "before it, or run the migration in one transaction block.");
          break;
        }
        if (constraint_dropped_before(c, table, con->conname, *cmd)) break;
        std::string name = quote_ident(con->conname);
        auto f = c.report(
            span, fmt::format("ADD CONSTRAINT {} on {} runs outside a transaction block and has "
                              "no IF NOT EXISTS form: if a later statement of the migration "
                              "fails, the constraint stays, and a rerun stops here with \"already "
                              "exists\"",
                              name, t));
        std::string drop = fmt::format("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {};", t, name);
        f.help(
            fmt::format("Put `{}` before it (or in the same ALTER TABLE, before the ADD), or "
                        "run the migration in one transaction block.",
                        drop));
        Fix fix;
        fix.title = fmt::format("Insert `{}` before the statement", drop);
        fix.edits.push_back(
            Edit{Span{c.statement_span().begin, c.statement_span().begin}, drop + "\n"});
        f.fix(std::move(fix));
        break;
      }
      default:
        break;
    }
  }
}

void statement(Check& c) {
  const FileContext& ctx = c.ctx();
  if (ctx.in_transaction()) return;
  const ProtobufCMessage* m = unwrap(c.statement().node);
  bool later = later_statement(ctx, c.statement().index);
  if (const auto* s = as<PgQuery__IndexStmt>(m)) {
    check_index(*s, c, later);
    return;
  }
  if (!later) return;
  Span all = c.statement_span();
  if (const auto* ct = as<PgQuery__CreateStmt>(m)) {
    if (ct->if_not_exists || !ct->relation) return;
    if (ct->relation->relpersistence && std::string_view(ct->relation->relpersistence) == "t")
      return;
    QualifiedName name = ctx.resolve(ct->relation);
    if (dropped_before(ctx, c.statement().index, PG_QUERY__OBJECT_TYPE__OBJECT_TABLE, name)) return;
    report(c, all, fmt::format("CREATE TABLE {}", name.display()), Missing::IfNotExists,
           insert_after(c, all.begin, "table", " IF NOT EXISTS"));
  } else if (const auto* ctas = as<PgQuery__CreateTableAsStmt>(m)) {
    if (ctas->if_not_exists || !ctas->into || !ctas->into->rel) return;
    if (ctas->into->rel->relpersistence && std::string_view(ctas->into->rel->relpersistence) == "t")
      return;
    bool matview = ctas->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW;
    report(c, all,
           fmt::format("CREATE {} {}", matview ? "MATERIALIZED VIEW" : "TABLE",
                       ctx.resolve(ctas->into->rel).display()),
           Missing::IfNotExists,
           insert_after(c, all.begin, matview ? "view" : "table", " IF NOT EXISTS"));
  } else if (const auto* seq = as<PgQuery__CreateSeqStmt>(m)) {
    if (seq->if_not_exists || !seq->sequence) return;
    report(c, all, fmt::format("CREATE SEQUENCE {}", ctx.resolve(seq->sequence).display()),
           Missing::IfNotExists, insert_after(c, all.begin, "sequence", " IF NOT EXISTS"));
  } else if (const auto* sch = as<PgQuery__CreateSchemaStmt>(m)) {
    if (sch->if_not_exists) return;
    report(c, all,
           fmt::format("CREATE SCHEMA {}", quote_ident(sch->schemaname ? sch->schemaname : "")),
           Missing::IfNotExists, insert_after(c, all.begin, "schema", " IF NOT EXISTS"));
  } else if (const auto* ext = as<PgQuery__CreateExtensionStmt>(m)) {
    if (ext->if_not_exists) return;
    report(c, all,
           fmt::format("CREATE EXTENSION {}", quote_ident(ext->extname ? ext->extname : "")),
           Missing::IfNotExists, insert_after(c, all.begin, "extension", " IF NOT EXISTS"));
  } else if (const auto* fn = as<PgQuery__CreateFunctionStmt>(m)) {
    if (fn->replace) return;
    auto names = items(fn->funcname, fn->n_funcname);
    report(c, all,
           fmt::format("CREATE {} {}", fn->is_procedure ? "PROCEDURE" : "FUNCTION", dotted(names)),
           Missing::OrReplace, insert_after(c, all.begin, "create", " OR REPLACE"));
  } else if (const auto* view = as<PgQuery__ViewStmt>(m)) {
    if (view->replace || !view->view) return;
    report(c, all, fmt::format("CREATE VIEW {}", ctx.resolve(view->view).display()),
           Missing::OrReplace, insert_after(c, all.begin, "create", " OR REPLACE"));
  } else if (const auto* en = as<PgQuery__AlterEnumStmt>(m)) {
    if (!en->new_val || !*en->new_val || (en->old_val && *en->old_val) ||
        en->skip_if_new_val_exists)
      return;  // RENAME VALUE has no IF NOT EXISTS form
    report(c, all, fmt::format("ALTER TYPE ... ADD VALUE '{}'", en->new_val), Missing::IfNotExists,
           insert_after(c, all.begin, "value", " IF NOT EXISTS"));
  } else if (const auto* drop = as<PgQuery__DropStmt>(m)) {
    check_drop(*drop, c);
  } else if (const auto* alter = as<PgQuery__AlterTableStmt>(m)) {
    check_alter_table(*alter, c);
  }
}

const RegisterRule reg{RuleDef{.meta = kMeta, .statement = statement}};

}  // namespace
}  // namespace migsafe
