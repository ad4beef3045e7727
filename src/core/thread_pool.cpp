#include "core/thread_pool.h"

#include <sched.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "core/fast_tls.h"
#include "nabla/core/error.h"
#include "nabla/core/parallel.h"

#ifdef NABLA_HAVE_CBLAS
#include <cblas.h>
#endif

namespace nabla {
namespace detail {
namespace {

// How long an idle worker keeps looking for the next job before it sleeps. Most kernels of a training step start
// within a few microseconds of each other, but between steps the caller waits for the loader's batch, reads the
// metrics and makes the next batch's tensors (tens of microseconds), and waking a sleeping thread costs 10-36 us on
// the development VM (a futex round trip: median 10, 90th percentile 36): a helper that slept there joined the next
// step's first GEMM late, or not at all. 200 us covers those gaps (a `nabla train` MLP epoch, in-process loop,
// 8 interleaved rounds: 0.646 -> 0.627 ms per step against 20 us). Spinning for good is what libgomp's default
// does, and the failure it causes next to a busy process is the HelperJudge's to catch: in a serial spell no job is
// published, so the helpers spin once and sleep.
constexpr auto kSpinNs = std::chrono::nanoseconds(200000);

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

NABLA_FAST_TLS thread_local bool t_in_task = false;

// Runs task(i); returns what it threw, or null.
std::exception_ptr call_task(const TaskRef& task, int64_t i) noexcept {
  try {
    task(i);
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

int default_threads() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

class Pool {
 public:
  explicit Pool(int threads) { start(threads); }
  ~Pool() { stop(); }

  int threads() const { return int(workers_.size()) + 1; }

  void resize(int threads) {
    std::lock_guard<std::mutex> lock(run_mu_);
    stop();
    start(threads);
    judge_.reset();
  }

  // Drops the judgement of the helpers (HelperJudge): they are trusted again.
  void trust_helpers() {
    std::lock_guard<std::mutex> lock(run_mu_);
    judge_.reset();
  }

  void serial_spell(int64_t ns) {
    std::lock_guard<std::mutex> lock(run_mu_);
    judge_.serial_until(now_ns() + ns);
  }

  int64_t serial_spells() const { return judge_.spells(); }

  void run(int64_t ntasks, TaskRef task) {
    std::lock_guard<std::mutex> lock(run_mu_);  // one parallel_for at a time (calls from several user threads queue)
    const int64_t t0 = now_ns();
    task_ = &task;
    ntasks_ = ntasks;
    next_.store(0, std::memory_order_relaxed);
    error_ = nullptr;
    const int helpers = int(std::min<int64_t>(int64_t(workers_.size()), ntasks - 1));
    pending_.store(helpers, std::memory_order_relaxed);
    wanted_.store(helpers, std::memory_order_release);  // publishes the job to the helpers that claim a slot
    // seq_cst on both sides (here: bump, then read sleeping_; the worker: count itself, then read the generation),
    // so a worker about to sleep either sees the new job or is seen and woken.
    generation_.fetch_add(1);
    if (sleeping_.load() > 0) generation_.notify_all();
    const int64_t t1 = now_ns();
    const int64_t mine = work();
    const int64_t t2 = now_ns();
    // Helpers that have not joined yet will not be needed: withdraw their slots, then wait only for the ones that
    // took part (they may still be inside a task).
    const int unclaimed = wanted_.exchange(0, std::memory_order_acq_rel);
    if (unclaimed) pending_.fetch_sub(unclaimed, std::memory_order_acq_rel);
    for (auto until = std::chrono::steady_clock::now() + kSpinNs; pending_.load(std::memory_order_acquire) != 0;) {
      if (std::chrono::steady_clock::now() < until) {
        cpu_relax();
      } else {
        const int p = pending_.load(std::memory_order_acquire);
        if (p != 0) pending_.wait(p, std::memory_order_acquire);
      }
    }
    task_ = nullptr;
    if (mine > 0) {
      const int64_t t3 = now_ns();
      judge_.record(ntasks, mine, t2 - t1, t3 - t0, t3);
    }
    if (error_) std::rethrow_exception(error_);
  }

  // True while the pool has judged that its helpers do not pay (HelperJudge): loops then run on the caller.
  bool serial_now() const { return judge_.serial(now_ns()); }

 private:
  void start(int threads) {
    stopping_ = false;
    // A worker waits for the generation after this one: it may start running only after the next job was published.
    const uint64_t now = generation_.load();
    for (int i = 1; i < threads; ++i) workers_.emplace_back([this, now] { worker_loop(now); });
  }

  void stop() {
    stopping_ = true;
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  // Claims and runs tasks until none is left; returns how many this thread ran.
  int64_t work() {
    const bool was = t_in_task;
    t_in_task = true;
    int64_t ran = 0;
    for (int64_t i; (i = next_.fetch_add(1, std::memory_order_relaxed)) < ntasks_; ++ran) {
      if (std::exception_ptr e = call_task(*task_, i)) {
        std::lock_guard<std::mutex> lock(error_mu_);
        if (!error_) error_ = e;
      }
    }
    t_in_task = was;
    return ran;
  }

  void worker_loop(uint64_t seen) {
    for (;;) {
      // Spin briefly for the next job, then sleep until one is published.
      auto until = std::chrono::steady_clock::now() + kSpinNs;
      uint64_t g;
      while ((g = generation_.load(std::memory_order_acquire)) == seen) {
        if (std::chrono::steady_clock::now() < until) {
          cpu_relax();
          continue;
        }
        sleeping_.fetch_add(1);
        if (generation_.load() == seen) generation_.wait(seen);
        sleeping_.fetch_sub(1);
      }
      seen = g;
      if (stopping_) return;
      // Only as many workers as the job has tasks for take part (and count down pending_). A slot claimed here may
      // belong to a later job than the generation seen: its fields are published before its slots, so that is fine.
      int w = wanted_.load(std::memory_order_acquire);
      bool joined = false;
      while (w > 0 && !(joined = wanted_.compare_exchange_weak(w, w - 1, std::memory_order_acq_rel))) {
      }
      if (!joined) continue;
      work();
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) pending_.notify_one();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex run_mu_;
  std::mutex error_mu_;
  std::exception_ptr error_;
  const TaskRef* task_ = nullptr;
  int64_t ntasks_ = 0;
  std::atomic<int64_t> next_{0};
  std::atomic<int> pending_{0};
  std::atomic<int> wanted_{0};
  std::atomic<int> sleeping_{0};
  std::atomic<uint64_t> generation_{0};
  std::atomic<bool> stopping_{false};
  HelperJudge judge_;  // record() and reset() under run_mu_
};

Pool& pool() {
  // Never destroyed: a static object's destructor may still run kernels after main returns.
  static Pool* p = [] {
#ifdef NABLA_HAVE_CBLAS
    openblas_set_num_threads(1);  // each call on its calling thread: the GEMMs are split across this pool instead
#endif
    return new Pool(default_threads());
  }();
  return *p;
}

}  // namespace

void run_tasks(int64_t ntasks, TaskRef task) {
  if (ntasks <= 0) return;
  if (ntasks == 1 || t_in_task || pool().threads() == 1) {
    for (int64_t i = 0; i < ntasks; ++i) task(i);
    return;
  }
  if (pool().serial_now()) {
    // The tasks as the pool runs them, on the caller alone: marked as in a task, so that the loops they call run
    // inline as they do inside the pool (a GEMM inside a task is not split), and the bits stay the same; the first
    // exception is rethrown after every task has run.
    const bool was = t_in_task;
    t_in_task = true;
    std::exception_ptr error;
    for (int64_t i = 0; i < ntasks; ++i) {
      std::exception_ptr e = call_task(task, i);
      if (!error) error = e;
    }
    t_in_task = was;
    if (error) std::rethrow_exception(error);
    return;
  }
  pool().run(ntasks, task);
}

void HelperJudge::record(int64_t ntasks, int64_t mine, int64_t caller_ns, int64_t wall_ns, int64_t now_ns) {
  window_wall_ns_ += wall_ns;
  window_alone_ns_ += caller_ns * ntasks / mine;
  if (++window_loops_ < kWindowLoops || window_wall_ns_ < kWindowNs) return;
  const bool helped = double(window_alone_ns_) >= kMinSpeedup * double(window_wall_ns_);
  window_wall_ns_ = window_alone_ns_ = 0;
  window_loops_ = 0;
  if (helped) {
    backoff_ns_ = kMinBackoffNs;
    return;
  }
  serial_until(now_ns + backoff_ns_);
  spells_.fetch_add(1, std::memory_order_relaxed);
  backoff_ns_ = std::min(2 * backoff_ns_, kMaxBackoffNs);
}

bool HelperJudge::serial(int64_t now_ns) const {
  const int64_t until = serial_until_ns_.load(std::memory_order_relaxed);
  return until != 0 && now_ns < until;
}

void HelperJudge::serial_until(int64_t until_ns) { serial_until_ns_.store(until_ns, std::memory_order_relaxed); }

void HelperJudge::reset() {
  window_wall_ns_ = window_alone_ns_ = 0;
  window_loops_ = 0;
  backoff_ns_ = kMinBackoffNs;
  serial_until_ns_.store(0, std::memory_order_relaxed);
}

int64_t HelperJudge::spells() const { return spells_.load(std::memory_order_relaxed); }

bool in_parallel_region() { return t_in_task; }
int pool_threads() { return pool().threads(); }
int64_t pool_serial_spells() { return pool().serial_spells(); }
void pool_serial_spell_for_testing(int64_t ns) { pool().serial_spell(ns); }

}  // namespace detail

void set_num_threads(int n) {
  NABLA_CHECK(n >= 1, "set_num_threads: expected a thread count >= 1, got ", n);
  if (detail::pool().threads() != n)
    detail::pool().resize(n);
  else
    detail::pool().trust_helpers();
}

int get_num_threads() { return detail::pool().threads(); }

// Marks the thread as inside a task: run_tasks and every kernel's parallel loop then run serially on it.
SerialOpsGuard::SerialOpsGuard() : prev_(detail::t_in_task) { detail::t_in_task = true; }
SerialOpsGuard::~SerialOpsGuard() { detail::t_in_task = prev_; }

}  // namespace nabla
