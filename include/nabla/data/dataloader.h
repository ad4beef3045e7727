#pragma once
// DataLoader as in LibTorch: make_data_loader(dataset, options) returns a loader to iterate with
// `for (auto& batch : *loader)`. With workers >= 1 a background thread prepares the next batch
// while the current one is used (a one-batch prefetch); with workers == 0 batches are made on demand.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "nabla/core/error.h"
#include "nabla/core/parallel.h"
#include "nabla/data/samplers.h"

namespace nabla::data {

/// Options of a DataLoader (LibTorch's names and defaults).
struct DataLoaderOptions {
  DataLoaderOptions() = default;
  DataLoaderOptions(size_t batch_size) : batch_size_(batch_size) {}  // NOLINT
  DataLoaderOptions& batch_size(size_t v) {
    batch_size_ = v;
    return *this;
  }
  DataLoaderOptions& workers(size_t v) {
    workers_ = v;
    return *this;
  }
  DataLoaderOptions& max_jobs(size_t v) {
    max_jobs_ = v;
    return *this;
  }
  DataLoaderOptions& timeout(std::chrono::milliseconds v) {
    timeout_ = v;
    return *this;
  }
  DataLoaderOptions& enforce_ordering(bool v) {
    enforce_ordering_ = v;
    return *this;
  }
  DataLoaderOptions& drop_last(bool v) {
    drop_last_ = v;
    return *this;
  }
  size_t batch_size() const noexcept { return batch_size_; }
  size_t workers() const noexcept { return workers_; }
  std::optional<size_t> max_jobs() const noexcept { return max_jobs_; }
  std::optional<std::chrono::milliseconds> timeout() const noexcept { return timeout_; }
  bool enforce_ordering() const noexcept { return enforce_ordering_; }
  bool drop_last() const noexcept { return drop_last_; }

 private:
  size_t batch_size_ = 1;
  size_t workers_ = 0;
  std::optional<size_t> max_jobs_;
  std::optional<std::chrono::milliseconds> timeout_;
  bool enforce_ordering_ = true;
  bool drop_last_ = false;
};

/// Batches of `Dataset` in the order `Sampler` gives; batches are Dataset::BatchType.
template <typename Dataset, typename Sampler = samplers::RandomSampler>
class StatelessDataLoader {
 public:
  using BatchType = typename Dataset::BatchType;
  using BatchRequestType = typename Dataset::BatchRequestType;

  /// Input iterator over one epoch; operator* gives the current batch.
  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = BatchType;
    using difference_type = std::ptrdiff_t;
    using pointer = BatchType*;
    using reference = BatchType&;
    Iterator() = default;
    explicit Iterator(StatelessDataLoader* loader) : loader_(loader) {}
    BatchType& operator*() const {
      NABLA_CHECK(!at_end(), "DataLoader: dereferencing the end iterator (the epoch is over)");
      return *loader_->current_;
    }
    BatchType* operator->() const { return &**this; }
    Iterator& operator++() {
      NABLA_CHECK(!at_end(), "DataLoader: incrementing the iterator past the end of the epoch");
      loader_->advance();
      return *this;
    }
    void operator++(int) { ++*this; }
    bool operator==(const Iterator& o) const { return at_end() == o.at_end() && (at_end() || loader_ == o.loader_); }
    bool operator!=(const Iterator& o) const { return !(*this == o); }

   private:
    bool at_end() const { return loader_ == nullptr || !loader_->current_.has_value(); }
    StatelessDataLoader* loader_ = nullptr;
  };

  StatelessDataLoader(Dataset dataset, Sampler sampler, DataLoaderOptions options)
      : dataset_(std::move(dataset)), sampler_(std::move(sampler)), options_(std::move(options)) {
    NABLA_CHECK(options_.batch_size() > 0, "DataLoader: batch_size must be at least 1, got 0");
  }
  StatelessDataLoader(const StatelessDataLoader&) = delete;
  StatelessDataLoader& operator=(const StatelessDataLoader&) = delete;
  ~StatelessDataLoader() { join(); }

  /// Starts a new epoch (resets the sampler) and returns an iterator at its first batch.
  Iterator begin() {
    join();
    sampler_.reset();
    current_.reset();
    if (options_.workers() > 0) {
      stop_ = false;
      ready_.reset();
      error_ = nullptr;
      exhausted_ = false;
      worker_ = std::thread([this] { worker_loop(); });
    }
    advance();
    return Iterator(this);
  }
  Iterator end() { return Iterator(); }

  /// Stops the background worker (if any); the next begin() starts a fresh epoch.
  void join() {
    if (worker_.joinable()) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
      }
      cv_.notify_all();
      worker_.join();
    }
  }
  const DataLoaderOptions& options() const noexcept { return options_; }

 private:
  // The next batch from the sampler and dataset, or nullopt at the end of the epoch.
  std::optional<BatchType> produce() {
    auto indices = sampler_.next(options_.batch_size());
    if (!indices || indices->empty()) return std::nullopt;
    if (options_.drop_last() && indices->size() < options_.batch_size()) return std::nullopt;
    return dataset_.get_batch(std::move(*indices));
  }

  // Worker thread: keeps one finished batch in ready_ until the consumer takes it.
  void worker_loop() {
    SerialOpsGuard serial;  // the batch is made on this thread alone (core/parallel.h)
    while (true) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait(lock, [this] { return stop_ || !ready_.has_value(); });
        if (stop_) return;
      }
      std::optional<BatchType> batch;
      std::exception_ptr error;
      try {
        batch = produce();
      } catch (...) {
        error = std::current_exception();
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (error) {
          error_ = error;
        } else if (batch) {
          ready_.emplace(std::move(*batch));
        } else {
          exhausted_ = true;
        }
      }
      cv_.notify_all();
      if (error || !batch) return;
    }
  }

  // Moves the next batch into current_ (or empties it at the end of the epoch).
  void advance() {
    current_.reset();
    if (options_.workers() == 0) {
      current_ = produce();
      return;
    }
    std::unique_lock<std::mutex> lock(mutex_);
    auto has_result = [this] { return ready_.has_value() || error_ || exhausted_; };
    if (options_.timeout()) {
      NABLA_CHECK(cv_.wait_for(lock, *options_.timeout(), has_result), "DataLoader: timed out after ",
                  options_.timeout()->count(), " ms waiting for a batch; raise DataLoaderOptions().timeout(...)");
    } else {
      cv_.wait(lock, has_result);
    }
    if (ready_) {
      current_ = std::move(*ready_);
      ready_.reset();
      lock.unlock();
      cv_.notify_all();
      return;
    }
    if (error_) {
      std::exception_ptr e = error_;
      error_ = nullptr;
      std::rethrow_exception(e);
    }
  }

  Dataset dataset_;
  Sampler sampler_;
  DataLoaderOptions options_;
  std::optional<BatchType> current_;
  // Shared with the worker thread, under mutex_.
  std::thread worker_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<BatchType> ready_;
  std::exception_ptr error_;
  bool exhausted_ = false;
  bool stop_ = false;
};

/// A loader over `dataset` that draws indices from `sampler`.
template <typename Dataset, typename Sampler>
std::unique_ptr<StatelessDataLoader<Dataset, Sampler>> make_data_loader(Dataset dataset, Sampler sampler,
                                                                        DataLoaderOptions options) {
  return std::make_unique<StatelessDataLoader<Dataset, Sampler>>(std::move(dataset), std::move(sampler),
                                                                 std::move(options));
}

/// A loader over a sized dataset; the sampler (RandomSampler unless given, as in LibTorch) is built from size().
template <typename Sampler = samplers::RandomSampler, typename Dataset>
std::unique_ptr<StatelessDataLoader<Dataset, Sampler>> make_data_loader(Dataset dataset,
                                                                        DataLoaderOptions options = {}) {
  std::optional<size_t> size = dataset.size();
  NABLA_CHECK(size.has_value(), "make_data_loader: the dataset has no size(); pass a sampler explicitly");
  return make_data_loader(std::move(dataset), Sampler(*size), std::move(options));
}

}  // namespace nabla::data
