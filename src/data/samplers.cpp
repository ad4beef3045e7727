// SequentialSampler and RandomSampler.
#include "nabla/data/samplers.h"

#include <algorithm>

#include "nabla/ops/factory.h"

namespace nabla::data::samplers {

void SequentialSampler::reset(std::optional<size_t> new_size) {
  if (new_size) size_ = *new_size;
  index_ = 0;
}

std::optional<std::vector<size_t>> SequentialSampler::next(size_t batch_size) {
  const size_t n = std::min(batch_size, size_ - index_);
  if (n == 0) return std::nullopt;
  std::vector<size_t> batch(n);
  for (size_t i = 0; i < n; ++i) batch[i] = index_ + i;
  index_ += n;
  return batch;
}

RandomSampler::RandomSampler(int64_t size, ScalarType index_dtype) : index_dtype_(index_dtype) {
  NABLA_CHECK(size >= 0, "RandomSampler: size must be non-negative, got ", size);
  NABLA_CHECK(index_dtype == kInt64 || index_dtype == kInt32,
              "RandomSampler: index_dtype must be kInt64 or kInt32, got ", index_dtype);
  indices_ = randperm(size, TensorOptions().dtype(kInt64));
}

void RandomSampler::reset(std::optional<size_t> new_size) {
  const int64_t size = new_size ? static_cast<int64_t>(*new_size) : indices_.numel();
  indices_ = randperm(size, TensorOptions().dtype(kInt64));
  index_ = 0;
}

std::optional<std::vector<size_t>> RandomSampler::next(size_t batch_size) {
  const size_t total = static_cast<size_t>(indices_.numel());
  const size_t n = std::min(batch_size, total - index_);
  if (n == 0) return std::nullopt;
  const int64_t* p = indices_.data_ptr<int64_t>();
  std::vector<size_t> batch(p + index_, p + index_ + n);
  index_ += n;
  return batch;
}

}  // namespace nabla::data::samplers
