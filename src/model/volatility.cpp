// Volatility lookup over the embedded pg_proc extract; see volatility.hpp.
#include "model/volatility.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/embedded.hpp"
#include "core/node_util.hpp"
#include "core/walk.hpp"

namespace migsafe {

namespace {

using Table = std::vector<std::pair<std::string_view, std::string_view>>;

const Table& table() {
  static const Table t = [] {
    Table rows;
    std::string_view data = embedded("data/function-volatility.tsv");
    while (!data.empty()) {
      size_t nl = data.find('\n');
      std::string_view line = data.substr(0, nl);
      data = nl == std::string_view::npos ? std::string_view() : data.substr(nl + 1);
      if (line.empty() || line[0] == '#') continue;
      size_t tab = line.find('\t');
      if (tab == std::string_view::npos) continue;
      rows.emplace_back(line.substr(0, tab), line.substr(tab + 1));
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  }();
  return t;
}

int rank(Volatility v) {
  switch (v) {
    case Volatility::Immutable:
      return 0;
    case Volatility::Stable:
      return 1;
    case Volatility::Unknown:
      return 2;
    case Volatility::Volatile:
      return 3;
  }
  return 3;
}

Volatility from_classes(std::string_view classes) {
  if (classes.find('v') != std::string_view::npos) return Volatility::Volatile;
  if (classes.find('s') != std::string_view::npos) return Volatility::Stable;
  return Volatility::Immutable;
}

}  // namespace

std::optional<std::string_view> builtin_volatility(std::string_view name) {
  const Table& t = table();
  auto it = std::lower_bound(t.begin(), t.end(), name,
                             [](const auto& row, std::string_view n) { return row.first < n; });
  if (it == t.end() || it->first != name) return std::nullopt;
  return it->second;
}

ExpressionVolatility expression_volatility(const PgQuery__Node* expr,
                                           const UserFunctionLookup& user_functions) {
  ExpressionVolatility worst;
  auto consider = [&](Volatility v, std::string fn, int location) {
    if (rank(v) > rank(worst.volatility)) {
      worst.volatility = v;
      worst.function = std::move(fn);
      worst.location = location;
    }
  };
  for_each_message(expr, [&](const ProtobufCMessage& m) {
    if (const auto* call = as<PgQuery__FuncCall>(&m)) {
      auto names = items(call->funcname, call->n_funcname);
      std::string schema =
          names.size() >= 2 ? std::string(string_value(names[names.size() - 2])) : "";
      std::string name(last_name(names));
      std::optional<Volatility> v;
      if (user_functions) v = user_functions(schema, name);
      if (!v && (schema.empty() || schema == "pg_catalog")) {
        if (auto classes = builtin_volatility(name)) v = from_classes(*classes);
      }
      consider(v.value_or(Volatility::Unknown), dotted(names) + "()", call->location);
    } else if (const auto* svf = as<PgQuery__SQLValueFunction>(&m)) {
      // CURRENT_TIMESTAMP, CURRENT_USER, LOCALTIME ...: all stable.
      consider(Volatility::Stable, "", svf->location);
    } else if (as<PgQuery__SubLink>(&m)) {
      consider(Volatility::Unknown, "a subquery", -1);
    }
  });
  return worst;
}

}  // namespace migsafe
