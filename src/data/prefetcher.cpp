// The DataLoader's background thread (data/dataloader.h): one batch made ahead while the current one is used.
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "nabla/core/parallel.h"
#include "nabla/data/dataloader.h"

namespace nabla::data::detail {

struct Prefetcher::State {
  std::mutex mutex;
  std::condition_variable cv;
  bool stop = false;
  bool has_ready = false;  // produce() stored a batch that the loader has not taken yet
  bool exhausted = false;  // produce() said the epoch is over, or threw
  std::exception_ptr error;
  std::thread thread;
};

Prefetcher::Prefetcher(Produce produce, void* ctx) : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.thread = std::thread([&s, produce, ctx] {
    SerialOpsGuard serial;  // the batch is made on this thread alone
    while (true) {
      {
        std::unique_lock<std::mutex> lock(s.mutex);
        s.cv.wait(lock, [&s] { return s.stop || !s.has_ready; });
        if (s.stop) return;
      }
      bool made = false;
      std::exception_ptr error;
      try {
        made = produce(ctx);
      } catch (...) {
        error = std::current_exception();
      }
      {
        std::lock_guard<std::mutex> lock(s.mutex);
        if (error) s.error = error;
        if (made) s.has_ready = true;
        if (error || !made) s.exhausted = true;
      }
      s.cv.notify_all();
      if (error || !made) return;
    }
  });
}

Prefetcher::~Prefetcher() {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->stop = true;
  }
  state_->cv.notify_all();
  state_->thread.join();
}

bool Prefetcher::wait(int64_t timeout_ms) {
  State& s = *state_;
  std::unique_lock<std::mutex> lock(s.mutex);
  auto done = [&s] { return s.has_ready || s.error || s.exhausted; };
  if (timeout_ms >= 0) {
    NABLA_CHECK(s.cv.wait_for(lock, std::chrono::milliseconds(timeout_ms), done), "DataLoader: timed out after ",
                timeout_ms, " ms waiting for a batch; raise DataLoaderOptions().timeout(...)");
  } else {
    s.cv.wait(lock, done);
  }
  if (s.has_ready) return true;
  if (s.error) std::rethrow_exception(std::exchange(s.error, nullptr));
  return false;
}

void Prefetcher::taken() {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->has_ready = false;
  }
  state_->cv.notify_all();
}

}  // namespace nabla::data::detail
