// The PL/pgSQL body JSON is read as it is parsed (plpgsql_detail::read_body_json, nlohmann's
// SAX interface), not as a document: it must hand over what reading the whole document finds,
// in the same order, on every body the fixtures hold and on documents of other shapes.
#include <gtest/gtest.h>
#include <pg_query.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/parse.hpp"
#include "core/plpgsql.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

using Json = nlohmann::ordered_json;
using plpgsql_detail::StatementKind;

struct Recorder : plpgsql_detail::BodySink {
  std::vector<std::string> seen;
  void add(StatementKind kind, int lineno, const std::string& query) override {
    seen.push_back(std::to_string(static_cast<int>(kind)) + "@" + std::to_string(lineno) + ":" +
                   query);
  }
  void transaction_end(bool commit) override { seen.push_back(commit ? "COMMIT" : "ROLLBACK"); }
};

// The document read whole, as migsafe read it before (the reference).
std::string query_of(const Json& stmt, const char* key) {
  auto it = stmt.find(key);
  if (it == stmt.end() || !it->is_object()) return {};
  auto expr = it->find("PLpgSQL_expr");
  if (expr == it->end() || !expr->is_object()) return {};
  auto q = expr->find("query");
  return q != expr->end() && q->is_string() ? q->get<std::string>() : std::string();
}
int lineno_of(const Json& stmt) {
  auto it = stmt.find("lineno");
  return it != stmt.end() && it->is_number_integer() ? it->get<int>() : 0;
}
void visit(const Json& j, Recorder& r) {
  if (j.is_array()) {
    for (const Json& x : j) visit(x, r);
    return;
  }
  if (!j.is_object()) return;
  for (const auto& [key, value] : j.items()) {
    if (key == "PLpgSQL_stmt_execsql")
      r.add(StatementKind::ExecSql, lineno_of(value), query_of(value, "sqlstmt"));
    else if (key == "PLpgSQL_stmt_call")
      r.add(StatementKind::Call, lineno_of(value), query_of(value, "expr"));
    else if (key == "PLpgSQL_stmt_perform")
      r.add(StatementKind::Perform, lineno_of(value), query_of(value, "expr"));
    else if (key == "PLpgSQL_stmt_dynexecute")
      r.add(StatementKind::DynExecute, lineno_of(value), query_of(value, "query"));
    else if (key == "PLpgSQL_stmt_commit" || key == "PLpgSQL_stmt_rollback")
      r.transaction_end(key == "PLpgSQL_stmt_commit");
    else if (key != "datums")
      visit(value, r);
  }
}
std::optional<std::vector<std::string>> reference(const std::string& json) {
  Json funcs = Json::parse(json, nullptr, false);
  if (!funcs.is_array() || funcs.size() != 1 || !funcs[0].is_object()) return std::nullopt;
  auto fn = funcs[0].find("PLpgSQL_function");
  if (fn == funcs[0].end() || !fn->is_object()) return std::nullopt;
  Recorder r;
  auto action = fn->find("action");
  if (action != fn->end()) visit(*action, r);
  return r.seen;
}

std::optional<std::vector<std::string>> streamed(const std::string& json) {
  Recorder r;
  if (!plpgsql_detail::read_body_json(json, r)) return std::nullopt;
  return r.seen;
}

// libpg_query's JSON for every PL/pgSQL body (DO, CREATE FUNCTION ... LANGUAGE plpgsql) of
// `sql`.
std::vector<std::string> body_documents(const std::string& sql) {
  std::vector<std::string> out;
  SourceFile file("t.sql", sql);
  ParsedFile parsed = parse_file(file);
  for (const Statement& s : parsed.statements) {
    if (!body_literal_span(file, s, true)) continue;
    std::string text(sql.substr(s.span.begin, s.span.end - s.span.begin));
    auto lock = lock_stderr();  // the PL/pgSQL parser is not thread-safe: one at a time
    PgQueryPlpgsqlParseResult r = pg_query_parse_plpgsql(text.c_str());
    if (!r.error && r.plpgsql_funcs) out.emplace_back(r.plpgsql_funcs);
    pg_query_free_plpgsql_parse_result(r);
  }
  return out;
}

TEST(PlpgsqlJson, StreamedReadingFindsWhatTheWholeDocumentHoldsOnEveryFixtureBody) {
  size_t documents = 0, statements = 0;
  for (const auto& dir : std::filesystem::directory_iterator(source_dir() + "/fixtures"))
    for (const auto& f : std::filesystem::directory_iterator(dir.path())) {
      if (f.path().extension() != ".sql") continue;
      for (const std::string& json : body_documents(read_text(f.path().string()))) {
        auto want = reference(json);
        ASSERT_TRUE(want) << json;
        EXPECT_EQ(streamed(json), want) << f.path() << "\n" << json;
        ++documents;
        statements += want->size();
      }
    }
  EXPECT_GT(documents, 25u);
  EXPECT_GT(statements, 35u);
}

TEST(PlpgsqlJson, DocumentsOfOtherShapesAreReadAsTheWholeDocumentIs) {
  const std::string stmt =
      R"j({"lineno":3,"sqlstmt":{"PLpgSQL_expr":{"query":"UPDATE t SET a = 1"}}})j";
  const std::vector<std::string> documents = {
      // the shapes libpg_query gives, with statements nested in blocks, ifs and loops
      R"j([{"PLpgSQL_function":{"datums":[{"PLpgSQL_stmt_execsql":)j" + stmt +
          R"j(}],"action":{"PLpgSQL_stmt_block":{"body":[{"PLpgSQL_stmt_execsql":)j" + stmt +
          R"j(},{"PLpgSQL_stmt_if":{"then_body":[{"PLpgSQL_stmt_commit":{}},)j"
          R"j({"PLpgSQL_stmt_perform":{"expr":{"PLpgSQL_expr":{"query":"SELECT f()"}},"lineno":7}}],)j"
          R"j("else_body":[{"PLpgSQL_stmt_rollback":{"lineno":9}}]}}]}}}}])j",
      R"j([{"PLpgSQL_function":{"action":{"PLpgSQL_stmt_dynexecute":{"query":{"PLpgSQL_expr":)j"
      R"j({"query":"'DROP TABLE x'"}},"lineno":2,"params":[{"PLpgSQL_stmt_execsql":{}}]}}}}])j",
      R"j([{"PLpgSQL_function":{"action":{"PLpgSQL_stmt_call":{"expr":{"PLpgSQL_expr":)j"
      R"j({"query":"CALL p()"}}}}}}])j",  // no lineno
      // statements whose parts are missing or of another type
      R"j([{"PLpgSQL_function":{"action":[{"PLpgSQL_stmt_execsql":{"lineno":"4","sqlstmt":{}}},)j"
      R"j({"PLpgSQL_stmt_execsql":[1,2]},{"PLpgSQL_stmt_execsql":7},)j"
      R"j({"PLpgSQL_stmt_execsql":{"lineno":5,"sqlstmt":{"PLpgSQL_expr":[]}}},)j"
      R"j({"PLpgSQL_stmt_execsql":{"lineno":6,"sqlstmt":{"PLpgSQL_expr":{"query":12}}}},)j"
      R"j({"PLpgSQL_stmt_execsql":{"lineno":-1,"sqlstmt":"x"}}]}}])j",
      // variables inside the action are not read; repeated keys: the last value counts
      R"j([{"PLpgSQL_function":{"action":{"PLpgSQL_stmt_block":{"datums":[{"PLpgSQL_stmt_execsql":)j" +
          stmt +
          R"j(}],"body":[{"PLpgSQL_stmt_execsql":{"lineno":1,"lineno":2,"sqlstmt":{"PLpgSQL_expr":{"query":"a"}},"sqlstmt":{"PLpgSQL_expr":{"query":"b","query":"c"}}}},{"PLpgSQL_stmt_execsql":{"sqlstmt":{"PLpgSQL_expr":{"query":"d"},"PLpgSQL_expr":{}}}},{"PLpgSQL_stmt_execsql":{"lineno":4,"sqlstmt":{"PLpgSQL_expr":{"query":"e"}},"sqlstmt":1,"lineno":"x"}}]}}}}])j",
      // no action; datums only
      R"j([{"PLpgSQL_function":{"datums":[{"PLpgSQL_var":{"refname":"found"}}]}}])j",
      R"j([{"PLpgSQL_function":{"action":null}}])j",
      R"j([{"PLpgSQL_function":{"action":[[[{"x":{"PLpgSQL_stmt_commit":1}}]]]}}])j",
      // shapes that are not one function: refused
      R"j([])j",
      R"j({})j",
      R"j([1])j",
      R"j([{"x":1}])j",
      R"j([{"PLpgSQL_function":[]}])j",
      R"j([{"PLpgSQL_function":1}])j",
      R"j([{"PLpgSQL_function":{"action":{}}},{"PLpgSQL_function":{}}])j",
      R"j([{"PLpgSQL_function":{"action":{}}}],)j",
      R"j([{"PLpgSQL_function":{"action":{"PLpgSQL_stmt_execsql":)j",
      R"j("text")j",
      R"j()j",
  };
  for (const std::string& json : documents) EXPECT_EQ(streamed(json), reference(json)) << json;
  EXPECT_EQ(streamed(documents[0])->size(), 4u);  // execsql, commit, perform, rollback
}

}  // namespace
}  // namespace migsafe::test
