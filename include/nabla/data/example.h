#pragma once
// data::Example: one (data, target) pair, as LibTorch's torch::data::Example.
#include "nabla/core/tensor.h"

namespace nabla::data {

/// One sample: `data` (e.g. an image (1, 28, 28)) and its `target` (e.g. a 0-dim int64 label).
template <typename Data = Tensor, typename Target = Tensor>
struct Example {
  using DataType = Data;
  using TargetType = Target;
  Example() = default;
  Example(Data data, Target target) : data(std::move(data)), target(std::move(target)) {}
  Data data;
  Target target;
};

/// A sample without a target (TensorDataset(tensor)); its target stays undefined.
using TensorExample = Example<Tensor, Tensor>;

}  // namespace nabla::data
