// A password written into a migration never leaves migsafe: not in messages or help, not in the
// source lines the text report prints, not in fingerprints, whichever rule the finding is for.
#include <gtest/gtest.h>

#include <sstream>

#include "core/secrets.hpp"
#include "helpers.hpp"
#include "report/reporter.hpp"

namespace migsafe::test {
namespace {

std::string report(const FileResult& r, const std::string& format) {
  std::ostringstream out;
  auto reporter = make_reporter(format, out, ReportOptions{});
  reporter->begin();
  reporter->file(r);
  RunSummary s;
  s.add(r);
  reporter->end(s);
  return out.str();
}

void expect_never_printed(const FileResult& r, const std::vector<std::string>& secrets) {
  for (std::string_view name : kReportFormats) {
    std::string format(name);
    std::string out = report(r, format);
    for (const auto& s : secrets)
      EXPECT_EQ(out.find(s), std::string::npos) << format << " report prints " << s << ":\n" << out;
  }
}

TEST(Secrets, PasswordIsMaskedInEveryFormat) {
  std::string sql =
      "CREATE ROLE app LOGIN PASSWORD 'hunter2-app';\n"
      "ALTER USER MAPPING FOR app SERVER s OPTIONS (SET password 'fdw-secret');\n"
      "CREATE SUBSCRIPTION sub CONNECTION 'host=a password=repl-secret' PUBLICATION p;\n";
  FileResult r = lint(sql, {"ban-hardcoded-password"});
  ASSERT_EQ(r.findings.size(), 3u);
  expect_never_printed(r, {"hunter2", "fdw-secret", "repl-secret"});
  // The text report still shows the statement, with one '*' per character of the password.
  std::string text = report(r, "text");
  EXPECT_NE(text.find("CREATE ROLE app LOGIN PASSWORD '***********';"), std::string::npos) << text;
  // The underline covers the PASSWORD option.
  EXPECT_NE(text.find("                      ^^^^^^^^^^^^^^^^^^^^^^\n"), std::string::npos) << text;
}

TEST(Secrets, OtherRulesOnTheSameLineDoNotLeakIt) {
  std::string sql =
      "CREATE ROLE admin SUPERUSER PASSWORD 'top-secret-1'; CREATE TABLE t (id int);\n";
  FileResult r = lint(sql, {"ban-superuser-role", "require-primary-key", "prefer-bigint-over-int"});
  ASSERT_EQ(r.findings.size(), 3u);
  for (const Finding& f : r.findings) EXPECT_FALSE(f.redacted.empty()) << f.rule;
  expect_never_printed(r, {"top-secret-1"});
}

TEST(Secrets, AStatementThatDoesNotParseIsMaskedToo) {
  std::string sql = "CREATE ROLE x PASSWORD 'unparsed-secret' SUPERUSERR;\n";
  FileResult r = lint(sql, {"syntax-error"});
  ASSERT_EQ(r.findings.size(), 1u);
  expect_never_printed(r, {"unparsed-secret"});
}

TEST(Secrets, FingerprintDoesNotDependOnThePassword) {
  // Two files that differ only in the password: a fingerprint computed from the raw text would
  // differ (and could be brute-forced); the masked one only sees its length.
  FileResult a = lint("CREATE ROLE app PASSWORD 'aaaaaaaa';\n", {"ban-hardcoded-password"});
  FileResult b = lint("CREATE ROLE app PASSWORD 'bbbbbbbb';\n", {"ban-hardcoded-password"});
  std::string ja = report(a, "json"), jb = report(b, "json");
  auto fingerprint = [](const std::string& j) {
    size_t at = j.find("\"fingerprint\":\"");
    return at == std::string::npos ? std::string() : j.substr(at + 15, 16);
  };
  ASSERT_FALSE(fingerprint(ja).empty());
  EXPECT_EQ(fingerprint(ja), fingerprint(jb));
}

TEST(Secrets, MessagesThatWouldQuoteTheSecretAreScrubbed) {
  std::string sql = "CREATE ROLE app PASSWORD 'quoted-secret';\n";
  auto file = std::make_shared<const SourceFile>("t.sql", sql);
  ParsedFile parsed = parse_file(*file);
  std::vector<Finding> findings(1);
  findings[0].rule = "some-rule";
  findings[0].span = Span{0, 15};
  findings[0].statement = parsed.statements[0].span;
  findings[0].message = "statement CREATE ROLE app PASSWORD 'quoted-secret' is odd";
  findings[0].help = "the value quoted-secret should go";
  Fix leaking;
  leaking.title = "rewrite";
  leaking.edits.push_back(Edit{Span{0, 0}, "-- 'quoted-secret'\n"});
  findings[0].fixes.push_back(leaking);
  redact_secrets(*file, find_secrets(parsed.statements[0], *file), findings);
  EXPECT_EQ(findings[0].message.find("quoted-secret"), std::string::npos) << findings[0].message;
  EXPECT_EQ(findings[0].help.find("quoted-secret"), std::string::npos) << findings[0].help;
  EXPECT_TRUE(findings[0].fixes.empty());
}

TEST(Secrets, NullPasswordAndOtherStringsAreNotSecrets) {
  std::string sql =
      "ALTER ROLE app PASSWORD NULL VALID UNTIL 'infinity';\n"
      "COMMENT ON ROLE app IS 'password is rotated by the vault';\n";
  auto file = std::make_shared<const SourceFile>("t.sql", sql);
  ParsedFile parsed = parse_file(*file);
  for (const Statement& s : parsed.statements) EXPECT_TRUE(find_secrets(s, *file).empty());
}

TEST(Secrets, MaskKeepsColumnsForMultibyteText) {
  std::string text = "PASSWORD 'pässwörd' x";
  Span value{10, 10 + std::string("pässwörd").size()};
  EXPECT_EQ(mask(text, 0, {value}), "PASSWORD '********' x");
}

}  // namespace
}  // namespace migsafe::test
