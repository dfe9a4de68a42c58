// The README's output samples are real: each "$ migsafe ..." block between the samples
// markers is run from the repository root and must print exactly what the README shows
// (the SARIF sample shows the first result only, compared as JSON).
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>

#include "config/config.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

struct Sample {
  std::string args;
  std::string pointer;  // JSON pointer when the block shows only part of a JSON document
  std::string expected;
};

// The "$ migsafe ..." blocks between <!-- NAME:begin --> and <!-- NAME:end -->.
std::vector<Sample> samples(const std::string& name = "samples") {
  std::string readme = read_text("README.md");
  size_t a = readme.find("<!-- " + name + ":begin -->"),
         b = readme.find("<!-- " + name + ":end -->");
  EXPECT_NE(a, std::string::npos);
  EXPECT_NE(b, std::string::npos);
  std::string section = readme.substr(a, b - a);
  std::vector<Sample> out;
  std::regex block(R"(```\n\$ migsafe ([^\n#]*?)(?:\s+# (\S+))?\n([\s\S]*?)```)");
  for (std::sregex_iterator it(section.begin(), section.end(), block), e; it != e; ++it) {
    Sample s{(*it)[1], (*it)[2], (*it)[3]};
    out.push_back(std::move(s));
  }
  return out;
}

std::string to_pointer(const std::string& jq) {
  // ".runs[0].results[0]" -> "/runs/0/results/0"
  std::string p;
  std::regex part(R"(\.([a-zA-Z_]+)|\[(\d+)\])");
  for (std::sregex_iterator it(jq.begin(), jq.end(), part), e; it != e; ++it)
    p += "/" + ((*it)[1].matched ? (*it)[1].str() : (*it)[2].str());
  return p;
}

void check_samples(const std::vector<Sample>& all) {
  for (const Sample& s : all) {
    auto r = run_migsafe("check --color never " + s.args.substr(s.args.find(' ') + 1) + "", "",
                         "cd '" + source_dir() + "' && ");
    if (s.pointer.empty()) {
      EXPECT_EQ(r.out, s.expected)
          << "migsafe " << s.args << "\nregenerate: scripts/update-readme-samples.sh";
    } else {
      auto got =
          nlohmann::json::parse(r.out).at(nlohmann::json::json_pointer(to_pointer(s.pointer)));
      EXPECT_EQ(got, nlohmann::json::parse(s.expected)) << "migsafe " << s.args;
    }
  }
}

TEST(Readme, OutputSamplesMatchTheBinary) {
  auto all = samples();
  ASSERT_GE(all.size(), 4u) << "text, gcc, json and sarif samples expected";
  check_samples(all);
}

TEST(Readme, CiFormatSamplesMatchTheBinary) {
  auto all = samples("ci-samples");
  ASSERT_EQ(all.size(), 3u) << "github, gitlab and junit samples expected";
  check_samples(all);
}

// Every TOML block in the README and the rule pages is a valid config file, and the
// pre-commit snippet is what `migsafe init` prints.
TEST(Readme, ConfigExamplesParse) {
  std::string readme = read_text("README.md");
  std::vector<std::string> pages = {"README.md"};
  for (const auto& e : std::filesystem::directory_iterator(source_dir() + "/docs/rules"))
    pages.push_back("docs/rules/" + e.path().filename().string());
  std::regex block(R"(```toml\n([\s\S]*?)```)");
  size_t n = 0;
  for (const auto& page : pages) {
    std::string text = read_text(page);
    for (std::sregex_iterator it(text.begin(), text.end(), block), e; it != e; ++it, ++n) {
      if ((*it)[1].str().find("[language-server.") != std::string::npos) continue;  // Helix's
      EXPECT_NO_THROW(parse_config((*it)[1].str(), page)) << page << ":\n" << (*it)[1].str();
    }
  }
  EXPECT_GE(n, 3u);
  EXPECT_NE(readme.find("```yaml\n" + pre_commit_snippet() + "```"), std::string::npos);
  // The config error shown in the README is the one migsafe prints.
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(readme, m,
                        std::regex(R"(\nmigsafe: \.migsafe\.toml:(\d+):1: ([a-z.-]+)\.(\w+): )"
                                   R"(unknown key \(did you mean '(\w+)'\?\)\n)")));
  std::string text(std::stoul(m[1]) - 1, '\n');
  text = "[" + m[2].str() + "]\n" + text.substr(1) + m[3].str() + " = \"error\"\n";
  try {
    parse_config(text, ".migsafe.toml");
    ADD_FAILURE() << text;
  } catch (const ConfigError& e) {
    EXPECT_EQ("migsafe: " + std::string(e.what()) + "\n", m[0].str().substr(1));
  }
}

// The `migsafe locks` / `migsafe trace` samples: run as shown. Trace durations and the server's
// minor version differ from run to run and machine to machine; they are compared as placeholders.
std::string normalize_trace(std::string s) {
  s = std::regex_replace(s, std::regex(R"(\(\d+\.\d ms\))"), "(... ms)");
  return std::regex_replace(s, std::regex(R"(PostgreSQL \d+\.\d+)"), "PostgreSQL N");
}

TEST(Readme, LocksAndTraceSamplesMatchTheBinary) {
  std::string readme = read_text("README.md");
  size_t a = readme.find("<!-- locks-samples:begin -->"),
         b = readme.find("<!-- locks-samples:end -->");
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(b, std::string::npos);
  std::string section = readme.substr(a, b - a);
  std::regex block(R"(```\n\$ migsafe ([^\n]*)\n([\s\S]*?)```)");
  size_t seen = 0;
  for (std::sregex_iterator it(section.begin(), section.end(), block), e; it != e; ++it) {
    std::string args = (*it)[1], expected = (*it)[2];
    ++seen;
    bool trace = args.rfind("trace ", 0) == 0;
    if (trace && !postgres_server_available()) {
      std::cout << "*** SKIPPED LOUDLY: no PostgreSQL server for the README's trace sample ***\n";
      continue;
    }
    auto r = run_migsafe(args, "", "cd '" + source_dir() + "' && ");
    if (trace)
      EXPECT_EQ(normalize_trace(r.out), normalize_trace(expected))
          << "migsafe " << args << "\nregenerate: scripts/update-readme-samples.sh\n"
          << r.err;
    else
      EXPECT_EQ(r.out, expected) << "migsafe " << args
                                 << "\nregenerate: scripts/update-readme-samples.sh";
  }
  EXPECT_EQ(seen, 2u) << "a `migsafe locks` and a `migsafe trace` sample expected";
}

}  // namespace
}  // namespace migsafe::test
