// The benchmark's floor: what it costs to get a usable parse tree of each file and nothing
// else (read, pg_query_parse_protobuf, unpack into a bump arena, release the arena), on the
// same number of threads as migsafe, with the same serializer and deserializer migsafe uses
// (src/fastpack): the cheapest way migsafe knows to get a tree. A file above migsafe's chunk
// size is cut where migsafe cuts it (parse_detail::lexical_cuts) and its chunks are parsed by
// the thread that read it and helpers it starts, as migsafe does: one libpg_query parse of a
// 20 MB file costs more than its chunks' parses. Usage: parse-floor [-j N] FILE...
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/parse.hpp"
#include "fastpack/arena.hpp"
#include "fastpack/unpack.hpp"

// Parses one piece of SQL (followed by a NUL byte); the number of statements.
static size_t parse_piece(const char* sql) {
  PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
  size_t stmts = 0;
  if (!r.error) {
    migsafe::fastpack::Arena arena;
    ProtobufCAllocator allocator = arena.allocator();
    const auto* data = reinterpret_cast<const uint8_t*>(r.parse_tree.data);
    auto* tree = reinterpret_cast<PgQuery__ParseResult*>(migsafe::fastpack::unpack(
        &pg_query__parse_result__descriptor, &allocator, r.parse_tree.len, data));
    if (!tree) tree = pg_query__parse_result__unpack(&allocator, r.parse_tree.len, data);
    if (tree) stmts = tree->n_stmts;
  }
  pg_query_free_protobuf_parse_result(r);
  return stmts;
}

// Reads with its own loop, not migsafe::read_file (one allocation of the file's size): with
// read_file this floor was slower on the default corpus, 2 cores, in 8 interleaved runs of
// each (0.71-1.12 s against 0.44-0.60 s), likely because the freed buffers of a string grown
// block by block raise glibc's dynamic mmap threshold for libpg_query's later allocations.
static size_t parse_one(const char* path, unsigned jobs) {
  FILE* f = std::fopen(path, "rb");
  if (!f) return 0;
  std::string bytes;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.append(buf, n);
  std::fclose(f);
  if (bytes.size() <= migsafe::kParseChunkBytes) return parse_piece(bytes.c_str());
  std::vector<size_t> cuts = migsafe::parse_detail::lexical_cuts(bytes, migsafe::kParseChunkBytes);
  cuts.push_back(bytes.size());
  std::atomic<size_t> next{0}, stmts{0};
  auto work = [&] {
    for (size_t k; (k = next++) < cuts.size();) {
      size_t begin = k == 0 ? 0 : cuts[k - 1];
      stmts += parse_piece(bytes.substr(begin, cuts[k] - begin).c_str());
    }
  };
  std::vector<std::thread> helpers;
  for (size_t t = 1; t < std::min<size_t>(jobs, cuts.size()); ++t) helpers.emplace_back(work);
  work();
  for (auto& t : helpers) t.join();
  return stmts;
}

int main(int argc, char** argv) {
  unsigned jobs = 1;
  int first = 1;
  if (argc > 2 && std::strcmp(argv[1], "-j") == 0) {
    jobs = static_cast<unsigned>(std::atoi(argv[2]));
    first = 3;
  }
  if (jobs == 0) jobs = 1;
  std::vector<const char*> files(argv + first, argv + argc);
  std::atomic<size_t> next{0}, statements{0};
  auto work = [&] {
    // No pg_query_exit() here: libpg_query frees a thread's memory context when the thread
    // exits, and calling it as well frees it twice (libpg_query 15-4.0).
    for (size_t i; (i = next++) < files.size();) statements += parse_one(files[i], jobs);
  };
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < jobs; ++t) threads.emplace_back(work);
  for (auto& t : threads) t.join();
  std::printf("%zu files, %zu statements\n", files.size(), statements.load());
  return 0;
}
