// Help texts name the statement's own objects (tables, columns, roles, functions, settings), so
// the advice can be followed without translating a generic example back to the migration.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "helpers.hpp"

namespace migsafe::test {
namespace {

// The help of the single finding of `rule` in `sql`.
std::string help_of(const std::string& sql, const std::string& rule) {
  FileResult r = lint(sql, {rule});
  EXPECT_EQ(r.findings.size(), 1u) << sql;
  return r.findings.empty() ? std::string() : r.findings.front().help;
}

void expect_names(const std::string& help, const std::vector<std::string>& names) {
  for (const auto& n : names) EXPECT_NE(help.find(n), std::string::npos) << n << " in: " << help;
}

TEST(RuleHelp, CopyProgramNamesTableAndColumns) {
  std::string h =
      help_of("COPY shipments (id, carrier) FROM PROGRAM 'curl -s https://example.com/s.csv' CSV;",
              "ban-copy-program");
  expect_names(h, {"COPY shipments (id, carrier) FROM STDIN", "\\copy shipments (id, carrier)"});
}

TEST(RuleHelp, GrantAllNamesObjectsAndRole) {
  expect_names(help_of("GRANT ALL ON invoices, payments TO billing_app;", "ban-grant-all"),
               {"ON invoices, payments TO billing_app", "SELECT, INSERT, UPDATE, DELETE"});
  expect_names(
      help_of("GRANT ALL ON ALL TABLES IN SCHEMA billing TO billing_app;", "ban-grant-all"),
      {"ON ALL TABLES IN SCHEMA billing TO billing_app"});
}

TEST(RuleHelp, GrantToPublicNamesPrivilegesAndObjects) {
  expect_names(help_of("GRANT SELECT, UPDATE ON invoices TO PUBLIC;", "ban-grant-to-public"),
               {"CREATE ROLE invoices_readers NOLOGIN",
                "GRANT SELECT, UPDATE ON invoices TO "
                "invoices_readers"});
  expect_names(help_of("GRANT CREATE ON SCHEMA reporting TO PUBLIC;", "ban-grant-to-public"),
               {"GRANT CREATE ON SCHEMA reporting TO reporting_owners"});
}

TEST(RuleHelp, HardcodedPasswordNamesTheRole) {
  expect_names(
      help_of("CREATE ROLE etl_loader LOGIN PASSWORD 'hunter2';", "ban-hardcoded-password"),
      {"create etl_loader without a password", "\\password etl_loader",
       "ALTER ROLE etl_loader PASSWORD"});
  expect_names(help_of("CREATE USER MAPPING FOR app SERVER warehouse OPTIONS (user 'a', password "
                       "'b');",
                       "ban-hardcoded-password"),
               {"server warehouse"});
  expect_names(help_of("CREATE SUBSCRIPTION orders_sub CONNECTION 'host=db password=x' "
                       "PUBLICATION p;",
                       "ban-hardcoded-password"),
               {"subscription orders_sub"});
}

TEST(RuleHelp, UntrustedLanguageNamesTheFunction) {
  expect_names(help_of("CREATE FUNCTION slugify(s text) RETURNS text LANGUAGE plperlu AS $$ "
                       "return lc $_[0]; $$;",
                       "ban-untrusted-language"),
               {"function slugify", "plperl instead of plperlu"});
  expect_names(help_of("CREATE FUNCTION util.parse(s text) RETURNS text LANGUAGE plpython3u AS "
                       "$$ return s $$;",
                       "ban-untrusted-language"),
               {"function util.parse"});
}

TEST(RuleHelp, AlterSystemNamesTheSetting) {
  expect_names(help_of("ALTER SYSTEM SET work_mem = '64MB';", "ban-alter-system"),
               {"work_mem", "ALTER DATABASE <db> SET work_mem"});
}

TEST(RuleHelp, TruncateNamesTheTable) {
  expect_names(help_of("TRUNCATE audit_events;", "ban-truncate"), {"audit_events"});
}

TEST(RuleHelp, SuperuserNamesTheRole) {
  expect_names(help_of("ALTER ROLE deployer WITH SUPERUSER;", "ban-superuser-role"),
               {"Grant deployer only what it uses"});
  expect_names(
      help_of("GRANT pg_read_server_files TO importer;", "ban-superuser-role"),
      {"do not give importer pg_read_server_files", "REVOKE pg_read_server_files FROM importer"});
}

TEST(RuleHelp, BypassRlsAndLockTableNameTheirObjects) {
  expect_names(help_of("CREATE ROLE auditor BYPASSRLS;", "ban-disable-row-level-security"),
               {"BYPASSRLS off for auditor", "TO auditor"});
  expect_names(help_of("LOCK TABLE ledger_entries IN ACCESS EXCLUSIVE MODE;", "ban-lock-table"),
               {"Remove the LOCK TABLE of ledger_entries"});
}

}  // namespace
}  // namespace migsafe::test
