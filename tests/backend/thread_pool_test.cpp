// nabla's thread pool: every task runs once, nested calls run inline, exceptions come back to the caller, the thread
// count can change; and GEMMs split across the pool give the same bits on every repetition (Debian's serial
// OpenBLAS failed this: it is not safe to call from two threads at once).
#include <algorithm>
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

// GEMMs on both sides of the split rule (by rows from 64 rows per part, by columns below) and with uneven parts: the
// two-thread product of every transpose combination matches a double-precision reference within float rounding.
TEST(ThreadPool, SplitGemmsByRowsAndByColumnsMatchTheReference) {
  manual_seed(1);
  ThreadCount two(2);
  for (int64_t M : {64, 127, 128, 200, 256}) {
    for (int64_t N : {48, 784}) {
      const int64_t K = 64;
      for (bool ta : {false, true}) {
        for (bool tb : {false, true}) {
          const Tensor a = ta ? randn({K, M}).t() : randn({M, K});
          const Tensor b = tb ? randn({N, K}).t() : randn({K, N});
          const Tensor c = mm(a, b);
          const Tensor ref = mm(a.to(kFloat64), b.to(kFloat64));
          EXPECT_TRUE(allclose(c.to(kFloat64), ref, 1e-5, 1e-4))
              << "M " << M << " N " << N << " transA " << ta << " transB " << tb << ": max error "
              << (c.to(kFloat64) - ref).abs().max().item<double>();
        }
      }
    }
  }
}

// The judgement of the helpers, driven with made-up times: windows where they pay keep the loops parallel; one
// where they do not begins a serial spell of kMinBackoffNs; failing probes double it up to kMaxBackoffNs; a window
// where they pay brings it back to kMinBackoffNs; fewer loops or less time than a window decide nothing.
TEST(ThreadPool, HelperJudgeBacksOffAndComesBack) {
  using J = detail::HelperJudge;
  J judge;
  int64_t t = 1'000'000'000;
  const int64_t loop = J::kWindowNs / J::kWindowLoops + 1;  // 16 such loops make a window
  // Two tasks, the caller ran one in `caller` ns: alone it would have needed 2 * caller.
  auto window = [&](int64_t caller, int64_t wall) {
    for (int i = 0; i < J::kWindowLoops; ++i) judge.record(2, 1, caller, wall, t += wall);
  };
  window(loop, loop);  // 2x faster than alone: the helpers pay
  EXPECT_FALSE(judge.serial(t));
  EXPECT_EQ(judge.spells(), 0);
  window(loop * 11 / 20, loop);  // 1.1x: not enough
  EXPECT_EQ(judge.spells(), 1);
  EXPECT_TRUE(judge.serial(t));
  EXPECT_TRUE(judge.serial(t + J::kMinBackoffNs - 1));
  EXPECT_FALSE(judge.serial(t + J::kMinBackoffNs));
  int64_t backoff = J::kMinBackoffNs;
  for (int probe = 0; probe < 10; ++probe) {  // every probe fails: 20 ms, 40 ms, ... up to the cap
    t += backoff;
    window(loop / 2, loop);
    backoff = std::min(2 * backoff, J::kMaxBackoffNs);
    EXPECT_TRUE(judge.serial(t + backoff - 1)) << "probe " << probe;
    EXPECT_FALSE(judge.serial(t + backoff)) << "probe " << probe;
  }
  EXPECT_EQ(backoff, J::kMaxBackoffNs);
  EXPECT_EQ(judge.spells(), 11);
  t += backoff;
  window(loop, loop);  // the helpers pay again
  EXPECT_FALSE(judge.serial(t));
  window(loop / 2, loop);
  EXPECT_FALSE(judge.serial(t + J::kMinBackoffNs));  // back to the shortest spell
  // 15 slow loops are no window; nor are 16 loops of less than kWindowNs together.
  judge.reset();
  EXPECT_FALSE(judge.serial(t));
  for (int i = 0; i < J::kWindowLoops - 1; ++i) judge.record(2, 1, 1, loop, t += loop);
  EXPECT_FALSE(judge.serial(t));
  judge.reset();
  for (int i = 0; i < J::kWindowLoops; ++i) judge.record(2, 1, 1, 1000, t += 1000);
  EXPECT_FALSE(judge.serial(t));
  EXPECT_EQ(judge.spells(), 12);
}

// During a serial spell every task runs on the caller, and the loops inside the tasks run as they do inside the
// pool: a convolution on im2col (its images split across tasks, a GEMM in each; a weight that requires grad keeps
// the columns, so im2col rather than Winograd) gives the same bits as without the spell.
// set_num_threads ends the spell.
TEST(ThreadPool, SerialSpellRunsTasksOnTheCallerWithTheSameBits) {
  ThreadCount two(2);
  set_num_threads(2);
  manual_seed(0);
  const Tensor x = randn({6, 32, 13, 13}), w = randn({64, 32, 3, 3}).requires_grad_(), a = randn({64, 784}),
               b = randn({256, 784});
  const Tensor conv = nn::functional::conv2d(x, w), prod = mm(a, b.t());
  const auto caller = std::this_thread::get_id();
  std::atomic<int> on_helpers{0};
  auto long_tasks = [&](int64_t) {
    if (std::this_thread::get_id() != caller) on_helpers.fetch_add(1);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  };
  detail::pool_serial_spell_for_testing(int64_t(60) * 1'000'000'000);
  detail::run_tasks(2, long_tasks);
  EXPECT_EQ(on_helpers.load(), 0);
  const Tensor conv_alone = nn::functional::conv2d(x, w), prod_alone = mm(a, b.t());
  EXPECT_EQ(std::memcmp(conv_alone.data_ptr(), conv.data_ptr(), size_t(conv.numel()) * 4), 0);
  EXPECT_EQ(std::memcmp(prod_alone.data_ptr(), prod.data_ptr(), size_t(prod.numel()) * 4), 0);
  set_num_threads(2);                // trusts the helpers again
  detail::run_tasks(2, long_tasks);  // each task sleeps 20 ms: the helper takes the second
  EXPECT_EQ(on_helpers.load(), 1);
}

}  // namespace
}  // namespace nabla
