// Views that share memory with their input: flatten, squeeze, unsqueeze, transpose, t, permute, narrow,
// slice, select; plus view_scatter, the differentiable backward shared by slice and select.
#include "backend/kernels.h"
#include "nabla/ops/factory.h"
#include "ops/shape_common.h"

namespace nabla {
using autograd::record;
using autograd::variable_list;
using ops::mark_view;
using ops::OpId;

namespace {
// out = alias of x with new geometry; records `op` with `backward` when x needs grad.
Tensor make_view(const Tensor& x, std::vector<int64_t> sizes, std::vector<int64_t> strides, int64_t offset, OpId op,
                 autograd::BackwardFn backward) {
  Tensor out = detail::make_alias(x, sizes, strides, offset);
  if (autograd::needs_grad(x)) {
    record(op, {x}, out, std::move(backward));
    mark_view(out, x);
  }
  return out;
}
}  // namespace

Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) {
  if (x.dim() == 0) return reshape(x, {1});
  int64_t s = wrap_dim(start_dim, x.dim(), "flatten");
  int64_t e = wrap_dim(end_dim, x.dim(), "flatten");
  NABLA_CHECK(s <= e, "flatten: start_dim (", start_dim, ") cannot come after end_dim (", end_dim, ")");
  if (s == e) return x;
  std::vector<int64_t> shape;
  // x (d0..dn) -> (d0..d{s-1}, prod(ds..de), d{e+1}..dn)
  for (int64_t d = 0; d < s; ++d) shape.push_back(x.size(d));
  int64_t prod = 1;
  for (int64_t d = s; d <= e; ++d) prod *= x.size(d);
  shape.push_back(prod);
  for (int64_t d = e + 1; d < x.dim(); ++d) shape.push_back(x.size(d));
  return reshape(x, shape);
}

Tensor squeeze(const Tensor& x) {
  std::vector<int64_t> sizes, strides;
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (x.size(d) == 1) continue;
    sizes.push_back(x.size(d));
    strides.push_back(x.stride(d));
  }
  return make_view(
      x, sizes, strides, x.storage_offset(), OpId::Squeeze,
      [in_shape = x.sizes().vec()](const variable_list& g) -> variable_list { return {g[0].reshape(in_shape)}; });
}

Tensor squeeze(const Tensor& x, int64_t dim) {
  int64_t d = wrap_dim(dim, x.dim(), "squeeze");
  std::vector<int64_t> sizes = x.sizes().vec(), strides = x.strides().vec();
  bool removed = x.dim() > 0 && sizes[size_t(d)] == 1;
  if (removed) {
    sizes.erase(sizes.begin() + d);
    strides.erase(strides.begin() + d);
  }
  return make_view(
      x, sizes, strides, x.storage_offset(), OpId::SqueezeDim,
      [d, removed](const variable_list& g) -> variable_list { return {removed ? g[0].unsqueeze(d) : g[0]}; });
}

Tensor unsqueeze(const Tensor& x, int64_t dim) {
  int64_t d = wrap_dim(dim, x.dim() + 1, "unsqueeze");
  std::vector<int64_t> sizes = x.sizes().vec(), strides = x.strides().vec();
  int64_t st = d < x.dim() ? sizes[size_t(d)] * strides[size_t(d)] : 1;
  sizes.insert(sizes.begin() + d, 1);
  strides.insert(strides.begin() + d, st);
  return make_view(x, sizes, strides, x.storage_offset(), OpId::Unsqueeze,
                   [d](const variable_list& g) -> variable_list { return {g[0].squeeze(d)}; });
}

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  int64_t a = wrap_dim(dim0, x.dim(), "transpose");
  int64_t b = wrap_dim(dim1, x.dim(), "transpose");
  std::vector<int64_t> sizes = x.sizes().vec(), strides = x.strides().vec();
  if (x.dim() > 0) {
    std::swap(sizes[size_t(a)], sizes[size_t(b)]);
    std::swap(strides[size_t(a)], strides[size_t(b)]);
  }
  return make_view(x, sizes, strides, x.storage_offset(), OpId::Transpose,
                   [a, b](const variable_list& g) -> variable_list { return {g[0].transpose(a, b)}; });
}

Tensor t(const Tensor& x) {
  NABLA_CHECK(x.dim() <= 2, "t: expects a tensor with <= 2 dimensions, but self is ", x.dim(), "D (sizes ",
              x.sizes().vec(), "); use transpose(dim0, dim1) or permute for higher ranks");
  std::vector<int64_t> sizes = x.sizes().vec(), strides = x.strides().vec();
  if (x.dim() == 2) {
    std::swap(sizes[0], sizes[1]);
    std::swap(strides[0], strides[1]);
  }
  return make_view(x, sizes, strides, x.storage_offset(), OpId::T,
                   [](const variable_list& g) -> variable_list { return {g[0].t()}; });
}

Tensor permute(const Tensor& x, IntArrayRef dims) {
  const int64_t n = x.dim();
  NABLA_CHECK(int64_t(dims.size()) == n, "permute: number of dims don't match in permute: the tensor has ", n,
              " dims (sizes ", x.sizes().vec(), ") but dims ", dims.vec(), " has ", dims.size());
  std::vector<int64_t> sizes(static_cast<size_t>(n)), strides(sizes), inverse(sizes);
  std::vector<bool> seen(size_t(n), false);
  for (int64_t i = 0; i < n; ++i) {
    int64_t d = wrap_dim(dims[size_t(i)], n, "permute");
    NABLA_CHECK(!seen[size_t(d)], "permute: repeated dim ", dims[size_t(i)], " in dims ", dims.vec());
    seen[size_t(d)] = true;
    sizes[size_t(i)] = x.size(d);
    strides[size_t(i)] = x.stride(d);
    inverse[size_t(d)] = i;
  }
  return make_view(x, sizes, strides, x.storage_offset(), OpId::Permute,
                   [inverse](const variable_list& g) -> variable_list { return {g[0].permute(inverse)}; });
}

Tensor slice(const Tensor& x, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end, int64_t step) {
  NABLA_CHECK(x.dim() > 0, "slice: cannot be applied to a 0-dim tensor");
  NABLA_CHECK(step > 0, "slice: step must be positive, got ", step);
  int64_t d = wrap_dim(dim, x.dim(), "slice");
  const int64_t size = x.size(d);
  int64_t s = start.value_or(0), e = end.value_or(INT64_MAX);
  if (s < 0) s += size;
  if (e < 0) e += size;
  s = std::clamp<int64_t>(s, 0, size);
  e = std::clamp<int64_t>(e, s, size);
  std::vector<int64_t> sizes = x.sizes().vec(), strides = x.strides().vec();
  sizes[size_t(d)] = (e - s + step - 1) / step;
  strides[size_t(d)] *= step;
  int64_t offset = x.storage_offset() + s * x.stride(d);
  return make_view(
      x, sizes, strides, offset, OpId::Slice,
      [in_shape = x.sizes().vec(), d, s, e, step](const variable_list& g) -> variable_list {
        return {ops::view_scatter(g[0], in_shape, [=](const Tensor& t) { return slice(t, d, s, e, step); })};
      });
}

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  NABLA_CHECK(x.dim() > 0, "narrow: cannot be applied to a 0-dim tensor");
  int64_t d = wrap_dim(dim, x.dim(), "narrow");
  const int64_t size = x.size(d);
  NABLA_CHECK(start >= -size && start <= size, "narrow: start (", start, ") out of range for dimension ", d,
              " of size ", size);
  if (start < 0) start += size;
  NABLA_CHECK(length >= 0 && start <= size - length, "narrow: start (", start, ") + length (", length,
              ") exceeds dimension size (", size, ")");
  return slice(x, d, start, start + length, 1);
}

Tensor select(const Tensor& x, int64_t dim, int64_t index) {
  NABLA_CHECK(x.dim() > 0, "select: cannot be applied to a 0-dim tensor");
  int64_t d = wrap_dim(dim, x.dim(), "select");
  const int64_t size = x.size(d);
  NABLA_CHECK(index >= -size && index < size, "select: index ", index, " out of range for tensor of size ",
              x.sizes().vec(), " at dimension ", d);
  if (index < 0) index += size;
  std::vector<int64_t> sizes = x.sizes().vec(), strides = x.strides().vec();
  sizes.erase(sizes.begin() + d);
  strides.erase(strides.begin() + d);
  int64_t offset = x.storage_offset() + index * x.stride(d);
  return make_view(x, sizes, strides, offset, OpId::Select,
                   [in_shape = x.sizes().vec(), d, index](const variable_list& g) -> variable_list {
                     return {ops::view_scatter(g[0], in_shape, [=](const Tensor& t) { return select(t, d, index); })};
                   });
}

namespace ops {
Tensor view_scatter(const Tensor& grad, IntArrayRef base_shape, std::function<Tensor(const Tensor&)> view_fn) {
  Tensor out = detail::make_empty(base_shape, grad.dtype());
  backend::fill(out, 0);
  {
    NoGradGuard guard;
    backend::copy_cast(view_fn(out), grad);
  }
  if (autograd::needs_grad(grad)) {
    record(OpId::ViewScatter, {grad}, out,
           [fn = std::move(view_fn)](const variable_list& g) -> variable_list { return {fn(g[0])}; });
  }
  return out;
}
}  // namespace ops

}  // namespace nabla
