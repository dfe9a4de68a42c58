// The checksum ledger as a team uses it without git: record merged migrations, then catch an
// edited or deleted one; and the SHA-256 it is built on.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/ledger.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;

TEST(Ledger, Sha256MatchesKnownDigests) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

class LedgerCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("migsafe-ledger-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "db");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  CommandResult run(const std::string& args) {
    return run_migsafe("ledger " + args + " --ledger '" + (dir_ / "ledger.json").string() + "' '" +
                       (dir_ / "db").string() + "'");
  }
  fs::path dir_;
};

TEST_F(LedgerCli, UpdateThenVerifyCatchesEditsAndDeletions) {
  write("db/V1__init.sql", "CREATE TABLE t (a int);\n");
  write("db/V2__b.sql", "ALTER TABLE t ADD COLUMN b int;\n");
  auto r = run("update");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(read_text((dir_ / "ledger.json").string()));
  EXPECT_EQ(j["algorithm"], "sha256");
  EXPECT_EQ(j["migrations"]["db/V1__init.sql"], sha256_hex("CREATE TABLE t (a int);\n"));
  EXPECT_EQ(run("verify").exit_code, 0);

  write("db/V3__c.sql", "ALTER TABLE t ADD COLUMN c int;\n");  // new: fine
  r = run("verify");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("1 not recorded yet"), std::string::npos) << r.out;

  write("db/V1__init.sql", "CREATE TABLE t (a bigint);\n");  // an applied migration edited
  fs::remove(dir_ / "db/V2__b.sql");
  r = run("verify");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("V1__init.sql: modified since it was recorded"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("db/V2__b.sql: deleted"), std::string::npos) << r.out;

  // update records V3 but refuses to bless the edit.
  r = run("update");
  EXPECT_EQ(r.exit_code, 1);
  j = nlohmann::json::parse(read_text((dir_ / "ledger.json").string()));
  EXPECT_TRUE(j["migrations"].contains("db/V3__c.sql"));
  EXPECT_EQ(j["migrations"]["db/V1__init.sql"], sha256_hex("CREATE TABLE t (a int);\n"));
  EXPECT_EQ(run("update --accept-changes").exit_code, 0);
}

TEST_F(LedgerCli, VerifyWithoutALedgerOrWithABrokenOneIsAUsageError) {
  write("db/V1__init.sql", "SELECT 1;\n");
  EXPECT_EQ(run("verify").exit_code, 2);
  write("ledger.json", "{\"not\": \"a ledger\"}");
  auto r = run("verify");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a migsafe ledger"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace migsafe::test
