// Storage follows the tensor's device, and operands on two devices are refused. A test-only second device
// (PrivateUse1, "privateuseone") keeps its tensors in host memory and runs the CPU's kernels, so ops on it work and
// the only thing that differs from the CPU is the device tag.
#include <cstdlib>

#include "backend/cpu/capability.h"
#include "backend/kernels.h"
#include "test_util.h"

namespace nabla {
namespace {

class HostAllocator final : public Allocator {
 public:
  void* allocate(size_t n) override {
    if (n == 0) return nullptr;
    ++stats_.system_allocations;
    stats_.allocated_bytes += int64_t(n);
    ++stats_.live_storages;
    return std::aligned_alloc(64, (n + 63) / 64 * 64);
  }
  void deallocate(void* p, size_t n) noexcept override {
    if (!p) return;
    stats_.allocated_bytes -= int64_t(n);
    --stats_.live_storages;
    std::free(p);
  }
  MemoryStats stats() const override { return stats_; }

 private:
  MemoryStats stats_;
};

class SecondDevice : public ::testing::Test {
 protected:
  void SetUp() override {
    table_ = cpu::kernel_table(cpu::Capability::Default);
    table_.name = "privateuseone";
    register_allocator(kPrivateUse1, &allocator_);
    backend::register_kernels(kPrivateUse1, &table_);
  }
  void TearDown() override {
    backend::register_kernels(kPrivateUse1, nullptr);
    register_allocator(kPrivateUse1, nullptr);
  }
  const Device dev_{kPrivateUse1, 0};
  HostAllocator allocator_;
  backend::KernelTable table_{};
};

TEST_F(SecondDevice, StorageComesFromTheDevicesAllocator) {
  const int64_t before = memory_stats(dev_).live_storages;
  Tensor t = ones({2, 3}, TensorOptions().device(dev_));
  EXPECT_EQ(t.device(), dev_);
  EXPECT_EQ(t.impl().storage->device(), dev_);
  EXPECT_EQ(memory_stats(dev_).live_storages, before + 1);
  EXPECT_EQ(memory_stats(dev_).allocated_bytes, 24);
  Tensor u = t * 2.0;  // runs the device's kernels, result on the device
  EXPECT_EQ(u.device(), dev_);
  const float* p = static_cast<const float*>(u.data_ptr());
  for (int i = 0; i < 6; ++i) EXPECT_EQ(p[i], 2.0f);
}

TEST_F(SecondDevice, OperandsOnTwoDevicesAreAnErrorNamingBoth) {
  Tensor a = ones({3}), b = ones({3}, TensorOptions().device(dev_));
  testing::expect_error([&] { (void)(a + b); }, {"add", "same device", "cpu", "privateuseone:0"});
  testing::expect_error([&] { (void)mul(b, a); }, {"mul", "privateuseone:0", "cpu"});
  testing::expect_error([&] { (void)maximum(a, b); }, {"maximum", "same device"});
}

TEST_F(SecondDevice, ZeroDimCpuTensorGoesWithAnyDevice) {
  Tensor b = full({3}, 4.0, TensorOptions().device(dev_));
  Tensor s = tensor(2.0f);  // 0-dim, CPU
  Tensor r = b / s;
  EXPECT_EQ(r.device(), dev_);
  const float* p = static_cast<const float*>(r.data_ptr());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(p[i], 2.0f);
  // A 0-dim tensor on the device is not special: with a 1-d CPU tensor it is an error.
  Tensor d0 = full({}, 1.0, TensorOptions().device(dev_));
  testing::expect_error([&] { (void)(ones({3}) + d0); }, {"add", "same device"});
}

TEST(Devices, CudaIsRefusedWithTheReason) {
  testing::expect_error([] { (void)ones({2}, TensorOptions().device(Device(kCUDA, 0))); },
                        {"cuda", "built without CUDA"});
  testing::expect_error([] { (void)memory_stats(Device(kPrivateUse1)); }, {"privateuseone", "no backend"});
}

}  // namespace
}  // namespace nabla
