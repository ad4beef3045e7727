#include "nabla/core/storage.h"

#include <array>
#include <atomic>

#include "nabla/core/error.h"

namespace nabla {

Allocator& cpu_allocator();  // src/backend/cpu/allocator.cpp

namespace {
// Registered allocators by device type; the CPU's is built in.
std::array<std::atomic<Allocator*>, kNumDeviceTypes>& registry() {
  static std::array<std::atomic<Allocator*>, kNumDeviceTypes> r{};
  return r;
}
}  // namespace

Allocator& allocator_for(DeviceType type) {
  Allocator* a = registry()[size_t(type)].load(std::memory_order_acquire);
  if (a) [[likely]]
    return *a;
  if (type == kCPU) return cpu_allocator();
  NABLA_FAIL("allocator: no memory for device ", Device(type).str(), ": ",
             type == kCUDA ? "nabla was built without CUDA" : "no backend registered this device type");
}

void register_allocator(DeviceType type, Allocator* a) { registry()[size_t(type)].store(a); }

MemoryStats memory_stats(Device device) { return allocator_for(device.type()).stats(); }
void empty_cache(Device device) { allocator_for(device.type()).empty_cache(); }

StorageImpl::StorageImpl(size_t nbytes, Device device)
    : nbytes_(nbytes), device_(device), allocator_(&allocator_for(device.type())) {
  data_ = allocator_->allocate(nbytes);
}

StorageImpl::StorageImpl(void* data, size_t nbytes, std::function<void(void*)> deleter, Device device)
    : data_(data), nbytes_(nbytes), device_(device), allocator_(nullptr), deleter_(std::move(deleter)) {}

StorageImpl::~StorageImpl() {
  if (allocator_)
    allocator_->deallocate(data_, nbytes_);
  else if (deleter_)
    deleter_(data_);
}

}  // namespace nabla
