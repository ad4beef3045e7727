#include "nabla/core/storage.h"

#include <atomic>
#include <cstdlib>
#include <new>

#include "nabla/core/error.h"

namespace nabla {
namespace {
std::atomic<int64_t> g_allocated{0};
std::atomic<int64_t> g_peak{0};
std::atomic<int64_t> g_live{0};
constexpr size_t kAlignment = 64;
constexpr size_t kSmallBytes = 1024;
}  // namespace

StorageImpl::StorageImpl(size_t nbytes) : nbytes_(nbytes), owned_(true) {
  size_t rounded = (nbytes + kAlignment - 1) / kAlignment * kAlignment;
  // Small buffers (scalars, biases, autograd temporaries) take malloc's fast path; large ones are
  // cache-line aligned for the vectorized kernels. Both are released with free().
  if (rounded == 0) data_ = nullptr;
  else if (nbytes < kSmallBytes) data_ = std::malloc(nbytes);
  else data_ = std::aligned_alloc(kAlignment, rounded);
  NABLA_CHECK(rounded == 0 || data_ != nullptr, "allocator: out of memory allocating ", nbytes, " bytes");
  int64_t now = g_allocated.fetch_add(int64_t(nbytes)) + int64_t(nbytes);
  int64_t peak = g_peak.load();
  while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
  }
  ++g_live;
}

StorageImpl::StorageImpl(void* data, size_t nbytes, std::function<void(void*)> deleter)
    : data_(data), nbytes_(nbytes), owned_(false), deleter_(std::move(deleter)) {}

StorageImpl::~StorageImpl() {
  if (owned_) {
    std::free(data_);
    g_allocated.fetch_sub(int64_t(nbytes_));
    --g_live;
  } else if (deleter_) {
    deleter_(data_);
  }
}

MemoryStats memory_stats() { return {g_allocated.load(), g_peak.load(), g_live.load()}; }

}  // namespace nabla
