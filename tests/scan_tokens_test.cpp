// read_scan_tokens reads pg_query_scan's serialized result straight from the wire: it must give
// exactly the tokens protobuf-c's unpack gives, on every fixture and example, and decline (so
// that protobuf-c decides) anything it does not expect.
#include <gtest/gtest.h>
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <filesystem>

#include "core/tokens.hpp"
#include "helpers.hpp"

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;

struct Scan {
  PgQueryScanResult r;
  explicit Scan(const std::string& sql) : r(pg_query_scan(sql.c_str())) {}
  ~Scan() { pg_query_free_scan_result(r); }
  Scan(const Scan&) = delete;
  Scan& operator=(const Scan&) = delete;
  const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(r.pbuf.data); }
  size_t len() const { return r.pbuf.len; }
};

std::vector<std::string> describe(const std::vector<ScannedToken>& tokens) {
  std::vector<std::string> out;
  for (const ScannedToken& t : tokens)
    out.push_back(std::to_string(t.start) + "-" + std::to_string(t.end) + " " +
                  std::to_string(t.kind) + "/" + std::to_string(t.keyword_kind));
  return out;
}

std::vector<std::string> by_protobuf_c(const Scan& s) {
  PgQuery__ScanResult* p = pg_query__scan_result__unpack(nullptr, s.len(), s.data());
  EXPECT_NE(p, nullptr);
  std::vector<ScannedToken> tokens;
  for (size_t i = 0; p && i < p->n_tokens; ++i)
    tokens.push_back(ScannedToken{p->tokens[i]->start, p->tokens[i]->end, p->tokens[i]->token,
                                  p->tokens[i]->keyword_kind});
  if (p) pg_query__scan_result__free_unpacked(p, nullptr);
  return describe(tokens);
}

TEST(ScanTokens, TheWireReaderGivesProtobufCsTokensOnEveryFixtureAndExample) {
  size_t files = 0, tokens = 0;
  for (const char* dir : {"fixtures", "examples"})
    for (const auto& e : fs::recursive_directory_iterator(fs::path(source_dir()) / dir)) {
      if (!e.is_regular_file() || e.path().extension() != ".sql") continue;
      Scan s(read_text(e.path().string()));
      if (s.r.error) continue;
      auto read = read_scan_tokens(s.data(), s.len());
      ASSERT_TRUE(read) << e.path();
      ASSERT_EQ(describe(*read), by_protobuf_c(s)) << e.path();
      ++files;
      tokens += read->size();
    }
  EXPECT_GT(files, 300u);
  EXPECT_GT(tokens, 15000u);
}

TEST(ScanTokens, KeywordsCommentsAndEmptyInput) {
  Scan s("SELECT a -- c\n FROM \"t\" /* d */ WHERE x = 'y'");
  auto read = read_scan_tokens(s.data(), s.len());
  ASSERT_TRUE(read);
  EXPECT_EQ(describe(*read), by_protobuf_c(s));
  ASSERT_EQ(read->size(), 10u);
  EXPECT_EQ((*read)[0].kind, PG_QUERY__TOKEN__SELECT);
  EXPECT_EQ((*read)[0].keyword_kind, PG_QUERY__KEYWORD_KIND__RESERVED_KEYWORD);
  EXPECT_EQ((*read)[2].kind, PG_QUERY__TOKEN__SQL_COMMENT);
  EXPECT_EQ((*read)[2].start, 9);
  Scan empty("");
  auto none = read_scan_tokens(empty.data(), empty.len());
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(ScanTokens, DeclinesTruncatedInputAndUnknownFields) {
  Scan s("CREATE INDEX i ON t (a)");
  std::vector<uint8_t> bytes(s.data(), s.data() + s.len());
  for (size_t cut = 1; cut < bytes.size(); ++cut) {
    auto read = read_scan_tokens(bytes.data(), cut);
    // A cut between two tokens leaves a valid shorter result; any other cut is declined.
    if (read) {
      PgQuery__ScanResult* p = pg_query__scan_result__unpack(nullptr, cut, bytes.data());
      ASSERT_NE(p, nullptr) << "read a prefix protobuf-c rejects, cut at " << cut;
      EXPECT_EQ(read->size(), p->n_tokens);
      pg_query__scan_result__free_unpacked(p, nullptr);
    }
  }
  // An unknown field (number 15, varint) at the end: protobuf-c keeps it; the reader declines.
  std::vector<uint8_t> extra = bytes;
  extra.push_back(15 << 3);
  extra.push_back(1);
  EXPECT_FALSE(read_scan_tokens(extra.data(), extra.size()));
  // The same inside a token.
  Scan one("x");
  std::vector<uint8_t> b(one.data(), one.data() + one.len());
  ASSERT_GE(b.size(), 4u);
  // Find the token message (field 2, length-delimited) and grow it by an unknown field.
  for (size_t i = 0; i + 1 < b.size(); ++i)
    if (b[i] == ((2 << 3) | 2)) {
      b[i + 1] = static_cast<uint8_t>(b[i + 1] + 2);
      b.insert(b.begin() + static_cast<long>(i + 2), {static_cast<uint8_t>(15 << 3), 1});
      break;
    }
  EXPECT_FALSE(read_scan_tokens(b.data(), b.size()));
  PgQuery__ScanResult* p = pg_query__scan_result__unpack(nullptr, b.size(), b.data());
  ASSERT_NE(p, nullptr);  // still a valid message: protobuf-c would have read it
  pg_query__scan_result__free_unpacked(p, nullptr);
}

}  // namespace
}  // namespace migsafe::test
