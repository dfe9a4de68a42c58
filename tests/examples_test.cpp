// The bundled examples mean what the README says: each directory is a migration history (Flyway
// naming), linted as one, with the schema replayed across its files. Every migration under
// examples/safe/ is clean under all rules, and every one under examples/unsafe/ (after the
// initial schema) has at least one error-level finding.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "core/discover.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> files_in(const std::string& dir) {
  auto d = discover({source_dir() + "/examples/" + dir});
  EXPECT_TRUE(d.errors.empty());
  return d.files;
}

nlohmann::json check_history(const std::string& dir) {
  auto r = run_migsafe("check --format json --fail-on never '" + source_dir() + "/examples/" + dir +
                       "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

TEST(Examples, SafeMigrationsAreClean) {
  ASSERT_GE(files_in("safe").size(), 5u);
  auto j = check_history("safe");
  EXPECT_EQ(j["files"].size(), files_in("safe").size());
  for (const auto& f : j["findings"])
    ADD_FAILURE() << f["path"] << ": " << f["rule"] << ": " << f["message"];
}

TEST(Examples, UnsafeMigrationsEachHaveAnError) {
  auto files = files_in("unsafe");
  ASSERT_GE(files.size(), 4u);
  auto j = check_history("unsafe");
  std::map<fs::path, int> errors;
  for (const auto& f : j["findings"])
    if (f["severity"] == "error") ++errors[fs::path(f["path"].get<std::string>()).filename()];
  for (const auto& f : files) {
    if (fs::path(f).filename().string().rfind("V1__", 0) == 0) continue;  // the initial schema
    EXPECT_GT(errors[fs::path(f).filename()], 0) << f << " has no error-level finding";
  }
}

}  // namespace
}  // namespace migsafe::test
