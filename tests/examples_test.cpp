// The bundled examples mean what the README says: every migration under examples/safe/ is clean
// under all rules, and every one under examples/unsafe/ (after the initial schema) has at least
// one error-level finding.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

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

TEST(Examples, SafeMigrationsAreClean) {
  auto files = files_in("safe");
  ASSERT_GE(files.size(), 5u);
  for (const auto& f : files) {
    auto r = lint(read_text(f));
    for (const auto& finding : r.findings)
      ADD_FAILURE() << f << ": " << finding.rule << ": " << finding.message;
  }
}

TEST(Examples, UnsafeMigrationsEachHaveAnError) {
  auto files = files_in("unsafe");
  ASSERT_GE(files.size(), 4u);
  for (const auto& f : files) {
    if (fs::path(f).filename().string().rfind("V1__", 0) == 0) continue;  // the initial schema
    auto r = lint(read_text(f));
    bool error = std::any_of(r.findings.begin(), r.findings.end(),
                             [](const Finding& x) { return x.severity == Severity::Error; });
    EXPECT_TRUE(error) << f << " has no error-level finding";
  }
}

}  // namespace
}  // namespace migsafe::test
