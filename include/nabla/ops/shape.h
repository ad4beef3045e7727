#pragma once
// Views (share memory) and shape ops. Every op is differentiable.
#include <optional>

#include "nabla/core/tensor.h"

namespace nabla {

Tensor view(const Tensor& x, IntArrayRef size);
Tensor reshape(const Tensor& x, IntArrayRef size);
Tensor flatten(const Tensor& x, int64_t start_dim = 0, int64_t end_dim = -1);
Tensor squeeze(const Tensor& x);
Tensor squeeze(const Tensor& x, int64_t dim);
Tensor unsqueeze(const Tensor& x, int64_t dim);
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);
Tensor t(const Tensor& x);
Tensor permute(const Tensor& x, IntArrayRef dims);
Tensor expand(const Tensor& x, IntArrayRef size);
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);
Tensor slice(const Tensor& x, int64_t dim = 0, std::optional<int64_t> start = std::nullopt,
             std::optional<int64_t> end = std::nullopt, int64_t step = 1);
Tensor select(const Tensor& x, int64_t dim, int64_t index);
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);
Tensor cat(const TensorList& tensors, int64_t dim = 0);
Tensor stack(const TensorList& tensors, int64_t dim = 0);
TensorList split(const Tensor& x, int64_t split_size, int64_t dim = 0);
TensorList split(const Tensor& x, IntArrayRef split_sizes, int64_t dim = 0);
TensorList chunk(const Tensor& x, int64_t chunks, int64_t dim = 0);
TensorList unbind(const Tensor& x, int64_t dim = 0);
Tensor contiguous(const Tensor& x);
Tensor clone(const Tensor& x);
/// dtype conversion (differentiable between floating types).
Tensor to_dtype(const Tensor& x, ScalarType dtype, bool copy = false);
/// The broadcast shape of a and b, or nabla::Error naming `op`.
std::vector<int64_t> broadcast_shapes(IntArrayRef a, IntArrayRef b, const char* op = "broadcast");
/// Wraps a possibly negative dim into [0, ndim), or nabla::Error naming `op`.
int64_t wrap_dim(int64_t dim, int64_t ndim, const char* op);

}  // namespace nabla
