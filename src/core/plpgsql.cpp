// PL/pgSQL body extraction; see plpgsql.hpp.
//
// libpg_query's PL/pgSQL parser returns each statement's SQL text and line, not its offset; the
// text is verbatim from the body (except that an INTO clause is blanked with spaces and PERFORM
// reads SELECT), so each statement is found again in the body on its line, after the previous
// one, and mapped back through the body literal's quoting into the file.
#include "core/plpgsql.hpp"

#include <pg_query.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/node_util.hpp"
#include "core/tokens.hpp"
#include "core/walk.hpp"

namespace migsafe {

namespace {

using Json = nlohmann::ordered_json;

std::mutex& parser_mutex() {
  static std::mutex m;
  return m;
}

struct PlpgsqlResult {
  PgQueryPlpgsqlParseResult r;
  explicit PlpgsqlResult(const char* sql) : r(pg_query_parse_plpgsql(sql)) {}
  ~PlpgsqlResult() { pg_query_free_plpgsql_parse_result(r); }
  PlpgsqlResult(const PlpgsqlResult&) = delete;
  PlpgsqlResult& operator=(const PlpgsqlResult&) = delete;
};

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// First case-insensitive occurrence of `word` in [from, limit) of `text`.
size_t ifind(std::string_view text, std::string_view word, size_t from, size_t limit) {
  for (size_t p = from; p + word.size() <= text.size() && p < limit; ++p)
    if (iequals(text.substr(p, word.size()), word)) return p;
  return std::string_view::npos;
}

// Where the body literal is, and its value as the parser read it.
struct BodyLiteral {
  bool do_block = false;
  int location = -1;  // DO: the literal itself; CREATE FUNCTION: the AS keyword before it
  std::string value;
};

std::optional<BodyLiteral> find_body(const PgQuery__Node* node) {
  BodyLiteral b;
  bool found = false;
  bool plpgsql = false;
  std::span<PgQuery__Node* const> options;
  if (const auto* d = as<PgQuery__DoStmt>(node)) {
    b.do_block = true;
    plpgsql = true;  // the default language of DO
    options = items(d->args, d->n_args);
  } else if (const auto* f = as<PgQuery__CreateFunctionStmt>(node)) {
    // BEGIN ATOMIC / RETURN bodies are SQL, not a string (and libpg_query asserts on them).
    if (f->sql_body) return std::nullopt;
    options = items(f->options, f->n_options);
  } else {
    return std::nullopt;
  }
  for (const PgQuery__Node* n : options) {
    const auto* e = as<PgQuery__DefElem>(n);
    if (!e || !e->defname) continue;
    std::string_view name = e->defname;
    if (name == "language") {
      plpgsql = iequals(string_value(e->arg), "plpgsql");
    } else if (name == "as" && b.do_block && is(e->arg, PG_QUERY__NODE__NODE_STRING)) {
      b.value = std::string(string_value(e->arg));
      b.location = e->location;
      found = true;
    } else if (name == "as" && !b.do_block && is(e->arg, PG_QUERY__NODE__NODE_LIST) &&
               e->arg->list->n_items == 1 &&
               is(e->arg->list->items[0], PG_QUERY__NODE__NODE_STRING)) {
      b.value = std::string(string_value(e->arg->list->items[0]));
      b.location = e->location;
      found = true;
    }
  }
  if (!found || !plpgsql || b.location < 0) return std::nullopt;
  return b;
}

// The locations of the string constants `n` is made of ('a', 'a' || 'b', 'a'::text), in
// order; false when it is anything else (a variable, a function call, a number).
bool constant_strings(const PgQuery__Node* n, std::vector<const PgQuery__AConst*>& out) {
  if (const auto* c = as<PgQuery__AConst>(n)) {
    if (c->isnull || c->val_case != PG_QUERY__A__CONST__VAL_SVAL || !c->sval || c->location < 0)
      return false;
    out.push_back(c);
    return true;
  }
  if (const auto* e = as<PgQuery__AExpr>(n)) {
    if (e->kind != PG_QUERY__A__EXPR__KIND__AEXPR_OP || e->n_name != 1 ||
        string_value(e->name[0]) != "||" || !e->lexpr || !e->rexpr)
      return false;
    return constant_strings(e->lexpr, out) && constant_strings(e->rexpr, out);
  }
  if (const auto* t = as<PgQuery__TypeCast>(n)) {
    if (!t->type_name) return false;
    std::string_view type = last_name(items(t->type_name->names, t->type_name->n_names));
    if (type != "text" && type != "varchar") return false;
    return constant_strings(t->arg, out);
  }
  return false;
}

using plpgsql_detail::StatementKind;

class Extractor : public plpgsql_detail::BodySink {
 public:
  Extractor(std::string_view body, const TextMap& map, RoutineBody& out)
      : body_(body), map_(map), out_(out) {
    lines_.push_back(0);
    for (size_t i = 0; i < body.size(); ++i)
      if (body[i] == '\n') lines_.push_back(i + 1);
  }

  // The statements of the body, in order, as the SAX reader below meets them.
  void add(StatementKind kind, int lineno, const std::string& query) override {
    switch (kind) {
      case StatementKind::ExecSql:
      case StatementKind::Call:  // CALL and DO
        statement(lineno, query);
        break;
      case StatementKind::Perform:
        perform(lineno, query);
        break;
      case StatementKind::DynExecute:
        dynexecute(lineno, query);
        break;
    }
  }
  void transaction_end(bool commit) override {
    BodyItem item;
    item.kind = commit ? BodyItem::Commit : BodyItem::Rollback;
    out_.items.push_back(std::move(item));
  }

 private:
  // Offsets of a 1-based line of the body: [first byte, first byte of the next line).
  std::optional<Span> line(int lineno) const {
    if (lineno < 1 || static_cast<size_t>(lineno) > lines_.size()) return std::nullopt;
    size_t i = static_cast<size_t>(lineno) - 1;
    return Span{lines_[i], i + 1 < lines_.size() ? lines_[i + 1] : body_.size()};
  }

  // Whether `query` is written at `p`: verbatim, or with an INTO clause where it has spaces.
  bool written_at(std::string_view query, size_t p) const {
    if (p + query.size() > body_.size()) return false;
    for (size_t i = 0; i < query.size(); ++i)
      if (query[i] != body_[p + i] && query[i] != ' ') return false;
    return true;
  }

  // A SQL statement of the body: found on its line, after the previous one.
  void statement(int lineno, const std::string& query) {
    auto l = line(lineno);
    if (query.empty() || !l) return;
    size_t from = std::max(cursor_, l->begin);
    std::optional<size_t> at;
    size_t exact = body_.find(query, from);
    if (exact != std::string_view::npos && exact < l->end) {
      at = exact;
    } else {
      for (size_t p = from; p < l->end && !at; ++p)
        if (written_at(query, p)) at = p;
    }
    if (!at) return;
    TextMap m;
    for (size_t i = 0; i < query.size(); ++i)
      m.push(TextMap::Source{*at + i, *at + i + 1, 0, query[i] == body_[*at + i]});
    cursor_ = *at + query.size();
    add_sql(query, m, false);
  }

  // PERFORM expr: PL/pgSQL runs it as SELECT expr.
  void perform(int lineno, const std::string& query) {
    auto l = line(lineno);
    if (!l || query.compare(0, 6, "SELECT") != 0) return;
    std::string_view rest = std::string_view(query).substr(6);
    size_t p = std::max(cursor_, l->begin);
    for (;; ++p) {
      p = ifind(body_, "perform", p, l->end);
      if (p == std::string_view::npos) return;
      if (body_.compare(p + 7, rest.size(), rest) == 0) break;
    }
    TextMap m;
    for (size_t i = 0; i < 6; ++i) m.push(TextMap::Source{p, p + 7, 0, false});
    for (size_t i = 0; i < rest.size(); ++i) m.push(TextMap::Source{p + 7 + i, p + 8 + i, 0, true});
    cursor_ = p + 7 + rest.size();
    add_sql(query, m, false);
  }

  void dynexecute(int lineno, const std::string& expr) {
    auto l = line(lineno);
    if (!l || expr.empty()) return;
    size_t at = 0;
    for (size_t kw = std::max(cursor_, l->begin);; ++kw) {
      kw = ifind(body_, "execute", kw, l->end);
      if (kw == std::string_view::npos) return;
      at = skip_space_and_comments(body_, kw + 7);
      if (body_.compare(at, expr.size(), expr) == 0) break;
    }
    cursor_ = at + expr.size();

    std::string sql;
    TextMap m;
    if (constant(expr, at, sql, m)) {
      add_sql(sql, m, true);
      return;
    }
    BodyItem item;
    item.kind = BodyItem::DynamicSql;
    item.span = map_.span(Span{at, at + expr.size()});
    item.expression = expr;
    out_.items.push_back(std::move(item));
  }

  // The value of an EXECUTE expression made only of string constants, and its map.
  bool constant(const std::string& expr, size_t at, std::string& sql, TextMap& m) const {
    const std::string prefix = "SELECT ";
    ParsedFile parsed = parse_sql(prefix + expr);
    if (!parsed.errors.empty() || parsed.statements.size() != 1) return false;
    const auto* select = as<PgQuery__SelectStmt>(parsed.statements[0].node);
    if (!select || select->n_target_list != 1 || select->n_from_clause != 0) return false;
    const auto* target = as<PgQuery__ResTarget>(select->target_list[0]);
    std::vector<const PgQuery__AConst*> parts;
    if (!target || !constant_strings(target->val, parts)) return false;
    Tokens tokens(expr, 0);
    for (const PgQuery__AConst* c : parts) {
      size_t offset = static_cast<size_t>(c->location);
      if (offset < prefix.size()) return false;
      Span t = tokens.token_at(offset - prefix.size());
      if (t.empty()) return false;
      auto decoded = decode_string_literal(std::string_view(expr).substr(t.begin, t.end - t.begin),
                                           at + t.begin);
      if (!decoded || decoded->value != (c->sval->sval ? c->sval->sval : "")) return false;
      sql += decoded->value;
      m.append(decoded->map);
    }
    return true;
  }

  void add_sql(std::string sql, const TextMap& m, bool execute) {
    auto e = std::make_shared<Embedding>();
    e->sql = std::move(sql);
    e->map = m.through(map_);
    BodyItem item;
    item.kind = BodyItem::Sql;
    item.span = e->map.span(Span{0, e->sql.size()});
    item.execute = execute;
    item.sql = std::move(e);
    out_.items.push_back(std::move(item));
  }

  std::string_view body_;
  const TextMap& map_;
  RoutineBody& out_;
  std::vector<size_t> lines_;
  size_t cursor_ = 0;
};

// Reads libpg_query's JSON for a PL/pgSQL function as it is parsed (nlohmann's SAX interface),
// without building a document: [{"PLpgSQL_function": {..., "action": ...}}]. Under "action",
// every object key is looked at: a statement migsafe reads (PLpgSQL_stmt_execsql, _call,
// _perform, _dynexecute) is handed to the Extractor with its "lineno" and the "query" of its
// PLpgSQL_expr when its object ends, and not entered further; COMMIT and ROLLBACK are handed
// over as met; "datums" (variables) and everything else outside "action" are skipped. Where a
// statement's key repeats, its last value counts, as in a document read whole (libpg_query
// repeats none). valid() says whether the document had that shape.
class BodyReader : public nlohmann::json_sax<Json> {
 public:
  explicit BodyReader(plpgsql_detail::BodySink& x) : x_(x) {}

  bool valid() const { return valid_ && seen_function_; }

  bool null() override { return scalar(); }
  bool boolean(bool) override { return scalar(); }
  bool number_integer(number_integer_t v) override { return integer(static_cast<int64_t>(v)); }
  bool number_unsigned(number_unsigned_t v) override {
    return integer(v > static_cast<uint64_t>(INT64_MAX) ? -1 : static_cast<int64_t>(v));
  }
  bool number_float(number_float_t, const string_t&) override { return scalar(); }
  bool string(string_t& v) override {
    if (role_ == Role::Query && !captures_.empty()) captures_.back().query = v;
    return scalar();
  }
  bool binary(binary_t&) override { return scalar(); }

  bool start_object(std::size_t) override { return open(true); }
  bool start_array(std::size_t) override { return open(false); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    Frame& f = frames_.back();
    role_ = Role::Skip;
    switch (f.type) {
      case Type::Funcs:
        if (k == "PLpgSQL_function" && !seen_function_) {
          seen_function_ = true;
          role_ = Role::Function;
        }
        break;
      case Type::Function:
        if (k == "action" && !f.seen) {
          f.seen = true;
          role_ = Role::Walk;
        }
        break;
      case Type::WalkObject:
        if (k == "PLpgSQL_stmt_execsql") {
          role_ = Role::Statement, statement_ = {StatementKind::ExecSql, "sqlstmt"};
        } else if (k == "PLpgSQL_stmt_call") {
          role_ = Role::Statement, statement_ = {StatementKind::Call, "expr"};
        } else if (k == "PLpgSQL_stmt_perform") {
          role_ = Role::Statement, statement_ = {StatementKind::Perform, "expr"};
        } else if (k == "PLpgSQL_stmt_dynexecute") {
          role_ = Role::Statement, statement_ = {StatementKind::DynExecute, "query"};
        } else if (k == "PLpgSQL_stmt_commit" || k == "PLpgSQL_stmt_rollback") {
          x_.transaction_end(k == "PLpgSQL_stmt_commit");
        } else if (k != "datums") {
          role_ = Role::Walk;
        }
        break;
      case Type::Capture: {
        // A repeated key: its last value counts, as in a document read whole.
        Capture& c = captures_.back();
        if (k == "lineno") {
          c.lineno = 0;
          role_ = Role::Lineno;
        } else if (k == c.query_key) {
          c.query.clear();
          role_ = Role::QueryHolder;
        }
        break;
      }
      case Type::QueryHolder:
        if (k == "PLpgSQL_expr") {
          captures_.back().query.clear();
          role_ = Role::Expr;
        }
        break;
      case Type::Expr:
        if (k == "query") {
          captures_.back().query.clear();
          role_ = Role::Query;
        }
        break;
      default:
        break;
    }
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    valid_ = false;
    return false;
  }

 private:
  enum class Type { Top, Funcs, Function, WalkObject, WalkArray, Capture, QueryHolder, Expr, Skip };
  // What the next value is, from the key before it (or the array it is in).
  enum class Role {
    Root,
    FuncsElement,
    Function,
    Walk,
    Statement,
    Lineno,
    QueryHolder,
    Expr,
    Query,
    Skip
  };
  struct Frame {
    Type type;
    bool seen = false;    // Function: "action"
    size_t elements = 0;  // Top: the array's elements
  };
  struct Capture {
    StatementKind kind = StatementKind::ExecSql;
    std::string query_key;
    int lineno = 0;
    std::string query;
  };
  struct StatementKey {
    StatementKind kind = StatementKind::ExecSql;
    const char* query_key = "";
  };

  // A value starts in the innermost frame.
  void value_starts() {
    if (frames_.empty()) return;
    Frame& f = frames_.back();
    if (f.type == Type::Top && ++f.elements > 1) valid_ = false;  // one function, as DO gives
  }
  // A value ended, or an array opened: the role of the next element (an object's next value
  // gets its role from its key).
  void next_element() {
    role_ = Role::Skip;
    if (frames_.empty()) return;
    const Frame& f = frames_.back();
    if (f.type == Type::Top) role_ = f.elements == 0 ? Role::FuncsElement : Role::Skip;
    if (f.type == Type::WalkArray) role_ = Role::Walk;
  }

  bool scalar() {
    if (frames_.empty() || role_ == Role::FuncsElement || role_ == Role::Function) valid_ = false;
    if (role_ == Role::Statement) x_.add(statement_.kind, 0, "");
    value_starts();
    next_element();
    return true;
  }
  bool integer(int64_t v) {
    if (role_ == Role::Lineno && !captures_.empty())
      captures_.back().lineno = v >= INT32_MIN && v <= INT32_MAX ? static_cast<int>(v) : 0;
    return scalar();
  }

  bool open(bool object) {
    Type type = Type::Skip;
    if (frames_.empty()) {
      if (object) valid_ = false;
      type = Type::Top;
    } else {
      value_starts();
      if (frames_.back().type != Type::Skip) {
        switch (role_) {
          case Role::FuncsElement:
            if (!object) valid_ = false;
            type = Type::Funcs;
            break;
          case Role::Function:
            if (!object) valid_ = false;
            type = Type::Function;
            break;
          case Role::Walk:
            type = object ? Type::WalkObject : Type::WalkArray;
            break;
          case Role::Statement:
            if (object) {
              type = Type::Capture;
              Capture c;
              c.kind = statement_.kind;
              c.query_key = statement_.query_key;
              captures_.push_back(std::move(c));
            } else {
              x_.add(statement_.kind, 0, "");  // no lineno, no query; not entered
            }
            break;
          case Role::QueryHolder:
            if (object) type = Type::QueryHolder;
            break;
          case Role::Expr:
            if (object) type = Type::Expr;
            break;
          default:
            break;
        }
      }
    }
    frames_.push_back(Frame{type});
    role_ = Role::Skip;
    if (!object) next_element();
    return true;
  }

  bool close() {
    if (frames_.empty()) return false;
    Frame f = frames_.back();
    frames_.pop_back();
    if (f.type == Type::Funcs && !seen_function_) valid_ = false;
    if (f.type == Type::Top && f.elements != 1) valid_ = false;
    if (f.type == Type::Capture) {
      Capture c = std::move(captures_.back());
      captures_.pop_back();
      x_.add(c.kind, c.lineno, c.query);
    }
    next_element();
    return true;
  }

  plpgsql_detail::BodySink& x_;
  std::vector<Frame> frames_;
  std::vector<Capture> captures_;
  Role role_ = Role::Root;
  StatementKey statement_;
  bool valid_ = true;
  bool seen_function_ = false;
};

// PostgreSQL reports PL/pgSQL syntax errors with "near line N" and the offending token, not an
// offset: point at that token when it can be found on or after line N, else at the body.
SyntaxError body_error(const std::string& message, const std::string& context,
                       std::string_view body, const TextMap& map, Span literal, Span statement) {
  SyntaxError e;
  e.message = message + " (in the PL/pgSQL body)";
  e.statement = statement;
  e.offset = e.end = literal.begin;
  size_t near_line = 1;
  size_t at = context.find("near line ");
  if (at != std::string::npos) near_line = std::strtoul(context.c_str() + at + 10, nullptr, 10);
  auto line_of = [&](size_t offset) {
    return 1 + static_cast<size_t>(std::count(body.begin(), body.begin() + offset, '\n'));
  };
  const std::string marker = "at or near \"";
  size_t m = message.find(marker);
  size_t close = message.rfind('"');
  if (m != std::string::npos && close != std::string::npos && close > m + marker.size()) {
    std::string token = message.substr(m + marker.size(), close - m - marker.size());
    Tokens tokens(body, 0);
    for (const Token& t : tokens.all()) {
      if (tokens.text_of(t) != token || line_of(t.begin) < near_line) continue;
      Span s = map.span(Span{t.begin, t.end});
      e.offset = s.begin;
      e.end = s.end;
      break;
    }
  } else if (message.find("at end of input") != std::string::npos) {
    e.offset = e.end = map.end(body.size());
  }
  return e;
}

// Where the body literal is: at `location` for a DO block, after the AS keyword at `location`
// for a routine; a '...', E'...' or dollar-quoted literal inside the statement's `span`. Found
// with the lexical skipping the splitter uses instead of scanning the whole statement (whose
// token list cost more than the rest of the lookup); nullopt when the text is written another
// way (U&'...', a comment between the quote and its E), and the scanner decides.
std::optional<Span> literal_after(std::string_view host, Span span, size_t location,
                                  bool do_block) {
  std::string_view text = host.substr(0, span.end);  // nothing past the statement
  size_t at = location;
  if (at >= text.size()) return std::nullopt;
  if (!do_block) {
    if (at + 2 > text.size() || !iequals(text.substr(at, 2), "as") ||
        (at + 2 < text.size() && is_identifier_byte(text[at + 2])))
      return std::nullopt;
    at = skip_space_and_comments(text, at + 2);
    if (at >= text.size()) return std::nullopt;
  }
  size_t quote = at;
  if ((text[at] == 'E' || text[at] == 'e') && at + 1 < text.size() && text[at + 1] == '\'') ++quote;
  if (text[quote] != '\'' && text[quote] != '$') return std::nullopt;
  size_t end = skip_literal(text, quote);
  if (end == quote) return std::nullopt;
  // 'a'<newline>'b' is one literal to the scanner: leave continuations to it.
  size_t next = skip_space_and_comments(text, end);
  if (next < text.size() && text[next] == '\'') return std::nullopt;
  return Span{at, end};
}

// The same, from the statement's tokens.
std::optional<Span> scanned_literal(std::string_view host, Span span, size_t location,
                                    bool do_block) {
  Tokens tokens(host.substr(span.begin, span.end - span.begin), span.begin);
  auto first = tokens.first_at(location);
  if (!first) return std::nullopt;
  size_t k = *first + (do_block ? 0 : 1);  // a routine's literal follows AS
  if (k >= tokens.all().size()) return std::nullopt;
  return Span{tokens.all()[k].begin, tokens.all()[k].end};
}

// Where a statement's body literal is looked for: the text the statement's locations point into
// (the file, or the embedded SQL), the statement's span in it and the location of the literal
// (DO) or of its AS keyword (routine).
struct LiteralSite {
  std::string_view host;
  Span span;
  size_t location = 0;
  bool do_block = false;
};

LiteralSite literal_site(const SourceFile& file, const Statement& stmt,
                         const BodyLiteral& literal) {
  LiteralSite site;
  site.host = stmt.embedding ? std::string_view(stmt.embedding->sql) : file.bytes();
  site.span = stmt.embedding ? stmt.text : stmt.span;
  site.location = stmt.embedding ? static_cast<size_t>(literal.location)
                                 : stmt.base + static_cast<size_t>(literal.location);
  site.do_block = literal.do_block;
  return site;
}

}  // namespace

std::optional<Span> body_literal_span(const SourceFile& file, const Statement& stmt, bool scanner) {
  if (!stmt.node) return std::nullopt;
  auto literal = find_body(stmt.node);
  if (!literal) return std::nullopt;
  auto site = literal_site(file, stmt, *literal);
  return scanner ? scanned_literal(site.host, site.span, site.location, site.do_block)
                 : literal_after(site.host, site.span, site.location, site.do_block);
}

std::unique_lock<std::mutex> lock_stderr() {
  return std::unique_lock<std::mutex>(parser_mutex());
}

bool plpgsql_detail::read_body_json(const std::string& json, BodySink& sink) {
  BodyReader reader(sink);
  return Json::sax_parse(json, &reader) && reader.valid();
}

std::optional<RoutineBody> plpgsql_body(const SourceFile& file, const Statement& stmt) {
  if (!stmt.node) return std::nullopt;
  auto literal = find_body(stmt.node);
  if (!literal) return std::nullopt;

  LiteralSite site = literal_site(file, stmt, *literal);
  std::string_view host = site.host;
  const TextMap* host_map = stmt.embedding ? &stmt.embedding->map : nullptr;
  std::string_view text = host.substr(site.span.begin, site.span.end - site.span.begin);
  std::optional<Span> t = literal_after(host, site.span, site.location, site.do_block);
  if (!t) t = scanned_literal(host, site.span, site.location, site.do_block);
  if (!t) return std::nullopt;
  auto decoded = decode_string_literal(host.substr(t->begin, t->end - t->begin), t->begin);
  if (!decoded || decoded->value != literal->value) return std::nullopt;
  TextMap body_map = host_map ? decoded->map.through(*host_map) : decoded->map;

  RoutineBody out;
  out.do_block = literal->do_block;
  out.literal = host_map ? host_map->span(*t) : *t;

  std::string input(text);
  std::string json, message, context;
  bool failed = false;
  {
    std::lock_guard lock(parser_mutex());
    PlpgsqlResult r(input.c_str());
    if (r.r.error) {
      failed = true;
      message = r.r.error->message ? r.r.error->message : "syntax error";
      context = r.r.error->context ? r.r.error->context : "";
    } else if (r.r.plpgsql_funcs) {
      json = r.r.plpgsql_funcs;
    }
  }
  if (failed) {
    // Without a database the parser cannot resolve types, so it also rejects valid bodies
    // ("variable "c" must be of type cursor or refcursor" for a refcursor). Only grammar
    // errors are PostgreSQL's verdict; a body failing otherwise is left unread.
    bool grammar = message.rfind("syntax error", 0) == 0 || message.rfind("unterminated", 0) == 0 ||
                   message.rfind("unexpected end of function definition", 0) == 0;
    if (!grammar) return std::nullopt;
    out.error = body_error(message, context, decoded->value, body_map, out.literal, stmt.span);
    return out;
  }
  Extractor extractor(decoded->value, body_map, out);
  if (!plpgsql_detail::read_body_json(json, extractor)) return std::nullopt;
  return out;
}

}  // namespace migsafe
