#pragma once
// DataLoader as in LibTorch: make_data_loader(dataset, options) returns a loader to iterate with
// `for (auto& batch : *loader)`. With workers >= 1 a background thread prepares the next batch
// while the current one is used (a one-batch prefetch); with workers == 0 batches are made on demand.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#if __has_include(<bits/chrono.h>)
#include <bits/chrono.h>  // libstdc++'s durations and clocks alone: <chrono> adds C++20's calendars and time zones
#else
#include <chrono>
#endif

#include "nabla/core/error.h"
#include "nabla/data/samplers.h"

namespace nabla::data {

namespace detail {
/// The background thread of a DataLoader with workers >= 1, without the batch type (so that <thread>, <mutex> and
/// <condition_variable> are compiled once, in the library): whenever the loader has taken the previous batch, it
/// calls produce(ctx), which makes the next batch and stores it in the loader (false: the epoch is over). The
/// thread runs its ops serially (SerialOpsGuard, core/parallel.h).
class Prefetcher {
 public:
  using Produce = bool (*)(void* ctx);
  /// Starts the thread.
  Prefetcher(Produce produce, void* ctx);
  /// Stops the thread after its current batch and joins it.
  ~Prefetcher();
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;
  /// Waits for the next batch: true when produce() has stored one, false at the end of the epoch; rethrows what
  /// produce() threw. timeout_ms < 0 waits as long as it takes; else nabla::Error after timeout_ms.
  bool wait(int64_t timeout_ms);
  /// The loader has moved the batch out: the thread may make the next one.
  void taken();

 private:
  struct State;
  std::unique_ptr<State> state_;
};
}  // namespace detail

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
      ready_.reset();
      prefetcher_ = std::make_unique<detail::Prefetcher>(&produce_into_ready, this);
    }
    advance();
    return Iterator(this);
  }
  Iterator end() { return Iterator(); }

  /// Stops the background worker (if any); the next begin() starts a fresh epoch.
  void join() { prefetcher_.reset(); }
  const DataLoaderOptions& options() const noexcept { return options_; }

 private:
  // The next batch from the sampler and dataset, or nullopt at the end of the epoch.
  std::optional<BatchType> produce() {
    auto indices = sampler_.next(options_.batch_size());
    if (!indices || indices->empty()) return std::nullopt;
    if (options_.drop_last() && indices->size() < options_.batch_size()) return std::nullopt;
    return dataset_.get_batch(std::move(*indices));
  }

  // On the prefetcher's thread: the next batch into ready_, which the loader reads only after wait() said so.
  static bool produce_into_ready(void* self) {
    auto* loader = static_cast<StatelessDataLoader*>(self);
    std::optional<BatchType> batch = loader->produce();
    if (!batch) return false;
    loader->ready_.emplace(std::move(*batch));
    return true;
  }

  // Moves the next batch into current_ (or empties it at the end of the epoch).
  void advance() {
    current_.reset();
    if (options_.workers() == 0) {
      current_ = produce();
      return;
    }
    if (prefetcher_->wait(options_.timeout() ? int64_t(options_.timeout()->count()) : -1)) {
      current_ = std::move(*ready_);
      ready_.reset();
      prefetcher_->taken();
    }
  }

  Dataset dataset_;
  Sampler sampler_;
  DataLoaderOptions options_;
  std::optional<BatchType> current_;
  std::optional<BatchType> ready_;  // written by the prefetcher's thread between taken() and wait()
  std::unique_ptr<detail::Prefetcher> prefetcher_;
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
