// nabla's thread pool: every task runs once, nested calls run inline, exceptions come back to the caller, the thread
// count can change; and GEMMs split across the pool give the same bits on every repetition (Debian's serial
// OpenBLAS failed this: it is not safe to call from two threads at once).
#include <atomic>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/thread_pool.h"
#include "test_util.h"

namespace nabla {
namespace {

struct ThreadCount {
  explicit ThreadCount(int n) : before(get_num_threads()) { set_num_threads(n); }
  ~ThreadCount() { set_num_threads(before); }
  int before;
};

TEST(ThreadPool, EveryTaskRunsExactlyOnce) {
  ThreadCount two(2);
  for (int64_t n : {1, 2, 3, 17, 1000}) {
    std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
    auto task = [&](int64_t i) { hits[size_t(i)].fetch_add(1); };
    detail::run_tasks(n, task);
    for (auto& h : hits) EXPECT_EQ(h.load(), 1);
  }
}

TEST(ThreadPool, NestedCallsRunInlineOnTheSameThread) {
  ThreadCount two(2);
  std::atomic<int> inner{0}, wrong_thread{0};
  auto outer = [&](int64_t) {
    EXPECT_TRUE(detail::in_parallel_region());
    const auto id = std::this_thread::get_id();
    auto nested = [&](int64_t) {
      inner.fetch_add(1);
      if (std::this_thread::get_id() != id) wrong_thread.fetch_add(1);
    };
    detail::run_tasks(5, nested);
  };
  detail::run_tasks(4, outer);
  EXPECT_EQ(inner.load(), 20);
  EXPECT_EQ(wrong_thread.load(), 0);
  EXPECT_FALSE(detail::in_parallel_region());
}

TEST(ThreadPool, AnExceptionInATaskReachesTheCallerAfterAllTasks) {
  ThreadCount two(2);
  std::atomic<int> ran{0};
  auto task = [&](int64_t i) {
    ran.fetch_add(1);
    if (i == 3) throw std::runtime_error("task 3 failed");
  };
  EXPECT_THROW(detail::run_tasks(8, task), std::runtime_error);
  EXPECT_EQ(ran.load(), 8);
  // The pool still works.
  std::atomic<int> again{0};
  auto count = [&](int64_t) { again.fetch_add(1); };
  detail::run_tasks(8, count);
  EXPECT_EQ(again.load(), 8);
}

TEST(ThreadPool, ResizingKeepsWorking) {
  const int before = get_num_threads();
  for (int n : {1, 3, 2, 1, 2}) {
    set_num_threads(n);
    EXPECT_EQ(get_num_threads(), n);
    std::atomic<int> sum{0};
    auto task = [&](int64_t i) { sum.fetch_add(int(i)); };
    detail::run_tasks(100, task);
    EXPECT_EQ(sum.load(), 4950);
  }
  set_num_threads(before);
}

TEST(ThreadPool, CallsFromTwoUserThreadsBothComplete) {
  ThreadCount two(2);
  std::atomic<int64_t> total{0};
  auto user = [&] {
    for (int r = 0; r < 200; ++r) {
      auto task = [&](int64_t i) { total.fetch_add(i); };
      detail::run_tasks(10, task);
    }
  };
  std::thread other(user);
  user();
  other.join();
  EXPECT_EQ(total.load(), 2 * 200 * 45);
}

// The MLP's GEMM shapes, split across two threads: identical bits on every repetition, and within float rounding of
// the one-thread result.
TEST(ThreadPool, SplitGemmsAreRepeatableBitForBit) {
  manual_seed(0);
  const Tensor x = randn({64, 784}), w = randn({256, 784}), g = randn({64, 256});
  Tensor y1, dw1;
  {
    ThreadCount one(1);
    y1 = mm(x, w.t());
    dw1 = mm(g.t(), x);
  }
  ThreadCount two(2);
  const Tensor y = mm(x, w.t()), dw = mm(g.t(), x);
  for (int r = 0; r < 300; ++r) {
    const Tensor yr = mm(x, w.t()), dwr = mm(g.t(), x);
    ASSERT_EQ(std::memcmp(yr.data_ptr(), y.data_ptr(), size_t(y.numel()) * 4), 0) << "repetition " << r;
    ASSERT_EQ(std::memcmp(dwr.data_ptr(), dw.data_ptr(), size_t(dw.numel()) * 4), 0) << "repetition " << r;
  }
  EXPECT_TRUE(allclose(y, y1, 1e-5, 1e-4));
  EXPECT_TRUE(allclose(dw, dw1, 1e-5, 1e-4));
}

// Helpers that do not speed the loops up (here: a helper's task sleeps, as a helper that the OS has descheduled next
// to a busy process, or one that a virtual machine wakes late) send the loops to the caller alone for a while; they give the same bits there; after the back-off
// (or set_num_threads) the helpers are tried again.
TEST(ThreadPool, SlowHelpersSendLoopsToTheCallerAloneForAWhile) {
  ThreadCount two(2);
  set_num_threads(2);  // a fresh judgement
  manual_seed(0);
  const Tensor x = randn({64, 784}), w = randn({256, 784});
  const Tensor parallel = mm(x, w.t());
  const int64_t spells = detail::pool_serial_spells();
  std::thread::id caller;
  std::atomic<int> on_helpers{0};
  // The caller's task is 100 us of work; a helper's sleeps 2 ms. Whether the helper takes part (and slows the loop
  // down) or not (the caller runs both tasks, no faster than alone), the helpers do not pay.
  auto slow_helper = [&](int64_t) {
    if (std::this_thread::get_id() != caller) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    } else {
      for (auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(100);
           std::chrono::steady_clock::now() < until;) {
      }
    }
  };
  auto slow_loops = [&] {
    for (int r = 0; r < 40; ++r) detail::run_tasks(2, slow_helper);
  };
  caller = std::this_thread::get_id();
  slow_loops();
  EXPECT_EQ(detail::pool_serial_spells(), spells + 1);
  // Within the spell: every task on the caller, and the split GEMM's bits unchanged.
  on_helpers = 0;
  auto record = [&](int64_t) {
    if (std::this_thread::get_id() != caller) on_helpers.fetch_add(1);
  };
  for (int r = 0; r < 10; ++r) detail::run_tasks(2, record);
  EXPECT_EQ(on_helpers.load(), 0);
  const Tensor alone = mm(x, w.t());
  EXPECT_EQ(std::memcmp(alone.data_ptr(), parallel.data_ptr(), size_t(parallel.numel()) * 4), 0);
  // After the first back-off (10 ms), the helpers take part again.
  std::this_thread::sleep_for(std::chrono::milliseconds(80));
  auto long_tasks = [&](int64_t i) {
    record(i);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  };
  detail::run_tasks(2, long_tasks);
  EXPECT_EQ(on_helpers.load(), 1);
  // A new spell, cleared by set_num_threads.
  slow_loops();
  EXPECT_EQ(detail::pool_serial_spells(), spells + 2);
  set_num_threads(2);
  on_helpers = 0;
  detail::run_tasks(2, long_tasks);
  EXPECT_EQ(on_helpers.load(), 1);
}

}  // namespace
}  // namespace nabla
