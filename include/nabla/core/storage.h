#pragma once
// Reference-counted device memory shared by a tensor and its views. Storage knows its Device and takes its memory
// from that device's Allocator (nabla/core/allocator.h).
#include <cstddef>
#include <cstdint>
#include <memory>

#include "nabla/core/allocator.h"
#include "nabla/core/device.h"
#include "nabla/core/std_function.h"

namespace nabla {

class StorageImpl {
 public:
  /// nbytes (uninitialised) from `device`'s allocator.
  explicit StorageImpl(size_t nbytes, Device device = kCPU);
  /// Wraps external memory on `device`; `deleter` (may be empty) runs when the storage dies.
  StorageImpl(void* data, size_t nbytes, std::function<void(void*)> deleter, Device device = kCPU);
  ~StorageImpl();
  StorageImpl(const StorageImpl&) = delete;
  StorageImpl& operator=(const StorageImpl&) = delete;
  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }

 private:
  void* data_;
  size_t nbytes_;
  Device device_;
  Allocator* allocator_;  // null for external memory
  std::function<void(void*)> deleter_;
};

using Storage = std::shared_ptr<StorageImpl>;

}  // namespace nabla
