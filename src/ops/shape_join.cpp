// Joining and splitting: cat and stack (copies); split, chunk and unbind (views, each piece differentiable).
#include "backend/kernels.h"
#include "nabla/ops/factory.h"
#include "ops/shape_common.h"

namespace nabla {
using autograd::record;
using autograd::variable_list;
using ops::mark_view;
using ops::OpId;

namespace {
// PyTorch's legacy rule: 1-D empty tensors (sizes [0]) are skipped by cat whatever the other shapes.
bool skipped_by_cat(const Tensor& t) { return t.dim() == 1 && t.size(0) == 0; }

ScalarType promoted_dtype(const TensorList& ts) {
  ScalarType r = ts[0].dtype();
  for (const Tensor& t : ts) r = promote_types(r, t.dtype());
  return r;
}

// Copies `parts` (raw, no graph, all of out's rank, skipped ones excluded by the caller) one after the other
// along dim d into a new tensor of `out_shape`.
Tensor cat_kernel(const TensorList& parts, int64_t d, IntArrayRef out_shape, ScalarType dtype) {
  Tensor out = detail::make_empty(out_shape, dtype);
  int64_t offset = 0;
  for (const Tensor& p : parts) {
    if (p.numel() > 0) {
      std::vector<int64_t> sizes = out.sizes().vec();
      sizes[size_t(d)] = p.size(d);
      Tensor region = detail::make_alias(out, sizes, out.strides(), offset * out.stride(d));
      backend::copy_cast(region, p);
    }
    offset += p.size(d);
  }
  return out;
}

// The gradient for an input of dtype `t` from a piece `g` of the output's gradient.
Tensor grad_as(const Tensor& g, ScalarType t) { return g.dtype() == t || !is_floating_point(t) ? g : g.to(t); }

// Views of x: consecutive pieces of `sizes` along dim d, recorded as one node with several outputs.
TensorList split_views(const Tensor& x, const std::vector<int64_t>& sizes, int64_t d, OpId op) {
  TensorList pieces;
  int64_t start = 0;
  for (int64_t s : sizes) {
    std::vector<int64_t> ps = x.sizes().vec();
    ps[size_t(d)] = s;
    pieces.push_back(detail::make_alias(x, ps, x.strides(), x.storage_offset() + start * x.stride(d)));
    start += s;
  }
  if (autograd::needs_grad(x)) {
    record(op, {x}, pieces, [d](const variable_list& g) -> variable_list { return {cat(g, d)}; });
    for (const Tensor& p : pieces) mark_view(p, x);
  }
  return pieces;
}
}  // namespace

Tensor cat(const TensorList& tensors, int64_t dim) {
  NABLA_CHECK(!tensors.empty(), "cat: expected a non-empty list of tensors");
  const ScalarType dtype = promoted_dtype(tensors);
  const Tensor* ref = nullptr;
  for (size_t i = 0; i < tensors.size(); ++i) {
    NABLA_CHECK(tensors[i].defined(), "cat: tensor number ", i, " in the list is undefined");
    NABLA_CHECK(tensors[i].dim() > 0, "cat: zero-dimensional tensor (at position ", i,
                ") cannot be concatenated; unsqueeze it or use stack");
    if (!ref && !skipped_by_cat(tensors[i])) ref = &tensors[i];
  }
  if (!ref) return detail::make_empty({0}, dtype);  // only legacy empties
  const int64_t d = wrap_dim(dim, ref->dim(), "cat");
  std::vector<int64_t> out_shape = ref->sizes().vec();
  out_shape[size_t(d)] = 0;
  TensorList parts;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    if (skipped_by_cat(t)) continue;
    NABLA_CHECK(t.dim() == ref->dim(), "cat: tensors must have the same number of dimensions: got ", ref->dim(),
                " and ", t.dim(), " (tensor number ", i, " has sizes ", t.sizes().vec(), ")");
    for (int64_t k = 0; k < t.dim(); ++k) {
      NABLA_CHECK(k == d || t.size(k) == ref->size(k), "cat: sizes of tensors must match except in dimension ", d,
                  ". Expected size ", ref->size(k), " but got size ", t.size(k), " for tensor number ", i,
                  " in the list (sizes ", ref->sizes().vec(), " and ", t.sizes().vec(), ")");
    }
    out_shape[size_t(d)] += t.size(d);
    parts.push_back(detail::make_alias(t));
  }
  Tensor out = cat_kernel(parts, d, out_shape, dtype);
  if (autograd::needs_grad(tensors)) {
    std::vector<int64_t> lengths;
    std::vector<ScalarType> dtypes;
    for (const Tensor& t : tensors) {
      lengths.push_back(skipped_by_cat(t) ? -1 : t.size(d));
      dtypes.push_back(t.dtype());
    }
    record(OpId::Cat, tensors, out, [d, lengths, dtypes](const variable_list& g) -> variable_list {
      variable_list r;
      int64_t start = 0;
      for (size_t i = 0; i < lengths.size(); ++i) {
        if (lengths[i] < 0) {
          r.push_back(Tensor());
          continue;
        }
        r.push_back(grad_as(g[0].narrow(d, start, lengths[i]), dtypes[i]));
        start += lengths[i];
      }
      return r;
    });
  }
  return out;
}

Tensor stack(const TensorList& tensors, int64_t dim) {
  NABLA_CHECK(!tensors.empty(), "stack: expected a non-empty list of tensors");
  const Tensor& ref = tensors[0];
  for (size_t i = 0; i < tensors.size(); ++i) {
    NABLA_CHECK(tensors[i].defined(), "stack: tensor number ", i, " in the list is undefined");
    NABLA_CHECK(tensors[i].sizes().vec() == ref.sizes().vec(), "stack: expects each tensor to be equal size, but got ",
                ref.sizes().vec(), " at entry 0 and ", tensors[i].sizes().vec(), " at entry ", i);
  }
  const int64_t d = wrap_dim(dim, ref.dim() + 1, "stack");
  TensorList parts;
  for (const Tensor& t : tensors) parts.push_back(unsqueeze(detail::make_alias(t), d));
  std::vector<int64_t> out_shape = parts[0].sizes().vec();
  out_shape[size_t(d)] = int64_t(tensors.size());
  Tensor out = cat_kernel(parts, d, out_shape, promoted_dtype(tensors));
  if (autograd::needs_grad(tensors)) {
    std::vector<ScalarType> dtypes;
    for (const Tensor& t : tensors) dtypes.push_back(t.dtype());
    record(OpId::Stack, tensors, out, [d, dtypes](const variable_list& g) -> variable_list {
      variable_list r;
      for (size_t i = 0; i < dtypes.size(); ++i) r.push_back(grad_as(g[0].select(d, int64_t(i)), dtypes[i]));
      return r;
    });
  }
  return out;
}

TensorList split(const Tensor& x, int64_t split_size, int64_t dim) {
  NABLA_CHECK(x.dim() > 0, "split: cannot be applied to a 0-dim tensor");
  NABLA_CHECK(split_size >= 0, "split: split_size must be non-negative, got ", split_size);
  const int64_t d = wrap_dim(dim, x.dim(), "split");
  const int64_t size = x.size(d);
  NABLA_CHECK(split_size > 0 || size == 0,
              "split: split_size can only be 0 if dimension size is 0, but got "
              "dimension size of ",
              size);
  std::vector<int64_t> sizes;
  if (size == 0) {
    sizes.push_back(0);
  } else {
    for (int64_t s = 0; s < size; s += split_size) sizes.push_back(std::min(split_size, size - s));
  }
  return split_views(x, sizes, d, OpId::Split);
}

TensorList split(const Tensor& x, IntArrayRef split_sizes, int64_t dim) {
  NABLA_CHECK(x.dim() > 0, "split_with_sizes: cannot be applied to a 0-dim tensor");
  const int64_t d = wrap_dim(dim, x.dim(), "split_with_sizes");
  int64_t total = 0;
  for (int64_t s : split_sizes) {
    NABLA_CHECK(s >= 0, "split_with_sizes: split_sizes must be non-negative, got ", split_sizes.vec());
    total += s;
  }
  NABLA_CHECK(total == x.size(d), "split_with_sizes: expects split_sizes to sum exactly to ", x.size(d),
              " (input tensor's size at dimension ", d, "), but got split_sizes=", split_sizes.vec());
  return split_views(x, split_sizes.vec(), d, OpId::SplitWithSizes);
}

TensorList chunk(const Tensor& x, int64_t chunks, int64_t dim) {
  NABLA_CHECK(x.dim() > 0, "chunk: cannot be applied to a 0-dim tensor");
  NABLA_CHECK(chunks > 0, "chunk: number of chunks must be greater than 0, got ", chunks);
  const int64_t d = wrap_dim(dim, x.dim(), "chunk");
  const int64_t size = x.size(d);
  if (size == 0) return split_views(x, std::vector<int64_t>(size_t(chunks), 0), d, OpId::SplitWithSizes);
  return split(x, (size + chunks - 1) / chunks, d);
}

TensorList unbind(const Tensor& x, int64_t dim) {
  NABLA_CHECK(x.dim() > 0, "unbind: dimension specified as ", dim, " but tensor has no dimensions");
  const int64_t d = wrap_dim(dim, x.dim(), "unbind");
  std::vector<int64_t> sizes = x.sizes().vec(), strides = x.strides().vec();
  sizes.erase(sizes.begin() + d);
  strides.erase(strides.begin() + d);
  TensorList pieces;
  for (int64_t i = 0; i < x.size(d); ++i)
    pieces.push_back(detail::make_alias(x, sizes, strides, x.storage_offset() + i * x.stride(d)));
  if (autograd::needs_grad(x) && !pieces.empty()) {
    record(OpId::Unbind, {x}, pieces, [d](const variable_list& g) -> variable_list { return {stack(g, d)}; });
    for (const Tensor& p : pieces) mark_view(p, x);
  }
  return pieces;
}

}  // namespace nabla
