// The CPU caching allocator: reuse by size class, frees from other threads, empty_cache, and a training loop that
// stops calling the system allocator after its first step.
#include <sys/resource.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "test_util.h"

namespace nabla {
namespace {

// Under AddressSanitizer the CPU allocator does not cache (so that use-after-free is still caught): these tests
// check the cache, so they say so and skip there.
#if defined(__SANITIZE_ADDRESS__)
#define NABLA_SKIP_WITHOUT_CACHE() GTEST_SKIP() << "the CPU allocator's cache is off under AddressSanitizer"
#else
#define NABLA_SKIP_WITHOUT_CACHE() (void)0
#endif

TEST(CpuAllocator, FreedBlockIsReusedWithoutASystemAllocation) {
  NABLA_SKIP_WITHOUT_CACHE();
  empty_cache();
  { Tensor warm = empty({1000}); }  // one block of its class now cached
  const MemoryStats before = memory_stats();
  EXPECT_GE(before.cached_bytes, 4000);
  for (int i = 0; i < 10; ++i) {
    Tensor t = empty({1000});  // same class: served from the cache
    EXPECT_EQ(memory_stats().allocated_bytes, before.allocated_bytes + 4000);
  }
  const MemoryStats after = memory_stats();
  EXPECT_EQ(after.system_allocations, before.system_allocations);
  EXPECT_EQ(after.allocated_bytes, before.allocated_bytes);
  EXPECT_EQ(after.live_storages, before.live_storages);
}

// The kB of anonymous huge pages in the mapping of /proc/self/smaps that holds `addr`; -1 when not found.
int64_t anon_huge_kb_at(const void* addr) {
  std::ifstream smaps("/proc/self/smaps");
  const auto a = reinterpret_cast<uintptr_t>(addr);
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    uintptr_t lo = 0, hi = 0;
    char dash = 0;
    std::istringstream head(line);
    if (head >> std::hex >> lo >> dash >> hi && dash == '-') {
      inside = lo <= a && a < hi;
      continue;
    }
    if (inside && line.rfind("AnonHugePages:", 0) == 0) return std::stoll(line.substr(14));
  }
  return -1;
}

std::string thp_setting(const char* name) {
  std::ifstream f(std::string("/sys/kernel/mm/transparent_hugepage/") + name);
  std::string s;
  std::getline(f, s);
  return s;
}

TEST(CpuAllocator, LargeBlocksAreHugePageAlignedAndAdvised) {
  Tensor big = zeros({8 << 20}, kFloat32);  // 32 MiB, every page touched
  const auto addr = reinterpret_cast<uintptr_t>(big.data_ptr());
  EXPECT_EQ(addr % (uintptr_t(2) << 20), 0u) << "blocks of 2 MiB and more start on a 2 MiB boundary";
  Tensor small = empty({1000}, kFloat32);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(small.data_ptr()) % 64, 0u);
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer maps its own heap: only the alignment is checked";
#endif
  const std::string mode = thp_setting("enabled"), defrag = thp_setting("defrag");
  if (mode.find("[always]") == std::string::npos && mode.find("[madvise]") == std::string::npos)
    GTEST_SKIP() << "transparent huge pages are off on this kernel ('" << mode << "'): only the alignment is checked";
  // Only these defrag modes make an advised fault compact memory for a huge page at once; "defer" and "never" leave
  // it to khugepaged later.
  if (defrag.find("[always]") == std::string::npos && defrag.find("[madvise]") == std::string::npos &&
      defrag.find("[defer+madvise]") == std::string::npos)
    GTEST_SKIP() << "THP defrag is '" << defrag << "': huge pages come later, if at all; only the alignment is checked";
  // With THP in madvise mode, a 32 MiB advised block gets huge pages at its first touch (16 of them; one is enough to
  // show the advice reached the kernel).
  EXPECT_GE(anon_huge_kb_at(big.data_ptr()), 2048) << "THP mode: " << mode << ", defrag: " << defrag;
}

TEST(CpuAllocator, SizeClassesRoundUpAtMostAQuarter) {
  NABLA_SKIP_WITHOUT_CACHE();
  empty_cache();
  { Tensor t = empty({1100}, kFloat32); }  // 4400 bytes -> class 5120 (4096 + 1024)
  const MemoryStats s = memory_stats();
  EXPECT_EQ(s.cached_bytes, 5120);
  // 4500 bytes falls in the same class: no new system block.
  { Tensor t = empty({1125}, kFloat32); }
  EXPECT_EQ(memory_stats().system_allocations, s.system_allocations);
  // 5200 bytes needs the next class (6144).
  { Tensor t = empty({1300}, kFloat32); }
  EXPECT_EQ(memory_stats().system_allocations, s.system_allocations + 1);
  EXPECT_EQ(memory_stats().cached_bytes, 5120 + 6144);
}

TEST(CpuAllocator, EmptyCacheReturnsEveryCachedBlock) {
  NABLA_SKIP_WITHOUT_CACHE();
  { Tensor a = empty({4096}), b = empty({100000}); }
  const MemoryStats s = memory_stats();
  ASSERT_GT(s.cached_bytes, 0);
  empty_cache();
  const MemoryStats e = memory_stats();
  EXPECT_EQ(e.cached_bytes, 0);
  EXPECT_GE(e.system_frees, s.system_frees + 2);
  EXPECT_EQ(e.allocated_bytes, s.allocated_bytes);
}

TEST(CpuAllocator, BlocksFreedOnAnotherThreadAreReused) {
  NABLA_SKIP_WITHOUT_CACHE();
  empty_cache();
  Tensor t = ones({5000});
  const MemoryStats s = memory_stats();
  std::thread([moved = std::move(t)]() mutable { moved = Tensor(); }).join();  // the last reference dies there
  EXPECT_EQ(memory_stats().allocated_bytes, s.allocated_bytes - 20000);
  Tensor again = empty({5000});
  EXPECT_EQ(memory_stats().system_allocations, s.system_allocations);
}

TEST(CpuAllocator, PeakFollowsTheHighestUse) {
  NABLA_SKIP_WITHOUT_CACHE();
  const int64_t base = memory_stats().allocated_bytes;
  { Tensor big = empty({1 << 20}); }
  EXPECT_GE(memory_stats().peak_bytes, base + (int64_t(4) << 20));
}

// After the first step of an MLP training loop (which sizes the optimizer state), every later step reuses cached
// blocks: the system allocator is not called again.
TEST(CpuAllocator, TrainingStepsAfterTheFirstMakeNoSystemAllocation) {
  NABLA_SKIP_WITHOUT_CACHE();
  manual_seed(0);
  // The MLP of `nabla train` (first layers) at batch 64: its weight, gradient and Adam moments are 800 KB each,
  // above glibc's mmap threshold, so a system allocator would map and fault them in afresh every step.
  nn::Sequential model(nn::Linear(784, 256), nn::ReLU(), nn::Linear(256, 10));
  optim::Adam opt(model->parameters(), optim::AdamOptions(1e-3));
  Tensor x = randn({64, 784}), y = randint(0, 10, {64});
  auto step = [&] {
    opt.zero_grad();
    Tensor loss = nn::functional::cross_entropy(model->forward(x), y);
    loss.backward();
    opt.step();
    return loss.item<float>();
  };
  const float first = step();
  for (int i = 0; i < 5; ++i) step();  // the first steps also fault in the pool's and OpenBLAS's per-thread buffers
  const MemoryStats s = memory_stats();
  rusage before{}, after{};
  getrusage(RUSAGE_SELF, &before);
  float last = 0;
  for (int i = 0; i < 20; ++i) last = step();
  getrusage(RUSAGE_SELF, &after);
  EXPECT_EQ(memory_stats().system_allocations, s.system_allocations);
  // No fresh pages either: a fresh 800 KB gradient alone would be ~200 minor faults per step (4000 in 20); what
  // remains (20-60 seen) is the C library's heap for small objects (graph nodes) on the pool's threads.
  EXPECT_LT(after.ru_minflt - before.ru_minflt, 100) << "minor page faults in 20 steps";
  EXPECT_EQ(memory_stats().allocated_bytes, s.allocated_bytes);
  EXPECT_LT(last, first);  // and it did train
}

}  // namespace
}  // namespace nabla

namespace nabla {
namespace {
// What the sanitizer build does instead: every free goes back to the system, and nothing is kept.
TEST(CpuAllocatorSanitizer, NoCacheUnderAddressSanitizer) {
#if defined(__SANITIZE_ADDRESS__)
  { Tensor t = empty({1000}); }
  EXPECT_EQ(memory_stats().cached_bytes, 0);
#else
  GTEST_SKIP() << "only the AddressSanitizer build bypasses the cache";
#endif
}
}  // namespace
}  // namespace nabla
