// A foreign key added by the migration whose referencing columns no index starts with, on a
// table whose indexes the catalog knows: deleting or re-keying a referenced row scans the whole
// referencing table. Checked when the file ends, so an index created after the constraint counts.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/check.hpp"
#include "core/node_util.hpp"

namespace migsafe {
namespace {

const RuleMeta kMeta{
    .id = "require-index-for-foreign-key",
    .severity = Severity::Warning,
    .category = "hygiene",
    .summary = "a foreign key whose referencing columns no index starts with",
    .why =
        "PostgreSQL does not index the referencing side of a foreign key: every DELETE of a "
        "referenced row, and every UPDATE of its key, scans the whole referencing table (ON DELETE "
        "CASCADE and SET NULL act through that scan) while holding locks.",
    .instead =
        "Create an index that starts with the foreign key's columns (CONCURRENTLY when the table "
        "already holds data).",
};

// An index (or PRIMARY KEY / UNIQUE) whose first columns are exactly the key's columns.
bool leads_with(const std::vector<std::string>& index, const std::vector<std::string>& key) {
  if (index.size() < key.size()) return false;
  std::multiset<std::string> a(index.begin(), index.begin() + static_cast<long>(key.size()));
  std::multiset<std::string> b(key.begin(), key.end());
  return a == b;
}

bool covered(const Catalog& cat, const TableInfo& t, const ConstraintInfo& fk) {
  for (const IndexInfo* idx : cat.indexes_on(t.name))
    if (leads_with(idx->columns, fk.columns)) return true;
  for (const ConstraintInfo& c : t.constraints) {
    if ((c.kind == ConstraintKind::PrimaryKey || c.kind == ConstraintKind::Unique) &&
        leads_with(c.columns, fk.columns))
      return true;
  }
  return false;
}

// Where the constraint is written in the statement that added it: a table-level FOREIGN KEY
// with the same name or columns, or the REFERENCES of the column.
int constraint_location(const Statement& st, const ConstraintInfo& fk) {
  int found = -1;
  for_each_message(st.node, [&](const ProtobufCMessage& m) {
    if (found >= 0) return;
    if (const auto* def = as<PgQuery__ColumnDef>(&m)) {
      if (fk.columns.size() != 1 || !def->colname || fk.columns[0] != def->colname) return;
      for (const PgQuery__Node* n : column_constraints(*def)) {
        const auto* con = as<PgQuery__Constraint>(n);
        if (con && con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN &&
            (!con->conname || !*con->conname || fk.name == con->conname))
          found = con->location;
      }
      return;
    }
    const auto* con = as<PgQuery__Constraint>(&m);
    if (!con || con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN || con->n_fk_attrs == 0)
      return;
    std::vector<std::string> cols;
    for (const PgQuery__Node* a : items(con->fk_attrs, con->n_fk_attrs))
      cols.emplace_back(string_value(a));
    bool named = con->conname && *con->conname;
    if (named ? fk.name == con->conname : cols == fk.columns) found = con->location;
  });
  return found;
}

std::string index_name(const QualifiedName& table, const std::vector<std::string>& cols) {
  std::string name = table.name;
  for (const auto& c : cols) name += "_" + c;
  name += "_idx";
  if (name.size() > 63) name.resize(63);
  return name;
}

std::string columns_sql(const std::vector<std::string>& cols) {
  std::string out;
  for (size_t i = 0; i < cols.size(); ++i) out += (i ? ", " : "") + quote_ident(cols[i]);
  return out;
}

void finish(Check& c) {
  const FileContext& ctx = c.ctx();
  const Catalog& cat = ctx.catalog();
  auto statements = ctx.statements();
  for (const TableInfo* touched : cat.touched_tables()) {
    const TableInfo& table = *touched;
    // Indexes of a table migsafe has not seen created (or copied with LIKE) are unknown.
    if (!table.columns_known) continue;
    for (const ConstraintInfo& fk : table.constraints) {
      if (fk.kind != ConstraintKind::ForeignKey || fk.origin != Origin::ThisFile) continue;
      if (fk.columns.empty() || covered(cat, table, fk)) continue;
      if (fk.added_statement >= statements.size()) continue;
      const Statement& st = statements[fk.added_statement];
      int location = constraint_location(st, fk);
      Span span = st.span;
      if (location >= 0) {
        Tokens tokens(c.file().text(st.span), st.span.begin);
        Span item = tokens.item_from(st.at(location));
        if (!item.empty()) span = item;
      }
      std::string t = table.name.display();
      std::string cols = columns_sql(fk.columns);
      std::string ref = fk.references.display();
      bool fresh = is_new(table.origin);
      std::string idx = index_name(table.name, fk.columns);
      std::string create = fmt::format("CREATE INDEX {}{} ON {} ({});",
                                       fresh ? "" : "CONCURRENTLY ", quote_ident(idx), t, cols);
      auto finding = c.report(
          span, fmt::format("no index on {} starts with ({}), the columns of its foreign key to "
                            "{}: every DELETE from {}, and every UPDATE of its key, scans all of "
                            "{} to check the reference, holding its locks meanwhile",
                            t, cols, ref, ref, t));
      finding.finding().statement = st.span;
      finding.help(fresh ? fmt::format("Index the referencing columns in this migration, while {} "
                                       "is empty:\n  {}",
                                       t, create)
                         : fmt::format("Index the referencing columns without blocking writes, in "
                                       "a migration step outside any transaction block:\n  {}",
                                       create));
      Fix fix;
      fix.title = fmt::format("Add `{}` after the statement", create);
      // Building an index on a table the migration created is harmless; on a table with data
      // it needs its own step outside a transaction.
      QualifiedName idx_name{table.name.schema, idx};
      fix.safe = fresh && !cat.index(idx_name);
      std::string_view text = c.file().text(st.span);
      bool terminated = !text.empty() && text.back() == ';';
      fix.edits.push_back(
          Edit{Span{st.span.end, st.span.end}, std::string(terminated ? "" : ";") + "\n" + create});
      finding.fix(std::move(fix));
    }
  }
}

const RegisterRule reg{RuleDef{.meta = kMeta, .finish = finish}};

}  // namespace
}  // namespace migsafe
