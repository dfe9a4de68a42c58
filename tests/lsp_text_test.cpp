// LSP positions (UTF-16 code units, three kinds of line break) and file URIs.
#include <gtest/gtest.h>

#include "lsp/text.hpp"
#include "lsp/uri.hpp"

namespace migsafe::lsp {
namespace {

TEST(LspText, Utf16ColumnsAroundNonBmpCharacters) {
  // a, é (2 bytes), € (3 bytes), 🚀 (4 bytes: two UTF-16 units), b
  std::string text = "aé€🚀b";
  LineIndex index(text);
  EXPECT_EQ(index.position(0), (LspPosition{0, 0}));
  EXPECT_EQ(index.position(1), (LspPosition{0, 1}));   // é
  EXPECT_EQ(index.position(3), (LspPosition{0, 2}));   // €
  EXPECT_EQ(index.position(6), (LspPosition{0, 3}));   // 🚀
  EXPECT_EQ(index.position(10), (LspPosition{0, 5}));  // b
  EXPECT_EQ(index.position(11), (LspPosition{0, 6}));  // end
  EXPECT_EQ(index.position(8), (LspPosition{0, 3}));   // inside 🚀: its start
  EXPECT_EQ(index.offset({0, 5}), 10u);
  EXPECT_EQ(index.offset({0, 4}), 6u);  // between the surrogates: the character's start
  EXPECT_EQ(index.offset({0, 99}), text.size());
  EXPECT_EQ(utf16_length(text), 6u);
}

TEST(LspText, LinesEndAtLfCrLfAndCr) {
  std::string text = "a\r\nbc\rd\ne";
  LineIndex index(text);
  ASSERT_EQ(index.line_count(), 4u);
  EXPECT_EQ(index.position(3), (LspPosition{1, 0}));
  EXPECT_EQ(index.position(6), (LspPosition{2, 0}));
  EXPECT_EQ(index.position(8), (LspPosition{3, 0}));
  EXPECT_EQ(index.offset({0, 5}), 1u);  // past the end of "a": before its CRLF
  EXPECT_EQ(index.offset({1, 9}), 5u);  // before the lone CR
  EXPECT_EQ(index.offset({9, 0}), text.size());
  EXPECT_EQ(index.line_end(0), 1u);
  EXPECT_EQ(index.line_end(3), text.size());
}

TEST(LspText, InvalidUtf8CountsOneUnitPerByte) {
  std::string text = "a\xff\xc3(b";  // a stray byte and a truncated sequence
  LineIndex index(text);
  EXPECT_EQ(index.position(text.size()), (LspPosition{0, 5}));
  EXPECT_EQ(index.offset({0, 3}), 3u);
}

TEST(LspUri, FileUrisDecodeToPaths) {
  EXPECT_EQ(file_uri_to_path("file:///srv/db/a%20b.sql"), "/srv/db/a b.sql");
  EXPECT_EQ(file_uri_to_path("file://localhost/x/%C3%A9.sql"), "/x/\xc3\xa9.sql");
  EXPECT_EQ(file_uri_to_path("FILE:///x.sql"), "/x.sql");
  EXPECT_EQ(file_uri_to_path("file:///x.sql#frag"), "/x.sql");
  EXPECT_EQ(file_uri_to_path("untitled:Untitled-1"), std::nullopt);
  EXPECT_EQ(file_uri_to_path("file://server/share/x.sql"), std::nullopt);
  EXPECT_EQ(file_uri_to_path("file:///bad%2"), std::nullopt);
  EXPECT_EQ(file_uri_to_path("file:///nul%00"), std::nullopt);
  EXPECT_EQ(path_to_file_uri("/srv/my db/é#1.sql"), "file:///srv/my%20db/%C3%A9%231.sql");
  EXPECT_EQ(file_uri_to_path(path_to_file_uri("/a b/c%d.sql")), "/a b/c%d.sql");
}

}  // namespace
}  // namespace migsafe::lsp
