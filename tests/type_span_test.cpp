// type_span scans a short window of text from the type instead of the whole statement: on every
// type name of every fixture, and on windows cut at every length, the window either gives the
// span the statement's tokens give or says it cannot tell.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/column_util.hpp"
#include "core/parse.hpp"
#include "core/walk.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;

struct Counts {
  size_t types = 0;     // type names looked at
  size_t settled = 0;   // ... whose 32-byte window gave the span
  size_t compared = 0;  // windows compared with the statement's tokens
};

// Every type name of `sql`: each window length from 1 to a dozen bytes past the type, and the
// windows type_span tries (32, 128 and 512 bytes).
void check_types(const std::string& sql, Counts& n) {
  SourceFile file("t.sql", sql);
  ParsedFile parsed = parse_file(file);
  for (const Statement& stmt : parsed.statements) {
    if (!stmt.node || stmt.embedding) continue;
    std::optional<Tokens> tokens;
    for_each_message(stmt.node, [&](const ProtobufCMessage& m) {
      const auto* t = as<PgQuery__TypeName>(&m);
      if (!t || t->location < 0) return;
      if (!tokens) tokens.emplace(statement_tokens(file, stmt));
      size_t at = stmt.at(t->location);
      auto full = column_detail::type_span_from(*tokens, at, false);
      ASSERT_TRUE(full) << file.text(stmt.span);
      ++n.types;
      auto check = [&](size_t window) {
        auto s = column_detail::type_span_window(file, stmt, *t, window);
        if (!s) return false;
        ++n.compared;
        EXPECT_EQ(file.text(*s), file.text(*full))
            << "window " << window << " of: " << file.text(stmt.span);
        return true;
      };
      for (size_t w = 1; w <= full->end - full->begin + 12; ++w) check(w);
      if (check(32)) ++n.settled;  // type_span's first window
      check(128);
      check(512);
    });
  }
}

TEST(TypeSpan, AWindowGivesTheStatementsSpanOrNothingOnEveryFixture) {
  Counts n;
  for (const auto& dir : fs::directory_iterator(fs::path(source_dir()) / "fixtures"))
    for (const auto& f : fs::directory_iterator(dir.path()))
      if (f.path().extension() == ".sql") check_types(read_text(f.path().string()), n);
  EXPECT_GT(n.types, 500u);
  EXPECT_GT(n.compared, 5000u);
  // The first window is the path taken: the statement is scanned only for the rare long type.
  EXPECT_GT(n.settled * 100, n.types * 90) << n.settled << " of " << n.types;
}

TEST(TypeSpan, CutsInsideMultiWordTypesAndModifiersAreNotGuessed) {
  Counts n;
  check_types(
      "CREATE TABLE t (a character varying(20) NOT NULL, b double precision, "
      "c timestamp(3) with time zone, d numeric(10, 2), e public.my_type, "
      "f time without time zone DEFAULT now(), g bit varying(8), h char varying, "
      "i \"MyType\", j int[], k interval(6), l numeric(/* p */ 10), m pg_catalog.timestamptz);\n"
      "ALTER TABLE t ALTER COLUMN a TYPE varchar(40), ADD COLUMN z timestamp with time zone;\n",
      n);
  EXPECT_EQ(n.types, 15u);
  EXPECT_EQ(n.settled, 15u);

  // Where the window ends decides whether it can tell, not what it answers.
  std::string sql = "CREATE TABLE t (a timestamp(3) with time zone);";
  SourceFile file("t.sql", sql);
  ParsedFile parsed = parse_file(file);
  ASSERT_EQ(parsed.statements.size(), 1u);
  const PgQuery__TypeName* type = nullptr;
  for_each_message(parsed.statements[0].node, [&](const ProtobufCMessage& m) {
    if (const auto* t = as<PgQuery__TypeName>(&m)) type = t;
  });
  ASSERT_NE(type, nullptr);
  const Statement& stmt = parsed.statements[0];
  auto window = [&](size_t w) {
    auto s = column_detail::type_span_window(file, stmt, *type, w);
    return s ? std::string(file.text(*s)) : std::string("?");
  };
  EXPECT_EQ(window(12), "?");  // timestamp(3): the ')' may be cut, so it is not read
  EXPECT_EQ(window(21), "?");  // ... with tim
  EXPECT_EQ(window(27), "?");  // ... zone, the last token of the window
  EXPECT_EQ(window(28), "timestamp(3) with time zone");
  EXPECT_EQ(window(29), "timestamp(3) with time zone");  // the whole statement
}

}  // namespace
}  // namespace migsafe::test
