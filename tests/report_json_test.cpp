// The JSON report writes each finding directly (src/report/json.cpp, FindingWriter); these
// tests hold it to nlohmann's canonical compact dump with sorted keys, byte for byte, on every
// finding, suppressed finding and file entry of the fixtures, and on text that needs escaping:
// quotes, backslashes, control characters, non-ASCII and invalid UTF-8.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "helpers.hpp"
#include "report/formats.hpp"
#include "report/json_common.hpp"
#include "report/reporter.hpp"

namespace migsafe::test {
namespace {

// Every element of the report's findings and suppressed arrays, re-dumped by nlohmann, is found
// verbatim in the report; returns how many were checked.
size_t expect_canonical(const std::string& report) {
  nlohmann::json j = nlohmann::json::parse(report);
  size_t checked = 0;
  for (const char* key : {"findings", "suppressed", "files"})
    for (const auto& element : j[key]) {
      std::string canonical = dump_json(element);
      EXPECT_NE(report.find("\n    " + canonical), std::string::npos)
          << key << " element not written canonically:\n"
          << canonical;
      ++checked;
    }
  return checked;
}

TEST(ReportJson, EveryFixtureFindingIsNlohmannsCanonicalDump) {
  CommandResult r = run_migsafe("check --format json " + q(source_dir() + "/fixtures"));
  ASSERT_EQ(r.exit_code, 1) << r.err;
  EXPECT_GT(expect_canonical(r.out), 300u);
}

TEST(ReportJson, EscapesAndInvalidUtf8AreWrittenAsNlohmannWritesThem) {
  TempDir dir;
  // Identifiers with a quote, a backslash, a tab, non-ASCII text and a byte that is not UTF-8;
  // a table name with a control character; one finding suppressed with a reason that needs
  // escaping too.
  std::string sql =
      "CREATE INDEX \"i\"\"q\\\\t\t\xc3\xa9\xff\" ON \"t\xe2\x9c\x93\" (a);\n"
      "-- migsafe-ignore require-concurrent-index-creation -- \"quoted\" reason \\ with\ttab\n"
      "CREATE INDEX j ON \"u\x01\" (b);\n";
  std::string file = dir.write("m.sql", sql);
  CommandResult r = run_migsafe("check --format json " + q(file));
  ASSERT_EQ(r.exit_code, 1) << r.err;
  EXPECT_GE(expect_canonical(r.out), 3u);
  nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_FALSE(j["suppressed"].empty()) << r.out;
  EXPECT_NE(r.out.find("\\\"quoted\\\" reason \\\\ with"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\\u0001"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\xef\xbf\xbd"), std::string::npos) << "no U+FFFD for the invalid byte";
}

TEST(ReportJson, EveryAsciiByteIsEscapedAsNlohmannEscapesIt) {
  // Tables named with every byte from 0x01 to 0x7F, 32 to a name (PostgreSQL truncates names at
  // 63 bytes; a quote is doubled in the quoted identifier): the findings' messages name them,
  // all ASCII, written without nlohmann.
  std::string sql;
  for (int first = 1; first < 0x80; first += 32) {
    std::string name;
    for (int c = first; c < std::min(first + 32, 0x80); ++c) {
      name += static_cast<char>(c);
      if (c == '"') name += '"';
    }
    sql += "CREATE INDEX ON \"" + name + "\" (a);\n";
  }
  TempDir dir;
  std::string file = dir.write("m.sql", sql);
  CommandResult r = run_migsafe("check --format json " + q(file));
  ASSERT_EQ(r.exit_code, 1) << r.err;
  EXPECT_GE(expect_canonical(r.out), 4u);
  for (const char* escaped :
       {"\\u0001", "\\u001f", "\\b", "\\f", "\\n", "\\r", "\\t", "\\\"", "\\\\", "\x7f"})
    EXPECT_NE(r.out.find(escaped), std::string::npos) << escaped;
}

TEST(ReportJson, FileEntriesAreNlohmannsCanonicalDump) {
  // A linted file whose name needs escaping, and one that could not be read (an "error" key).
  TempDir dir;
  dir.write("a \"quoted\" \\ name\t.sql", "CREATE INDEX i ON t (a);\nSELECT 1;\n");
  CommandResult r = run_migsafe("check --format json " + q(dir.path()));
  ASSERT_EQ(r.exit_code, 1) << r.err;
  EXPECT_GE(expect_canonical(r.out), 2u);
  EXPECT_NE(r.out.find("/a \\\"quoted\\\" \\\\ name\\t.sql\""), std::string::npos) << r.out;
  nlohmann::json linted = nlohmann::json::parse(r.out)["files"];
  ASSERT_EQ(linted.size(), 1u);
  EXPECT_EQ(linted[0]["statements"], 2);
  EXPECT_EQ(linted[0]["findings"], 4);
  EXPECT_EQ(linted[0].size(), 3u) << linted[0];

  std::ostringstream out;
  auto reporter = make_json_reporter(out, ReportOptions{});
  reporter->begin();
  FileResult unreadable;
  unreadable.error = "db/V2__\"x\".sql: Permission denied";
  reporter->file(unreadable);
  reporter->end(RunSummary{});
  nlohmann::json j = nlohmann::json::parse(out.str());
  ASSERT_EQ(j["files"].size(), 1u) << out.str();
  EXPECT_EQ(j["files"][0]["error"], unreadable.error);
  EXPECT_EQ(expect_canonical(out.str()), 1u);
}

TEST(ReportJson, BytesToEscapeAreFoundAtEveryPlaceInAWord) {
  // The writer skips eight bytes at a time that need nothing: put each byte that needs
  // something (and the last ASCII byte that does not) at every offset, after 0 to 15 plain
  // bytes of the table name.
  std::string sql;
  for (std::string special :
       {std::string("\"\""), std::string("\\"), std::string("\x01"), std::string("\x1f"),
        std::string("\t"), std::string("\x7f"), std::string("\xc3\xa9")})
    for (size_t plain = 0; plain < 16; ++plain)
      sql += "CREATE INDEX ON \"" + std::string(plain, 'x') + special + "yyyyyyyyy\" (a);\n";
  TempDir dir;
  std::string file = dir.write("m.sql", sql);
  CommandResult r = run_migsafe("check --format json " + q(file));
  ASSERT_EQ(r.exit_code, 1) << r.err;
  EXPECT_GE(expect_canonical(r.out), 7u * 16u);
}

}  // namespace
}  // namespace migsafe::test
