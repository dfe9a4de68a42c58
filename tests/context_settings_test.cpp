// How the file context tracks lock_timeout across transactions: the value each statement runs
// under, following PostgreSQL's rules for SET, SET LOCAL, RESET, COMMIT and ROLLBACK.
#include <gtest/gtest.h>

#include "core/parse.hpp"
#include "model/context.hpp"
#include "model/locks.hpp"

namespace migsafe::test {
namespace {

// The lock_timeout in effect after each statement of `sql` ("" when none).
std::vector<std::string> lock_timeouts(const std::string& sql, LintSettings settings = {}) {
  SourceFile file("t.sql", sql);
  ParsedFile parsed = parse_file(file);
  FileContext ctx(file, settings);
  std::vector<std::string> out;
  for (const Statement& stmt : parsed.statements) {
    std::optional<Effect> effect;
    ctx.advance(stmt, [&]() -> const Effect& {
      if (!effect) effect = predict(stmt, ctx);
      return *effect;
    });
    out.push_back(ctx.lock_timeout() ? ctx.lock_timeout()->value : "");
  }
  return out;
}

using V = std::vector<std::string>;

TEST(LockTimeoutTracking, SetResetAndDisablingValues) {
  EXPECT_EQ(lock_timeouts("SET lock_timeout = '5s'; RESET lock_timeout;"), (V{"5s", ""}));
  EXPECT_EQ(lock_timeouts("SET lock_timeout = '5s'; SET lock_timeout = 0;"), (V{"5s", ""}));
  EXPECT_EQ(lock_timeouts("SET lock_timeout = '5s'; SET lock_timeout TO DEFAULT;"), (V{"5s", ""}));
  EXPECT_EQ(lock_timeouts("SET lock_timeout = '5s'; RESET ALL;"), (V{"5s", ""}));
  EXPECT_EQ(lock_timeouts("SELECT set_config('lock_timeout', '3s', false);"), (V{"3s"}));
}

TEST(LockTimeoutTracking, SetLocalEndsWithItsTransaction) {
  EXPECT_EQ(lock_timeouts("BEGIN; SET LOCAL lock_timeout = '5s'; COMMIT;"), (V{"", "5s", ""}));
  // Outside a transaction block SET LOCAL does nothing, not even when it disables the timeout.
  EXPECT_EQ(lock_timeouts("SET LOCAL lock_timeout = '5s';"), (V{""}));
  EXPECT_EQ(lock_timeouts("SET lock_timeout = '1s'; SET LOCAL lock_timeout = 0;"), (V{"1s", "1s"}));
}

TEST(LockTimeoutTracking, TransactionEndRestoresTheValueFromBefore) {
  // SET LOCAL over a session value: the session value comes back at COMMIT.
  EXPECT_EQ(lock_timeouts("SET lock_timeout = '1s'; BEGIN; SET LOCAL lock_timeout = '5s'; COMMIT;"),
            (V{"1s", "1s", "5s", "1s"}));
  EXPECT_EQ(lock_timeouts("SET lock_timeout = '1s'; BEGIN; SET LOCAL lock_timeout = 0; COMMIT;"),
            (V{"1s", "1s", "", "1s"}));
  // A plain SET inside a transaction survives COMMIT, and ROLLBACK undoes it.
  EXPECT_EQ(lock_timeouts("BEGIN; SET lock_timeout = '5s'; COMMIT;"), (V{"", "5s", "5s"}));
  EXPECT_EQ(lock_timeouts("SET lock_timeout = '1s'; BEGIN; SET lock_timeout = '5s'; ROLLBACK;"),
            (V{"1s", "1s", "5s", "1s"}));
  EXPECT_EQ(lock_timeouts("SET lock_timeout = '1s'; BEGIN; RESET lock_timeout; ROLLBACK;"),
            (V{"1s", "1s", "", "1s"}));
  // SET then SET LOCAL: COMMIT keeps the plain SET's value.
  EXPECT_EQ(lock_timeouts("BEGIN; SET lock_timeout = '2s'; SET LOCAL lock_timeout = '9s'; COMMIT;"),
            (V{"", "2s", "9s", "2s"}));
}

TEST(LockTimeoutTracking, AssumedTransactionBehavesLikeBegin) {
  LintSettings s;
  s.assume_in_transaction = true;
  EXPECT_EQ(lock_timeouts("SET LOCAL lock_timeout = '5s'; COMMIT; SELECT 1;", s),
            (V{"5s", "", ""}));
}

}  // namespace
}  // namespace migsafe::test
