#pragma once
// The number of threads nabla's CPU kernels use (OpenMP, and OpenBLAS when nabla uses it): LibTorch's
// torch::set_num_threads / torch::get_num_threads.

namespace nabla {

/// Uses n threads (n >= 1) for intra-op parallelism from now on; throws nabla::Error for n < 1.
void set_num_threads(int n);
/// The number of threads the CPU kernels use (by default the number of cores, or OMP_NUM_THREADS).
int get_num_threads();

}  // namespace nabla
