#pragma once
// Reference-counted, 64-byte aligned CPU memory shared by a tensor and its views.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace nabla {

class StorageImpl {
 public:
  /// Allocates nbytes (uninitialised).
  explicit StorageImpl(size_t nbytes);
  /// Wraps external memory; `deleter` (may be empty) runs when the storage dies.
  StorageImpl(void* data, size_t nbytes, std::function<void(void*)> deleter);
  ~StorageImpl();
  StorageImpl(const StorageImpl&) = delete;
  StorageImpl& operator=(const StorageImpl&) = delete;
  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }

 private:
  void* data_;
  size_t nbytes_;
  bool owned_;
  std::function<void(void*)> deleter_;
};

using Storage = std::shared_ptr<StorageImpl>;

/// Counters of the nabla allocator (bytes currently held, peak): used by tests to prove memory is freed.
struct MemoryStats {
  int64_t allocated_bytes;
  int64_t peak_bytes;
  int64_t live_storages;
};
MemoryStats memory_stats();

}  // namespace nabla
