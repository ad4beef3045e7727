// TensorDataset: the rows of a tensor, optionally paired with the rows of a targets tensor.
#include "data/rows.h"
#include "nabla/data/datasets.h"
#include "nabla/ops/factory.h"
#include "nabla/ops/shape.h"

namespace nabla::data::datasets {

template class Dataset<TensorDataset, Example<>>;
namespace {
Tensor stacked(const std::vector<Tensor>& tensors) {
  NABLA_CHECK(!tensors.empty(), "TensorDataset: the list of tensors is empty");
  return stack(tensors);
}
}  // namespace

TensorDataset::TensorDataset(Tensor t) : tensor(std::move(t)) {
  NABLA_CHECK(tensor.defined() && tensor.dim() >= 1,
              "TensorDataset: needs a tensor with at least one dim (rows are examples), got ",
              tensor.defined() ? "a 0-dim tensor" : "an undefined tensor");
}

TensorDataset::TensorDataset(const std::vector<Tensor>& tensors) : TensorDataset(stacked(tensors)) {}

TensorDataset::TensorDataset(Tensor data, Tensor t) : TensorDataset(std::move(data)) {
  targets = std::move(t);
  NABLA_CHECK(targets.defined() && targets.dim() >= 1,
              "TensorDataset: targets need at least one dim (one row per example)");
  NABLA_CHECK(targets.size(0) == tensor.size(0), "TensorDataset: data has ", tensor.size(0), " rows (shape ",
              tensor.sizes().vec(), ") but targets have ", targets.size(0), " (shape ", targets.sizes().vec(), ")");
}

Example<> TensorDataset::get(size_t index) {
  const auto n = static_cast<size_t>(tensor.size(0));
  detail::check_index(index, n, "TensorDataset");
  const auto i = static_cast<int64_t>(index);
  return Example<>(tensor[i], targets.defined() ? targets[i] : Tensor());
}

std::optional<size_t> TensorDataset::size() const { return static_cast<size_t>(tensor.size(0)); }

Example<> TensorDataset::stacked_batch(const std::vector<size_t>& indices) const {
  return detail::stack_rows(tensor, targets, indices, "TensorDataset");
}

namespace detail {
Example<> stack_rows(const Tensor& data, const Tensor& targets, const std::vector<size_t>& indices,
                     const char* dataset) {
  NABLA_CHECK(!indices.empty(), "Stack: cannot stack an empty batch");
  const auto n = static_cast<size_t>(data.size(0));
  Tensor index = empty({static_cast<int64_t>(indices.size())}, TensorOptions().dtype(kInt64));
  int64_t* p = index.data_ptr<int64_t>();
  for (size_t k = 0; k < indices.size(); ++k) {
    check_index(indices[k], n, dataset);
    p[k] = static_cast<int64_t>(indices[k]);
  }
  // As stack() of the rows (views of data): the batch is a new tensor, in the graph when data is.
  return Example<>(data.index_select(0, index), targets.defined() ? targets.index_select(0, index) : Tensor());
}
}  // namespace detail

}  // namespace nabla::data::datasets
