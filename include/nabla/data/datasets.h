#pragma once
// Datasets as in LibTorch's torch::data::datasets: a Dataset<Self, Example> implements get(index) and
// size(); map(transform) wraps it in a MapDataset that applies a transform to every batch.
#include <cstddef>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "nabla/core/tensor.h"
#include "nabla/data/example.h"
#include "nabla/data/transforms.h"

namespace nabla::data::datasets {

template <typename SourceDataset, typename AppliedTransform>
class MapDataset;
template <typename DatasetType, typename TransformType>
MapDataset<DatasetType, TransformType> map(DatasetType dataset, TransformType transform);
class TensorDataset;
class MNIST;

/// True for the datasets whose examples are rows of tensors (TensorDataset, MNIST, not classes derived from them,
/// which may override get()): stacking a batch of their examples is one index_select per tensor (stacked_batch).
template <typename D>
inline constexpr bool kRowsOfTensors = std::is_same_v<D, TensorDataset> || std::is_same_v<D, MNIST>;

/// A dataset that returns a whole batch for a list of indices.
template <typename Self, typename Batch = std::vector<Example<>>, typename BatchRequest = std::vector<size_t>>
class BatchDataset {
 public:
  using SelfType = Self;
  using BatchType = Batch;
  using BatchRequestType = BatchRequest;
  constexpr static bool is_stateful = false;
  virtual ~BatchDataset() = default;
  /// The batch made of the examples at `request`.
  virtual Batch get_batch(BatchRequest request) = 0;
  /// Number of examples, or nullopt when unknown.
  virtual std::optional<size_t> size() const = 0;
  /// This dataset (copied) with `transform` applied to every batch.
  template <typename TransformType>
  MapDataset<Self, TransformType> map(TransformType transform) & {
    return datasets::map(static_cast<Self&>(*this), std::move(transform));
  }
  /// This dataset (moved) with `transform` applied to every batch.
  template <typename TransformType>
  MapDataset<Self, TransformType> map(TransformType transform) && {
    return datasets::map(std::move(static_cast<Self&>(*this)), std::move(transform));
  }
};

/// A dataset indexed one example at a time; batches are vectors of examples.
template <typename Self, typename SingleExample = Example<>>
class Dataset : public BatchDataset<Self, std::vector<SingleExample>> {
 public:
  using ExampleType = SingleExample;
  /// The example at `index` (0 <= index < size()).
  virtual ExampleType get(size_t index) = 0;
  /// get(i) for every index, in order.
  std::vector<ExampleType> get_batch(std::vector<size_t> indices) override;
};

// Defined outside the class, so not inline: the datasets nabla defines instantiate it once, in the library
// (extern template below), not in every file that includes nabla.
template <typename Self, typename SingleExample>
std::vector<SingleExample> Dataset<Self, SingleExample>::get_batch(std::vector<size_t> indices) {
  std::vector<ExampleType> batch;
  batch.reserve(indices.size());
  for (size_t i : indices) batch.push_back(get(i));
  return batch;
}

/// `dataset` whose batches go through `transform.apply_batch`.
template <typename SourceDataset, typename AppliedTransform>
class MapDataset
    : public BatchDataset<MapDataset<SourceDataset, AppliedTransform>, typename AppliedTransform::OutputBatchType,
                          typename SourceDataset::BatchRequestType> {
  static_assert(std::is_same_v<typename SourceDataset::BatchType, typename AppliedTransform::InputBatchType>,
                "map: the transform's input batch type is not the dataset's batch type (e.g. Stack<> expects "
                "std::vector<Example<>>: apply Stack last, after per-example transforms such as Normalize)");

 public:
  using DatasetType = SourceDataset;
  using TransformType = AppliedTransform;
  using BatchRequestType = typename SourceDataset::BatchRequestType;
  using OutputBatchType = typename AppliedTransform::OutputBatchType;

  MapDataset(SourceDataset dataset, AppliedTransform transform)
      : dataset_(std::move(dataset)), transform_(std::move(transform)) {}
  OutputBatchType get_batch(BatchRequestType indices) override {
    // Stack<> over rows of tensors: gather the rows at once, the same tensors as stacking each example's view
    // (LibTorch makes one view per example, then copies each: about 100 us for a batch of 64 MNIST images).
    if constexpr (kRowsOfTensors<SourceDataset> && std::is_same_v<AppliedTransform, transforms::Stack<Example<>>>) {
      return dataset_.stacked_batch(indices);
    } else {
      return transform_.apply_batch(dataset_.get_batch(std::move(indices)));
    }
  }
  std::optional<size_t> size() const override { return dataset_.size(); }
  const SourceDataset& dataset() const noexcept { return dataset_; }
  const AppliedTransform& transform() const noexcept { return transform_; }

 private:
  SourceDataset dataset_;
  AppliedTransform transform_;
};

template <typename DatasetType, typename TransformType>
MapDataset<DatasetType, TransformType> map(DatasetType dataset, TransformType transform) {
  return MapDataset<DatasetType, TransformType>(std::move(dataset), std::move(transform));
}

/// Rows of one tensor (targets undefined), or rows of `data` paired with rows of `targets`.
extern template class Dataset<TensorDataset, Example<>>;  // instantiated in src/data/tensor_dataset.cpp
extern template class Dataset<MNIST, Example<>>;          // instantiated in src/data/mnist.cpp

class TensorDataset : public Dataset<TensorDataset, Example<>> {
 public:
  /// Examples are tensor[i]; their target is undefined.
  explicit TensorDataset(Tensor tensor);
  /// The tensors stacked along a new dim 0 (LibTorch's form).
  explicit TensorDataset(const std::vector<Tensor>& tensors);
  /// Examples are (data[i], targets[i]); data and targets need the same size(0).
  TensorDataset(Tensor data, Tensor targets);
  Example<> get(size_t index) override;
  std::optional<size_t> size() const override;
  /// The examples at `indices` stacked along a new dim 0 (what Stack<> makes of get_batch(indices)).
  Example<> stacked_batch(const std::vector<size_t>& indices) const;

  Tensor tensor;   ///< the data, rows are examples
  Tensor targets;  ///< undefined in the one-tensor form
};

/// MNIST (or Fashion-MNIST) from the four IDX files, raw or gzipped (name + ".gz").
/// images(): float32 (N, 1, rows, cols) in [0, 1]; targets(): int64 (N).
class MNIST : public Dataset<MNIST> {
 public:
  enum class Mode { kTrain, kTest };
  /// Reads train-* (kTrain) or t10k-* (kTest) files from `root`.
  explicit MNIST(const std::string& root, Mode mode = Mode::kTrain);
  Example<> get(size_t index) override;
  std::optional<size_t> size() const override;
  /// The examples at `indices` stacked along a new dim 0 (what Stack<> makes of get_batch(indices)).
  Example<> stacked_batch(const std::vector<size_t>& indices) const;
  bool is_train() const noexcept;
  const Tensor& images() const;
  const Tensor& targets() const;

 private:
  Tensor images_, targets_;
  bool train_ = true;
};

}  // namespace nabla::data::datasets
