#pragma once
// Rows of tensors gathered into a batch: what Stack<> makes of the examples (data[i], targets[i]) of a dataset
// whose examples are tensor rows, in one index_select per tensor.
#include <vector>

#include "nabla/data/example.h"

namespace nabla::data::datasets::detail {

/// Example(data rows at indices, targets rows at indices (undefined when targets is)); an index >= data.size(0)
/// raises nabla::Error naming `dataset`.
Example<> stack_rows(const Tensor& data, const Tensor& targets, const std::vector<size_t>& indices,
                     const char* dataset);

}  // namespace nabla::data::datasets::detail
