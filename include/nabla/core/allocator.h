#pragma once
// Device memory: one Allocator per device type, chosen by Storage from the tensor's Device. The CPU allocator caches
// freed blocks by size class, so a training loop stops calling the system allocator (and faulting fresh pages in)
// after its first step.
#include <cstddef>
#include <cstdint>

#include "nabla/core/device.h"

namespace nabla {

/// Counters of one device's allocator. Bytes are the sizes storages asked for; cached blocks are rounded up.
struct MemoryStats {
  int64_t allocated_bytes = 0;     ///< held by live storages
  int64_t peak_bytes = 0;          ///< highest allocated_bytes so far
  int64_t live_storages = 0;       ///< storages alive now
  int64_t cached_bytes = 0;        ///< freed blocks kept for reuse (returned by empty_cache)
  int64_t system_allocations = 0;  ///< calls to the system allocator since start (a cache miss each)
  int64_t system_frees = 0;        ///< blocks given back to the system since start
};

/// Memory of one device type. A backend registers one with register_allocator.
class Allocator {
 public:
  virtual ~Allocator() = default;
  /// nbytes of uninitialised memory, 64-byte aligned; nullptr for 0 bytes; nabla::Error when out of memory.
  virtual void* allocate(size_t nbytes) = 0;
  /// Takes back a block from allocate(nbytes) (from any thread).
  virtual void deallocate(void* ptr, size_t nbytes) noexcept = 0;
  virtual MemoryStats stats() const = 0;
  /// Gives every cached block back to the system.
  virtual void empty_cache() {}
};

/// The allocator that serves `type`; nabla::Error when no backend for it is built in or registered.
Allocator& allocator_for(DeviceType type);
/// Installs `a` (not owned; it must outlive every storage it serves) for `type`; nullptr unregisters.
void register_allocator(DeviceType type, Allocator* a);

/// The allocator counters of `device` (the CPU by default).
MemoryStats memory_stats(Device device = kCPU);
/// Frees the cached blocks of `device`'s allocator (as torch.cuda.empty_cache()).
void empty_cache(Device device = kCPU);

}  // namespace nabla
