// The realism-focused corpus generator (see realistic_corpus.hpp). One history per "app": a
// style (the tool that wrote the SQL) and a sequence of recipes applied to the app's schema as
// it grows. Each recipe comes in a safe form (the multi-step playbook: CONCURRENTLY outside a
// transaction, NOT VALID then VALIDATE in another transaction, lock_timeout set, batched
// backfills) and an unsafe form that names the rules it must trigger. The style decides quoting,
// type spelling, object naming, file layout and how transactions appear in the file.
#include "realistic_corpus.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

namespace migsafe::corpus {
namespace {

namespace fs = std::filesystem;

enum class Style { Rails, Django, Alembic, Prisma, Golang, Flyway, Dbmate, Playbook };
const char* style_name(Style s) {
  switch (s) {
    case Style::Rails:
      return "rails";
    case Style::Django:
      return "django";
    case Style::Alembic:
      return "alembic";
    case Style::Prisma:
      return "prisma";
    case Style::Golang:
      return "golang-migrate";
    case Style::Flyway:
      return "flyway";
    case Style::Dbmate:
      return "dbmate";
    case Style::Playbook:
      return "playbook";
  }
  return "?";
}

// Logical column types; each style spells them its own way.
// Code is varchar(2) (country codes).
enum class Ty { Ref, Str, Code, Text, Bool, Int, Ts, Json, Money, Uuid, Date };
enum class Pk { BigIdentity, BigSerial, Serial, Uuid, Cuid };

struct Col {
  std::string name;
  Ty ty = Ty::Text;
  bool not_null = false;
  std::string ref;  // referenced table for Ty::Ref
};

struct Table {
  std::string name;  // already in the style's naming (Django app prefix, Prisma PascalCase)
  std::vector<Col> cols;
  std::set<std::string> indexed;  // columns with an index (first column)
  std::vector<std::string> indexes;
  std::map<std::string, std::string> index_column;
  bool partitioned = false;
};

// A migration as the recipe describes it, before the style writes it out.
enum class Tx { Wrapped, Outside };
struct Mig {
  std::string slug;
  std::string desc;  // Django's "-- Add field ..." comment, Prisma's "-- AlterTable"
  Tx tx = Tx::Wrapped;
  std::vector<std::string> stmts;
  std::vector<std::string> down;
  bool safe = true;
  bool timeouts = true;  // the style adds its lock_timeout lines
  std::vector<std::string> expect;
  std::string recipe;
};

struct App {
  Style style = Style::Playbook;
  std::string name;
  std::string label;  // Django app label
  Pk pk = Pk::BigIdentity;
  bool statement_timeout = false;
  bool set_local = true;
  std::vector<Table> tables;
  std::vector<std::pair<std::string, std::vector<std::string>>> enums;
  std::vector<std::string> matviews;
  std::vector<std::string> roles;
  size_t step = 0;
  int year = 2021;
  std::string prev_rev;  // Alembic
};

uint64_t fnv(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}
std::string hex(uint64_t v, int digits) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < digits; ++i) out += d[(v >> (4 * (digits - 1 - i))) & 15];
  return out;
}

const std::vector<std::string> kTables = {
    "users",    "accounts", "orders",     "invoices",  "payments", "products",      "shipments",
    "comments", "teams",    "projects",   "tasks",     "coupons",  "subscriptions", "reviews",
    "devices",  "sessions", "audit_logs", "addresses", "events",   "notifications", "carts",
    "refunds",  "vendors",  "documents",  "webhooks",  "plans",    "memberships",   "tickets"};
// Column names with the type a team would give them.
const std::vector<std::pair<std::string, Ty>> kCols = {
    {"status", Ty::Str},       {"email", Ty::Str},        {"name", Ty::Str},
    {"title", Ty::Str},        {"amount_cents", Ty::Int}, {"notes", Ty::Text},
    {"external_id", Ty::Uuid}, {"metadata", Ty::Json},    {"archived_at", Ty::Ts},
    {"priority", Ty::Int},     {"score", Ty::Int},        {"is_active", Ty::Bool},
    {"region", Ty::Str},       {"locale", Ty::Str},       {"phone", Ty::Str},
    {"slug", Ty::Str},         {"due_on", Ty::Date},      {"settings", Ty::Json},
    {"currency", Ty::Str},     {"source", Ty::Text},      {"kind", Ty::Str},
    {"position", Ty::Int},     {"verified_at", Ty::Ts},   {"total", Ty::Money},
    {"reference", Ty::Str},    {"attempts", Ty::Int},     {"description", Ty::Text}};
const std::vector<std::string> kProjects = {"atlas",   "beacon", "cobalt",   "delta", "ember",
                                            "fjord",   "garnet", "harbor",   "iris",  "juniper",
                                            "kestrel", "lumen",  "meridian", "nimbus"};

class Gen {
 public:
  Gen(const fs::path& dir, const Options& o) : dir_(dir), opt_(o), rng_(o.seed) {}

  std::vector<Entry> run();

 private:
  size_t pick(size_t n) { return n ? static_cast<size_t>(rng_() % n) : 0; }
  bool chance(int percent) { return static_cast<int>(pick(100)) < percent; }
  template <class T>
  const T& one(const std::vector<T>& v) {
    return v[pick(v.size())];
  }

  // --- style helpers ------------------------------------------------------------------------
  bool quotes(const App& a) const {
    return a.style == Style::Rails || a.style == Style::Django || a.style == Style::Prisma;
  }
  std::string id(const App& a, const std::string& n) const {
    return quotes(a) ? "\"" + n + "\"" : n;
  }
  bool upper(const App& a) const { return a.style == Style::Alembic || a.style == Style::Prisma; }
  std::string ty(const App& a, Ty t) const;
  std::string ref_ty(const App& a) const;
  std::string pk_col(const App& a, const std::string& table) const;
  std::string table_name(const App& a, const std::string& base) const;
  std::string col_name(const App& a, const std::string& base) const;
  std::string cap(const App&, std::string n) const {
    if (n.size() <= 63) return n;
    return n.substr(0, 54) + "_" + hex(fnv(n), 8);
  }
  std::string index_name(const App& a, const std::string& t, const std::string& c, bool unique);
  std::string fk_name(const App& a, const std::string& t, const std::string& c,
                      const std::string& ref);
  std::string check_name(const App& a, const std::string& t, const std::string& c) {
    switch (a.style) {
      case Style::Alembic:
        return cap(a, "ck_" + t + "_" + c);
      case Style::Django:
        return cap(a, c + "_" + hex(fnv(t + c), 6) + "_check");
      default:
        return cap(a, t + "_" + c + "_check");
    }
  }
  std::string lock_timeout(const App& a, Tx tx) const {
    bool local =
        tx == Tx::Wrapped && a.set_local && a.style != Style::Prisma && a.style != Style::Golang;
    return std::string(local ? "SET LOCAL " : "SET ") + "lock_timeout = '" +
           (a.style == Style::Django ? "3s" : "5s") + "'";
  }

  // --- schema helpers -----------------------------------------------------------------------
  Table* some_table(App& a) {
    return a.tables.empty() ? nullptr : &a.tables[pick(a.tables.size())];
  }
  Table* find(App& a, const std::string& n) {
    for (auto& t : a.tables)
      if (t.name == n) return &t;
    return nullptr;
  }
  // A column name the table does not have yet, and its natural type.
  Col fresh(const Table& t, const App& a) {
    for (int tries = 0; tries < 40; ++tries) {
      const auto& [base, type] = one(kCols);
      std::string c = col_name(a, base);
      if (tries > 20) c += "_" + std::to_string(tries);
      bool taken = false;
      for (const auto& col : t.cols) taken |= col.name == c;
      if (!taken) return Col{c, type, false, ""};
    }
    return Col{col_name(a, "extra_" + std::to_string(pick(100000))), Ty::Text, false, ""};
  }
  std::string fresh_col(const Table& t, const App& a) { return fresh(t, a).name; }
  const Col* some_col(const Table& t, Ty want) {
    std::vector<const Col*> c;
    for (const auto& col : t.cols)
      if (col.ty == want) c.push_back(&col);
    return c.empty() ? nullptr : c[pick(c.size())];
  }

  // --- recipes -------------------------------------------------------------------------------
  void recipe(App& a, std::vector<Mig>& out);
  void create_table(App& a, std::vector<Mig>& out, bool first);
  void add_column(App& a, std::vector<Mig>& out, bool safe);
  void add_column_default(App& a, std::vector<Mig>& out, bool safe);
  void add_index(App& a, std::vector<Mig>& out, bool safe);
  void add_foreign_key(App& a, std::vector<Mig>& out, bool safe);
  void add_check(App& a, std::vector<Mig>& out, bool safe);
  void set_not_null(App& a, std::vector<Mig>& out, bool safe);
  void change_type(App& a, std::vector<Mig>& out, bool safe);
  void rename_or_drop(App& a, std::vector<Mig>& out);
  void backfill(App& a, std::vector<Mig>& out, bool safe);
  void add_unique(App& a, std::vector<Mig>& out, bool safe);
  void enum_value(App& a, std::vector<Mig>& out, bool safe);
  void drop_index(App& a, std::vector<Mig>& out, bool safe);
  void grants(App& a, std::vector<Mig>& out, bool safe);
  void functions(App& a, std::vector<Mig>& out, bool safe);
  void matview(App& a, std::vector<Mig>& out, bool safe);
  void partitions(App& a, std::vector<Mig>& out, bool safe);
  void maintenance(App& a, std::vector<Mig>& out, bool safe);
  void seed_data(App& a, std::vector<Mig>& out);

  // --- writers -------------------------------------------------------------------------------
  void write_app(App& a, const std::vector<Mig>& migs);
  void write_mig(App& a, const Mig& m, size_t index);
  void write_dump(const App& a, const std::string& rel, bool restrict, bool rails_versions);
  void write_odd_files();
  void put(const std::string& rel, const std::string& text, const std::string& kind,
           const std::vector<std::string>& expect, const std::string& style,
           const std::string& recipe);
  std::string version(App& a);

  fs::path dir_;
  Options opt_;
  std::mt19937_64 rng_;
  std::vector<Entry> entries_;
  std::set<std::string> paths_;
};

std::string Gen::ty(const App& a, Ty t) const {
  bool up = upper(a);
  auto U = [&](const char* lower, const char* upperc) { return std::string(up ? upperc : lower); };
  switch (t) {
    case Ty::Ref:
      return ref_ty(a);
    case Ty::Str:
      if (a.style == Style::Rails) return "character varying";
      if (a.style == Style::Prisma) return "TEXT";
      return U("varchar(255)", "VARCHAR(255)");
    case Ty::Code:
      return U("varchar(2)", "VARCHAR(2)");
    case Ty::Text:
      return U("text", "TEXT");
    case Ty::Bool:
      return U("boolean", "BOOLEAN");
    case Ty::Int:
      return U("integer", "INTEGER");
    case Ty::Ts:
      if (a.style == Style::Rails) return "timestamp(6)";
      if (a.style == Style::Prisma) return "TIMESTAMP(3)";
      if (a.style == Style::Django) return "timestamp with time zone";
      return U("timestamptz", "TIMESTAMP WITH TIME ZONE");
    case Ty::Json:
      return U("jsonb", "JSONB");
    case Ty::Money:
      return U("numeric(12,2)", "NUMERIC(12, 2)");
    case Ty::Uuid:
      return U("uuid", "UUID");
    case Ty::Date:
      return U("date", "DATE");
  }
  return "text";
}

std::string Gen::ref_ty(const App& a) const {
  switch (a.pk) {
    case Pk::BigIdentity:
    case Pk::BigSerial:
      return upper(a) ? "BIGINT" : "bigint";
    case Pk::Serial:
      return upper(a) ? "INTEGER" : "integer";
    case Pk::Uuid:
      return upper(a) ? "UUID" : "uuid";
    case Pk::Cuid:
      return "TEXT";
  }
  return "bigint";
}

std::string Gen::pk_col(const App& a, const std::string& table) const {
  std::string i = id(a, "id");
  switch (a.style) {
    case Style::Rails:
      return i + " bigserial primary key";
    case Style::Django:
      return i + " bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY";
    case Style::Prisma:
      return i + (a.pk == Pk::Cuid ? " TEXT NOT NULL" : " SERIAL NOT NULL");  // key added below
    case Style::Alembic:
      return i + (a.pk == Pk::Serial ? " SERIAL NOT NULL" : " BIGSERIAL NOT NULL");
    default:
      break;
  }
  (void)table;
  switch (a.pk) {
    case Pk::Uuid:
      return i + " uuid PRIMARY KEY DEFAULT gen_random_uuid()";
    case Pk::BigSerial:
      return i + " bigserial PRIMARY KEY";
    case Pk::Serial:
      return i + " serial PRIMARY KEY";
    default:
      return i + " bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
  }
}

std::string Gen::table_name(const App& a, const std::string& base) const {
  if (a.style == Style::Django) {
    std::string s = base;
    if (s.size() > 1 && s.back() == 's') s.pop_back();
    return a.label + "_" + s;
  }
  if (a.style == Style::Prisma) {
    std::string s;
    bool upnext = true;
    for (char c : base) {
      if (c == '_') {
        upnext = true;
        continue;
      }
      s += upnext ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      upnext = false;
    }
    if (s.size() > 1 && s.back() == 's') s.pop_back();
    return s;
  }
  return base;
}

std::string Gen::col_name(const App& a, const std::string& base) const {
  if (a.style != Style::Prisma) return base;
  std::string s;
  bool upnext = false;
  for (char c : base) {
    if (c == '_') {
      upnext = true;
      continue;
    }
    s += upnext ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upnext = false;
  }
  return s;
}

std::string Gen::index_name(const App& a, const std::string& t, const std::string& c, bool unique) {
  switch (a.style) {
    case Style::Rails:
      return cap(a, "index_" + t + "_on_" + c);
    case Style::Django:
      return cap(a, t + "_" + c + "_" + hex(fnv(t + "." + c), 8) + (unique ? "_uniq" : ""));
    case Style::Alembic:
      return cap(a, (unique ? "uq_" : "ix_") + t + "_" + c);
    case Style::Prisma:
      return cap(a, t + "_" + c + (unique ? "_key" : "_idx"));
    case Style::Flyway:
      return cap(a, "idx_" + t + "_" + c);
    default:
      return cap(a, t + "_" + c + (unique ? "_key" : "_idx"));
  }
}

std::string Gen::fk_name(const App& a, const std::string& t, const std::string& c,
                         const std::string& ref) {
  switch (a.style) {
    case Style::Rails:
      return "fk_rails_" + hex(fnv(t + c + ref), 10);
    case Style::Django:
      return cap(a, t + "_" + c + "_" + hex(fnv(t + c), 8) + "_fk_" + ref + "_id");
    case Style::Alembic:
      return cap(a, "fk_" + t + "_" + c + "_" + ref);
    default:
      return cap(a, t + "_" + c + "_fkey");
  }
}

// --- recipes ---------------------------------------------------------------------------------

void Gen::create_table(App& a, std::vector<Mig>& out, bool first) {
  std::string base;
  for (int tries = 0; tries < 50; ++tries) {
    base = one(kTables);
    if (tries > 30) base += "_" + std::to_string(tries);
    if (!find(a, table_name(a, base))) break;
  }
  Table t;
  t.name = table_name(a, base);
  Mig m;
  m.slug = "create_" + base;
  m.desc = "Create model " + t.name;
  m.recipe = "create-table";
  std::string sql = "CREATE TABLE " + id(a, t.name) + " (\n    " + pk_col(a, t.name);
  size_t ncols = 2 + pick(5);
  for (size_t i = 0; i < ncols; ++i) {
    Col c = fresh(t, a);
    c.not_null = chance(40);
    sql += ",\n    " + id(a, c.name) + " " + ty(a, c.ty);
    if (c.not_null) {
      sql += " NOT NULL";
      if (c.ty == Ty::Bool) sql += " DEFAULT false";
    }
    t.cols.push_back(c);
  }
  std::vector<std::string> after;
  Table* parent = !first && !a.tables.empty() && chance(70) ? some_table(a) : nullptr;
  std::string fk;
  if (parent) {
    Col c;
    c.name = col_name(a, (a.style == Style::Django ? "" : "") +
                             (parent->name.size() > 1 && parent->name.back() == 's'
                                  ? parent->name.substr(0, parent->name.size() - 1)
                                  : parent->name) +
                             "_id");
    if (a.style == Style::Prisma) c.name = col_name(a, "owner_id");
    c.ty = Ty::Ref;
    c.ref = parent->name;
    c.not_null = true;
    sql += ",\n    " + id(a, c.name) + " " + ref_ty(a) + " NOT NULL";
    fk = fk_name(a, t.name, c.name, parent->name);
    if (a.style == Style::Prisma || a.style == Style::Django || a.style == Style::Rails) {
      // These tools add the foreign key as its own statement after the table.
      std::string add = "ALTER TABLE " + id(a, t.name) + " ADD CONSTRAINT " + id(a, fk) +
                        " FOREIGN KEY (" + id(a, c.name) + ") REFERENCES " + id(a, parent->name) +
                        (a.style == Style::Prisma ? "" : " ") + "(" + id(a, "id") + ")";
      if (a.style == Style::Prisma) add += " ON DELETE RESTRICT ON UPDATE CASCADE";
      if (a.style == Style::Django) add += " DEFERRABLE INITIALLY DEFERRED";
      after.push_back(add);
    } else {
      sql += " REFERENCES " + id(a, parent->name) + " (" + id(a, "id") + ")";
      if (chance(40)) sql += " ON DELETE CASCADE";
    }
    std::string ix = index_name(a, t.name, c.name, false);
    after.insert(after.begin(),
                 "CREATE INDEX " + id(a, ix) + " ON " + id(a, t.name) + " (" + id(a, c.name) + ")");
    t.indexed.insert(c.name);
    t.indexes.push_back(ix);
    t.index_column[ix] = c.name;
    t.cols.push_back(c);
  }
  std::string created = col_name(a, "created_at"), updated = col_name(a, "updated_at");
  std::string now = a.style == Style::Prisma ? "CURRENT_TIMESTAMP" : "now()";
  if (a.style == Style::Rails) {
    sql += ",\n    " + id(a, created) + " timestamp(6) NOT NULL,\n    " + id(a, updated) +
           " timestamp(6) NOT NULL";
  } else {
    sql += ",\n    " + id(a, created) + " " + ty(a, Ty::Ts) + " NOT NULL DEFAULT " + now;
    if (a.style == Style::Prisma) sql += ",\n    " + id(a, updated) + " TIMESTAMP(3) NOT NULL";
  }
  t.cols.push_back(Col{created, Ty::Ts, true, ""});
  if (a.style == Style::Prisma || a.style == Style::Rails)
    t.cols.push_back(Col{updated, Ty::Ts, true, ""});
  if (a.style == Style::Prisma)
    sql += ",\n\n    CONSTRAINT " + id(a, t.name + "_pkey") + " PRIMARY KEY (" + id(a, "id") + ")";
  if (a.style == Style::Alembic) sql += ",\n    PRIMARY KEY (id)";
  sql += "\n)";
  m.stmts.push_back(sql);
  // Django also makes a varchar_pattern_ops twin for indexed varchar columns.
  for (const auto& s : after) m.stmts.push_back(s);
  if (a.style == Style::Django && parent)
    m.stmts.push_back("SET CONSTRAINTS " + id(a, fk) + " IMMEDIATE");
  m.down.push_back("DROP TABLE " + std::string(a.style == Style::Golang ? "IF EXISTS " : "") +
                   t.name);
  a.tables.push_back(t);
  out.push_back(m);
}

void Gen::add_column(App& a, std::vector<Mig>& out, bool safe) {
  Table* t = some_table(a);
  Col c = fresh(*t, a);
  Mig m;
  m.slug = "add_" + c.name + "_to_" + t->name;
  m.desc = "Add field " + c.name + " to " + t->name;
  m.recipe = "add-column";
  std::string add = a.style == Style::Rails ? " ADD " : " ADD COLUMN ";
  if (a.style == Style::Prisma) add = " ADD COLUMN     ";
  m.stmts.push_back("ALTER TABLE " + id(a, t->name) + add + id(a, c.name) + " " + ty(a, c.ty) +
                    (a.style == Style::Django ? " NULL" : ""));
  m.down.push_back("ALTER TABLE " + t->name + " DROP COLUMN " + c.name);
  m.safe = safe;
  if (!safe) {
    m.timeouts = false;
    m.expect = {"require-lock-timeout"};
  }
  t->cols.push_back(c);
  out.push_back(m);
}

void Gen::add_column_default(App& a, std::vector<Mig>& out, bool safe) {
  Table* t = some_table(a);
  Col c;
  c.name = fresh_col(*t, a);
  Mig m;
  m.recipe = "add-column-default";
  m.slug = "add_" + c.name + "_to_" + t->name;
  m.desc = "Add field " + c.name + " to " + t->name;
  std::string add = a.style == Style::Rails ? " ADD " : " ADD COLUMN ";
  m.safe = safe;
  if (safe) {
    // A constant default: no rewrite since PostgreSQL 11.
    switch (pick(4)) {
      case 0:
        c.ty = Ty::Bool;
        m.stmts.push_back("ALTER TABLE " + id(a, t->name) + add + id(a, c.name) + " " +
                          ty(a, Ty::Bool) + " DEFAULT false NOT NULL");
        break;
      case 1:
        c.ty = Ty::Str;
        m.stmts.push_back("ALTER TABLE " + id(a, t->name) + add + id(a, c.name) + " " +
                          ty(a, Ty::Str) + " DEFAULT 'pending' NOT NULL");
        break;
      case 2:
        c.ty = Ty::Ts;
        m.stmts.push_back("ALTER TABLE " + id(a, t->name) + add + id(a, c.name) + " " +
                          ty(a, Ty::Ts) + " DEFAULT now()");
        break;
      default:
        c.ty = Ty::Int;
        m.stmts.push_back("ALTER TABLE " + id(a, t->name) + add + id(a, c.name) + " " +
                          ty(a, Ty::Int) + " DEFAULT 0 NOT NULL");
        break;
    }
    c.not_null = c.ty != Ty::Ts;
    // Django (before 5.0 db_default) drops the database default again right away.
    if (a.style == Style::Django)
      m.stmts.push_back("ALTER TABLE " + id(a, t->name) + " ALTER COLUMN " + id(a, c.name) +
                        " DROP DEFAULT");
  } else {
    if (chance(50)) {
      c.ty = Ty::Uuid;
      m.stmts.push_back("ALTER TABLE " + id(a, t->name) + add + id(a, c.name) + " " +
                        ty(a, Ty::Uuid) + " DEFAULT gen_random_uuid() NOT NULL");
    } else {
      c.ty = Ty::Ts;
      m.stmts.push_back("ALTER TABLE " + id(a, t->name) + add + id(a, c.name) + " " +
                        ty(a, Ty::Ts) + " DEFAULT clock_timestamp() NOT NULL");
    }
    c.not_null = true;
    m.expect = {"adding-field-with-default"};
  }
  t->cols.push_back(c);
  out.push_back(m);
}

void Gen::add_index(App& a, std::vector<Mig>& out, bool safe) {
  Table* t = some_table(a);
  std::vector<const Col*> cands;
  for (const auto& c : t->cols)
    if (!t->indexed.count(c.name) && c.ty != Ty::Json && c.ty != Ty::Text) cands.push_back(&c);
  if (cands.empty()) return add_column(a, out, true);
  const Col& c = *cands[pick(cands.size())];
  std::string ix = index_name(a, t->name, c.name, false);
  Mig m;
  m.recipe = "add-index";
  m.slug = "index_" + t->name + "_on_" + c.name;
  m.desc = "Create index " + ix + " on field(s) " + c.name + " of model " + t->name;
  std::string using_btree = a.style == Style::Rails && chance(30) ? " USING btree" : "";
  std::string partial = chance(20) ? " WHERE " + id(a, c.name) + " IS NOT NULL" : "";
  m.safe = safe;
  // Flyway runs a file with CONCURRENTLY outside a transaction by itself: only the plain build is
  // a mistake there.
  int mistake = safe ? -1 : (a.style == Style::Flyway ? 0 : static_cast<int>(pick(2)));
  bool concurrently = safe || mistake == 1;
  m.tx = safe ? Tx::Outside : Tx::Wrapped;
  std::string ine = a.style == Style::Golang || a.style == Style::Playbook ? "IF NOT EXISTS " : "";
  m.stmts.push_back(std::string("CREATE INDEX ") + (concurrently ? "CONCURRENTLY " : "") + ine +
                    id(a, ix) + " ON " + id(a, t->name) + using_btree + " (" + id(a, c.name) + ")" +
                    partial);
  m.down.push_back("DROP INDEX CONCURRENTLY IF EXISTS " + ix);
  if (mistake == 0) m.expect = {"require-concurrent-index-creation"};
  if (mistake == 1) {
    // CONCURRENTLY in a transaction: explicit BEGIN (ban-...-in-transaction) or the tool's
    // implicit one (statement-not-allowed-in-transaction).
    m.expect = {"ban-concurrent-index-creation-in-transaction"};
    if (a.style == Style::Prisma || a.style == Style::Golang)
      m.stmts.insert(m.stmts.begin(), "ALTER TABLE " + id(a, t->name) + " ALTER COLUMN " +
                                          id(a, c.name) + " SET STATISTICS 500");
  }
  t->indexed.insert(c.name);
  t->indexes.push_back(ix);
  t->index_column[ix] = c.name;
  out.push_back(m);
}

void Gen::add_foreign_key(App& a, std::vector<Mig>& out, bool safe) {
  if (a.tables.size() < 2) return add_column(a, out, safe);
  Table* t = some_table(a);
  Table* r = some_table(a);
  if (t == r) return add_index(a, out, safe);
  std::string refname = r->name;
  std::string tname = t->name;
  Col c;
  c.name = col_name(a, "ref_" + std::to_string(pick(1000)) + "_id");
  c.ty = Ty::Ref;
  c.ref = refname;
  std::string fk = fk_name(a, tname, c.name, refname);
  std::string ix = index_name(a, tname, c.name, false);
  Mig add;
  add.recipe = "add-foreign-key";
  add.slug = "add_" + c.name + "_to_" + tname;
  add.desc = "Add field " + c.name + " to " + tname;
  add.stmts.push_back("ALTER TABLE " + id(a, tname) + " ADD COLUMN " + id(a, c.name) + " " +
                      ref_ty(a) + (a.style == Style::Django ? " NULL" : ""));
  t->cols.push_back(c);
  if (safe) {
    out.push_back(add);
    Mig idx;
    idx.recipe = "add-foreign-key";
    idx.tx = Tx::Outside;
    idx.slug = "index_" + tname + "_on_" + c.name;
    idx.desc = "Create index " + ix;
    idx.stmts.push_back("CREATE INDEX CONCURRENTLY " + id(a, ix) + " ON " + id(a, tname) + " (" +
                        id(a, c.name) + ")");
    out.push_back(idx);
    Mig nv;
    nv.recipe = "add-foreign-key";
    nv.slug = "add_" + fk.substr(0, 40) + "_not_valid";
    nv.desc = "Add constraint " + fk + " (not valid)";
    nv.stmts.push_back("ALTER TABLE " + id(a, tname) + " ADD CONSTRAINT " + id(a, fk) +
                       " FOREIGN KEY (" + id(a, c.name) + ") REFERENCES " + id(a, refname) + " (" +
                       id(a, "id") + ") NOT VALID");
    out.push_back(nv);
    Mig v;
    v.recipe = "add-foreign-key";
    v.slug = "validate_" + fk.substr(0, 40);
    v.desc = "Validate constraint " + fk;
    v.stmts.push_back("ALTER TABLE " + id(a, tname) + " VALIDATE CONSTRAINT " + id(a, fk));
    out.push_back(v);
  } else {
    add.safe = false;
    add.stmts.push_back("ALTER TABLE " + id(a, tname) + " ADD CONSTRAINT " + id(a, fk) +
                        " FOREIGN KEY (" + id(a, c.name) + ") REFERENCES " + id(a, refname) + " (" +
                        id(a, "id") + ")");
    add.expect = {"constraint-missing-not-valid"};
    out.push_back(add);
  }
  t->indexed.insert(c.name);
}

void Gen::add_check(App& a, std::vector<Mig>& out, bool safe) {
  Table* t = some_table(a);
  const Col* c = some_col(*t, Ty::Int);
  if (!c) c = some_col(*t, Ty::Money);
  if (!c) return add_column(a, out, safe);
  std::string ck = check_name(a, t->name, c->name);
  std::string cond = id(a, c->name) + " >= 0";
  Mig m;
  m.recipe = "add-check";
  m.slug = "add_" + c->name + "_check_to_" + t->name;
  m.desc = "Create constraint " + ck + " on model " + t->name;
  std::string add =
      "ALTER TABLE " + id(a, t->name) + " ADD CONSTRAINT " + id(a, ck) + " CHECK (" + cond + ")";
  if (safe) {
    m.stmts.push_back(add + " NOT VALID");
    out.push_back(m);
    Mig v;
    v.recipe = "add-check";
    v.slug = "validate_" + ck;
    v.desc = "Validate constraint " + ck;
    v.stmts.push_back("ALTER TABLE " + id(a, t->name) + " VALIDATE CONSTRAINT " + id(a, ck));
    out.push_back(v);
  } else {
    m.safe = false;
    m.stmts.push_back(add);
    m.expect = {"constraint-missing-not-valid"};
    out.push_back(m);
  }
}

void Gen::set_not_null(App& a, std::vector<Mig>& out, bool safe) {
  Table* t = some_table(a);
  const Col* c = nullptr;
  for (const auto& col : t->cols)
    if (!col.not_null && col.ty != Ty::Json) c = &col;
  if (!c) return add_column(a, out, safe);
  std::string cn = c->name;
  std::string ck = check_name(a, t->name, cn + "_not_null");
  Mig m;
  m.recipe = "set-not-null";
  m.slug = "make_" + cn + "_not_null_on_" + t->name;
  m.desc = "Alter field " + cn + " on " + t->name;
  if (safe) {
    m.stmts.push_back("ALTER TABLE " + id(a, t->name) + " ADD CONSTRAINT " + id(a, ck) +
                      " CHECK (" + id(a, cn) + " IS NOT NULL) NOT VALID");
    out.push_back(m);
    Mig v;
    v.recipe = "set-not-null";
    v.slug = "validate_" + ck;
    v.desc = "Validate constraint " + ck;
    v.stmts.push_back("ALTER TABLE " + id(a, t->name) + " VALIDATE CONSTRAINT " + id(a, ck));
    out.push_back(v);
    Mig s;
    s.recipe = "set-not-null";
    s.slug = "set_" + cn + "_not_null";
    s.desc = "Alter field " + cn + " on " + t->name;
    s.stmts.push_back("ALTER TABLE " + id(a, t->name) + " ALTER COLUMN " + id(a, cn) +
                      " SET NOT NULL");
    s.stmts.push_back("ALTER TABLE " + id(a, t->name) + " DROP CONSTRAINT " + id(a, ck));
    out.push_back(s);
  } else {
    m.safe = false;
    m.stmts.push_back("ALTER TABLE " + id(a, t->name) + " ALTER COLUMN " + id(a, cn) +
                      " SET NOT NULL");
    m.expect = {"adding-not-nullable-field"};
    out.push_back(m);
  }
  for (auto& col : t->cols)
    if (col.name == cn) col.not_null = true;
}

void Gen::change_type(App& a, std::vector<Mig>& out, bool safe) {
  Table* t = some_table(a);
  Mig m;
  m.recipe = "change-type";
  m.safe = safe;
  if (safe) {
    // Widening a varchar or turning it into text: no rewrite, no scan.
    const Col* c = some_col(*t, Ty::Str);
    if (!c || a.style == Style::Rails || a.style == Style::Prisma) return add_column(a, out, true);
    m.slug = "widen_" + c->name + "_on_" + t->name;
    m.desc = "Alter field " + c->name + " on " + t->name;
    bool to_text = chance(50);
    m.stmts.push_back("ALTER TABLE " + id(a, t->name) + " ALTER COLUMN " + id(a, c->name) +
                      " TYPE " +
                      (to_text ? ty(a, Ty::Text) : (upper(a) ? "VARCHAR(512)" : "varchar(512)")));
    if (to_text)
      for (auto& col : t->cols)
        if (col.name == c->name) col.ty = Ty::Text;
    if (!to_text)
      for (auto& col : t->cols)
        if (col.name == c->name) col.ty = Ty::Text;  // later steps treat it as wide text
  } else {
    const Col* c = some_col(*t, Ty::Int);
    if (!c) c = some_col(*t, Ty::Str);
    if (!c) return add_column(a, out, false);
    m.slug = "change_" + c->name + "_type_on_" + t->name;
    m.desc = "Alter field " + c->name + " on " + t->name;
    std::string to = c->ty == Ty::Int ? (upper(a) ? "BIGINT" : "bigint")
                                      : (upper(a) ? "VARCHAR(64)" : "varchar(64)");
    m.stmts.push_back("ALTER TABLE " + id(a, t->name) + " ALTER COLUMN " + id(a, c->name) +
                      " TYPE " + to);
    m.expect = {"changing-column-type"};
    std::string cn = c->name;
    for (auto& col : t->cols)
      if (col.name == cn) col.ty = Ty::Money;  // not reused as int/str afterwards
  }
  out.push_back(m);
}

void Gen::rename_or_drop(App& a, std::vector<Mig>& out) {
  Table* t = some_table(a);
  std::vector<size_t> plain;
  for (size_t i = 0; i < t->cols.size(); ++i)
    if (t->cols[i].ty != Ty::Ref && !t->indexed.count(t->cols[i].name) &&
        t->cols[i].name != col_name(a, "created_at") &&
        t->cols[i].name != col_name(a, "updated_at"))
      plain.push_back(i);
  if (plain.empty()) return add_column(a, out, false);
  size_t i = plain[pick(plain.size())];
  std::string cn = t->cols[i].name;
  Mig m;
  m.safe = false;
  switch (pick(3)) {
    case 0: {
      std::string nn = fresh_col(*t, a);
      m.recipe = "rename-column";
      m.slug = "rename_" + cn + "_to_" + nn;
      m.desc = "Rename field " + cn + " on " + t->name + " to " + nn;
      m.stmts.push_back("ALTER TABLE " + id(a, t->name) + " RENAME COLUMN " + id(a, cn) + " TO " +
                        id(a, nn));
      m.expect = {"renaming-column"};
      t->cols[i].name = nn;
      break;
    }
    case 1:
      m.recipe = "drop-column";
      m.slug = "remove_" + cn + "_from_" + t->name;
      m.desc = "Remove field " + cn + " from " + t->name;
      m.stmts.push_back("ALTER TABLE " + id(a, t->name) + " DROP COLUMN " + id(a, cn));
      m.expect = {"ban-drop-column"};
      t->cols.erase(t->cols.begin() + static_cast<long>(i));
      break;
    default: {
      // expand: a new column, filled in batches by a later step; the old one stays for now.
      Col c = t->cols[i];
      c.name = cn + "_v2";
      m.safe = true;
      m.recipe = "expand-column";
      m.slug = "add_" + c.name + "_to_" + t->name;
      m.desc = "Add field " + c.name + " to " + t->name;
      m.stmts.push_back("ALTER TABLE " + id(a, t->name) + " ADD COLUMN " + id(a, c.name) + " " +
                        ty(a, c.ty == Ty::Ref ? Ty::Int : c.ty));
      c.not_null = false;
      t->cols.push_back(c);
      break;
    }
  }
  out.push_back(m);
}

void Gen::backfill(App& a, std::vector<Mig>& out, bool safe) {
  Table* t = some_table(a);
  const Col* c = nullptr;
  for (const auto& col : t->cols)
    if (!col.not_null && (col.ty == Ty::Str || col.ty == Ty::Text || col.ty == Ty::Int)) c = &col;
  if (!c) return add_column(a, out, safe);
  // t->cols may grow below (reallocating): keep the name, not the pointer.
  const std::string filled = c->name;
  std::string value = c->ty == Ty::Int ? "0" : "'unknown'";
  std::string T = id(a, t->name), C = id(a, filled), I = id(a, "id");
  Mig m;
  m.recipe = "backfill";
  m.slug = "backfill_" + c->name + "_on_" + t->name;
  m.desc = "Raw SQL operation";
  m.safe = safe;
  if (safe) {
    switch (pick(3)) {
      case 0:  // the playbook's batched UPDATE: one batch per run, repeated by the deploy job
        m.stmts.push_back("UPDATE " + T + " SET " + C + " = " + value + " WHERE " + I +
                          " IN (SELECT " + I + " FROM " + T + " WHERE " + C + " IS NULL ORDER BY " +
                          I + " LIMIT 1000)");
        break;
      case 1:  // key ranges, each its own statement
        for (int b = 0; b < 3; ++b)
          m.stmts.push_back("UPDATE " + T + " SET " + C + " = " + value + " WHERE " + I +
                            " >= " + std::to_string(b * 10000 + 1) + " AND " + I + " < " +
                            std::to_string((b + 1) * 10000 + 1) + " AND " + C + " IS NULL");
        break;
      default:  // a loop that commits after each batch (PostgreSQL 11+, outside a transaction)
        if (a.style == Style::Prisma || a.style == Style::Golang) {
          m.stmts.push_back("UPDATE " + T + " SET " + C + " = " + value + " WHERE " + I +
                            " BETWEEN 1 AND 5000 AND " + C + " IS NULL");
          break;
        }
        m.tx = Tx::Outside;
        m.stmts.push_back("DO $$\nDECLARE\n  batch_rows integer;\nBEGIN\n  LOOP\n    UPDATE " + T +
                          " SET " + C + " = " + value + "\n     WHERE " + I + " IN (SELECT " + I +
                          " FROM " + T + " WHERE " + C +
                          " IS NULL LIMIT 5000);\n"
                          "    GET DIAGNOSTICS batch_rows = ROW_COUNT;\n"
                          "    EXIT WHEN batch_rows = 0;\n    COMMIT;\n  END LOOP;\nEND $$");
        break;
    }
  } else if (chance(50)) {
    m.stmts.push_back("UPDATE " + T + " SET " + C + " = " + value);
    m.expect = {"ban-unbatched-backfill"};
  } else {
    // The column, its backfill and NOT NULL in one transaction.
    Col n;
    n.name = fresh_col(*t, a);
    n.ty = Ty::Str;
    m.slug = "add_and_fill_" + n.name + "_on_" + t->name;
    m.stmts.push_back("ALTER TABLE " + T + " ADD COLUMN " + id(a, n.name) + " " + ty(a, Ty::Str));
    m.stmts.push_back("UPDATE " + T + " SET " + id(a, n.name) + " = 'legacy'");
    m.stmts.push_back("ALTER TABLE " + T + " ALTER COLUMN " + id(a, n.name) + " SET NOT NULL");
    m.expect = {"backfill-in-ddl-transaction", "adding-not-nullable-field"};
    n.not_null = true;
    t->cols.push_back(n);
  }
  out.push_back(m);
  for (auto& col : t->cols)
    if (col.name == filled && safe) col.not_null = false;
}

void Gen::add_unique(App& a, std::vector<Mig>& out, bool safe) {
  Table* t = some_table(a);
  std::vector<const Col*> cands;
  for (const auto& c : t->cols)
    if (!t->indexed.count(c.name) && (c.ty == Ty::Str || c.ty == Ty::Uuid)) cands.push_back(&c);
  if (cands.empty()) return add_index(a, out, safe);
  std::string cn = cands[pick(cands.size())]->name;
  std::string ix = index_name(a, t->name, cn, true);
  Mig m;
  m.recipe = "add-unique";
  m.slug = "add_unique_" + cn + "_to_" + t->name;
  m.desc = "Alter unique_together for " + t->name;
  if (safe) {
    m.tx = Tx::Outside;
    m.stmts.push_back("CREATE UNIQUE INDEX CONCURRENTLY " + id(a, ix) + " ON " + id(a, t->name) +
                      " (" + id(a, cn) + ")");
    out.push_back(m);
    if (a.style != Style::Prisma && chance(60)) {
      Mig u;
      u.recipe = "add-unique";
      u.slug = "attach_" + ix;
      u.desc = "Add constraint " + ix;
      u.stmts.push_back("ALTER TABLE " + id(a, t->name) + " ADD CONSTRAINT " + id(a, ix) +
                        " UNIQUE USING INDEX " + id(a, ix));
      out.push_back(u);
    }
  } else {
    m.safe = false;
    m.stmts.push_back("ALTER TABLE " + id(a, t->name) + " ADD CONSTRAINT " + id(a, ix) +
                      " UNIQUE (" + id(a, cn) + ")");
    m.expect = {"disallowed-unique-constraint"};
    out.push_back(m);
  }
  t->indexed.insert(cn);
  t->indexes.push_back(ix);
  t->index_column[ix] = cn;
}

void Gen::enum_value(App& a, std::vector<Mig>& out, bool safe) {
  if (a.enums.empty() || chance(25)) {
    std::string e = a.style == Style::Prisma ? "Status" + std::to_string(a.enums.size())
                                             : "status_" + std::to_string(a.enums.size());
    if (a.style == Style::Prisma ? false : chance(50))
      e = "order_state_" + std::to_string(a.enums.size());
    std::vector<std::string> vals = {"draft", "active", "archived"};
    Table* t = some_table(a);
    std::string cn = fresh_col(*t, a);
    Mig m;
    m.recipe = "create-enum";
    m.slug = "create_" + e;
    m.desc = "CreateEnum";
    m.stmts.push_back("CREATE TYPE " + id(a, e) + " AS ENUM ('draft', 'active', 'archived')");
    m.stmts.push_back("ALTER TABLE " + id(a, t->name) + " ADD COLUMN " + id(a, cn) + " " +
                      id(a, e));
    Col c;
    c.name = cn;
    c.ty = Ty::Text;
    t->cols.push_back(c);
    a.enums.push_back({e, vals});
    out.push_back(m);
    return;
  }
  auto& [e, vals] = a.enums[pick(a.enums.size())];
  std::string v = "state_" + std::to_string(vals.size());
  vals.push_back(v);
  Mig m;
  m.recipe = "enum-add-value";
  m.slug = "add_" + v + "_to_" + e;
  m.desc = "AlterEnum";
  m.stmts.push_back("ALTER TYPE " + id(a, e) + " ADD VALUE IF NOT EXISTS '" + v + "'");
  if (!safe) {
    m.safe = false;
    Table* t = some_table(a);
    m.stmts.push_back("UPDATE " + id(a, t->name) + " SET " + id(a, col_name(a, "state")) + " = '" +
                      v + "' WHERE " + id(a, "id") + " = 1");
    m.stmts.push_back("SELECT '" + v + "'::" + id(a, e));
    m.expect = {"enum-add-value-used-in-transaction"};
  }
  out.push_back(m);
}

void Gen::drop_index(App& a, std::vector<Mig>& out, bool safe) {
  Table* t = some_table(a);
  if (t->indexes.empty()) return add_index(a, out, safe);
  std::string ix = t->indexes.back();
  Mig m;
  m.recipe = "drop-index";
  m.slug = "remove_" + ix.substr(0, 40);
  m.desc = "Remove index " + ix + " from " + t->name;
  m.safe = safe;
  if (safe) {
    m.tx = Tx::Outside;
    m.stmts.push_back("DROP INDEX CONCURRENTLY IF EXISTS " + id(a, ix));
  } else {
    m.stmts.push_back("DROP INDEX " + id(a, ix));
    m.expect = {"require-concurrent-index-deletion"};
  }
  t->indexes.pop_back();
  // The first column of the dropped index may still be indexed by another one; keep it simple.
  out.push_back(m);
}

void Gen::grants(App& a, std::vector<Mig>& out, bool safe) {
  Table* t = some_table(a);
  Mig m;
  m.recipe = "grants";
  m.slug = "grant_access_to_" + t->name;
  m.desc = "Raw SQL operation";
  m.safe = safe;
  std::string role = a.name + "_readonly";
  if (safe) {
    if (std::find(a.roles.begin(), a.roles.end(), role) == a.roles.end()) {
      m.stmts.push_back("DO $$\nBEGIN\n  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" +
                        role + "') THEN\n    CREATE ROLE " + role +
                        " NOLOGIN;\n  END IF;\nEND\n$$");
      a.roles.push_back(role);
    }
    m.stmts.push_back("GRANT USAGE ON SCHEMA public TO " + role);
    m.stmts.push_back("GRANT SELECT ON " + id(a, t->name) + " TO " + role);
    m.stmts.push_back("GRANT SELECT, INSERT, UPDATE ON " + id(a, t->name) + " TO " + a.name +
                      "_app");
    m.stmts.push_back("REVOKE ALL ON " + id(a, t->name) + " FROM PUBLIC");
  } else {
    switch (pick(4)) {
      case 0:
        m.stmts.push_back("GRANT ALL PRIVILEGES ON " + id(a, t->name) + " TO " + a.name + "_app");
        m.expect = {"ban-grant-all"};
        break;
      case 1:
        m.stmts.push_back("GRANT SELECT ON " + id(a, t->name) + " TO PUBLIC");
        m.expect = {"ban-grant-to-public"};
        break;
      case 2:
        m.stmts.push_back("CREATE ROLE " + a.name + "_etl LOGIN PASSWORD 'Etl-" +
                          hex(fnv(a.name), 8) + "'");
        m.expect = {"ban-hardcoded-password"};
        break;
      default:
        m.stmts.push_back("ALTER ROLE " + a.name + "_admin WITH SUPERUSER");
        m.expect = {"ban-superuser-role"};
        break;
    }
  }
  out.push_back(m);
}

void Gen::functions(App& a, std::vector<Mig>& out, bool safe) {
  Table* t = some_table(a);
  std::string fn = "set_" + t->name + "_updated_at";
  std::transform(fn.begin(), fn.end(), fn.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  Mig m;
  m.recipe = "function";
  m.slug = "add_" + fn;
  m.desc = "Raw SQL operation";
  m.safe = safe;
  if (safe) {
    std::string col = col_name(a, "created_at");
    m.stmts.push_back("CREATE OR REPLACE FUNCTION " + fn +
                      "() RETURNS trigger\n    LANGUAGE plpgsql\n    AS $$\nBEGIN\n  NEW." +
                      id(a, col) + " := coalesce(NEW." + id(a, col) +
                      ", now());\n  RETURN NEW;\nEND;\n$$");
    m.stmts.push_back("DROP TRIGGER IF EXISTS " + fn + "_trg ON " + id(a, t->name));
    m.stmts.push_back("CREATE TRIGGER " + fn + "_trg BEFORE INSERT ON " + id(a, t->name) +
                      " FOR EACH ROW EXECUTE FUNCTION " + fn + "()");
    if (chance(50))
      m.stmts.push_back("CREATE OR REPLACE FUNCTION " + a.name +
                        "_owner_of(p_id bigint) RETURNS bigint\n    LANGUAGE sql STABLE "
                        "SECURITY DEFINER\n    SET search_path = pg_catalog, public\n    AS $$ "
                        "SELECT id FROM public." +
                        id(a, t->name) + " WHERE id = p_id $$");
  } else if (chance(60)) {
    m.stmts.push_back("CREATE OR REPLACE FUNCTION " + a.name +
                      "_owner_of(p_id bigint) RETURNS bigint\n    LANGUAGE sql STABLE SECURITY "
                      "DEFINER\n    AS $$ SELECT id FROM " +
                      id(a, t->name) + " WHERE id = p_id $$");
    m.expect = {"security-definer-without-search-path"};
  } else {
    m.stmts.push_back("CREATE EXTENSION IF NOT EXISTS plpython3u");
    m.stmts.push_back("CREATE FUNCTION " + a.name +
                      "_slugify(s text) RETURNS text LANGUAGE plpython3u AS $$\nimport re\n"
                      "return re.sub(r'[^a-z0-9]+', '-', s.lower())\n$$");
    m.expect = {"ban-untrusted-language"};
  }
  out.push_back(m);
}

void Gen::matview(App& a, std::vector<Mig>& out, bool safe) {
  Table* t = some_table(a);
  if (a.matviews.empty() || chance(30)) {
    std::string mv = t->name + "_daily_stats";
    std::transform(mv.begin(), mv.end(), mv.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    for (const auto& x : a.matviews)
      if (x == mv) return seed_data(a, out);
    Mig m;
    m.recipe = "create-matview";
    m.slug = "create_" + mv;
    m.desc = "Raw SQL operation";
    std::string created = id(a, col_name(a, "created_at"));
    m.stmts.push_back("CREATE MATERIALIZED VIEW " + mv + " AS\nSELECT date_trunc('day', " +
                      created + ") AS day, count(*) AS total\n  FROM " + id(a, t->name) +
                      "\n GROUP BY 1\nWITH DATA");
    m.stmts.push_back("CREATE UNIQUE INDEX " + mv + "_day_idx ON " + mv + " (day)");
    m.stmts.push_back("REFRESH MATERIALIZED VIEW " + mv);
    a.matviews.push_back(mv);
    out.push_back(m);
    return;
  }
  std::string mv = one(a.matviews);
  Mig m;
  m.recipe = "refresh-matview";
  m.slug = "refresh_" + mv;
  m.desc = "Raw SQL operation";
  m.safe = safe;
  if (safe) {
    m.tx = Tx::Outside;
    m.stmts.push_back("REFRESH MATERIALIZED VIEW CONCURRENTLY " + mv);
  } else {
    m.stmts.push_back("REFRESH MATERIALIZED VIEW " + mv);
    m.expect = {"require-concurrent-refresh-matview"};
  }
  out.push_back(m);
}

void Gen::partitions(App& a, std::vector<Mig>& out, bool safe) {
  std::string parent = a.style == Style::Prisma ? "EventLog" : "event_log";
  Table* p = find(a, parent);
  std::string P = id(a, parent);
  std::string at = id(a, col_name(a, "occurred_at"));
  if (!p) {
    Table t;
    t.name = parent;
    t.partitioned = true;
    t.cols = {Col{col_name(a, "occurred_at"), Ty::Ts, true, ""},
              Col{"payload", Ty::Json, false, ""}};
    Mig m;
    m.recipe = "create-partitioned";
    m.slug = "create_" + parent;
    m.desc = "Raw SQL operation";
    m.stmts.push_back("CREATE TABLE " + P + " (\n    " + id(a, "id") + " bigint NOT NULL,\n    " +
                      at + " timestamptz NOT NULL,\n    " + id(a, "payload") +
                      " jsonb,\n    PRIMARY KEY (" + id(a, "id") + ", " + at +
                      ")\n) PARTITION BY RANGE (" + at + ")");
    m.stmts.push_back("CREATE TABLE " + id(a, parent + "_2024") + " PARTITION OF " + P +
                      " FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
    a.tables.push_back(t);
    out.push_back(m);
    return;
  }
  int year =
      2025 + static_cast<int>(std::count_if(a.tables.begin(), a.tables.end(), [&](const Table& x) {
        return x.name.rfind(parent + "_y", 0) == 0;
      }));
  std::string y = std::to_string(year), y1 = std::to_string(year + 1);
  std::string part = parent + "_y" + y;
  std::string Part = id(a, part);
  a.tables.push_back(
      Table{part, {Col{col_name(a, "occurred_at"), Ty::Ts, true, ""}}, {}, {}, {}, false});
  std::string bound = "FOR VALUES FROM ('" + y + "-01-01') TO ('" + y1 + "-01-01')";
  if (safe) {
    Mig m;
    m.recipe = "attach-partition";
    m.slug = "create_" + part;
    m.desc = "Raw SQL operation";
    m.stmts.push_back("CREATE TABLE " + Part + " (LIKE " + P + " INCLUDING ALL)");
    m.stmts.push_back("ALTER TABLE " + Part + " ADD CONSTRAINT " + id(a, part + "_bound") +
                      " CHECK (" + at + " IS NOT NULL AND " + at + " >= '" + y + "-01-01' AND " +
                      at + " < '" + y1 + "-01-01')");
    out.push_back(m);
    Mig att;
    att.recipe = "attach-partition";
    att.slug = "attach_" + part;
    att.desc = "Raw SQL operation";
    att.stmts.push_back("ALTER TABLE " + P + " ATTACH PARTITION " + Part + " " + bound);
    att.stmts.push_back("ALTER TABLE " + Part + " DROP CONSTRAINT " + id(a, part + "_bound"));
    out.push_back(att);
    if (year > 2026) {
      Mig d;
      d.recipe = "detach-partition";
      d.tx = Tx::Outside;
      d.slug = "detach_" + parent + "_" + std::to_string(year - 2);
      d.desc = "Raw SQL operation";
      d.stmts.push_back("ALTER TABLE " + P + " DETACH PARTITION " +
                        id(a, parent + "_y" + std::to_string(year - 2)) + " CONCURRENTLY");
      out.push_back(d);
    }
  } else {
    // The partition is created (and filled by a job) first; a later migration attaches it
    // without a CHECK that proves the bound, so ATTACH scans it under the parent's lock.
    Mig c;
    c.recipe = "attach-partition";
    c.slug = "create_" + part;
    c.desc = "Raw SQL operation";
    c.stmts.push_back("CREATE TABLE " + Part + " (LIKE " + P + " INCLUDING ALL)");
    out.push_back(c);
    Mig m;
    m.recipe = "attach-partition";
    m.safe = false;
    m.slug = "attach_" + part;
    m.desc = "Raw SQL operation";
    m.stmts.push_back("ALTER TABLE " + P + " ATTACH PARTITION " + Part + " " + bound);
    m.expect = {"attach-partition-without-check"};
    out.push_back(m);
  }
}

void Gen::maintenance(App& a, std::vector<Mig>& out, bool safe) {
  Table* t = some_table(a);
  Mig m;
  m.recipe = "maintenance";
  m.slug = "maintenance_" + t->name;
  m.desc = "Raw SQL operation";
  m.safe = safe;
  std::string T = id(a, t->name);
  if (safe) {
    switch (pick(4)) {
      case 0:
        m.stmts.push_back("COMMENT ON TABLE " + T + " IS 'Owned by the " + a.name + " team'");
        m.stmts.push_back("COMMENT ON COLUMN " + T + "." + id(a, "id") + " IS 'surrogate key'");
        break;
      case 1:
        m.stmts.push_back("CREATE EXTENSION IF NOT EXISTS pgcrypto");
        m.stmts.push_back("CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public");
        break;
      case 2:
        if (t->indexes.empty()) {
          m.stmts.push_back("ANALYZE " + T);
        } else {
          m.tx = Tx::Outside;
          m.stmts.push_back("REINDEX INDEX CONCURRENTLY " + id(a, t->indexes.front()));
        }
        break;
      default:
        m.stmts.push_back("ALTER TABLE " + T + " SET (autovacuum_vacuum_scale_factor = 0.02)");
        m.stmts.push_back("DELETE FROM " + T + " WHERE " + id(a, "id") + " IN (SELECT " +
                          id(a, "id") + " FROM " + T + " WHERE " +
                          id(a, col_name(a, "created_at")) +
                          " < now() - interval '2 years' LIMIT 1000)");
        break;
    }
  } else {
    switch (pick(8)) {
      case 0:
        m.stmts.push_back("TRUNCATE " + T);
        m.expect = {"ban-truncate"};
        break;
      case 1:
        m.tx = Tx::Outside;
        m.stmts.push_back("VACUUM FULL " + T);
        m.expect = {"ban-vacuum-full"};
        break;
      case 2:
        m.stmts.push_back("LOCK TABLE " + T + " IN ACCESS EXCLUSIVE MODE");
        m.stmts.push_back("DELETE FROM " + T + " WHERE " + id(a, "id") + " < 0");
        m.expect = {"ban-lock-table"};
        break;
      case 3:
        m.stmts.push_back("DELETE FROM " + T);
        m.expect = {"ban-delete-without-where"};
        break;
      case 4:
        if (t->indexes.empty()) {
          m.stmts.push_back("ALTER TABLE " + T + " SET UNLOGGED");
          m.expect = {"set-logged-unlogged"};
        } else {
          m.stmts.push_back("REINDEX INDEX " + id(a, t->indexes.front()));
          m.expect = {"require-concurrent-reindex"};
        }
        break;
      case 5:
        m.stmts.push_back("ALTER TABLE " + T + " DISABLE ROW LEVEL SECURITY");
        m.expect = {"ban-disable-row-level-security"};
        break;
      case 6:
        m.stmts.push_back("COPY " + T + " FROM PROGRAM 'curl -s https://example.com/" + t->name +
                          ".csv' WITH (FORMAT csv)");
        m.expect = {"ban-copy-program"};
        break;
      default:
        m.stmts.push_back("ALTER SYSTEM SET work_mem = '64MB'");
        m.tx = Tx::Outside;
        m.expect = {"ban-alter-system"};
        break;
    }
  }
  out.push_back(m);
}

void Gen::seed_data(App& a, std::vector<Mig>& out) {
  std::string lookup = a.style == Style::Prisma
                           ? "Country"
                           : (a.style == Style::Django ? a.label + "_country" : "countries");
  Mig m;
  m.recipe = "seed-data";
  m.desc = "Raw SQL operation";
  if (!find(a, lookup)) {
    Table t;
    t.name = lookup;
    t.cols = {Col{"code", Ty::Code, true, ""}, Col{"name", Ty::Text, true, ""}};
    t.indexed.insert("code");
    m.slug = "create_" + lookup;
    m.stmts.push_back("CREATE TABLE " + id(a, lookup) + " (\n    " + id(a, "code") + " " +
                      ty(a, Ty::Code) + " PRIMARY KEY,\n    " + id(a, "name") + " " +
                      ty(a, Ty::Text) + " NOT NULL\n)");
    a.tables.push_back(t);
  } else {
    m.slug = "seed_" + lookup + "_" + std::to_string(a.step);
  }
  std::string rows;
  static const char* kCountries[][2] = {{"de", "Germany"}, {"fr", "France"}, {"jp", "Japan"},
                                        {"br", "Brazil"},  {"ke", "Kenya"},  {"nz", "New Zealand"},
                                        {"ca", "Canada"},  {"in", "India"}};
  size_t n = 3 + pick(5), start = pick(8);
  for (size_t i = 0; i < n; ++i) {
    const auto& c = kCountries[(start + i) % 8];
    rows += std::string(i ? ",\n    " : "\n    ") + "('" + c[0] + "', '" + c[1] + "')";
  }
  m.stmts.push_back("INSERT INTO " + id(a, lookup) + " (" + id(a, "code") + ", " + id(a, "name") +
                    ") VALUES" + rows + "\nON CONFLICT (" + id(a, "code") + ") DO NOTHING");
  out.push_back(m);
}

void Gen::recipe(App& a, std::vector<Mig>& out) {
  bool safe = !chance(30);
  switch (pick(20)) {
    case 0:
    case 1:
      return create_table(a, out, false);
    case 2:
    case 3:
      return add_column(a, out, safe);
    case 4:
      return add_column_default(a, out, safe);
    case 5:
    case 6:
      return add_index(a, out, safe);
    case 7:
      return add_foreign_key(a, out, safe);
    case 8:
      return add_check(a, out, safe);
    case 9:
      return set_not_null(a, out, safe);
    case 10:
      return change_type(a, out, safe);
    case 11:
      return safe ? backfill(a, out, true) : rename_or_drop(a, out);
    case 12:
      return backfill(a, out, safe);
    case 13:
      return add_unique(a, out, safe);
    case 14:
      return enum_value(a, out, safe);
    case 15:
      return drop_index(a, out, safe);
    case 16:
      return grants(a, out, safe);
    case 17:
      return safe ? functions(a, out, true)
                  : (chance(50) ? functions(a, out, false) : maintenance(a, out, false));
    case 18:
      return chance(50) ? matview(a, out, safe) : partitions(a, out, safe);
    default:
      return chance(60) ? maintenance(a, out, safe) : seed_data(a, out);
  }
}

// --- writers ---------------------------------------------------------------------------------

void Gen::put(const std::string& rel, const std::string& text, const std::string& kind,
              const std::vector<std::string>& expect, const std::string& style,
              const std::string& recipe) {
  if (!paths_.insert(rel).second) throw std::runtime_error("two corpus files at " + rel);
  fs::path p = dir_ / rel;
  fs::create_directories(p.parent_path());
  std::ofstream f(p, std::ios::binary);
  f << text;
  if (!f) throw std::runtime_error("cannot write " + p.string());
  entries_.push_back(Entry{rel, kind, expect, style, recipe});
}

std::string Gen::version(App& a) {
  // A timestamp that only moves forward: 2021-01-03 09:00:00 plus a few days per step.
  size_t day = 3 + a.step * 3;
  int year = 2021 + static_cast<int>(day / 336);
  int month = 1 + static_cast<int>((day % 336) / 28);
  int dom = 1 + static_cast<int>(day % 28);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02d", year, month, dom,
                static_cast<int>(9 + a.step % 9), static_cast<int>((a.step * 7) % 60),
                static_cast<int>((a.step * 13) % 60));
  return buf;
}

std::string join(const std::vector<std::string>& stmts, const std::string& sep) {
  std::string s;
  for (const auto& st : stmts) s += st + ";" + sep;
  return s;
}

void Gen::write_mig(App& a, const Mig& m, size_t index) {
  a.step++;
  std::string ver = version(a);
  std::string kind = m.safe ? "safe" : "unsafe";
  std::string sn = style_name(a.style);
  std::vector<std::string> pre;
  if (m.timeouts) {
    if (a.style == Style::Prisma || a.style == Style::Golang) {
      if (m.tx == Tx::Wrapped) pre.push_back(lock_timeout(a, m.tx));
    } else {
      pre.push_back(lock_timeout(a, m.tx));
      if (a.statement_timeout && m.tx == Tx::Wrapped)
        pre.push_back(std::string(a.set_local ? "SET LOCAL " : "SET ") +
                      "statement_timeout = '10min'");
      if (m.tx == Tx::Outside && a.statement_timeout) pre.push_back("SET statement_timeout = 0");
    }
  }
  std::vector<std::string> body = pre;
  body.insert(body.end(), m.stmts.begin(), m.stmts.end());
  char num[16];
  switch (a.style) {
    case Style::Rails: {
      std::string cls;
      bool upnext = true;
      for (char c : m.slug) {
        if (c == '_') {
          upnext = true;
          continue;
        }
        cls += upnext ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        upnext = false;
      }
      std::string text = "-- == " + ver + " " + cls + ": migrating ======================\n";
      if (index == 0)
        text +=
            "CREATE TABLE IF NOT EXISTS \"schema_migrations\" (\"version\" character varying "
            "NOT NULL PRIMARY KEY);\nCREATE TABLE IF NOT EXISTS \"ar_internal_metadata\" "
            "(\"key\" character varying NOT NULL PRIMARY KEY, \"value\" character varying, "
            "\"created_at\" timestamp(6) NOT NULL, \"updated_at\" timestamp(6) NOT NULL);\n";
      if (m.tx == Tx::Wrapped) text += "BEGIN;\n";
      text += join(body, "\n");
      text += "INSERT INTO \"schema_migrations\" (\"version\") VALUES ('" + ver +
              "') RETURNING \"version\";\n";
      if (m.tx == Tx::Wrapped) text += "COMMIT;\n";
      text += "-- == " + ver + " " + cls + ": migrated ======================\n";
      put("rails/" + a.name + "/db/migrate/" + ver + "_" + m.slug + ".sql", text, kind, m.expect,
          sn, m.recipe);
      break;
    }
    case Style::Django: {
      std::snprintf(num, sizeof num, "%04zu", index + 1);
      std::string text = m.tx == Tx::Wrapped ? "BEGIN;\n" : "";
      text += "--\n-- " + m.desc + "\n--\n";
      for (const auto& s : body) {
        text += s + ";";
        text += s.rfind("ALTER TABLE", 0) == 0 && s.find("DEFERRABLE") != std::string::npos ? " "
                                                                                            : "\n";
      }
      if (m.tx == Tx::Wrapped) text += "COMMIT;\n";
      put("django/" + a.name + "/" + a.label + "/migrations/" + num + "_" +
              (index == 0 ? std::string("initial") : m.slug) + ".sql",
          text, kind, m.expect, sn, m.recipe);
      break;
    }
    case Style::Alembic: {
      std::string rev = hex(fnv(a.name + std::to_string(index)), 12);
      std::string text = "BEGIN;\n\n";
      if (index == 0)
        text +=
            "CREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n    "
            "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n);\n\n";
      text += "-- Running upgrade " + a.prev_rev + (a.prev_rev.empty() ? "" : " ") + "-> " + rev +
              "\n\n";
      if (m.tx == Tx::Outside) text += "COMMIT;\n\n";
      text += join(body, "\n\n");
      if (m.tx == Tx::Outside) text += "BEGIN;\n\n";
      if (index == 0)
        text += "INSERT INTO alembic_version (version_num) VALUES ('" + rev +
                "') RETURNING alembic_version.version_num;\n\n";
      else
        text += "UPDATE alembic_version SET version_num='" + rev +
                "' WHERE alembic_version.version_num = '" + a.prev_rev + "';\n\n";
      text += "COMMIT;\n\n";
      a.prev_rev = rev;
      std::snprintf(num, sizeof num, "%04zu", index + 1);
      put("alembic/" + a.name + "/versions/" + num + "_" + rev + "_" + m.slug + ".sql", text, kind,
          m.expect, sn, m.recipe);
      break;
    }
    case Style::Prisma:
    case Style::Golang: {
      // One multi-statement query: a statement that cannot run in a transaction block gets a
      // migration of its own.
      std::vector<std::vector<std::string>> files;
      if (m.tx == Tx::Outside) {
        for (const auto& s : m.stmts) files.push_back({s});
      } else {
        files.push_back(body);
      }
      for (size_t i = 0; i < files.size(); ++i) {
        if (i) a.step++;
        std::string v = version(a);
        if (a.style == Style::Prisma) {
          std::string text;
          if (!m.safe && m.recipe == "add-column")
            text += "/*\n  Warnings:\n\n  - Review the locks this migration takes.\n\n*/\n";
          for (const auto& s : files[i]) {
            std::string head = s.rfind("CREATE TABLE", 0) == 0              ? "-- CreateTable"
                               : s.rfind("CREATE UNIQUE", 0) == 0           ? "-- CreateIndex"
                               : s.rfind("CREATE INDEX", 0) == 0            ? "-- CreateIndex"
                               : s.rfind("CREATE TYPE", 0) == 0             ? "-- CreateEnum"
                               : s.find("FOREIGN KEY") != std::string::npos ? "-- AddForeignKey"
                               : s.rfind("ALTER TABLE", 0) == 0             ? "-- AlterTable"
                               : s.rfind("ALTER TYPE", 0) == 0              ? "-- AlterEnum"
                                                                            : "-- Custom SQL";
            text += head + "\n" + s + ";\n\n";
          }
          put("prisma/" + a.name + "/migrations/" + v + "_" + m.slug +
                  (files.size() > 1 ? "_" + std::to_string(i + 1) : "") + "/migration.sql",
              text, kind, m.expect, sn, m.recipe);
        } else {
          std::snprintf(num, sizeof num, "%06zu", a.step);
          std::string base = "golang-migrate/" + a.name + "/" + num + "_" + m.slug +
                             (files.size() > 1 ? "_" + std::to_string(i + 1) : "");
          put(base + ".up.sql", join(files[i], "\n"), kind, m.expect, sn, m.recipe);
          std::string down =
              m.down.empty() ? "-- irreversible: restore from backup\n" : join(m.down, "\n");
          put(base + ".down.sql", i == 0 ? down : "SELECT 1;\n", "down", {}, sn, m.recipe);
        }
      }
      break;
    }
    case Style::Flyway: {
      std::string name = "V" + std::to_string(index + 1) + "__" + m.slug + ".sql";
      std::string rel = "flyway/" + a.name + "/src/main/resources/db/migration/" + name;
      put(rel, join(body, "\n"), kind, m.expect, sn, m.recipe);
      bool non_tx_stmt = false;
      for (const auto& s : m.stmts)
        non_tx_stmt |= s.find("CONCURRENTLY") != std::string::npos || s.rfind("VACUUM", 0) == 0 ||
                       s.rfind("ALTER SYSTEM", 0) == 0;
      if (m.tx == Tx::Outside && !non_tx_stmt) {
        fs::path conf = dir_ / (rel + ".conf");
        std::ofstream(conf) << "executeInTransaction=false\n";
      }
      break;
    }
    case Style::Dbmate: {
      std::string text =
          m.tx == Tx::Outside ? "-- migrate:up transaction:false\n" : "-- migrate:up\n";
      text += join(body, "\n") + "\n-- migrate:down\n" + join(m.down, "\n");
      put("dbmate/" + a.name + "/db/migrations/" + ver + "_" + m.slug + ".sql", text, kind,
          m.expect, sn, m.recipe);
      break;
    }
    case Style::Playbook: {
      std::snprintf(num, sizeof num, "%03zu", index + 1);
      std::string date = ver.substr(0, 8);
      std::string text =
          "-- Migration " + std::string(num) + " - " + m.desc + "\n-- Author: " + a.name +
          " platform team\n-- Reversible: " + (m.down.empty() ? "no (forward-fix only)" : "yes") +
          "\n";
      if (!m.down.empty()) text += "-- Rollback: " + m.down.front() + ";\n";
      text += "\n";
      if (m.tx == Tx::Wrapped) text += "BEGIN;\n\n";
      text += join(body, "\n");
      if (m.tx == Tx::Wrapped) text += "\nCOMMIT;\n";
      put("playbook/" + a.name + "/db/migrations/" + date + "_" + num + "_" + m.slug + ".sql", text,
          kind, m.expect, sn, m.recipe);
      break;
    }
  }
}

void Gen::write_app(App& a, const std::vector<Mig>& migs) {
  for (size_t i = 0; i < migs.size(); ++i) write_mig(a, migs[i], i);
}

// pg_dump --schema-only of the app's final schema (no server needed: written from the model).
void Gen::write_dump(const App& a, const std::string& rel, bool restrict, bool rails_versions) {
  std::string key = hex(fnv(a.name + "restrict"), 16) + hex(fnv(a.name), 16);
  std::string s = "--\n-- PostgreSQL database dump\n--\n\n";
  if (restrict) s += "\\restrict " + key + "\n\n";
  s += "-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)\n"
       "-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)\n\n"
       "SET statement_timeout = 0;\nSET lock_timeout = 0;\n"
       "SET idle_in_transaction_session_timeout = 0;\nSET client_encoding = 'UTF8';\n"
       "SET standard_conforming_strings = on;\n"
       "SELECT pg_catalog.set_config('search_path', '', false);\n"
       "SET check_function_bodies = false;\nSET xmloption = content;\n"
       "SET client_min_messages = warning;\nSET row_security = off;\n\n";
  auto q = [](const std::string& n) {
    bool plain = !n.empty() && std::islower(static_cast<unsigned char>(n[0]));
    for (char c : n)
      plain &= std::islower(static_cast<unsigned char>(c)) ||
               std::isdigit(static_cast<unsigned char>(c)) || c == '_';
    return plain ? n : "\"" + n + "\"";
  };
  auto sqlty = [](Ty t) -> std::string {
    switch (t) {
      case Ty::Ref:
        return "bigint";
      case Ty::Str:
        return "character varying(255)";
      case Ty::Code:
        return "character varying(2)";
      case Ty::Text:
        return "text";
      case Ty::Bool:
        return "boolean";
      case Ty::Int:
        return "integer";
      case Ty::Ts:
        return "timestamp with time zone";
      case Ty::Json:
        return "jsonb";
      case Ty::Money:
        return "numeric(12,2)";
      case Ty::Uuid:
        return "uuid";
      case Ty::Date:
        return "date";
    }
    return "text";
  };
  s += "--\n-- Name: pgcrypto; Type: EXTENSION; Schema: -; Owner: -\n--\n\n"
       "CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;\n\n\n"
       "--\n-- Name: EXTENSION pgcrypto; Type: COMMENT; Schema: -; Owner: \n--\n\n"
       "COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions';\n\n\n";
  for (const auto& [e, vals] : a.enums) {
    s += "--\n-- Name: " + e + "; Type: TYPE; Schema: public; Owner: -\n--\n\nCREATE TYPE public." +
         q(e) + " AS ENUM (\n";
    for (size_t i = 0; i < vals.size(); ++i)
      s += "    '" + vals[i] + "'" + (i + 1 < vals.size() ? ",\n" : "\n");
    s += ");\n\n\n";
  }
  s += "SET default_tablespace = '';\n\nSET default_table_access_method = heap;\n\n";
  std::vector<std::string> constraints, indexes, fks;
  for (const auto& t : a.tables) {
    std::string T = "public." + q(t.name);
    s += "--\n-- Name: " + t.name + "; Type: TABLE; Schema: public; Owner: -\n--\n\nCREATE TABLE " +
         T + " (\n    id bigint NOT NULL";
    for (const auto& c : t.cols) {
      if (c.name == "id") continue;
      s += ",\n    " + q(c.name) + " " + sqlty(c.ty) + (c.not_null ? " NOT NULL" : "");
    }
    s += "\n)" + std::string(t.partitioned ? "\nPARTITION BY RANGE (occurred_at)" : "") + ";\n\n\n";
    if (t.partitioned)
      constraints.push_back("ALTER TABLE ONLY " + T + "\n    ADD CONSTRAINT " +
                            q(t.name + "_pkey") + " PRIMARY KEY (id, occurred_at);");
    if (!t.partitioned) {
      s += "--\n-- Name: " + t.name +
           "_id_seq; Type: SEQUENCE; Schema: public; Owner: -\n--\n\n"
           "CREATE SEQUENCE public." +
           q(t.name + "_id_seq") +
           "\n    START WITH 1\n    INCREMENT BY 1\n    NO MINVALUE\n    NO MAXVALUE\n    CACHE "
           "1;\n\n\n";
      s += "ALTER SEQUENCE public." + q(t.name + "_id_seq") + " OWNED BY " + T + ".id;\n\n\n";
      constraints.push_back("ALTER TABLE ONLY " + T +
                            " ALTER COLUMN id SET DEFAULT nextval('public." +
                            q(t.name + "_id_seq") + "'::regclass);");
      constraints.push_back("ALTER TABLE ONLY " + T + "\n    ADD CONSTRAINT " +
                            q(t.name + "_pkey") + " PRIMARY KEY (id);");
    }
    for (const auto& ix : t.indexes)
      indexes.push_back("CREATE INDEX " + q(ix) + " ON " + T + " USING btree (" +
                        q(t.index_column.count(ix) ? t.index_column.at(ix) : "id") + ");");
    for (const auto& c : t.cols)
      if (c.ty == Ty::Ref && !c.ref.empty())
        fks.push_back("ALTER TABLE ONLY " + T + "\n    ADD CONSTRAINT " +
                      q(t.name + "_" + c.name + "_fkey") + " FOREIGN KEY (" + q(c.name) +
                      ") REFERENCES public." + q(c.ref) + "(id);");
  }
  for (const auto& mv : a.matviews) {
    s += "--\n-- Name: " + mv +
         "; Type: MATERIALIZED VIEW; Schema: public; Owner: -\n--\n\n"
         "CREATE MATERIALIZED VIEW public." +
         mv + " AS\n SELECT 1 AS day\n  WITH NO DATA;\n\n\n";
  }
  for (const auto& v : {&constraints, &indexes, &fks})
    for (const auto& st : *v)
      s += "--\n-- Name: -; Type: -; Schema: public; Owner: -\n--\n\n" + st + "\n\n\n";
  for (const auto& r : a.roles)
    if (!a.tables.empty())
      s += "GRANT SELECT ON TABLE public." + q(a.tables.front().name) + " TO " + r + ";\n\n\n";
  s += "--\n-- PostgreSQL database dump complete\n--\n\n";
  if (restrict) s += "\\unrestrict " + key + "\n\n";
  if (rails_versions) {
    s += "SET search_path TO \"$user\", public;\n\nINSERT INTO \"schema_migrations\" (version) "
         "VALUES\n";
    for (size_t i = 0; i < std::min<size_t>(a.step, 40); ++i)
      s += "('" + std::to_string(20210103090000ull + i * 1000000ull) + "')" +
           (i + 1 < std::min<size_t>(a.step, 40) ? ",\n" : ";\n\n\n");
  }
  // pg_dump from 15.14 / 16.10 / 17.6 on writes the psql meta-command \\restrict: not SQL, but
  // psql runs these files (pg_restore, Rails' db:schema:load), so migsafe skips it.
  put(rel, s, "dump", {}, rails_versions ? "rails-structure" : "pg_dump", "schema-dump");
}

void Gen::write_odd_files() {
  const std::string d = "odd/";
  // Deliberately invalid: PostgreSQL rejects them, migsafe reports syntax-error.
  put(d + "invalid/mysql_dialect.sql",
      "ALTER TABLE `users` MODIFY COLUMN `email` VARCHAR(320) NOT NULL;\n"
      "CREATE INDEX idx_users_email ON users (email);\n",
      "invalid", {"syntax-error"}, "odd", "mysql");
  put(d + "invalid/truncated.sql",
      "CREATE TABLE payments (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
      "    amount numeric(12,2) NOT NULL,\n",
      "invalid", {"syntax-error"}, "odd", "truncated");
  put(d + "invalid/typo.sql", "SET lock_timeout = '5s';\nCRATE INDEX CONCURRENTLY ix ON t (a);\n",
      "invalid", {"syntax-error"}, "odd", "typo");
  put(d + "invalid/unterminated_dollar.sql",
      "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$\nBEGIN\n  RETURN 1;\nEND;\n",
      "invalid", {"syntax-error"}, "odd", "unterminated");
  put(d + "invalid/template_placeholder.sql", "ALTER TABLE ${table} ADD COLUMN ${column} text;\n",
      "invalid", {"syntax-error"}, "odd", "placeholder");
  // Odd but valid: must lint like any other file.
  put(d + "valid/empty.sql", "", "odd", {}, "odd", "empty");
  put(d + "valid/only_comments.sql", "-- nothing to do in this release\n/* kept for numbering */\n",
      "odd", {}, "odd", "comments");
  put(d + "valid/crlf.sql",
      "SET lock_timeout = '5s';\r\nCREATE TABLE crlf_notes (\r\n    id bigint PRIMARY KEY,\r\n"
      "    body text\r\n);\r\n",
      "odd", {}, "odd", "crlf");
  put(d + "valid/bom.sql",
      "\xEF\xBB\xBFSET lock_timeout = '5s';\nCREATE TABLE bom_notes (id bigint PRIMARY KEY);\n",
      "odd", {}, "odd", "bom");
  put(d + "valid/no_trailing_semicolon.sql", "CREATE TABLE tail_notes (id bigint PRIMARY KEY)",
      "odd", {}, "odd", "no-semicolon");
  put(d + "valid/latin1_comment.sql",
      "-- Gr\xFC\xDF"
      "e aus M\xFCnchen (saved as Latin-1)\nCREATE TABLE latin_notes (id bigint PRIMARY KEY);\n",
      "odd", {}, "odd", "latin1");
  put(d + "valid/unicode.sql",
      "CREATE TABLE \"Überweisungen\" (id bigint PRIMARY KEY, \"betrag_€\" numeric(12,2));\n"
      "COMMENT ON TABLE \"Überweisungen\" IS 'Zahlungen – 日本語 ✓';\n",
      "odd", {}, "odd", "unicode");
  std::string many =
      "SET lock_timeout = '5s';\nCREATE TABLE wide_seed (id bigint PRIMARY KEY, v text);\n";
  for (int i = 0; i < 400; ++i)
    many += "INSERT INTO wide_seed (id, v) VALUES (" + std::to_string(i) + ", 'row " +
            std::to_string(i) + "');\n";
  put(d + "valid/many_statements.sql", many, "odd", {}, "odd", "many-statements");
}

std::vector<Entry> Gen::run() {
  fs::create_directories(dir_);
  static const Style kStyles[] = {Style::Rails,  Style::Django, Style::Alembic, Style::Prisma,
                                  Style::Golang, Style::Flyway, Style::Dbmate,  Style::Playbook};
  for (size_t i = 0; i < opt_.apps; ++i) {
    App a;
    a.style = kStyles[i % 8];
    a.name = kProjects[(i / 8) % kProjects.size()] +
             std::string(i >= 8 * kProjects.size() ? "x" : "") +
             (i / 8 >= kProjects.size() ? std::to_string(i) : "");
    a.label = a.name.substr(0, 4) + "app";
    switch (a.style) {
      case Style::Rails:
        a.pk = Pk::BigSerial;
        break;
      case Style::Django:
        a.pk = Pk::BigIdentity;
        break;
      case Style::Alembic:
        a.pk = chance(50) ? Pk::Serial : Pk::BigSerial;
        break;
      case Style::Prisma:
        a.pk = chance(30) ? Pk::Cuid : Pk::Serial;
        break;
      default: {
        static const Pk kPks[] = {Pk::BigIdentity, Pk::BigSerial, Pk::Uuid, Pk::BigIdentity};
        a.pk = kPks[pick(4)];
      }
    }
    a.statement_timeout = chance(40);
    a.set_local = a.style != Style::Flyway || chance(50);
    std::vector<Mig> migs;
    create_table(a, migs, true);
    create_table(a, migs, false);
    size_t steps = opt_.min_steps + pick(opt_.max_steps - opt_.min_steps + 1);
    for (size_t s = 0; s < steps; ++s) recipe(a, migs);
    write_app(a, migs);
    if (a.style == Style::Rails)
      write_dump(a, "rails/" + a.name + "/db/structure.sql", (i / 8) % 2 == 1, true);
    else if (i % 3 == 0)
      write_dump(a, "pg_dump/" + std::string(style_name(a.style)) + "-" + a.name + "/schema.sql",
                 (i / 8) % 2 == 1, false);
  }
  write_odd_files();
  std::ofstream man(dir_ / "MANIFEST.tsv", std::ios::binary);
  man << "# path\tkind\texpect\tstyle\trecipe\n";
  for (const auto& e : entries_) {
    std::string ex;
    for (const auto& x : e.expect) ex += (ex.empty() ? "" : ",") + x;
    man << e.path << '\t' << e.kind << '\t' << (ex.empty() ? "-" : ex) << '\t' << e.style << '\t'
        << e.recipe << '\n';
  }
  return entries_;
}

}  // namespace

std::vector<Entry> generate(const std::filesystem::path& dir, const Options& options) {
  return Gen(dir, options).run();
}

std::vector<Entry> read_manifest(const std::filesystem::path& dir) {
  std::ifstream f(dir / "MANIFEST.tsv", std::ios::binary);
  std::vector<Entry> out;
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, '\t')) cols.push_back(c);
    if (cols.size() < 5) continue;
    Entry e{cols[0], cols[1], {}, cols[3], cols[4]};
    if (cols[2] != "-") {
      std::stringstream ids(cols[2]);
      while (std::getline(ids, c, ',')) e.expect.push_back(c);
    }
    out.push_back(e);
  }
  return out;
}

}  // namespace migsafe::corpus
