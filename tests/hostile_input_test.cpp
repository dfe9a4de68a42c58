// Hostile input, run through the real `migsafe` binary as users run it. Each case has the
// result docs/robustness.md documents (exit code, message naming the file and, for content,
// line and column, or the right findings); every run is under `timeout` so a hang fails
// instead of stalling the suite, and every case checks that the user's files are unchanged.
// The 100 MB file and the 50,000-file directory are generated in a temporary directory and
// print how long they took.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "helpers.hpp"

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;

constexpr int kTimedOut = 124;  // timeout(1)

struct Outcome : CommandResult {
  double seconds = 0;
};

// Runs migsafe under timeout(1) (SIGTERM after `limit` seconds, SIGKILL 5 s later).
Outcome run(const std::string& args, int limit = 60, const std::string& prefix = "") {
  auto start = std::chrono::steady_clock::now();
  Outcome r;
  static_cast<CommandResult&>(r) =
      run_migsafe(args, "", "timeout -k 5 " + std::to_string(limit) + " " + prefix);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

// What every run must be: finished, a documented exit code, no crash or sanitizer report.
void expect_orderly(const Outcome& r, int exit_code) {
  EXPECT_NE(r.exit_code, kTimedOut) << "migsafe did not finish";
  EXPECT_EQ(r.exit_code, exit_code) << "stdout:\n"
                                    << r.out.substr(0, 2000) << "\nstderr:\n"
                                    << r.err.substr(0, 2000);
  for (const char* bad : {"Sanitizer", "runtime error", "internal error", "terminate called"})
    EXPECT_EQ(r.err.find(bad), std::string::npos) << r.err.substr(0, 2000);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Every file's bytes and mtime under `dir`: the user's files must come out as they went in.
std::map<std::string, std::pair<size_t, std::string>> snapshot(const fs::path& dir) {
  std::map<std::string, std::pair<size_t, std::string>> files;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    std::error_code ec;
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    struct stat st {};
    ::stat(it->path().c_str(), &st);
    std::ifstream in(it->path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    files[it->path().string()] = {std::hash<std::string>{}(bytes),
                                  std::to_string(st.st_mtim.tv_sec) + "." +
                                      std::to_string(st.st_mtim.tv_nsec) + "/" +
                                      std::to_string(st.st_mode)};
  }
  return files;
}

class Hostile : public ::testing::Test {
 protected:
  void TearDown() override {
    if (!before_.empty()) {
      EXPECT_EQ(snapshot(dir_.path()), before_) << "a user file changed";
    }
  }
  // Call once every input file is written.
  void freeze() { before_ = snapshot(dir_.path()); }
  std::string write(const std::string& rel, const std::string& bytes) {
    return dir_.write(rel, bytes);
  }
  std::string path(const std::string& rel) const { return dir_.path(rel); }

  TempDir dir_;
  std::map<std::string, std::pair<size_t, std::string>> before_;
};

const char* const kUnsafe = "CREATE INDEX orders_placed_idx ON orders (placed_at);\n";

TEST_F(Hostile, EmptyFileIsClean) {
  std::string f = write("V1__empty.sql", "");
  freeze();
  Outcome r = run("check " + q(f));
  expect_orderly(r, 0);
  EXPECT_TRUE(contains(r.out, "0 statements")) << r.out;
}

TEST_F(Hostile, OnlyCommentsIsClean) {
  std::string f =
      write("V1__notes.sql", "-- nothing yet\n/* a block\n   /* nested */ comment */\n-- end");
  freeze();
  expect_orderly(run("check " + q(f)), 0);
}

TEST_F(Hostile, BinaryGarbageIsASyntaxErrorWithAPosition) {
  std::mt19937 gen(42);
  std::string bytes(64 * 1024, '\0');
  for (char& c : bytes) c = static_cast<char>(gen() & 0xff);
  std::string f = write("V1__garbage.sql", bytes);
  freeze();
  for (const char* format : {"gcc", "text", "json", "sarif", "junit", "gitlab", "github"}) {
    SCOPED_TRACE(format);
    Outcome r = run("check --format " + std::string(format) + " " + q(f));
    expect_orderly(r, 1);
    if (std::string(format) == "gcc") {
      EXPECT_TRUE(contains(r.out, "V1__garbage.sql:")) << r.out.substr(0, 500);
      EXPECT_TRUE(contains(r.out, "[syntax-error]")) << r.out.substr(0, 500);
    }
    if (std::string(format) == "json" || std::string(format) == "sarif") {
      EXPECT_TRUE(nlohmann::json::accept(r.out)) << "the report must stay valid JSON";
    }
  }
}

TEST_F(Hostile, NulBytesAreReportedWhereTheyAreAndTheRestIsLinted) {
  std::string sql = std::string("SELECT 1;\nSELECT '\0';\n", 22) + kUnsafe;
  std::string f = write("V1__nul.sql", sql);
  freeze();
  Outcome r = run("check --format gcc " + q(f));
  expect_orderly(r, 1);
  EXPECT_TRUE(contains(r.out, "V1__nul.sql:2:9: error: NUL byte")) << r.out;
  EXPECT_TRUE(contains(r.out, "V1__nul.sql:3:1: error:")) << r.out;
  EXPECT_TRUE(contains(r.out, "[require-concurrent-index-creation]")) << r.out;
}

TEST_F(Hostile, InvalidUtf8KeepsEveryFormatValid) {
  // A Latin-1 file: é is the single byte 0xE9, and a stray continuation byte.
  std::string sql = "-- caf\xe9\nALTER TABLE \"caf\xe9\x80\" ADD COLUMN n int NOT NULL;\n";
  std::string f = write("V1__latin1.sql", sql);
  freeze();
  for (const char* format : {"gcc", "text", "json", "sarif", "junit", "gitlab", "github"}) {
    SCOPED_TRACE(format);
    Outcome r = run("check --format " + std::string(format) + " " + q(f));
    expect_orderly(r, 1);
    if (std::string(format) == "json" || std::string(format) == "sarif") {
      EXPECT_TRUE(nlohmann::json::accept(r.out)) << r.out.substr(0, 500);
    }
    if (std::string(format) == "gcc") {
      EXPECT_TRUE(contains(r.out, "V1__latin1.sql:2:20: error:")) << r.out;
    }
  }
  Outcome schema = run("schema --format json " + q(f));
  expect_orderly(schema, 0);
  EXPECT_TRUE(nlohmann::json::accept(schema.out)) << schema.out.substr(0, 500);
}

TEST_F(Hostile, ByteOrderMarkDoesNotShiftColumns) {
  std::string f = write("V1__bom.sql", "\xEF\xBB\xBF" + std::string(kUnsafe));
  freeze();
  Outcome r = run("check --format gcc " + q(f));
  expect_orderly(r, 1);
  EXPECT_TRUE(contains(r.out, "V1__bom.sql:1:1: error:")) << r.out;
}

TEST_F(Hostile, CrlfLineEndingsKeepLinesAndColumns) {
  std::string f = write("V1__crlf.sql", "-- windows\r\nSELECT 1;\r\n  " + std::string(kUnsafe));
  freeze();
  Outcome r = run("check --format gcc " + q(f));
  expect_orderly(r, 1);
  EXPECT_TRUE(contains(r.out, "V1__crlf.sql:3:3: error:")) << r.out;
  EXPECT_FALSE(contains(r.out, "\r")) << "no carriage return leaks into the report";
}

TEST_F(Hostile, TenThousandNestedParenthesesAreAnErrorNotACrash) {
  std::string sql =
      "SELECT " + std::string(10000, '(') + "1" + std::string(10000, ')') + ";\n" + kUnsafe;
  std::string f = write("V1__deep.sql", sql);
  freeze();
  Outcome r = run("check --format gcc " + q(f));
  expect_orderly(r, 1);
  EXPECT_TRUE(contains(r.out, "V1__deep.sql:1:")) << r.out.substr(0, 1000);
  EXPECT_TRUE(contains(r.out, "V1__deep.sql:1:1008: error: statement nested too deeply"))
      << r.out.substr(0, 1000);
  EXPECT_TRUE(contains(r.out, "V1__deep.sql:2:1: error:")) << r.out.substr(0, 1000);
}

// Before the nesting bound, these crashed migsafe (stack overflow in protobuf-c's unpacker at a
// few thousand levels, in libpg_query itself further on).
TEST_F(Hostile, LongOperatorChainsAndDeepSubqueriesAreAnErrorNotACrash) {
  std::string chain = "SELECT 1";
  for (int i = 0; i < 200000; ++i) chain += " + 1";
  std::string subqueries = "SELECT ";
  for (int i = 0; i < 3000; ++i) subqueries += "(SELECT ";
  subqueries += "1" + std::string(3000, ')');
  std::string f = write("V1__chains.sql", chain + ";\n" + subqueries + ";\n" + kUnsafe);
  freeze();
  Outcome r = run("check --format gcc " + q(f));
  expect_orderly(r, 1);
  EXPECT_TRUE(contains(r.out, "V1__chains.sql:1:4010: error: statement nested too deeply"))
      << r.out.substr(0, 1000);
  EXPECT_TRUE(contains(r.out, "V1__chains.sql:2:8008: error: statement nested too deeply"))
      << r.out.substr(0, 1000);
  EXPECT_TRUE(contains(r.out, "V1__chains.sql:3:1: error:")) << r.out.substr(0, 1000);
}

TEST_F(Hostile, UnterminatedTokensPointAtWhereTheyStart) {
  struct Case {
    const char* name;
    std::string sql;  // after a first line holding a dangerous statement
    const char* error;
  };
  const Case cases[] = {
      {"string", "SELECT 1;\nSELECT 'abc\n;\n", ":3:8: error: unterminated quoted string"},
      {"dollar", "SELECT 1;\nDO $body$ BEGIN\nEND;\n", ":3:4: error: unterminated dollar-quoted"},
      {"comment", "SELECT 1;\n/* never closed\nSELECT 2;\n",
       ":3:1: error: unterminated /* comment"},
      {"ident", "SELECT 1;\nSELECT \"abc;\n", ":3:8: error: unterminated quoted identifier"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string name = std::string("V1__") + c.name + ".sql";
    std::string f = write(name, std::string(kUnsafe) + c.sql);
    Outcome r = run("check --format gcc " + q(f));
    expect_orderly(r, 1);
    EXPECT_TRUE(contains(r.out, name + c.error)) << r.out;
    EXPECT_TRUE(contains(r.out, name + ":1:1: error:")) << "the statement before is still linted";
  }
}

TEST_F(Hostile, SymlinkLoopsInADirectoryAreReportedAndTheRestIsLinted) {
  write("db/V1__ok.sql", kUnsafe);
  fs::create_directory_symlink(path("db"), path("db/loop"));  // db/loop/loop/loop/...
  fs::create_symlink(path("db/V3__b.sql"), path("db/V2__a.sql"));
  fs::create_symlink(path("db/V2__a.sql"), path("db/V3__b.sql"));
  freeze();
  Outcome r = run("check --format gcc " + q(path("db")));
  expect_orderly(r, 2);
  EXPECT_TRUE(contains(r.out, "V1__ok.sql:1:1: error:")) << r.out;
  EXPECT_TRUE(contains(r.err, "V2__a.sql: Too many levels of symbolic links")) << r.err;
  EXPECT_TRUE(contains(r.err, "V3__b.sql: Too many levels of symbolic links")) << r.err;
}

// Unreadable files. As root (CI), chmod 000 does not stop reads, so two kinds are used:
// a dangling symbolic link, which no user can read, and a chmod 000 file read by migsafe
// running as `nobody` (runuser) when the test runs as root.
TEST_F(Hostile, DanglingSymlinkIsAnErrorButOtherFilesAreLinted) {
  write("db/V1__ok.sql", kUnsafe);
  fs::create_symlink(path("db/gone.sql"), path("db/V2__missing.sql"));
  freeze();
  Outcome r = run("check --format gcc " + q(path("db")));
  expect_orderly(r, 2);
  EXPECT_TRUE(contains(r.err, "V2__missing.sql: broken symbolic link")) << r.err;
  EXPECT_TRUE(contains(r.out, "V1__ok.sql:1:1: error:")) << r.out;
  // Named on the command line, it is a missing path.
  Outcome named =
      run("check --format gcc " + q(path("db/V2__missing.sql")) + " " + q(path("db/V1__ok.sql")));
  expect_orderly(named, 2);
  EXPECT_TRUE(contains(named.err, "V2__missing.sql: No such file or directory")) << named.err;
  EXPECT_TRUE(contains(named.out, "V1__ok.sql:1:1: error:")) << named.out;
}

TEST_F(Hostile, PermissionDeniedIsAnErrorButOtherFilesAreLinted) {
  std::string good = write("db/V1__ok.sql", kUnsafe);
  std::string bad = write("db/V2__secret.sql", "SELECT 1;\n");
  for (int i = 4; i <= 9; ++i)  // whatever order the directory lists them in, all are linted
    fs::permissions(write("db/V" + std::to_string(i) + "__more.sql", kUnsafe),
                    fs::perms::owner_all | fs::perms::others_read);
  fs::create_directories(path("db/private"));
  write("db/private/V3__hidden.sql", kUnsafe);
  fs::permissions(bad, fs::perms::none);
  fs::permissions(path("db/private"), fs::perms::none);
  for (const std::string& d : {path(""), path("db")})
    fs::permissions(d, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(good, fs::perms::owner_all | fs::perms::others_read);
  std::string as_user = ::geteuid() == 0 ? "runuser -u nobody -- " : "";
  freeze();
  Outcome r = run("check --format gcc " + q(path("db")), 60, as_user);
  fs::permissions(path("db/private"), fs::perms::owner_all);  // so the fixture can clean up
  expect_orderly(r, 2);
  EXPECT_TRUE(contains(r.err, "V2__secret.sql: Permission denied")) << r.err;
  EXPECT_TRUE(contains(r.err, "db/private: Permission denied")) << r.err;
  EXPECT_TRUE(contains(r.out, "V1__ok.sql:1:1: error:")) << r.out;
  for (int i = 4; i <= 9; ++i)
    EXPECT_TRUE(contains(r.out, "V" + std::to_string(i) + "__more.sql:1:1: error:")) << r.out;
}

TEST_F(Hostile, NamedPipeInADirectoryIsReportedNotRead) {
  write("db/V1__ok.sql", kUnsafe);
  ASSERT_EQ(::mkfifo(path("db/V2__pipe.sql").c_str(), 0644), 0);
  freeze();
  Outcome r = run("check --format gcc " + q(path("db")), 30);
  expect_orderly(r, 2);
  EXPECT_TRUE(contains(r.err, "V2__pipe.sql: not a regular file (a named pipe)")) << r.err;
  EXPECT_TRUE(contains(r.out, "V1__ok.sql:1:1: error:")) << r.out;
}

// Deterministic: migsafe (-j 1) reads the named pipe first and blocks there until the test has
// deleted the second file, which it found on the command line before.
TEST_F(Hostile, FileDeletedMidRunIsAnErrorButTheRestIsReported) {
  std::string pipe = path("V1__first.sql");
  ASSERT_EQ(::mkfifo(pipe.c_str(), 0644), 0);
  std::string victim = write("V2__deleted.sql", kUnsafe);
  std::string last = write("V3__last.sql", kUnsafe);
  std::thread feeder([&] {
    std::ofstream out(pipe, std::ios::binary);  // opens once migsafe is reading the pipe
    fs::remove(victim);
    out << kUnsafe;
  });
  Outcome r = run("check -j 1 --format gcc " + q(pipe) + " " + q(victim) + " " + q(last), 30);
  feeder.join();
  expect_orderly(r, 2);
  EXPECT_TRUE(contains(r.err, "V2__deleted.sql: No such file or directory")) << r.err;
  EXPECT_TRUE(contains(r.out, "V1__first.sql:1:1: error:")) << r.out;
  EXPECT_TRUE(contains(r.out, "V3__last.sql:1:1: error:")) << r.out;
}

// 100 MB of seed data in 100 statements of 1 MB each, then the one dangerous statement. A
// data dump of a million small INSERTs of the same size also works, but takes minutes and
// gigabytes today (docs/robustness.md), which is the benchmark's business, not this suite's.
TEST_F(Hostile, HundredMegabyteFile) {
  std::string sql;
  sql.reserve(101u * 1024 * 1024);
  const std::string body(1024 * 1024 - 64, 'x');
  for (int i = 0; i < 100; ++i)
    sql += "INSERT INTO documents (id, body) VALUES (" + std::to_string(i) + ", '" + body + "');\n";
  sql += kUnsafe;
  std::string f = write("V1__documents.sql", sql);
  const size_t size = sql.size();
  sql.clear();
  sql.shrink_to_fit();
  freeze();
  Outcome r = run("check --format gcc " + q(f), 600);
  expect_orderly(r, 1);
  EXPECT_TRUE(contains(r.out, "V1__documents.sql:101:1: error:")) << r.out.substr(0, 1000);
  std::printf("[ timing ] %zu-byte file: checked in %.1f s\n", size, r.seconds);
}

TEST_F(Hostile, FiftyThousandFiles) {
  auto start = std::chrono::steady_clock::now();
  const int n = 50000;
  fs::create_directories(path("db"));
  for (int i = 1; i <= n; ++i) {
    std::string name = std::to_string(i);
    std::ofstream(path("db/" + std::string(5 - name.size(), '0') + name + "_t" + name + ".sql"))
        << "CREATE TABLE t" << i << " (id bigint PRIMARY KEY);\n"
        << (i == 31337 ? "CREATE INDEX t1_id_idx ON t1 (id);\n" : "");
  }
  double made = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  freeze();
  Outcome r = run("check --format gcc " + q(path("db")), 600);
  expect_orderly(r, 1);
  EXPECT_TRUE(contains(r.out, "31337_t31337.sql:2:1: error:")) << r.out.substr(0, 1000);
  EXPECT_TRUE(contains(r.out, "[require-concurrent-index-creation]")) << r.out.substr(0, 1000);
  std::printf("[ timing ] 50,000 files: generated in %.1f s, checked in %.1f s\n", made, r.seconds);
}

}  // namespace
}  // namespace migsafe::test
