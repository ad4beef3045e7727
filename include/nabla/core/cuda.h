#pragma once
// torch::cuda's queries, for a build without CUDA: no device is available, so LibTorch programs that pick their
// device with `cuda::is_available() ? kCUDA : kCPU` run on the CPU; asking for CUDA work is a nabla::Error.
#include <cstdint>

namespace nabla::cuda {

/// False: nabla was built without CUDA.
bool is_available();
/// 0 in this build.
int64_t device_count();
/// False in this build.
bool cudnn_is_available();
/// Seeds the CUDA generators: nothing to seed in this build (as LibTorch without a GPU).
void manual_seed(uint64_t seed);
void manual_seed_all(uint64_t seed);
/// Waits for CUDA work: a nabla::Error in this build ("nabla was built without CUDA").
void synchronize(int64_t device_index = -1);

}  // namespace nabla::cuda
