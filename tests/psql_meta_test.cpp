// psql meta-commands (pg_dump's \restrict / \unrestrict, \connect, \i ...): skipped by the
// parser where a statement could start, with every position unchanged; syntax errors only for
// a framework that sends the file to the server through a driver.
#include <gtest/gtest.h>

#include <string>

#include "core/parse.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

// What pg_dump 17.6 writes around a schema dump (shortened).
const std::string kDump =
    "--\n-- PostgreSQL database dump\n--\n\n"
    "\\restrict AbCdEf0123456789\n\n"
    "SET statement_timeout = 0;\n"
    "SET lock_timeout = 0;\n\n"
    "CREATE TABLE public.t (\n    id bigint NOT NULL\n);\n\n"
    "\\unrestrict AbCdEf0123456789\n";

TEST(PsqlMeta, PgDumpRestrictLinesAreSkippedAndTheStatementAfterThemIsParsed) {
  ParsedFile p = parse_sql(kDump);
  EXPECT_TRUE(p.errors.empty()) << p.errors.front().message;
  ASSERT_EQ(p.statements.size(), 3u);
  EXPECT_EQ(kDump.substr(p.statements[0].span.begin,
                         p.statements[0].span.end - p.statements[0].span.begin),
            "SET statement_timeout = 0;");
  ASSERT_EQ(p.meta_commands.size(), 2u);
  EXPECT_EQ(p.meta_commands[0].name, "\\restrict");
  EXPECT_EQ(kDump.substr(p.meta_commands[0].span.begin,
                         p.meta_commands[0].span.end - p.meta_commands[0].span.begin),
            "\\restrict AbCdEf0123456789");
  EXPECT_EQ(p.meta_commands[1].name, "\\unrestrict");
}

TEST(PsqlMeta, BackslashesInsideLiteralsCommentsOrAStatementAreNotMetaCommands) {
  const std::string sql =
      "SELECT E'it\\'s\n\\x';\n"          // an E'' string with \' and a line starting with '\'
      "SELECT 'a\n\\b', \"c\n\\d\";\n"    // a string and a quoted identifier
      "/* \n\\echo no */ -- \\echo no\n"  // comments
      "DO $body$ BEGIN\n\\echo no\nEND $body$;\n"
      "SELECT $1;\n"  // a parameter, not a dollar quote
      "\\echo yes\n"
      "SELECT 1\n\\gset\n";  // psql's \gset ends a statement: not SQL, and not at its start
  ParsedFile p = parse_sql(sql);
  ASSERT_EQ(p.meta_commands.size(), 1u);
  EXPECT_EQ(p.meta_commands[0].name, "\\echo");
  EXPECT_EQ(sql.substr(p.meta_commands[0].span.begin, 10), "\\echo yes\n");
  ASSERT_FALSE(p.errors.empty());  // `SELECT 1 \gset` is not SQL
  EXPECT_EQ(sql.substr(p.errors.back().offset, 5), "\\gset");
}

TEST(PsqlMeta, AFileRunByPsqlIsCleanAFileRunByADriverGetsOneErrorPerCommand) {
  TempDir dir;
  std::string dump = dir.write("schema.sql", kDump);
  CommandResult plain = run_migsafe("check --format json " + q(dump));
  EXPECT_EQ(plain.out.find("syntax-error"), std::string::npos) << plain.out;
  EXPECT_NE(plain.out.find("\"statements\":3"), std::string::npos) << plain.out;

  std::string v1 = dir.write("flyway/V1__schema.sql", kDump);
  CommandResult flyway = run_migsafe("check --format gcc " + q(v1));
  EXPECT_EQ(flyway.exit_code, 1);
  EXPECT_NE(flyway.out.find(
                "V1__schema.sql:5:1: error: psql meta-command \\restrict: flyway sends the file "
                "to the server, which rejects it (only psql runs backslash commands) "
                "[syntax-error]"),
            std::string::npos)
      << flyway.out;
  EXPECT_NE(flyway.out.find("V1__schema.sql:14:1: error: psql meta-command \\unrestrict"),
            std::string::npos)
      << flyway.out;
}

}  // namespace
}  // namespace migsafe::test
