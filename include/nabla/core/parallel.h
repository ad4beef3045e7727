#pragma once
// The number of threads nabla's CPU kernels use (nabla's own thread pool, which also splits the GEMMs): LibTorch's
// torch::set_num_threads / torch::get_num_threads. No environment variable is read: one process per core (data
// parallelism over MPI) calls set_num_threads(1).

namespace nabla {

/// Uses n threads (n >= 1) for intra-op parallelism from now on; throws nabla::Error for n < 1.
void set_num_threads(int n);
/// The number of threads the CPU kernels use (by default the cores this process may run on).
int get_num_threads();

/// While alive, the ops this thread calls run on this thread alone, without the pool. A DataLoader's worker thread
/// holds one (as PyTorch's DataLoader workers call set_num_threads(1)): preparing the next batch in the background
/// then neither waits for the pool, which runs one parallel loop at a time, nor takes the training step's cores.
class SerialOpsGuard {
 public:
  SerialOpsGuard();
  ~SerialOpsGuard();
  SerialOpsGuard(const SerialOpsGuard&) = delete;
  SerialOpsGuard& operator=(const SerialOpsGuard&) = delete;

 private:
  bool prev_;
};

}  // namespace nabla
