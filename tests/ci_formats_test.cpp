// The CI formats as their consumers read them: GitHub's runner unescapes workflow commands
// (decoded here the way the runner does), GitLab parses Code Quality JSON, and test-report views
// parse JUnit XML (here with libxml2, so malformed XML fails the test).
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "helpers.hpp"
#include "report/formats.hpp"
#include "report/reporter.hpp"

namespace migsafe::test {
namespace {

using nlohmann::json;

// --- GitHub ---------------------------------------------------------------------------------

std::string unescape(std::string s) {
  // The runner's order: %0D, %0A, %3A, %2C, then %25.
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"%0D", "\r"}, {"%0A", "\n"}, {"%3A", ":"}, {"%2C", ","}, {"%25", "%"}}) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
      s.replace(at, from.size(), to);
  }
  return s;
}

struct Command {
  std::string name;
  std::map<std::string, std::string> props;
  std::string data;
};

std::vector<Command> commands(const std::string& out) {
  std::vector<Command> found;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("::", 0) != 0) continue;
    Command c;
    size_t space = line.find(' '), end = line.find("::", 2);
    EXPECT_NE(end, std::string::npos) << line;
    c.name = line.substr(2, std::min(space, end) - 2);
    if (space < end) {
      std::string props = line.substr(space + 1, end - space - 1);
      size_t start = 0;
      while (start <= props.size()) {
        size_t comma = props.find(',', start);
        std::string kv = props.substr(start, comma == std::string::npos ? comma : comma - start);
        size_t eq = kv.find('=');
        c.props[kv.substr(0, eq)] = unescape(kv.substr(eq + 1));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
    c.data = unescape(line.substr(end + 2));
    found.push_back(std::move(c));
  }
  return found;
}

TEST(GithubFormat, EscapesDataAndProperties) {
  EXPECT_EQ(github_escape_data("100% done\r\nnext: a,b"), "100%25 done%0D%0Anext: a,b");
  EXPECT_EQ(github_escape_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
}

TEST(GithubFormat, OneCommandPerFindingThatTheRunnerDecodes) {
  TempDir d;
  d.write("db/a,b:c.sql",
          "SELECT 1;\n\tCREATE INDEX i ON \"50%_off\" (a);\nALTER TABLE users DROP COLUMN x;\n");
  const std::string check =
      "check --select require-concurrent-index-creation,require-lock-timeout,ban-drop-column ";
  auto r = run_migsafe(check + "--format github db", "", d.cd());
  EXPECT_EQ(r.exit_code, 1);
  auto j = json::parse(run_migsafe(check + "--format json db", "", d.cd()).out);
  auto cmds = commands(r.out);
  ASSERT_EQ(cmds.size(), j["findings"].size()) << r.out;
  // Nothing a command carries may break the line apart: one line per command and the summary.
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), static_cast<long>(cmds.size()) + 1);
  for (size_t i = 0; i < cmds.size(); ++i) {
    const Command& c = cmds[i];
    const json& f = j["findings"][i];
    std::string want = f["severity"] == "error"     ? "error"
                       : f["severity"] == "warning" ? "warning"
                                                    : "notice";
    EXPECT_EQ(c.name, want);
    EXPECT_EQ(c.props.at("file"), "db/a,b:c.sql");
    EXPECT_EQ(c.props.at("line"), std::to_string(int(f["start"]["line"])));
    EXPECT_EQ(c.props.at("endLine"), std::to_string(int(f["end"]["line"])));
    EXPECT_EQ(c.props.at("title"), "migsafe: " + std::string(f["rule"]));
    EXPECT_EQ(c.data.rfind(std::string(f["message"]) + "\n\n" + std::string(f["help"]), 0), 0u)
        << c.data;
    EXPECT_NE(c.data.find("docs: " + std::string(f["docs"])), std::string::npos);
  }
  // 1-based, a tab is one column; endColumn is the last column of the span.
  const Command& index = cmds[0];
  EXPECT_EQ(index.props.at("line"), "2");
  EXPECT_EQ(index.props.at("col"), "2");
  EXPECT_EQ(index.props.at("endColumn"), "33");  // "CREATE INDEX ... (a);" ends at column 33
  EXPECT_NE(index.data.find("\"50%_off\""), std::string::npos) << index.data;
  EXPECT_NE(r.out.find("lock on \"50%25_off\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("file=db/a%2Cb%3Ac.sql,"), std::string::npos) << r.out;
}

// --- GitLab ---------------------------------------------------------------------------------

TEST(GitlabFormat, CodeQualityIssuesWithStableUniqueFingerprints) {
  TempDir d;
  const char* sql =
      "CREATE INDEX i ON orders (a);\n"
      "ALTER TABLE users DROP COLUMN legacy;\n"
      "ALTER TABLE users DROP COLUMN legacy;\n";
  d.write("db/V1.sql", sql);
  const std::string check = "check --select require-concurrent-index-creation,ban-drop-column ";
  auto r = run_migsafe(check + "--format gitlab db", "", d.cd());
  EXPECT_EQ(r.exit_code, 1);
  json report = json::parse(r.out);
  ASSERT_TRUE(report.is_array());
  ASSERT_EQ(report.size(), 3u) << r.out;
  std::set<std::string> fingerprints;
  std::map<std::string, std::string> severity;
  for (const json& issue : report) {
    for (const char* key : {"description", "check_name", "fingerprint", "severity"})
      EXPECT_TRUE(issue[key].is_string()) << key;
    EXPECT_EQ(issue["type"], "issue");
    EXPECT_EQ(issue["location"]["path"], "db/V1.sql");
    EXPECT_GE(issue["location"]["lines"]["begin"], 1);
    fingerprints.insert(issue["fingerprint"]);
    severity[issue["check_name"]] = issue["severity"];
  }
  EXPECT_EQ(fingerprints.size(), 3u) << "two identical statements still get two fingerprints";
  EXPECT_EQ(severity["require-concurrent-index-creation"], "critical");  // error
  EXPECT_EQ(severity["ban-drop-column"], "major");                       // warning
  EXPECT_EQ(report[0]["location"]["lines"]["begin"], 1);
  // Moving the statements keeps every fingerprint, so GitLab sees no new issue.
  d.write("db/V1.sql", std::string("-- moved\n\n") + sql);
  json moved = json::parse(run_migsafe(check + "--format gitlab db", "", d.cd()).out);
  std::set<std::string> after;
  for (const json& issue : moved) after.insert(issue["fingerprint"]);
  EXPECT_EQ(after, fingerprints);
  EXPECT_EQ(moved[0]["location"]["lines"]["begin"], 3);
  // A clean run is an empty array.
  d.write("db/V1.sql", "SELECT 1;\n");
  EXPECT_EQ(json::parse(run_migsafe(check + "--format gitlab db", "", d.cd()).out), json::array());
}

TEST(GitlabFormat, SeverityMapping) {
  TempDir d;
  d.write("V1.sql", "-- migsafe-ignore ban-drop-column\nSELECT 1;\n");
  d.write(".migsafe.toml", "[rules.unused-suppression]\nseverity = \"info\"\n");
  json report = json::parse(run_migsafe("check --format gitlab V1.sql", "", d.cd()).out);
  ASSERT_EQ(report.size(), 1u);
  EXPECT_EQ(report[0]["severity"], "info");
}

// --- JUnit ----------------------------------------------------------------------------------

struct XmlDoc {
  xmlDocPtr doc = nullptr;
  explicit XmlDoc(const std::string& text)
      : doc(xmlReadMemory(text.data(), static_cast<int>(text.size()), "junit.xml", nullptr,
                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)) {}
  ~XmlDoc() {
    if (doc) xmlFreeDoc(doc);
  }
  XmlDoc(const XmlDoc&) = delete;
  XmlDoc& operator=(const XmlDoc&) = delete;
};

std::string attr(xmlNodePtr n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  std::string s = v ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return s;
}

std::string name_of(xmlNodePtr n) {
  return reinterpret_cast<const char*>(n->name);
}

std::vector<xmlNodePtr> children(xmlNodePtr n, const char* name) {
  std::vector<xmlNodePtr> out;
  for (xmlNodePtr c = n->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && name_of(c) == name) out.push_back(c);
  return out;
}

TEST(JunitFormat, WellFormedSuitesPerFileWithFailuresPerFinding) {
  TempDir d;
  d.write("db/V1.sql", "SELECT 1;\n");
  // A hostile identifier: markup characters, a control character and a byte that is not UTF-8.
  d.write("db/V2.sql",
          "CREATE INDEX i ON \"t<&>\"\"'\x01\xff]]>\" (a);\nALTER TABLE u DROP COLUMN x;\n");
  auto r = run_migsafe("check --format junit db", "", d.cd());
  EXPECT_EQ(r.exit_code, 1);
  XmlDoc xml(r.out);
  ASSERT_NE(xml.doc, nullptr) << "not well-formed XML:\n" << r.out;
  xmlNodePtr root = xmlDocGetRootElement(xml.doc);
  ASSERT_EQ(name_of(root), "testsuites");
  auto suites = children(root, "testsuite");
  ASSERT_EQ(suites.size(), 2u);
  EXPECT_EQ(attr(suites[0], "name"), "db/V1.sql");
  EXPECT_EQ(attr(suites[0], "failures"), "0");
  ASSERT_EQ(children(suites[0], "testcase").size(), 1u);
  EXPECT_TRUE(children(children(suites[0], "testcase")[0], "failure").empty());

  auto json_report = json::parse(run_migsafe("check --format json db", "", d.cd()).out);
  size_t findings = json_report["findings"].size();
  EXPECT_EQ(attr(suites[1], "name"), "db/V2.sql");
  EXPECT_EQ(attr(suites[1], "tests"), std::to_string(findings));
  EXPECT_EQ(attr(suites[1], "failures"), std::to_string(findings));
  EXPECT_EQ(attr(root, "tests"), std::to_string(findings + 1));
  EXPECT_EQ(attr(root, "failures"), std::to_string(findings));
  auto cases = children(suites[1], "testcase");
  ASSERT_EQ(cases.size(), findings);
  for (size_t i = 0; i < cases.size(); ++i) {
    const json& f = json_report["findings"][i];
    auto failure = children(cases[i], "failure");
    ASSERT_EQ(failure.size(), 1u);
    EXPECT_EQ(attr(failure[0], "type"), f["severity"]);
    EXPECT_EQ(attr(cases[i], "classname"), "db/V2.sql");
    EXPECT_EQ(attr(cases[i], "line"), std::to_string(int(f["start"]["line"])));
    EXPECT_NE(attr(cases[i], "name").find(std::string(f["rule"])), std::string::npos);
    std::string message = attr(failure[0], "message");
    // The markup characters survive; the control character and the bad byte become U+FFFD.
    if (f["rule"] == "require-concurrent-index-creation") {
      EXPECT_NE(message.find("\"t<&>\"\"'\xEF\xBF\xBD\xEF\xBF\xBD]]>\""), std::string::npos)
          << message;
    }
    xmlChar* body = xmlNodeGetContent(failure[0]);
    std::string text = reinterpret_cast<const char*>(body);
    xmlFree(body);
    EXPECT_NE(text.find("\nhelp: "), std::string::npos) << text;
  }
}

TEST(JunitFormat, UnreadableFileIsAnError) {
  std::ostringstream out;
  auto reporter = make_reporter("junit", out, ReportOptions{});
  ASSERT_TRUE(reporter);
  FileResult unreadable;
  unreadable.error = "db/V9.sql: Permission denied";
  RunSummary summary;
  summary.add(unreadable);
  reporter->begin();
  reporter->file(unreadable);
  reporter->end(summary);
  XmlDoc xml(out.str());
  ASSERT_NE(xml.doc, nullptr) << out.str();
  xmlNodePtr root = xmlDocGetRootElement(xml.doc);
  EXPECT_EQ(attr(root, "errors"), "1");
  auto suite = children(root, "testsuite").at(0);
  EXPECT_EQ(attr(suite, "name"), "db/V9.sql");
  auto error = children(children(suite, "testcase").at(0), "error");
  ASSERT_EQ(error.size(), 1u);
  EXPECT_EQ(attr(error[0], "message"), "db/V9.sql: Permission denied");
}

TEST(JunitFormat, EscapesWhatXmlForbids) {
  EXPECT_EQ(xml_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
  EXPECT_EQ(xml_escape("x\x01y"), "x\xEF\xBF\xBDy");
  EXPECT_EQ(xml_escape("\xC3\xA9\xff\xC3"), "\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(xml_escape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(xml_escape("line\nnext", true), "line&#10;next");
  EXPECT_EQ(xml_escape("line\nnext", false), "line\nnext");
}

}  // namespace
}  // namespace migsafe::test
