// Devices in a build without CUDA, as a LibTorch program meets them: cuda::is_available() is false, Device("cuda:0")
// parses, and moving a tensor or a module to the CPU is a no-op while moving it to CUDA is a nabla::Error saying
// why. (Operands on two devices: tests/backend/device_test.cpp.)
#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "test_util.h"

namespace nabla {
namespace {

using testing::expect_error;

TEST(CudaQueries, NoCudaInThisBuild) {
  EXPECT_FALSE(cuda::is_available());
  EXPECT_EQ(cuda::device_count(), 0);
  EXPECT_FALSE(cuda::cudnn_is_available());
  cuda::manual_seed(1);  // nothing to seed, as LibTorch without a GPU
  cuda::manual_seed_all(1);
  expect_error([] { cuda::synchronize(); }, {"cuda::synchronize", "built without CUDA"});
  // The usual way to pick a device.
  Device device = cuda::is_available() ? kCUDA : kCPU;
  EXPECT_TRUE(device.is_cpu());
}

TEST(DeviceSpec, ParsesLibTorchsSpellings) {
  EXPECT_TRUE(Device("cpu").is_cpu());
  const Device c("cuda:0");
  EXPECT_TRUE(c.is_cuda());
  EXPECT_EQ(c.index(), 0);
  EXPECT_EQ(Device("cuda").index(), -1);
  EXPECT_EQ(Device(kCUDA, 1).str(), "cuda:1");
  expect_error([] { Device("tpu:0"); }, {"Device", "unknown device 'tpu:0'"});
  expect_error([] { Device("cuda:x"); }, {"Device", "bad device index", "cuda:x"});
}

TEST(TensorTo, CpuIsANoOpAndCudaIsAClearError) {
  Tensor x = tensor({1.5, 2.5});
  Tensor same = x.to(Device("cpu"));
  EXPECT_EQ(same.data_ptr(), x.data_ptr());
  Tensor d = x.to(kCPU, kFloat64);
  EXPECT_EQ(d.dtype(), kFloat64);
  EXPECT_EQ(testing::values(d), std::vector<double>({1.5, 2.5}));
  EXPECT_EQ(x.cpu().data_ptr(), x.data_ptr());
  expect_error([&] { (void)x.to(Device("cuda:0")); }, {"to", "cuda:0", "nabla was built without CUDA"});
  expect_error([&] { (void)x.cuda(); }, {"to", "nabla was built without CUDA"});
  expect_error([&] { (void)x.to(kCUDA, kFloat64); }, {"nabla was built without CUDA"});
  expect_error([&] { (void)x.to(TensorOptions().device(kCUDA)); }, {"nabla was built without CUDA"});
}

TEST(ModuleTo, CpuIsANoOpAndCudaIsAClearError) {
  nn::Linear lin(3, 2);
  const void* w = lin->weight.data_ptr();
  lin->to(Device(kCPU));
  EXPECT_EQ(lin->weight.data_ptr(), w);
  lin->to(kCPU, kFloat64);
  EXPECT_EQ(lin->weight.dtype(), kFloat64);
  EXPECT_EQ(lin->bias.dtype(), kFloat64);
  EXPECT_EQ(lin->forward(ones({1, 3}, kFloat64)).dtype(), kFloat64);
  expect_error([&] { lin->to(Device("cuda:0")); }, {"Module::to", "nabla was built without CUDA"});
  expect_error([&] { lin->to(kCUDA, kFloat32); }, {"Module::to", "nabla was built without CUDA"});
  EXPECT_EQ(lin->weight.dtype(), kFloat64);  // a refused move changes nothing
}

}  // namespace
}  // namespace nabla
