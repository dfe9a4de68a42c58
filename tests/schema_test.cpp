// The JSON report validates against docs/schema/report-v1.json and the SARIF report against the
// official SARIF 2.1.0 schema (from @microsoft/sarif-multitool-linux), both with ajv, offline.
// The npm tools come from `scripts/setup.sh --test`; without them the test is skipped loudly,
// unless MIGSAFE_REQUIRE_TOOLS is set (as `./dev test` and CI do), when it fails.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "helpers.hpp"

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;

bool tools_present() {
  return fs::exists(fs::path(source_dir()) / "tools/node_modules/ajv") &&
         std::system("node --version >/dev/null 2>&1") == 0;
}

void require_tools() {
  if (tools_present()) return;
  if (std::getenv("MIGSAFE_REQUIRE_TOOLS"))
    FAIL() << "node/ajv missing: run scripts/setup.sh --test";
  GTEST_SKIP()
      << "SKIPPED LOUDLY: node and tools/node_modules are missing (scripts/setup.sh --test)";
}

std::string validate(const std::string& schema, const std::string& doc_text) {
  fs::path doc =
      fs::temp_directory_path() / ("migsafe-schema-" + std::to_string(::getpid()) + ".json");
  std::ofstream(doc) << doc_text;
  std::string cmd = "node '" + source_dir() + "/tools/validate-json.js' '" + schema + "' '" +
                    doc.string() + "' 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  fs::remove(doc);
  return rc == 0 ? "" : out;
}

// Every fixture, every rule: the widest variety of findings, fixes and related locations.
std::string report(const std::string& format) {
  return run_migsafe("check --format " + format + " '" + source_dir() + "/fixtures'").out;
}

TEST(Schema, JsonReportMatchesTheDocumentedSchema) {
  require_tools();
  std::string out = report("json");
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(validate(source_dir() + "/docs/schema/report-v1.json", out), "");
  EXPECT_EQ(validate(source_dir() + "/docs/schema/report-v1.json",
                     run_migsafe("check --format json -", "SELECT 1;").out),
            "");
}

TEST(Schema, SarifReportMatchesTheOfficialSchema) {
  require_tools();
  std::string schema =
      source_dir() + "/tools/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json";
  std::string out = report("sarif");
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(validate(schema, out), "");
  EXPECT_EQ(validate(schema, run_migsafe("check --format sarif -", "SELECT 1;").out), "");
}

TEST(Schema, ValidatorRejectsABrokenReport) {
  require_tools();
  // Guards the guard: a report missing required fields must not validate.
  EXPECT_NE(validate(source_dir() + "/docs/schema/report-v1.json", R"({"schema_version": 1})"), "");
}

}  // namespace
}  // namespace migsafe::test
