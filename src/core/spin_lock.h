#pragma once
// A test-and-test-and-set lock for short critical sections (the allocator's free lists, a leaf's gradient): one
// atomic exchange to take it, where a std::mutex costs two library calls. A waiter yields its core after a short
// spin (the holder may be descheduled on a 2-core machine).
#include <atomic>
#include <thread>

namespace nabla {

class SpinLock {
 public:
  void lock() noexcept {
    for (int spins = 0; flag_.exchange(true, std::memory_order_acquire);) {
      while (flag_.load(std::memory_order_relaxed)) {
        if (++spins < 64) {
#if defined(__x86_64__) || defined(__i386__)
          __builtin_ia32_pause();
#endif
        } else {
          std::this_thread::yield();
        }
      }
    }
  }
  void unlock() noexcept { flag_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> flag_{false};
};

}  // namespace nabla
