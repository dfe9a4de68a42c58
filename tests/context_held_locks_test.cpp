// The locks a transaction holds on relations that existed before the migration, one per
// relation (the strongest, where the first lock on it was taken): kept up to date as each
// statement takes locks, and equal to deriving it again from every lock held.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/parse.hpp"
#include "helpers.hpp"
#include "model/context.hpp"
#include "model/locks.hpp"

namespace migsafe::test {
namespace {

namespace fs = std::filesystem;

std::string describe(const HeldLock& h) {
  return h.lock.relation.display() + " " + std::string(lock_name(h.lock.mode)) + " #" +
         std::to_string(h.statement);
}

std::vector<std::string> describe(const std::vector<HeldLock>& held) {
  std::vector<std::string> out;
  for (const HeldLock& h : held) out.push_back(describe(h));
  return out;
}

// The definition, applied to every lock held (what the context computed at each call before).
std::vector<HeldLock> derived(const std::vector<HeldLock>& all) {
  std::vector<HeldLock> out;
  for (const HeldLock& h : all) {
    const RelationLock& l = h.lock;
    if (l.is_new || l.unused || l.relation.empty() || l.role == RelationRole::Indexes) continue;
    auto same = std::find_if(out.begin(), out.end(),
                             [&](const HeldLock& o) { return o.lock.relation == l.relation; });
    if (same == out.end())
      out.push_back(h);
    else if (stronger(l.mode, same->lock.mode))
      *same = h;
  }
  return out;
}

// held_on_existing() after each statement of `sql`; checks it against `derived` on the way.
std::vector<std::vector<std::string>> held_after_each(const std::string& sql) {
  SourceFile file("t.sql", sql);
  ParsedFile parsed = parse_file(file);
  LintSettings settings;
  FileContext ctx(file, settings);
  std::vector<std::vector<std::string>> out;
  for (const Statement& stmt : parsed.statements) {
    std::optional<Effect> effect;
    ctx.advance(stmt, [&]() -> const Effect& {
      if (!effect) effect = predict(stmt, ctx);
      return *effect;
    });
    out.push_back(describe(ctx.held_on_existing()));
    EXPECT_EQ(out.back(), describe(derived(ctx.held_locks())))
        << "after statement " << stmt.index << " of:\n"
        << sql;
  }
  return out;
}

using V = std::vector<std::string>;

TEST(HeldLocks, OnePerExistingRelationTheStrongestInTheOrderFirstTaken) {
  auto held = held_after_each(
      "BEGIN;\n"
      "UPDATE accounts SET n = 1;\n"              // 1: ROW EXCLUSIVE on accounts
      "CREATE TABLE fresh (id int);\n"            // 2: a new table: left out
      "SELECT * FROM orders;\n"                   // 3: ACCESS SHARE on orders
      "ALTER TABLE accounts ADD COLUMN m int;\n"  // 4: ACCESS EXCLUSIVE replaces #1
      "ALTER TABLE fresh ADD COLUMN m int;\n"     // 5: still new
      "UPDATE accounts SET n = 2;\n"              // 6: weaker: #4 stays
      "COMMIT;\n"
      "SELECT 1;\n");
  ASSERT_EQ(held.size(), 9u);
  EXPECT_EQ(held[1], (V{"accounts ROW EXCLUSIVE #1"}));
  EXPECT_EQ(held[2], (V{"accounts ROW EXCLUSIVE #1"}));
  EXPECT_EQ(held[3], (V{"accounts ROW EXCLUSIVE #1", "orders ACCESS SHARE #3"}));
  EXPECT_EQ(held[4], (V{"accounts ACCESS EXCLUSIVE #4", "orders ACCESS SHARE #3"}));
  EXPECT_EQ(held[6], (V{"accounts ACCESS EXCLUSIVE #4", "orders ACCESS SHARE #3"}));
  EXPECT_EQ(held[7], V{});  // COMMIT releases everything
  EXPECT_EQ(held[8], V{});
}

TEST(HeldLocks, KeptUpToDateEqualsDerivingItOnEveryFixture) {
  size_t holding = 0;
  for (const auto& dir : fs::directory_iterator(fs::path(source_dir()) / "fixtures"))
    for (const auto& f : fs::directory_iterator(dir.path())) {
      if (f.path().extension() != ".sql") continue;
      for (const auto& after : held_after_each(read_text(f.path().string())))
        if (!after.empty()) ++holding;
    }
  EXPECT_GT(holding, 100u);  // statements that ran with locks held on existing relations
}

}  // namespace
}  // namespace migsafe::test
