// The session TimeZone as the context tracks it: SET LOCAL ends with its transaction, ROLLBACK
// undoes a SET, COMMIT keeps it. changing-column-type relies on it for timestamp <-> timestamptz.
#include <gtest/gtest.h>

#include "core/parse.hpp"
#include "model/context.hpp"
#include "model/locks.hpp"

namespace migsafe::test {
namespace {

// Whether the session TimeZone is known to be UTC after every statement of `sql`.
Tri utc_after(const std::string& sql) {
  SourceFile file("test.sql", sql);
  ParsedFile parsed = parse_file(file);
  LintSettings settings;
  FileContext ctx(file, settings);
  Effect none;
  for (const Statement& stmt : parsed.statements)
    ctx.advance(stmt, [&]() -> const Effect& { return none; });
  return ctx.session_timezone_utc();
}

TEST(ContextTimezone, SessionSetLastsForTheFile) {
  EXPECT_EQ(utc_after("SET TimeZone = 'UTC';"), Tri::Yes);
  EXPECT_EQ(utc_after("SET TIME ZONE 'Europe/Paris';"), Tri::No);
  EXPECT_EQ(utc_after("SELECT 1;"), Tri::Maybe);
}

TEST(ContextTimezone, SetLocalEndsWithItsTransaction) {
  EXPECT_EQ(utc_after("BEGIN;\nSET LOCAL TimeZone = 'UTC';"), Tri::Yes);
  EXPECT_EQ(utc_after("BEGIN;\nSET LOCAL TimeZone = 'UTC';\nCOMMIT;"), Tri::Maybe);
  EXPECT_EQ(utc_after("SET TimeZone = 'Asia/Tokyo';\nBEGIN;\nSET LOCAL TimeZone = 'UTC';\nCOMMIT;"),
            Tri::No);
  // Outside a transaction block SET LOCAL does nothing.
  EXPECT_EQ(utc_after("SET LOCAL TimeZone = 'UTC';"), Tri::Maybe);
}

TEST(ContextTimezone, RollbackUndoesASetAndCommitKeepsIt) {
  EXPECT_EQ(utc_after("BEGIN;\nSET TimeZone = 'UTC';\nROLLBACK;"), Tri::Maybe);
  EXPECT_EQ(utc_after("BEGIN;\nSET TimeZone = 'UTC';\nCOMMIT;"), Tri::Yes);
  EXPECT_EQ(
      utc_after("BEGIN;\nSET TimeZone = 'UTC';\nSET LOCAL TimeZone = 'Europe/Paris';\nCOMMIT;"),
      Tri::Yes);
}

}  // namespace
}  // namespace migsafe::test
