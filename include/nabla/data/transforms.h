#pragma once
// Transforms as in LibTorch's torch::data::transforms, applied with dataset.map(...): per-example
// (Normalize, Lambda, TensorLambda) or per-batch (Stack, BatchLambda, Collate).
#include <utility>
#include <vector>

#include "nabla/core/std_function.h"
#include "nabla/core/tensor.h"
#include "nabla/data/example.h"
#include "nabla/ops/factory.h"
#include "nabla/ops/shape.h"

namespace nabla::data::transforms {

/// Maps a whole batch to a new batch.
template <typename InputBatch, typename OutputBatch>
class BatchTransform {
 public:
  using InputBatchType = InputBatch;
  using OutputBatchType = OutputBatch;
  virtual ~BatchTransform() = default;
  virtual OutputBatch apply_batch(InputBatch input_batch) = 0;
};

/// Maps every example of a batch.
template <typename Input, typename Output>
class Transform : public BatchTransform<std::vector<Input>, std::vector<Output>> {
 public:
  using InputType = Input;
  using OutputType = Output;
  virtual OutputType apply(InputType input) = 0;
  std::vector<Output> apply_batch(std::vector<Input> input_batch) override {
    std::vector<Output> out;
    out.reserve(input_batch.size());
    for (auto& in : input_batch) out.push_back(apply(std::move(in)));
    return out;
  }
};

/// Turns a vector of examples into one value (a collated batch).
template <typename BatchType = std::vector<Example<>>>
using Collation = BatchTransform<BatchType, typename BatchType::value_type>;

/// A batch transform from a callable.
template <typename Input, typename Output = Input>
class BatchLambda : public BatchTransform<Input, Output> {
 public:
  using FunctionType = std::function<Output(Input)>;
  explicit BatchLambda(FunctionType function) : function_(std::move(function)) {}
  Output apply_batch(Input input_batch) override { return function_(std::move(input_batch)); }

 private:
  FunctionType function_;
};

/// A per-example transform from a callable.
template <typename Input, typename Output = Input>
class Lambda : public Transform<Input, Output> {
 public:
  using FunctionType = std::function<Output(Input)>;
  explicit Lambda(FunctionType function) : function_(std::move(function)) {}
  Output apply(Input input) override { return function_(std::move(input)); }

 private:
  FunctionType function_;
};

/// A collation from a callable: std::vector<Example> -> Example.
template <typename T = Example<>, typename BatchType = std::vector<T>>
using Collate = BatchLambda<BatchType, T>;

/// Transforms the data tensor of each example and leaves its target alone.
template <typename Target = Tensor>
class TensorTransform : public Transform<Example<Tensor, Target>, Example<Tensor, Target>> {
 public:
  using E = Example<Tensor, Target>;
  virtual Tensor operator()(Tensor input) = 0;
  E apply(E input) override {
    input.data = (*this)(std::move(input.data));
    return input;
  }
};

/// A TensorTransform from a callable Tensor -> Tensor.
template <typename Target = Tensor>
class TensorLambda : public TensorTransform<Target> {
 public:
  using FunctionType = std::function<Tensor(Tensor)>;
  explicit TensorLambda(FunctionType function) : function_(std::move(function)) {}
  Tensor operator()(Tensor input) override { return function_(std::move(input)); }

 private:
  FunctionType function_;
};

/// (x - mean) / std per channel: mean and std have one value, or one per channel of a (C, H, W) image.
template <typename Target = Tensor>
class Normalize : public TensorTransform<Target> {
 public:
  Normalize(double mean, double stddev) : Normalize(std::vector<double>{mean}, std::vector<double>{stddev}) {}
  Normalize(const std::vector<double>& mean, const std::vector<double>& stddev) {
    NABLA_CHECK(!mean.empty() && mean.size() == stddev.size(), "Normalize: mean and std need the same non-zero ",
                "number of values (one per channel), got ", mean.size(), " and ", stddev.size());
    for (double s : stddev) NABLA_CHECK(s != 0.0, "Normalize: std must not be zero, got ", stddev);
    channels_ = static_cast<int64_t>(mean.size());
    // (C, 1, 1): broadcasts over H and W of a (C, H, W) image.
    mean_ = nabla::tensor(mean, TensorOptions().dtype(kFloat32)).view({channels_, 1, 1});
    stddev_ = nabla::tensor(stddev, TensorOptions().dtype(kFloat32)).view({channels_, 1, 1});
  }
  Tensor operator()(Tensor input) override {
    NABLA_CHECK(input.defined(), "Normalize: the example's data tensor is undefined");
    if (channels_ > 1) {
      NABLA_CHECK(input.dim() >= 3 && input.size(-3) == channels_, "Normalize: mean/std have ", channels_,
                  " channels but the data has shape ", input.sizes().vec(), " (expected (..., ", channels_, ", H, W))");
      return input.sub(mean_.to(input.dtype())).div(stddev_.to(input.dtype()));
    }
    return input.sub(mean_.view({1}).to(input.dtype())).div(stddev_.view({1}).to(input.dtype()));
  }

 private:
  int64_t channels_ = 1;
  Tensor mean_, stddev_;
};

/// Stacks the data (and the targets) of a batch of examples along a new dim 0.
template <typename E = Example<>>
class Stack : public Collation<std::vector<E>> {
 public:
  E apply_batch(std::vector<E> examples) override {
    NABLA_CHECK(!examples.empty(), "Stack: cannot stack an empty batch");
    std::vector<Tensor> data, targets;
    data.reserve(examples.size());
    targets.reserve(examples.size());
    for (auto& e : examples) {
      data.push_back(std::move(e.data));
      targets.push_back(std::move(e.target));
    }
    // Targets stay undefined when no example has one (TensorDataset(tensor)).
    bool has_targets = targets.front().defined();
    for (const Tensor& t : targets)
      NABLA_CHECK(t.defined() == has_targets, "Stack: some examples have a target and others do not");
    return E(nabla::stack(data), has_targets ? nabla::stack(targets) : Tensor());
  }
};

}  // namespace nabla::data::transforms
