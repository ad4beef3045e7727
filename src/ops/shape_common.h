#pragma once
// Shared plumbing of the view and shape ops (src/ops/shape_*.cpp).
#include <functional>
#include <vector>

#include "autograd/record.h"
#include "core/make.h"
#include "nabla/ops/shape.h"

namespace nabla::ops {

/// Flags `out` as a view of `base` (in-place ops on it are then refused while base is in a graph).
inline void mark_view(const Tensor& out, const Tensor& base) {
  if (base.requires_grad() && GradMode::is_enabled()) autograd::autograd_meta(out).is_view = true;
}

/// Index values of a 1-D (or 0-d) int64/int32 tensor, checked against [-size, size) and wrapped.
std::vector<int64_t> index_values(const Tensor& index, int64_t size, const char* op);

/// The backward of a view op: zeros of `base_shape` (dtype of `grad`) with `view_fn(zeros)` set to grad.
/// Differentiable in `grad` (its backward applies view_fn again).
Tensor view_scatter(const Tensor& grad, IntArrayRef base_shape, std::function<Tensor(const Tensor&)> view_fn);

/// zeros(shape).index_add_(dim, index, src): the backward of index_select (duplicates accumulate).
/// index holds wrapped values; differentiable in src (backward: index_select).
Tensor index_add_into_zeros(IntArrayRef shape, int64_t dim, const Tensor& index, const Tensor& src);

/// zeros(shape).scatter_add_(dim, index, src): the backward of gather. Differentiable in src (backward: gather).
Tensor scatter_add_into_zeros(IntArrayRef shape, int64_t dim, const Tensor& index, const Tensor& src);

}  // namespace nabla::ops
