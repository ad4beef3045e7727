// The CPU allocator: 64-byte aligned blocks, cached by size class after they are freed.
//
// A training step frees and allocates the same sizes every iteration; the system allocator hands large blocks back
// to the kernel (munmap) and faults them in afresh each time, which cost 15% of an MLP epoch in page faults. Here a
// freed block goes to the free list of its size class and the next request of that class reuses it, so steps after
// the first make no system allocation. Classes: multiples of 64 bytes up to 512, then four per power of two (at
// most 25% slack), each with its own free list in a fixed table. One spin lock guards the lists (its critical
// sections are a few instructions; a mutex and a hash map cost ~150 instructions per tensor), so a block may be
// freed on any thread (batches are made on the loader's thread). The cache holds at most kMaxCachedBytes; beyond that
// frees go back to the system.
//
// Blocks of 2 MiB and more are 2 MiB aligned and marked MADV_HUGEPAGE: on a kernel with transparent huge pages in
// "madvise" mode (Debian's default) one page fault then maps 2 MiB instead of 4 KiB. First touches of fresh 4 KiB
// pages cost about 11 us each on the development VM (a 400 MB buffer: 1.12 s against 0.03 s with huge pages), which
// made the first evaluation batch of 1000 images cost more than the other nine.
//
// Under AddressSanitizer the cache is bypassed: every free goes to the system, so use-after-free is still caught.
#include <array>
#include <bit>
#include <cstdlib>
#include <mutex>
#include <vector>

#include <sys/mman.h>

#include "core/spin_lock.h"
#include "nabla/core/allocator.h"
#include "nabla/core/error.h"

#if defined(__SANITIZE_ADDRESS__)
#define NABLA_ALLOCATOR_CACHE 0
#else
#define NABLA_ALLOCATOR_CACHE 1
#endif

namespace nabla {
namespace {

constexpr size_t kAlignment = 64;
constexpr int64_t kMaxCachedBytes = int64_t(1) << 30;
constexpr size_t kHugePage = size_t(2) << 20;

/// A fresh block of `cls` bytes from the system; nullptr when there is none.
void* system_allocate(size_t cls) {
  if (cls < kHugePage) return std::aligned_alloc(kAlignment, cls);
  const size_t whole = (cls + kHugePage - 1) & ~(kHugePage - 1);  // the tail is a huge page too
  void* p = std::aligned_alloc(kHugePage, whole);
#if defined(MADV_HUGEPAGE)
  if (p) madvise(p, whole, MADV_HUGEPAGE);  // a hint: where the kernel has no THP it is ignored
#endif
  return p;
}

/// The size class of an n-byte request (n > 0): what the block really holds.
size_t size_class(size_t n) {
  if (n <= 512) return (n + kAlignment - 1) & ~(kAlignment - 1);
  const int top = std::bit_width(n - 1) - 1;  // 2^top < n <= 2^(top+1)
  const size_t step = size_t(1) << (top - 2);
  return (n + step - 1) & ~(step - 1);
}

/// The free-list slot of size class `cls`: 0-7 for 64..512 bytes, then four per power of two.
constexpr size_t kNumClasses = 8 + 4 * (64 - 9);
size_t class_index(size_t cls) {
  if (cls <= 512) return cls / kAlignment - 1;
  const int top = std::bit_width(cls - 1) - 1;  // cls in (2^top, 2^(top+1)], a multiple of 2^(top-2)
  return 8 + size_t(top - 9) * 4 + (cls >> (top - 2)) - 5;
}

class CpuCachingAllocator final : public Allocator {
 public:
  ~CpuCachingAllocator() override { release_all(); }

  void* allocate(size_t nbytes) override {
    if (nbytes == 0) return nullptr;
    const size_t cls = size_class(nbytes);
    {
      std::lock_guard<SpinLock> lock(mu_);
      count_alloc(nbytes);
      if constexpr (NABLA_ALLOCATOR_CACHE) {
        auto& list = free_[class_index(cls)];
        if (!list.empty()) {
          void* p = list.back();
          list.pop_back();
          stats_.cached_bytes -= int64_t(cls);
          return p;
        }
      }
      ++stats_.system_allocations;
    }
    void* p = system_allocate(cls);
    if (!p) {
      empty_cache();
      p = system_allocate(cls);
    }
    if (!p) {
      std::lock_guard<SpinLock> lock(mu_);
      stats_.allocated_bytes -= int64_t(nbytes);
      --stats_.live_storages;
      NABLA_FAIL("allocator: out of memory allocating ", nbytes, " bytes on the CPU (", stats_.allocated_bytes,
                 " bytes in use)");
    }
    return p;
  }

  void deallocate(void* ptr, size_t nbytes) noexcept override {
    if (!ptr) return;
    const size_t cls = size_class(nbytes);
    {
      std::lock_guard<SpinLock> lock(mu_);
      stats_.allocated_bytes -= int64_t(nbytes);
      --stats_.live_storages;
      if (NABLA_ALLOCATOR_CACHE && stats_.cached_bytes + int64_t(cls) <= kMaxCachedBytes) {
        try {
          free_[class_index(cls)].push_back(ptr);
          stats_.cached_bytes += int64_t(cls);
          return;
        } catch (...) {  // no memory for the list entry: give the block back instead
        }
      }
      ++stats_.system_frees;
    }
    std::free(ptr);
  }

  MemoryStats stats() const override {
    std::lock_guard<SpinLock> lock(mu_);
    return stats_;
  }

  void empty_cache() override { release_all(); }

 private:
  void count_alloc(size_t nbytes) {
    stats_.allocated_bytes += int64_t(nbytes);
    if (stats_.allocated_bytes > stats_.peak_bytes) stats_.peak_bytes = stats_.allocated_bytes;
    ++stats_.live_storages;
  }

  void release_all() {
    std::array<std::vector<void*>, kNumClasses> blocks;  // swapped out (no allocation: this runs when memory is short)
    {
      std::lock_guard<SpinLock> lock(mu_);
      blocks.swap(free_);
      for (const auto& list : blocks) stats_.system_frees += int64_t(list.size());
      stats_.cached_bytes = 0;
    }
    for (const auto& list : blocks)
      for (void* p : list) std::free(p);
  }

  mutable SpinLock mu_;
  std::array<std::vector<void*>, kNumClasses> free_;  // class_index(size class) -> free blocks
  MemoryStats stats_;
};

}  // namespace

/// The built-in CPU allocator (src/core/storage.cpp serves it for kCPU). Never destroyed: storages held by static
/// objects may be freed after main returns.
Allocator& cpu_allocator() {
  static auto* a = new CpuCachingAllocator();
  return *a;
}

}  // namespace nabla
