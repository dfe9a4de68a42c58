// Blocks of memory handed out front to back; nothing is freed until the arena goes. An
// unpacked tree is many small messages that live and die together: a bump allocator makes the
// unpack cheaper, drops malloc's per-node overhead (less memory for a large file) and turns
// freeing the tree (a walk over every node) into freeing a few blocks. Used for parse trees
// (core/parse.cpp), scanner tokens (core/tokens.cpp) and the benchmark's floor.
#pragma once

#include <protobuf-c/protobuf-c.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace migsafe::fastpack {

class Arena {
 public:
  explicit Arena(size_t block = size_t{64} << 10) : block_(block) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  void* allocate(size_t size) {
    // protobuf-c messages hold pointers, 64-bit integers and doubles at most: 8 is enough.
    constexpr size_t align = 8;
    static_assert(alignof(void*) <= align && alignof(double) <= align &&
                  alignof(uint64_t) <= align);
    size = (size + align - 1) / align * align;
    if (size > block_ / 4) {  // a large one (a long string) gets a block of its own
      blocks_.emplace_back(new std::max_align_t[words(size)]);
      return blocks_.back().get();
    }
    if (size > left_) {
      blocks_.emplace_back(new std::max_align_t[words(block_)]);
      next_ = reinterpret_cast<char*>(blocks_.back().get());
      left_ = block_;
    }
    void* p = next_;
    next_ += size;
    left_ -= size;
    return p;
  }

  // A protobuf-c allocator over this arena (free does nothing: the arena frees everything).
  ProtobufCAllocator allocator() {
    return ProtobufCAllocator{
        [](void* a, size_t size) { return static_cast<Arena*>(a)->allocate(size); },
        [](void*, void*) {}, this};
  }

 private:
  static size_t words(size_t bytes) {
    return (bytes + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t);
  }
  size_t block_;
  std::vector<std::unique_ptr<std::max_align_t[]>> blocks_;
  char* next_ = nullptr;
  size_t left_ = 0;
};

}  // namespace migsafe::fastpack
