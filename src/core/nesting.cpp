// See nesting.hpp.
#include "core/nesting.hpp"

#include <cctype>
#include <string>
#include <vector>

namespace migsafe {

namespace {

bool is_op_char(char c) {
  return std::string_view("+-*/<>=~!@#%^&|`?").find(c) != std::string_view::npos;
}

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
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

// End of a quoted token starting at `pos` (the opening quote) closed by `quote`, where a
// doubled quote is an escaped one; with `backslash`, \x escapes too (E'...').
size_t skip_quoted(std::string_view s, size_t pos, char quote, bool backslash) {
  for (size_t i = pos + 1; i < s.size(); ++i) {
    if (backslash && s[i] == '\\') {
      ++i;
    } else if (s[i] == quote) {
      if (i + 1 < s.size() && s[i + 1] == quote) {
        ++i;
      } else {
        return i + 1;
      }
    }
  }
  return s.size();
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
    if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      size_t nl = s.find('\n', i);
      i = nl == std::string_view::npos ? s.size() : nl + 1;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      int depth = 1;
      i += 2;
      while (i < s.size() && depth > 0) {
        if (s.compare(i, 2, "/*") == 0) {
          ++depth;
          i += 2;
        } else if (s.compare(i, 2, "*/") == 0) {
          --depth;
          i += 2;
        } else {
          ++i;
        }
      }
    } else if (c == '\'') {
      bool escapes =
          i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') && (i < 2 || !is_word_char(s[i - 2]));
      i = skip_quoted(s, i, '\'', escapes);
    } else if (c == '"') {
      i = skip_quoted(s, i, '"', false);
    } else if (c == '$' && (i == 0 || !is_word_char(s[i - 1]))) {
      // $tag$ ... $tag$ (a $1 parameter has no closing $ right after its tag).
      size_t j = i + 1;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_' ||
                              static_cast<unsigned char>(s[j]) >= 0x80))
        ++j;
      if (j < s.size() && s[j] == '$' && !std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
        std::string_view tag = s.substr(i, j - i + 1);
        size_t close = s.find(tag, j + 1);
        i = close == std::string_view::npos ? s.size() : close + tag.size();
      } else {
        i = j;
      }
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
    } else if (is_word_char(c)) {
      size_t j = i;
      while (j < s.size() && is_word_char(s[j])) ++j;
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
