// libpg_query keeps a per-thread TopMemoryContext (with cached blocks) from a thread's first
// parse. The worker threads of `migsafe check -j N` must give it back when they end: the
// library registers a thread-exit destructor for it, and nothing else may free it
// (pg_query_exit() on a worker frees it without unregistering the destructor, which then frees
// it again: the double free of an earlier attempt). This test shows the memory is held while a
// parsing thread lives and returned when it ends. Under AddressSanitizer mallinfo2 sees
// nothing (ASan has its own allocator); LeakSanitizer checks the same thing there.
#include <gtest/gtest.h>
#include <malloc.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "core/parse.hpp"

namespace migsafe::test {
namespace {

size_t allocated() {
  return mallinfo2().uordblks;
}

std::string big_migration() {
  std::string sql;
  for (int i = 0; i < 2000; ++i)
    sql += "ALTER TABLE orders_" + std::to_string(i) + " ADD COLUMN c" + std::to_string(i) +
           " bigint NOT NULL DEFAULT 0, ADD CONSTRAINT k" + std::to_string(i) + " CHECK (c" +
           std::to_string(i) + " > 0);\n";
  return sql;
}

TEST(ParserMemory, AParsingThreadHoldsItsContextUntilItEndsThenReleasesIt) {
  const std::string sql = big_migration();
  { ParsedFile warm = parse_sql(sql); }  // this thread's own context, and the first-use caches
  const size_t before = allocated();

  std::mutex mu;
  std::condition_variable cv;
  bool parsed = false, finish = false;
  std::thread worker([&] {
    { ParsedFile p = parse_sql(sql); }  // the tree is freed; the thread's context stays
    std::unique_lock lock(mu);
    parsed = true;
    cv.notify_all();
    cv.wait(lock, [&] { return finish; });
  });
  size_t alive;
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return parsed; });
    alive = allocated();
    finish = true;
    cv.notify_all();
  }
  worker.join();
  const size_t after = allocated();
  if (alive == before && after == before) GTEST_SKIP() << "malloc statistics are not available";
  // A live thread that parsed holds at least its TopMemoryContext's first block (8 KiB).
  EXPECT_GE(alive, before + 8 * 1024) << "before " << before << ", while alive " << alive;
  // Once it ends, that memory is back (a little slack for allocator bookkeeping).
  EXPECT_LT(after, before + 4 * 1024) << "before " << before << ", after " << after;
}

TEST(ParserMemory, ManyShortLivedParsingThreadsDoNotAccumulateMemory) {
  const std::string sql = big_migration();
  { ParsedFile warm = parse_sql(sql); }
  const size_t before = allocated();
  for (int round = 0; round < 12; ++round) {
    std::thread a([&] { ParsedFile p = parse_sql(sql); });
    std::thread b([&] { ParsedFile p = parse_sql(sql); });
    a.join();
    b.join();
  }
  // 24 threads that each kept their context would hold at least 192 KiB.
  EXPECT_LT(allocated(), before + 64 * 1024);
}

}  // namespace
}  // namespace migsafe::test
