#pragma once
// nabla's intra-op thread pool: the caller plus (threads - 1) workers run the tasks of one parallel_for at a time.
//
// Why not OpenMP: libgomp reads OMP_WAIT_POLICY once, at start-up, and its default keeps idle workers spinning for
// a while after every parallel region; on a 2-core machine they take the core that the data loader's thread or the
// next serial step needs (PyTorch's default here is 3-4x slower than with OMP_WAIT_POLICY=PASSIVE; nabla's own test
// suite ran 81 s with OpenMP and passive waits, 27 s with this pool: docs/benchmarks.md). Here an idle worker spins
// for a bounded, short time (kSpinNs), then sleeps on a futex, whatever the environment says. OpenBLAS runs one thread
// per call, and the GEMMs are split across this pool (backend/cpu/gemm.cpp). The pool measures whether its helpers
// pay and runs loops on the caller alone while they do not (HelperJudge below).
#include <atomic>
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

/// How many times the pool has judged that its helpers did not pay (a descheduled helper on a machine shared with a
/// busy process) and ran its loops on the caller alone for a while. set_num_threads clears the judgement.
int64_t pool_serial_spells();
/// Tests only: the pool runs its loops on the caller alone for the next `ns` nanoseconds, as after a judgement.
void pool_serial_spell_for_testing(int64_t ns);

/// Whether the pool's helpers pay. On a machine shared with a busy process, a helper that the OS has descheduled
/// holds its part of every parallel loop while the caller waits for it (measured: a training epoch 1.44x slower on
/// two threads than on one core). So the pool reports each loop here, and this compares, over windows of at least
/// kWindowLoops loops and kWindowNs of their wall time, that time with what the caller alone would have needed (its
/// own time per task times the task count). Where the helpers did not make the loops kMinSpeedup times faster, the
/// loops run on the caller alone for a back-off period: kMinBackoffNs, doubling up to kMaxBackoffNs while the probes
/// that follow keep failing, back to kMinBackoffNs after a window where the helpers paid. All times are
/// steady-clock nanoseconds given by the caller, so that tests can drive it. record() and reset() are called under
/// the pool's lock; serial() from any thread.
class HelperJudge {
 public:
  static constexpr int kWindowLoops = 16;
  static constexpr int64_t kWindowNs = 2'000'000;
  static constexpr int64_t kMinBackoffNs = 10'000'000;
  static constexpr int64_t kMaxBackoffNs = 800'000'000;
  static constexpr double kMinSpeedup = 1.15;  // on an idle 2-core machine an MLP epoch's windows measure 1.9-2.0

  /// One parallel loop of `ntasks` tasks, `mine` (>= 1) of them run by the caller in `caller_ns`; `wall_ns` from
  /// its start to its last task's end; `now_ns` the time at its end.
  void record(int64_t ntasks, int64_t mine, int64_t caller_ns, int64_t wall_ns, int64_t now_ns);
  /// True while loops run on the caller alone.
  bool serial(int64_t now_ns) const;
  /// Loops run on the caller alone until `until_ns`.
  void serial_until(int64_t until_ns);
  /// Forgets the window and any serial spell: the helpers are trusted again.
  void reset();
  /// Serial spells begun so far.
  int64_t spells() const;

 private:
  int64_t window_wall_ns_ = 0;
  int64_t window_alone_ns_ = 0;
  int window_loops_ = 0;
  int64_t backoff_ns_ = kMinBackoffNs;
  std::atomic<int64_t> serial_until_ns_{0};
  std::atomic<int64_t> spells_{0};
};

}  // namespace nabla::detail
