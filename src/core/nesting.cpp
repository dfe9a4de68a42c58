// See nesting.hpp.
#include "core/nesting.hpp"

#include <cctype>
#include <string>
#include <vector>

#include "core/parse.hpp"

namespace migsafe {

namespace {

// The operator characters, as a table: the scan asks for every byte of every statement.
struct OpChars {
  bool table[256] = {};
  constexpr OpChars() {
    for (char c : std::string_view("+-*/<>=~!@#%^&|`?"))
      table[static_cast<unsigned char>(c)] = true;
  }
};
constexpr OpChars kOpChars;

bool is_op_char(char c) {
  return kOpChars.table[static_cast<unsigned char>(c)];
}

// What each byte starts, as a table: the scan reads every byte of every statement.
enum class Class : unsigned char {
  Other,
  Literal,  // may_start_literal: maybe a comment, string, quoted identifier or dollar quote
  Open,
  Close,
  Comma,
  Semicolon,
  Colon,
  Operator,
  Identifier,
};
struct Classes {
  Class of[256] = {};
  bool identifier[256] = {};  // is_identifier_byte
  constexpr Classes() {
    for (int c = 0; c < 256; ++c) {
      identifier[c] = is_identifier_byte(static_cast<char>(c));
      if (identifier[c]) of[c] = Class::Identifier;
      if (kOpChars.table[c]) of[c] = Class::Operator;
      if (may_start_literal(static_cast<char>(c))) of[c] = Class::Literal;
    }
    of[static_cast<unsigned char>('(')] = of[static_cast<unsigned char>('[')] = Class::Open;
    of[static_cast<unsigned char>(')')] = of[static_cast<unsigned char>(']')] = Class::Close;
    of[static_cast<unsigned char>(',')] = Class::Comma;
    of[static_cast<unsigned char>(';')] = Class::Semicolon;
    of[static_cast<unsigned char>(':')] = Class::Colon;
  }
};
constexpr Classes kClasses;

bool is_comparison(std::string_view op) {
  return op == "=" || op == "<" || op == ">" || op == "<=" || op == ">=" || op == "<>" ||
         op == "!=";
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if ((a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i]) != b[i])
      return false;
  return true;
}

}  // namespace

NestingCheck check_nesting(std::string_view s) {
  // runs[k]: chainable operators since the last comma at open level k; total = the bound.
  std::vector<size_t> runs{0};
  size_t total = 0;
  auto add = [&] {
    ++runs.back();
    return ++total > kMaxNesting;
  };
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    char c = s[i];
    Class k = kClasses.of[static_cast<unsigned char>(c)];
    if (k == Class::Literal) {
      // A comment, string, quoted identifier or dollar quote; otherwise '-' and '/' are
      // operator characters and '$' continues an identifier.
      if (size_t past = parse_detail::skip_literal_at(s, i); past != i) {
        i = past;
        continue;
      }
      k = c == '$' ? Class::Identifier : Class::Operator;
    }
    switch (k) {
      case Class::Open:
        runs.push_back(0);
        if (++total > kMaxNesting) return {true, i};
        ++i;
        break;
      case Class::Close:
        if (runs.size() > 1) {
          total -= runs.back() + 1;
          runs.pop_back();
        }
        ++i;
        break;
      case Class::Comma:
        total -= runs.back();
        runs.back() = 0;
        ++i;
        break;
      case Class::Semicolon:
        runs.assign(1, 0);
        total = 0;
        ++i;
        break;
      case Class::Colon:
        if (i + 1 < n && s[i + 1] == ':') {
          if (add()) return {true, i};
          i += 2;
        } else {
          ++i;
        }
        break;
      case Class::Operator: {
        size_t j = i;
        while (j < n && is_op_char(s[j]) && s.compare(j, 2, "--") != 0 &&
               s.compare(j, 2, "/*") != 0)
          ++j;
        if (!is_comparison(s.substr(i, j - i)) && add()) return {true, i};
        i = j;
        break;
      }
      case Class::Identifier: {
        size_t j = i + 1;
        while (j < n && kClasses.identifier[static_cast<unsigned char>(s[j])]) ++j;
        std::string_view word = s.substr(i, j - i);
        if ((iequals(word, "case") || iequals(word, "not")) && add()) return {true, i};
        i = j;
        break;
      }
      default:
        ++i;
    }
  }
  return {};
}

}  // namespace migsafe
