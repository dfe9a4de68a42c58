// See nesting.hpp.
#include "core/nesting.hpp"

#include <cctype>
#include <string>
#include <vector>

#include "core/parse.hpp"

namespace migsafe {

namespace {

bool is_op_char(char c) {
  return std::string_view("+-*/<>=~!@#%^&|`?").find(c) != std::string_view::npos;
}

bool is_comparison(std::string_view op) {
  return op == "=" || op == "<" || op == ">" || op == "<=" || op == ">=" || op == "<>" ||
         op == "!=";
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
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
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (size_t past = skip_literal(s, i); past != i) {
      i = past;  // comments, strings, quoted identifiers, dollar quotes
    } else if (c == '(' || c == '[') {
      runs.push_back(0);
      if (++total > kMaxNesting) return {true, i};
      ++i;
    } else if (c == ')' || c == ']') {
      if (runs.size() > 1) {
        total -= runs.back() + 1;
        runs.pop_back();
      }
      ++i;
    } else if (c == ',' || c == ';') {
      if (c == ';') {
        runs.assign(1, 0);
        total = 0;
      } else {
        total -= runs.back();
        runs.back() = 0;
      }
      ++i;
    } else if (c == ':' && i + 1 < s.size() && s[i + 1] == ':') {
      if (add()) return {true, i};
      i += 2;
    } else if (is_op_char(c)) {
      size_t j = i;
      while (j < s.size() && is_op_char(s[j]) && s.compare(j, 2, "--") != 0 &&
             s.compare(j, 2, "/*") != 0)
        ++j;
      if (!is_comparison(s.substr(i, j - i)) && add()) return {true, i};
      i = j;
    } else if (is_identifier_byte(c)) {
      size_t j = i;
      while (j < s.size() && is_identifier_byte(s[j])) ++j;
      std::string_view word = s.substr(i, j - i);
      if ((iequals(word, "case") || iequals(word, "not")) && add()) return {true, i};
      i = j;
    } else {
      ++i;
    }
  }
  return {};
}

}  // namespace migsafe
