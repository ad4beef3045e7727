#pragma once
// nabla's intra-op thread pool: the caller plus (threads - 1) workers run the tasks of one parallel_for at a time.
//
// Why not OpenMP: libgomp reads OMP_WAIT_POLICY once, at start-up, and its default keeps idle workers spinning for
// a while after every parallel region; on a 2-core machine they take the core that the data loader's thread or the
// next serial step needs (PyTorch's default here is 3-4x slower than with OMP_WAIT_POLICY=PASSIVE; nabla's own test
// suite ran 81 s with OpenMP and passive waits, 27 s with this pool: docs/benchmarks.md). Here an idle worker spins
// for a bounded, short time (kSpinNs), then sleeps on a futex, whatever the environment says. OpenBLAS runs one thread
// per call, and the GEMMs are split across this pool (backend/cpu/gemm.cpp). The pool measures whether its helpers
// pay and runs loops on the caller alone while they do not (Pool::judge in thread_pool.cpp).
#include <cstdint>
#include <type_traits>

namespace nabla::detail {

/// A non-owning reference to a callable void(int64_t) (no allocation, unlike std::function).
class TaskRef {
 public:
  template <typename F>
  requires(!std::is_same_v<std::decay_t<F>, TaskRef>) TaskRef(F& f)  // NOLINT
      : obj_(static_cast<void*>(&f)), call_([](void* o, int64_t i) { (*static_cast<F*>(o))(i); }) {}
  void operator()(int64_t i) const { call_(obj_, i); }

 private:
  void* obj_;
  void (*call_)(void*, int64_t);
};

/// Runs task(i) for every i in [0, ntasks) on the pool's threads (the caller included) and returns when all are
/// done. Which thread runs which task is unspecified: a task's result must not depend on it. Called from inside a
/// task (nested parallelism), or with one thread, it runs the tasks in order on the calling thread. A task that
/// throws: the first exception is rethrown here after every task has finished.
void run_tasks(int64_t ntasks, TaskRef task);

/// True while the calling thread runs a task of the pool.
bool in_parallel_region();

/// The pool's thread count (the caller included).
int pool_threads();

/// How many times the pool has judged that its helpers slowed its loops down (a descheduled helper on a machine
/// shared with a busy process) and ran them on the caller alone for a while. set_num_threads clears the judgement.
int64_t pool_serial_spells();

}  // namespace nabla::detail
