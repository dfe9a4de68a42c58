// A finding's fingerprint (JSON, SARIF partialFingerprints, GitLab) identifies it across runs and
// baselines: FNV-1a over the rule, the path, and the statement and the finding's span each
// collapsed onto one line with secrets masked. It is computed without building those strings
// when nothing is masked; it must stay the same value.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "core/secrets.hpp"
#include "helpers.hpp"
#include "report/formats.hpp"
#include "report/json_common.hpp"

namespace migsafe::test {
namespace {

// The fingerprint from its definition, each part built as a string first.
std::string reference(const SourceFile& file, const std::string& path, const Finding& f) {
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&](unsigned char c) {
    h ^= c;
    h *= 1099511628211ULL;
  };
  for (const std::string& part :
       {f.rule, path, one_line(mask(file.text(f.statement), f.statement.begin, f.redacted)),
        one_line(mask(file.text(f.span), f.span.begin, f.redacted))}) {
    for (char c : part) mix(static_cast<unsigned char>(c));
    mix(0xff);
  }
  return fmt::format("{:016x}", h);
}

TEST(Fingerprint, EqualsItsDefinitionWithAndWithoutMasking) {
  // Runs of spaces, tabs, CRLF and a \x01 byte between and around words; a leading space in a
  // span; a password that is masked.
  const std::string sql =
      "CREATE   INDEX\t\tidx_a ON  t (a);\r\n"
      "CREATE INDEX idx_b ON t\n  (\n    b\n  );\n"
      "ALTER TABLE t ADD COLUMN c text \x01 NOT NULL;\n"
      "CREATE INDEX \"x\x01y\" ON t ( c );\n"
      "CREATE ROLE app PASSWORD   'hunter2 hunter2';\n"
      "ALTER  ROLE app\tPASSWORD 'x y';\n";
  FileResult r = lint(sql);
  ASSERT_GE(r.findings.size(), 6u);
  size_t masked = 0;
  for (const Finding& f : r.findings) {
    masked += !f.redacted.empty();
    for (const std::string path : {"m.sql", "db/migrations/V1__a.sql"})
      EXPECT_EQ(finding_fingerprint(*r.file, path, f), reference(*r.file, path, f))
          << f.rule << " at " << f.span.begin;
  }
  EXPECT_GE(masked, 2u);
}

TEST(Fingerprint, EveryFixtureFindingEqualsItsDefinition) {
  size_t checked = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(source_dir() + "/fixtures")) {
    if (entry.path().extension() != ".sql") continue;
    std::string sql = read_text(entry.path().string());
    FileResult r = lint(sql, {}, fixture_settings(sql));
    for (const Finding& f : r.findings) {
      ASSERT_EQ(finding_fingerprint(*r.file, "f.sql", f), reference(*r.file, "f.sql", f))
          << entry.path() << ": " << f.rule;
      ++checked;
    }
  }
  EXPECT_GT(checked, 300u);
}

}  // namespace
}  // namespace migsafe::test
