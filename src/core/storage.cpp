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
}  // namespace

StorageImpl::StorageImpl(size_t nbytes) : nbytes_(nbytes), owned_(true) {
  size_t rounded = (nbytes + kAlignment - 1) / kAlignment * kAlignment;
  data_ = rounded ? std::aligned_alloc(kAlignment, rounded) : nullptr;
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
