#pragma once
// Samplers: which indices make the next batch. SequentialSampler walks 0..n-1; RandomSampler draws a
// permutation from nabla's RNG at every reset(), so manual_seed(s) fixes the order of every epoch.
#include <cstddef>
#include <optional>
#include <vector>

#include "nabla/core/tensor.h"

namespace nabla::data::samplers {

/// Hands out batches of indices until an epoch is exhausted; reset() starts the next epoch.
template <typename BatchRequest = std::vector<size_t>>
class Sampler {
 public:
  using BatchRequestType = BatchRequest;
  virtual ~Sampler() = default;
  /// Starts a new epoch; new_size (if given) changes the dataset size.
  virtual void reset(std::optional<size_t> new_size = std::nullopt) = 0;
  /// Up to batch_size indices, or nullopt when the epoch is over.
  virtual std::optional<BatchRequest> next(size_t batch_size) = 0;
};

/// 0, 1, ..., size-1 in order.
class SequentialSampler : public Sampler<> {
 public:
  explicit SequentialSampler(size_t size) : size_(size) {}
  void reset(std::optional<size_t> new_size = std::nullopt) override;
  std::optional<std::vector<size_t>> next(size_t batch_size) override;
  size_t index() const noexcept { return index_; }

 private:
  size_t size_;
  size_t index_ = 0;
};

/// A fresh randperm(size) per epoch, drawn from nabla's global RNG (manual_seed makes it repeatable).
class RandomSampler : public Sampler<> {
 public:
  explicit RandomSampler(int64_t size, ScalarType index_dtype = kInt64);
  void reset(std::optional<size_t> new_size = std::nullopt) override;
  std::optional<std::vector<size_t>> next(size_t batch_size) override;
  size_t index() const noexcept { return index_; }

 private:
  Tensor indices_;  // int64 (size,)
  ScalarType index_dtype_;
  size_t index_ = 0;
};

}  // namespace nabla::data::samplers
