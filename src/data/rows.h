#pragma once
// Datasets whose examples are rows (TensorDataset, MNIST, CSV): the index check of their get(), and what Stack<>
// makes of a batch of (data[i], targets[i]) examples, gathered in one index_select per tensor.
#include <cstddef>
#include <vector>

#include "nabla/core/error.h"
#include "nabla/data/example.h"

namespace nabla::data::datasets::detail {

/// Raises nabla::Error naming `dataset` when index >= size.
inline void check_index(size_t index, size_t size, const char* dataset) {
  NABLA_CHECK(index < size, dataset, ": index ", index, " is out of range for a dataset of size ", size);
}

/// Example(data rows at indices, targets rows at indices (undefined when targets is)); an index >= data.size(0)
/// raises nabla::Error naming `dataset`.
Example<> stack_rows(const Tensor& data, const Tensor& targets, const std::vector<size_t>& indices,
                     const char* dataset);

}  // namespace nabla::data::datasets::detail
