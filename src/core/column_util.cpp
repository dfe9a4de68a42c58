// Column helpers for the type rules; see column_util.hpp.
#include "core/column_util.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "core/node_util.hpp"
#include "model/catalog.hpp"
#include "model/locks.hpp"

namespace migsafe {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

bool contains(PgQuery__Node* const* list, size_t n, std::string_view name) {
  for (const PgQuery__Node* x : items(list, n))
    if (string_value(x) == name) return true;
  return false;
}

// Position of `name` in a list of String nodes (-1 when absent).
int position_in(PgQuery__Node* const* list, size_t n, std::string_view name) {
  auto all = items(list, n);
  for (size_t i = 0; i < all.size(); ++i)
    if (string_value(all[i]) == name) return static_cast<int>(i);
  return -1;
}

// The table-level constraints of a CREATE TABLE (in its element list or its constraint list).
template <class F>
void for_each_table_constraint(const PgQuery__CreateStmt& s, F&& f) {
  for (const PgQuery__Node* e : items(s.table_elts, s.n_table_elts))
    if (const auto* c = as<PgQuery__Constraint>(e)) f(*c);
  for (const PgQuery__Node* e : items(s.constraints, s.n_constraints))
    if (const auto* c = as<PgQuery__Constraint>(e)) f(*c);
}

const PgQuery__ColumnDef* column_of(const PgQuery__CreateStmt& s, std::string_view name) {
  for (const PgQuery__Node* e : items(s.table_elts, s.n_table_elts))
    if (const auto* d = as<PgQuery__ColumnDef>(e))
      if (d->colname && name == d->colname) return d;
  return nullptr;
}

// The primary key columns a CREATE TABLE declares (inline or table-level).
std::vector<std::string> primary_key_of(const PgQuery__CreateStmt& s) {
  std::vector<std::string> out;
  for (const PgQuery__Node* e : items(s.table_elts, s.n_table_elts)) {
    const auto* d = as<PgQuery__ColumnDef>(e);
    if (!d || !d->colname) continue;
    for (const PgQuery__Node* n : column_constraints(*d))
      if (const auto* con = as<PgQuery__Constraint>(n))
        if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) out.emplace_back(d->colname);
  }
  for_each_table_constraint(s, [&](const PgQuery__Constraint& con) {
    if (con.contype != PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) return;
    for (const PgQuery__Node* k : items(con.keys, con.n_keys)) out.emplace_back(string_value(k));
  });
  return out;
}

// serial -> int4 and so on: the type a key column has once created.
TypeRef stored_type(TypeRef t) {
  if (!t.schema.empty()) return t;
  if (t.name == "serial") t.name = "int4";
  if (t.name == "bigserial") t.name = "int8";
  if (t.name == "smallserial") t.name = "int2";
  return t;
}

}  // namespace

namespace {

std::optional<ColumnUse> find_column_use(const PgQuery__ColumnDef& def, Check& c) {
  if (!def.type_name) return std::nullopt;
  auto anc = c.ancestors();
  if (anc.empty()) return std::nullopt;
  for (const ProtobufCMessage* a : anc)
    if (as<PgQuery__CreateForeignTableStmt>(a)) return std::nullopt;
  ColumnUse u;
  u.def = &def;
  u.type = type_ref(def.type_name);
  if (const auto* create = as<PgQuery__CreateStmt>(anc.back())) {
    if (!create->relation || !def.colname) return std::nullopt;
    u.site = ColumnSite::CreateTable;
    u.create = create;
    u.column = def.colname;
    u.table = c.ctx().resolve(create->relation);
    u.new_table = true;
  } else if (const auto* cmd = as<PgQuery__AlterTableCmd>(anc.back())) {
    const auto* alter =
        anc.size() >= 2 ? as<PgQuery__AlterTableStmt>(anc[anc.size() - 2]) : nullptr;
    if (!alter || !alter->relation || alter->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
      return std::nullopt;
    u.cmd = cmd;
    u.table = c.ctx().resolve(alter->relation);
    u.new_table = c.ctx().is_new_table(u.table);
    if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn && def.colname) {
      u.site = ColumnSite::AddColumn;
      u.column = def.colname;
    } else if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType && cmd->name) {
      u.site = ColumnSite::AlterType;
      u.column = cmd->name;
    } else {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  // A migration tool's bookkeeping table (alembic_version, ar_internal_metadata, ...) has the
  // tool's column types, not the team's: nothing to advise there.
  if (is_migration_bookkeeping_table(u.table)) return std::nullopt;
  return u;
}

}  // namespace

const std::optional<ColumnUse>& column_use(const PgQuery__ColumnDef& def, Check& c) {
  return c.memo<std::optional<ColumnUse>>(&def, [&] { return find_column_use(def, c); });
}

namespace column_detail {

std::optional<Span> type_span_from(const Tokens& tk, size_t at, bool cut) {
  auto first = tk.first_at(at);
  if (!first) return std::nullopt;
  const auto& all = tk.all();
  // After a cut, the last token may be cut short too: only the ones before it are read, and a
  // look at it (or past it) means the window was too short to tell.
  size_t usable = cut && !all.empty() ? all.size() - 1 : all.size();
  bool too_short = false;
  auto has = [&](size_t k) {
    if (k < usable) return true;
    if (cut) too_short = true;
    return false;
  };
  auto word = [&](size_t k) { return has(k) ? lower(tk.text_of(all[k])) : std::string(); };
  size_t k = *first;
  if (!has(k)) return std::nullopt;
  // schema.name
  while (has(k + 2) && tk.text_of(all[k + 1]) == ".") k += 2;
  std::string w = word(k);
  if ((w == "character" || w == "char" || w == "bit") && word(k + 1) == "varying") ++k;
  if (w == "double" && word(k + 1) == "precision") ++k;
  if (word(k + 1) == "(") {
    int depth = 0;
    for (size_t j = k + 1; has(j); ++j) {  // an unclosed '(' runs into the cut: too short
      std::string_view x = tk.text_of(all[j]);
      if (x == "(") ++depth;
      if (x == ")" && --depth == 0) {
        k = j;
        break;
      }
    }
  }
  std::string next = word(k + 1);
  if ((next == "with" || next == "without") && word(k + 2) == "time" && word(k + 3) == "zone")
    k += 3;
  if (too_short) return std::nullopt;
  return Span{all[*first].begin, all[k].end};
}

std::optional<Span> type_span_window(const SourceFile& file, const Statement& stmt,
                                     const PgQuery__TypeName& t, size_t window) {
  if (stmt.embedding || t.location < 0) return std::nullopt;
  size_t at = stmt.at(t.location);
  if (at < stmt.span.begin || at >= stmt.span.end) return std::nullopt;
  size_t end = std::min(stmt.span.end, at + window);
  Tokens tk(file.text(Span{at, end}), at);
  // The type's location starts a token, outside any string or comment: the scan of the text
  // from there reads the same tokens as the statement's scan, up to the cut.
  if (!tk.ok() || tk.all().empty() || tk.all().front().begin != at) return std::nullopt;
  return type_span_from(tk, at, end < stmt.span.end);
}

}  // namespace column_detail

Span type_span(Check& c, const PgQuery__TypeName& t) {
  // A type is a few tokens: scanning a few dozen bytes from it costs a fraction of scanning the
  // whole statement (a CREATE TABLE of many columns). A window too short to settle the span is
  // widened; the statement's tokens decide what no window does.
  return c.memo<Span>(&t, [&] {
    for (size_t window = 32; window <= 512; window *= 4)
      if (auto s = column_detail::type_span_window(c.file(), c.statement(), t, window)) return *s;
    auto s = column_detail::type_span_from(c.tokens(), c.statement().at(t.location), false);
    return s ? *s : c.statement_span();
  });
}

bool is_key_column(const ColumnUse& u, Check& c) {
  ColumnFacts f = column_facts(*u.def);
  if (f.primary_key || f.references || f.identity || f.serial) return true;
  bool key = false;
  if (u.create) {
    for_each_table_constraint(*u.create, [&](const PgQuery__Constraint& con) {
      if (con.contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY &&
          contains(con.keys, con.n_keys, u.column))
        key = true;
      if (con.contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN &&
          contains(con.fk_attrs, con.n_fk_attrs, u.column))
        key = true;
    });
  } else if (const TableInfo* t = c.ctx().catalog().table(u.table)) {
    for (const ConstraintInfo& con : t->constraints) {
      if (con.kind != ConstraintKind::PrimaryKey && con.kind != ConstraintKind::ForeignKey)
        continue;
      if (std::find(con.columns.begin(), con.columns.end(), u.column) != con.columns.end())
        key = true;
    }
  }
  if (key) return true;
  const std::string& n = u.column;
  if (n == "id" || (n.size() > 3 && n.ends_with("_id"))) return true;
  // camelCase, quoted: "userId"
  return n.size() > 2 && n.ends_with("Id") &&
         std::islower(static_cast<unsigned char>(n[n.size() - 3]));
}

std::optional<TypeRef> referenced_column_type(const ColumnUse& u, Check& c) {
  const FileContext& ctx = c.ctx();
  const PgQuery__RangeVar* pktable = nullptr;
  std::string pk_column;  // empty: the referenced table's primary key
  size_t pk_position = 0;
  ColumnFacts f = column_facts(*u.def);
  if (f.references) {
    pktable = f.references->pktable;
    if (f.references->n_pk_attrs >= 1) pk_column = string_value(f.references->pk_attrs[0]);
  } else if (u.create) {
    for_each_table_constraint(*u.create, [&](const PgQuery__Constraint& con) {
      if (pktable || con.contype != PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) return;
      int i = position_in(con.fk_attrs, con.n_fk_attrs, u.column);
      if (i < 0) return;
      pktable = con.pktable;
      pk_position = static_cast<size_t>(i);
      if (static_cast<size_t>(i) < con.n_pk_attrs) pk_column = string_value(con.pk_attrs[i]);
    });
  }
  QualifiedName ref;
  if (pktable) {
    ref = ctx.resolve(pktable);
  } else if (const TableInfo* t = ctx.catalog().table(u.table)) {
    // A foreign key the catalog knows (ALTER COLUMN TYPE on an existing key column).
    for (const ConstraintInfo& con : t->constraints) {
      if (con.kind != ConstraintKind::ForeignKey) continue;
      auto it = std::find(con.columns.begin(), con.columns.end(), u.column);
      if (it == con.columns.end()) continue;
      ref = con.references;
      pk_position = static_cast<size_t>(it - con.columns.begin());
      break;
    }
  }
  if (ref.empty()) return std::nullopt;
  // A reference to the table this very statement creates.
  if (u.create && ref == u.table) {
    if (pk_column.empty()) {
      auto pk = primary_key_of(*u.create);
      if (pk_position >= pk.size()) return std::nullopt;
      pk_column = pk[pk_position];
    }
    const PgQuery__ColumnDef* d = column_of(*u.create, pk_column);
    if (!d) return std::nullopt;
    return stored_type(type_ref(d->type_name));
  }
  const TableInfo* t = ctx.catalog().table(ref);
  if (!t) return std::nullopt;
  if (pk_column.empty()) {
    for (const ConstraintInfo& con : t->constraints)
      if (con.kind == ConstraintKind::PrimaryKey && pk_position < con.columns.size())
        pk_column = con.columns[pk_position];
  }
  if (pk_column.empty()) return std::nullopt;
  const ColumnInfo* col = t->column(pk_column);
  if (!col || col->type.empty()) return std::nullopt;
  return stored_type(col->type);
}

Span type_span(const ColumnUse& u, Check& c) {
  return type_span(c, *u.def->type_name);
}

Fix type_fix(const ColumnUse& u, Check& c, std::string title, std::string replacement, bool safe) {
  Fix fix;
  fix.title = std::move(title);
  fix.safe = safe;
  fix.edits.push_back(Edit{type_span(u, c), std::move(replacement)});
  return fix;
}

std::string column_display(const ColumnUse& u) {
  return u.table.display() + "." + quote_ident(u.column);
}

}  // namespace migsafe

namespace migsafe {

void check_integer_key_width(const PgQuery__ColumnDef& def, Check& c, std::string_view narrow) {
  const auto& u = column_use(def, c);
  if (!u || u->type.array || !u->type.schema.empty()) return;
  bool serial = is_serial(u->type);
  TypeRef stored = u->type;
  if (stored.name == "serial") stored.name = "int4";
  if (stored.name == "smallserial") stored.name = "int2";
  if (stored.name != narrow) return;
  if (!is_key_column(*u, c)) return;
  if (auto ref = referenced_column_type(*u, c); ref && ref->name == narrow && ref->schema.empty())
    return;  // it must match the key it references; that key is the one to widen
  bool is_int = narrow == "int4";
  std::string_view written =
      serial ? (is_int ? "serial" : "smallserial") : (is_int ? "integer" : "smallint");
  std::string_view limit = is_int ? "2,147,483,647" : "32,767";
  std::string col = column_display(*u);
  auto finding = c.report(
      type_span(*u, c),
      fmt::format("{} is a key column declared {}: its values stop at {}, and from then on every "
                  "INSERT fails; widening it later rewrites {} and its indexes under ACCESS "
                  "EXCLUSIVE",
                  col, written, limit, u->table.display()));
  std::string wide = serial ? "bigserial" : "bigint";
  if (u->site == ColumnSite::AlterType) {
    finding.help(fmt::format(
        "Change it to bigint instead: `ALTER TABLE {} ALTER COLUMN {} TYPE bigint` (8 bytes "
        "instead of {}); it rewrites the table either way.",
        u->table.display(), quote_ident(u->column), is_int ? 4 : 2));
    return;
  }
  std::string_view narrow_name = is_int ? "integer" : "smallint";
  std::string caveat;
  if (const PgQuery__Constraint* ref = column_facts(def).references; ref && ref->pktable) {
    // The referenced key's type is not known here (it was created before this migration).
    caveat = fmt::format(
        " If {} is itself {}, this column should match it: widen both together.",
        c.ctx().resolve(ref->pktable).display() +
            (ref->n_pk_attrs == 1 ? "." + quote_ident(string_value(ref->pk_attrs[0])) : "'s key"),
        narrow_name);
  }
  finding.help(fmt::format(
      "Declare it {} now, while nothing is stored in it: `{} {}`. It costs {} more bytes per row "
      "and index entry, which is cheap next to a full-table rewrite later.{}",
      wide, quote_ident(u->column), wide, is_int ? 4 : 6, caveat));
  // The column is new (a new table or a new column), so nothing stored changes.
  finding.fix(
      type_fix(*u, c, fmt::format("Declare {} {}", quote_ident(u->column), wide), wide, true));
}

}  // namespace migsafe
