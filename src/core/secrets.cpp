// Finding and masking secrets; see secrets.hpp.
#include "core/secrets.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "core/finding.hpp"
#include "core/node_util.hpp"
#include "core/tokens.hpp"
#include "core/walk.hpp"

namespace migsafe {

namespace {

bool is_string_token(const Token& t) {
  return t.kind == PG_QUERY__TOKEN__SCONST || t.kind == PG_QUERY__TOKEN__USCONST;
}

// The first string constant starting at or after `offset`, if it comes before any ',' or ')'
// (so a PASSWORD NULL does not pick up a later option's string).
std::optional<Token> string_after(const Tokens& tokens, size_t offset) {
  auto i = tokens.first_at(offset);
  if (!i) return std::nullopt;
  for (size_t k = *i; k < tokens.all().size(); ++k) {
    const Token& t = tokens.all()[k];
    if (is_string_token(t)) return t;
    if (t.kind == PG_QUERY__TOKEN__ASCII_44 || t.kind == PG_QUERY__TOKEN__ASCII_41 ||
        t.kind == PG_QUERY__TOKEN__ASCII_59)
      return std::nullopt;
  }
  return std::nullopt;
}

// The bytes between the quotes of a string constant: 'x', E'x', U&'x', $tag$x$tag$.
Span inside_quotes(std::string_view text, Span literal) {
  std::string_view raw = text.substr(literal.begin, literal.end - literal.begin);
  size_t open = raw.find('\'');
  if (open != std::string_view::npos && raw.size() >= open + 2 && raw.back() == '\'')
    return Span{literal.begin + open + 1, literal.end - 1};
  if (!raw.empty() && raw.front() == '$') {
    size_t tag_end = raw.find('$', 1);
    if (tag_end != std::string_view::npos && raw.size() >= 2 * (tag_end + 1))
      return Span{literal.begin + tag_end + 1, literal.end - (tag_end + 1)};
  }
  return literal;
}

void password_options(std::span<PgQuery__Node* const> options, const Statement& stmt,
                      const SourceFile& file, std::optional<Tokens>& tokens, std::string_view what,
                      std::vector<Secret>& out) {
  for (const PgQuery__Node* o : options) {
    const auto* d = as<PgQuery__DefElem>(o);
    if (!d || !d->defname || std::string_view(d->defname) != "password" || !d->arg) continue;
    if (!is(d->arg, PG_QUERY__NODE__NODE_STRING)) continue;
    if (!tokens) tokens.emplace(statement_tokens(file, stmt));
    size_t at = stmt.at(d->location);
    auto lit = string_after(*tokens, at);
    if (!lit) continue;
    Span literal{lit->begin, lit->end};
    out.push_back(Secret{Span{at, lit->end}, literal, inside_quotes(file.bytes(), literal), what});
  }
}

// A statement PostgreSQL could not parse: no tree to read, so any string constant right after
// a PASSWORD word (or a connection string mentioning one) is treated as a secret.
std::vector<Secret> secrets_in_tokens(const Statement& stmt, const SourceFile& file) {
  std::vector<Secret> out;
  std::string_view text = stmt.sql(file);
  auto has_word = [&](std::string_view w) {
    return std::search(text.begin(), text.end(), w.begin(), w.end(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           }) != text.end();
  };
  if (!has_word("password")) return out;
  Tokens tokens = statement_tokens(file, stmt);
  const auto& all = tokens.all();
  for (size_t k = 0; k + 1 < all.size(); ++k) {
    const Token& t = all[k];
    std::string word(tokens.text_of(t));
    for (char& ch : word) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    size_t next = k + 1;
    if (next + 1 < all.size() && tokens.text_of(all[next]) == "=") ++next;
    if (!is_string_token(all[next])) continue;
    Span literal{all[next].begin, all[next].end};
    bool conninfo =
        word == "connection" && file.text(literal).find("password") != std::string::npos;
    if (word != "password" && !conninfo) continue;
    out.push_back(Secret{Span{t.begin, literal.end}, literal, inside_quotes(file.bytes(), literal),
                         conninfo ? "connection string" : "password"});
  }
  return out;
}

}  // namespace

std::vector<Secret> find_secrets(const Statement& stmt, const SourceFile& file) {
  std::vector<Secret> out;
  const ProtobufCMessage* m = unwrap(stmt.node);
  if (!m) return secrets_in_tokens(stmt, file);
  std::optional<Tokens> tokens;
  if (const auto* r = as<PgQuery__CreateRoleStmt>(m)) {
    password_options(items(r->options, r->n_options), stmt, file, tokens, "role password", out);
  } else if (const auto* a = as<PgQuery__AlterRoleStmt>(m)) {
    password_options(items(a->options, a->n_options), stmt, file, tokens, "role password", out);
  } else if (const auto* u = as<PgQuery__CreateUserMappingStmt>(m)) {
    password_options(items(u->options, u->n_options), stmt, file, tokens, "user mapping password",
                     out);
  } else if (const auto* au = as<PgQuery__AlterUserMappingStmt>(m)) {
    password_options(items(au->options, au->n_options), stmt, file, tokens, "user mapping password",
                     out);
  } else {
    const char* conninfo = nullptr;
    if (const auto* cs = as<PgQuery__CreateSubscriptionStmt>(m)) conninfo = cs->conninfo;
    if (const auto* as_ = as<PgQuery__AlterSubscriptionStmt>(m)) conninfo = as_->conninfo;
    if (!conninfo || std::string_view(conninfo).find("password") == std::string_view::npos)
      return out;
    tokens.emplace(statement_tokens(file, stmt));
    auto kw = tokens->find_word(stmt.span.begin, "connection");
    if (!kw) return out;
    auto lit = string_after(*tokens, kw->end);
    if (!lit) return out;
    Span literal{lit->begin, lit->end};
    out.push_back(Secret{Span{kw->begin, lit->end}, literal, inside_quotes(file.bytes(), literal),
                         "subscription connection string"});
  }
  return out;
}

std::string mask(std::string_view text, size_t base, const std::vector<Span>& redacted) {
  std::string out(text);
  for (const Span& r : redacted) {
    size_t from = std::max(r.begin, base);
    size_t to = std::min(r.end, base + text.size());
    for (size_t i = from; i < to; ++i) {
      unsigned char c = static_cast<unsigned char>(text[i - base]);
      // One '*' per code point: continuation bytes are dropped below.
      out[i - base] = (c & 0xC0) == 0x80 ? '\x01' : '*';
    }
  }
  std::erase(out, '\x01');
  return out;
}

namespace {

void scrub(std::string& text, std::string_view secret, std::string_view replacement) {
  if (secret.empty()) return;
  for (size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + replacement.size()))
    text.replace(at, secret.size(), replacement);
}

}  // namespace

void redact_secrets(const SourceFile& file, const std::vector<Secret>& secrets,
                    std::vector<Finding>& findings) {
  if (secrets.empty()) return;
  auto overlaps = [](Span a, Span b) { return a.begin < b.end && b.begin < a.end; };
  for (Finding& f : findings) {
    // The lines a text report prints for the span, and the statement a fingerprint reads.
    uint32_t first = file.position(f.span.begin).line;
    uint32_t last = file.position(std::max(f.span.end, f.span.begin)).line;
    size_t lines_end = last < file.line_count() ? file.line_start(last + 1) : file.bytes().size();
    Span lines{file.line_start(first), lines_end};
    for (const Secret& s : secrets) {
      if (!overlaps(s.value, lines) && !overlaps(s.value, f.statement) &&
          !overlaps(s.value, f.span))
        continue;
      f.redacted.push_back(s.value);
      std::string_view raw = file.text(s.literal);
      std::string_view value = file.text(s.value);
      auto clean = [&](std::string& text) {
        scrub(text, raw, "'***'");
        // A copy without quotes; very short values would match ordinary words.
        if (value.size() >= 4) scrub(text, value, "***");
      };
      clean(f.message);
      clean(f.help);
      for (Related& r : f.related) clean(r.message);
      std::erase_if(f.fixes, [&](Fix& fix) {
        clean(fix.title);
        return std::any_of(fix.edits.begin(), fix.edits.end(), [&](const Edit& e) {
          return e.text.find(raw) != std::string::npos ||
                 (value.size() >= 4 && e.text.find(value) != std::string::npos);
        });
      });
    }
  }
}

}  // namespace migsafe
