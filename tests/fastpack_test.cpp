// migsafe's protobuf serializer (src/fastpack) against libpg_query's own: the same bytes for
// every parse tree and token list of the fixtures, the examples, the realistic corpus and a
// set of edge statements; and proof that this binary really uses it.
#include <gtest/gtest.h>
#include <pg_query.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "corpus/realistic_corpus.hpp"
#include "fastpack/arena.hpp"
#include "fastpack/pack.hpp"
#include "fastpack/unpack.hpp"
#include "helpers.hpp"

namespace migsafe {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The output of pack-reference (libpg_query's serializer) for `files`: one entry per file,
// "-1" for a file that does not parse.
std::vector<std::string> reference(const std::string& mode, const std::vector<fs::path>& files) {
  std::vector<std::string> out;
  for (size_t first = 0; first < files.size(); first += 400) {  // keep command lines short
    std::string cmd = std::string(MIGSAFE_PACK_REFERENCE) + " " + mode;
    for (size_t i = first; i < std::min(files.size(), first + 400); ++i)
      cmd += " " + test::q(files[i].string());
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
    if (!pipe) {
      ADD_FAILURE() << "cannot run " << cmd;
      return out;
    }
    for (size_t i = first; i < std::min(files.size(), first + 400); ++i) {
      long long len = -2;
      if (std::fscanf(pipe.get(), "%lld", &len) != 1 || std::fgetc(pipe.get()) != '\n') {
        ADD_FAILURE() << "pack-reference output ended early at " << files[i];
        return out;
      }
      if (len < 0) {
        out.emplace_back("-1");
        continue;
      }
      std::string bytes(static_cast<size_t>(len), '\0');
      if (len > 0 && std::fread(bytes.data(), 1, bytes.size(), pipe.get()) != bytes.size()) {
        ADD_FAILURE() << "short pack-reference output for " << files[i];
        return out;
      }
      out.push_back(std::move(bytes));
    }
  }
  return out;
}

std::string ours(const std::string& mode, const std::string& sql) {
  if (mode == "scan") {
    PgQueryScanResult r = pg_query_scan(sql.c_str());
    std::string out = r.error ? "-1" : std::string(r.pbuf.data, r.pbuf.len);
    pg_query_free_scan_result(r);
    return out;
  }
  PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql.c_str());
  std::string out = r.error ? "-1" : std::string(r.parse_tree.data, r.parse_tree.len);
  pg_query_free_protobuf_parse_result(r);
  return out;
}

// Statements that reach the corners of the wire format: negative and large integers (int32
// written as 10 bytes), floats, booleans, empty and non-ASCII strings, long strings (length
// prefixes of several bytes), deep and wide trees (sub-message lengths of several bytes).
std::vector<std::string> edge_statements() {
  std::vector<std::string> v = {
      "SELECT -1, -2147483648, 2147483647, 9223372036854775807, -9223372036854775808;",
      "SELECT 1.5, -0.0, 1e300, 'x'::float8, true, false, NULL;",
      "SELECT '', E'\\n', 'ünïcødé ✓', $$dollar$$, $tag$ nested $$ $tag$;",
      "CREATE TABLE t (a int NOT NULL DEFAULT -5, b text COLLATE \"C\", c numeric(10, -2));",
      "ALTER TABLE ONLY s.t ALTER COLUMN c SET DATA TYPE bigint USING c::bigint;",
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t USING gin (lower(b)) WHERE a > -1;",
      "DO $$ BEGIN RAISE NOTICE 'x'; END $$;",
      "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM "
      "r;",
  };
  v.push_back("SELECT '" + std::string(70000, 'x') + "';");
  std::string wide = "INSERT INTO t VALUES ";
  for (int i = 0; i < 3000; ++i) wide += (i ? ", (" : "(") + std::to_string(i - 1500) + ", 'v')";
  v.push_back(wide + ";");
  std::string deep = "SELECT ";
  for (int i = 0; i < 200; ++i) deep += "(";
  deep += "1";
  for (int i = 0; i < 200; ++i) deep += " + 1)";
  v.push_back(deep + ";");
  return v;
}

// Bump allocation for the unpacked trees, released together.
struct Arena {
  fastpack::Arena memory;
  ProtobufCAllocator allocator = memory.allocator();
};

// The fast deserializer's tree and protobuf-c's for the same bytes.
// `descriptor`: a parse result's (the default) or a scan result's.
struct BothTrees {
  Arena arena;
  ProtobufCMessage* fast = nullptr;
  ProtobufCMessage* reference = nullptr;
  explicit BothTrees(const std::string& bytes, const ProtobufCMessageDescriptor* descriptor =
                                                   &pg_query__parse_result__descriptor) {
    const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
    fast = fastpack::unpack(descriptor, &arena.allocator, bytes.size(), data);
    reference = protobuf_c_message_unpack(descriptor, nullptr, bytes.size(), data);
  }
  ~BothTrees() {
    if (reference) protobuf_c_message_free_unpacked(reference, nullptr);
  }
  BothTrees(const BothTrees&) = delete;
  BothTrees& operator=(const BothTrees&) = delete;
};

TEST(FastPack, IsInterposedInFrontOfLibpgQuerysSerializer) {
  uint64_t before = fastpack::interposed_calls();
  PgQueryProtobufParseResult r = pg_query_parse_protobuf("SELECT 1;");
  ASSERT_EQ(r.error, nullptr);
  pg_query_free_protobuf_parse_result(r);
  EXPECT_GE(fastpack::interposed_calls(), before + 2)
      << "libpg_query did not call migsafe's serializer: the interposition is not in effect";
}

TEST(FastPack, MatchesLibpgQueryBothWaysOnEveryFixtureExampleAndCorpusFile) {
  std::vector<fs::path> files;
  for (const char* dir : {"fixtures", "examples", "docs"})
    for (const auto& e : fs::recursive_directory_iterator(fs::path(test::source_dir()) / dir))
      if (e.is_regular_file() && e.path().extension() == ".sql") files.push_back(e.path());
  TempDir tmp;
  corpus::Options o;
  o.apps = 12;
  for (const auto& entry : corpus::generate(tmp.path("corpus"), o))
    files.push_back(fs::path(tmp.path("corpus")) / entry.path);
  std::vector<std::string> edges = edge_statements();
  for (size_t i = 0; i < edges.size(); ++i) {
    fs::path p = tmp.path("edge" + std::to_string(i) + ".sql");
    std::ofstream(p, std::ios::binary) << edges[i];
    files.push_back(p);
  }
  ASSERT_GT(files.size(), 500u);

  for (const std::string mode : {"parse", "scan"}) {
    std::vector<std::string> expected = reference(mode, files);
    ASSERT_EQ(expected.size(), files.size());
    size_t compared = 0;
    for (size_t i = 0; i < files.size(); ++i) {
      std::string got = ours(mode, slurp(files[i]));
      EXPECT_EQ(got.size(), expected[i].size()) << mode << " " << files[i];
      EXPECT_TRUE(got == expected[i]) << mode << ": the bytes differ for " << files[i];
      if (expected[i] != "-1") ++compared;
    }
    EXPECT_GT(compared, files.size() * 9 / 10) << mode;
    const ProtobufCMessageDescriptor* descriptor =
        mode == "parse" ? &pg_query__parse_result__descriptor : &pg_query__scan_result__descriptor;
    // The deserializer: the same tree as protobuf-c's, member by member, and the same bytes
    // when serialized again.
    for (size_t i = 0; i < files.size(); ++i) {
      if (expected[i] == "-1") continue;
      BothTrees t(expected[i], descriptor);
      ASSERT_NE(t.reference, nullptr) << files[i];
      ASSERT_NE(t.fast, nullptr) << "the fast deserializer declined " << files[i];
      EXPECT_TRUE(fastpack::same_tree(t.fast, t.reference)) << files[i];
      std::string again(fastpack::packed_size(t.fast), '\0');
      again.resize(fastpack::pack(t.fast, reinterpret_cast<uint8_t*>(again.data())));
      EXPECT_TRUE(again == expected[i]) << "repacked bytes differ for " << files[i];
    }
  }
}

TEST(FastPack, TreeComparisonSeesADifference) {
  std::string a = ours("parse", "SELECT 1 FROM t WHERE a = 'x';");
  std::string b = ours("parse", "SELECT 1 FROM t WHERE a = 'y';");
  BothTrees ta(a), tb(b);
  ASSERT_NE(ta.fast, nullptr);
  ASSERT_NE(tb.fast, nullptr);
  EXPECT_TRUE(fastpack::same_tree(ta.fast, ta.reference));
  EXPECT_FALSE(fastpack::same_tree(ta.fast, tb.fast));
  EXPECT_FALSE(fastpack::same_tree(ta.reference, tb.reference));
}

TEST(FastPack, DeserializerDeclinesWhatProtobufCDidNotWrite) {
  std::string bytes = ours("parse", "SELECT 1;");
  Arena arena;
  auto unpack = [&](const std::string& b) {
    return fastpack::unpack(&pg_query__parse_result__descriptor, &arena.allocator, b.size(),
                            reinterpret_cast<const uint8_t*>(b.data()));
  };
  ASSERT_NE(unpack(bytes), nullptr);
  EXPECT_EQ(unpack(bytes.substr(0, bytes.size() - 1)), nullptr) << "truncated";
  EXPECT_EQ(unpack(bytes + std::string("\xf8\x07\x01", 3)), nullptr) << "unknown field 127";
  EXPECT_EQ(unpack(std::string("\x08", 1)), nullptr) << "a varint cut short";
}

}  // namespace
}  // namespace migsafe
