// Copying index ops: index_select and gather, and their differentiable backwards (index_add and scatter_add
// into zeros; duplicate indices accumulate).
#include <cstring>

#include "backend/kernels.h"
#include "nabla/ops/factory.h"
#include "ops/shape_common.h"

namespace nabla {
using autograd::record;
using autograd::variable_list;
using ops::OpId;

namespace {
int64_t prod(IntArrayRef s, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end; ++i) p *= s[i];
  return p;
}

// Contiguous int64 copy of an integer index tensor (no graph).
Tensor index_as_int64(const Tensor& index, const char* op) {
  NABLA_CHECK(index.dtype() == kInt64 || index.dtype() == kInt32, op, ": expected dtype int64 or int32 for index, got ",
              index.dtype());
  Tensor out = detail::make_empty(index.sizes(), kInt64);
  backend::copy_cast(out, index);
  return out;
}

void check_range(const int64_t* idx, int64_t n, int64_t size, int64_t dim, const char* op) {
  for (int64_t i = 0; i < n; ++i) {
    NABLA_CHECK(idx[i] >= 0 && idx[i] < size, op, ": index ", idx[i], " is out of bounds for dimension ", dim,
                " with size ", size);
  }
}

// Calls fn(pos) for every multi-index of `shape` in row-major order (once for a 0-dim shape).
template <typename F>
void for_each_position(IntArrayRef shape, F fn) {
  const int64_t n = detail::shape_numel(shape);
  std::vector<int64_t> pos(shape.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    fn(pos, i);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++pos[d] < shape[d]) break;
      pos[d] = 0;
    }
  }
}
}  // namespace

namespace ops {
std::vector<int64_t> index_values(const Tensor& index, int64_t size, const char* op) {
  NABLA_CHECK(index.dim() <= 1, op, ": index is supposed to be a vector (1-D), got sizes ", index.sizes().vec());
  Tensor idx = index_as_int64(index, op);
  const int64_t* p = idx.data_ptr<int64_t>();
  check_range(p, idx.numel(), size, 0, op);
  return std::vector<int64_t>(p, p + idx.numel());
}
}  // namespace ops

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  NABLA_CHECK(index.dim() <= 1, "index_select: index is supposed to be a vector (1-D), got sizes ",
              index.sizes().vec());
  if (x.dim() == 0) {
    Tensor picked = index_select(x.reshape({1}), dim, index);
    NABLA_CHECK(picked.numel() == 1, "index_select: a 0-dim input needs exactly one index, got ", picked.numel());
    return picked.reshape({});
  }
  const int64_t d = wrap_dim(dim, x.dim(), "index_select");
  Tensor idx = index_as_int64(index, "index_select").reshape({-1});
  const int64_t* ip = idx.data_ptr<int64_t>();
  const int64_t k = idx.numel();
  check_range(ip, k, x.size(d), d, "index_select");
  // x (outer, n, inner) -> out (outer, k, inner)
  Tensor xc = contiguous(detail::make_alias(x));
  const int64_t outer = prod(x.sizes(), 0, size_t(d)), n = x.size(d),
                inner = prod(x.sizes(), size_t(d) + 1, size_t(x.dim()));
  std::vector<int64_t> out_shape = x.sizes().vec();
  out_shape[size_t(d)] = k;
  Tensor out = detail::make_empty(out_shape, x.dtype());
  const size_t row = size_t(inner) * x.element_size();
  const char* src = static_cast<const char*>(xc.data_ptr());
  char* dst = static_cast<char*>(out.data_ptr());
  if (row > 0) {
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < k; ++j) std::memcpy(dst + (o * k + j) * row, src + (o * n + ip[j]) * row, row);
  }
  if (autograd::needs_grad(x)) {
    record(OpId::IndexSelect, {x}, out, [in_shape = x.sizes().vec(), d, idx](const variable_list& g) -> variable_list {
      return {ops::index_add_into_zeros(in_shape, d, idx, g[0])};
    });
  }
  return out;
}

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index) {
  const int64_t d = wrap_dim(dim, x.dim(), "gather");
  NABLA_CHECK(index.dim() == x.dim() || (index.dim() <= 1 && x.dim() <= 1),
              "gather: index tensor must have the "
              "same number of dimensions as input tensor (input sizes ",
              x.sizes().vec(), ", index sizes ", index.sizes().vec(), ")");
  for (int64_t i = 0; i < index.dim() && x.dim() > 0; ++i) {
    NABLA_CHECK(i == d || index.size(i) <= x.size(i), "gather: size of index (", index.sizes().vec(),
                ") must not exceed the size of input (", x.sizes().vec(), ") at dimension ", i, " other than ", d);
  }
  Tensor idx = index_as_int64(index, "gather");
  const int64_t* ip = idx.data_ptr<int64_t>();
  const int64_t dsize = x.dim() == 0 ? 1 : x.size(d);
  const int64_t dstride = x.dim() == 0 ? 0 : x.stride(d);
  check_range(ip, idx.numel(), dsize, d, "gather");
  Tensor out = detail::make_empty(index.sizes(), x.dtype());
  const std::vector<int64_t> xs = x.strides().vec();
  const bool same_rank = index.dim() == x.dim();
  NABLA_DISPATCH_ALL(x.dtype(), "gather", [&] {
    const scalar_t* src = static_cast<const scalar_t*>(x.data_ptr());
    scalar_t* dst = out.data_ptr<scalar_t>();
    for_each_position(index.sizes(), [&](const std::vector<int64_t>& pos, int64_t i) {
      int64_t off = ip[i] * dstride;
      if (same_rank)
        for (size_t k = 0; k < pos.size(); ++k) off += int64_t(k) == d ? 0 : pos[k] * xs[k];
      dst[i] = src[off];
    });
  });
  if (autograd::needs_grad(x)) {
    record(OpId::Gather, {x}, out, [in_shape = x.sizes().vec(), d, idx](const variable_list& g) -> variable_list {
      return {ops::scatter_add_into_zeros(in_shape, d, idx, g[0])};
    });
  }
  return out;
}

namespace ops {

Tensor index_add_into_zeros(IntArrayRef shape, int64_t dim, const Tensor& index, const Tensor& src) {
  Tensor idx = index_as_int64(index, "index_add").reshape({-1});
  const int64_t* ip = idx.data_ptr<int64_t>();
  const int64_t k = idx.numel(), n = shape[size_t(dim)];
  check_range(ip, k, n, dim, "index_add");
  NABLA_CHECK(src.dim() == int64_t(shape.size()) && src.size(dim) == k, "index_add: source sizes ", src.sizes().vec(),
              " do not match ", k, " indices into shape ", shape.vec(), " at dimension ", dim);
  Tensor out = detail::make_empty(shape, src.dtype());
  backend::fill(out, 0);
  Tensor sc = contiguous(detail::make_alias(src));
  const int64_t outer = prod(shape, 0, size_t(dim)), inner = prod(shape, size_t(dim) + 1, shape.size());
  NABLA_DISPATCH_NUMERIC(src.dtype(), "index_add", [&] {
    const scalar_t* s = sc.data_ptr<scalar_t>();
    scalar_t* o = out.data_ptr<scalar_t>();
    for (int64_t a = 0; a < outer; ++a)
      for (int64_t j = 0; j < k; ++j) {
        scalar_t* dr = o + (a * n + ip[j]) * inner;
        const scalar_t* sr = s + (a * k + j) * inner;
        for (int64_t i = 0; i < inner; ++i) dr[i] += sr[i];
      }
  });
  if (autograd::needs_grad(src)) {
    record(OpId::IndexAdd, {src}, out,
           [dim, idx](const variable_list& g) -> variable_list { return {index_select(g[0], dim, idx)}; });
  }
  return out;
}

Tensor scatter_add_into_zeros(IntArrayRef shape, int64_t dim, const Tensor& index, const Tensor& src) {
  Tensor idx = index_as_int64(index, "scatter_add");
  NABLA_CHECK(src.sizes().vec() == idx.sizes().vec(), "scatter_add: source sizes ", src.sizes().vec(),
              " must equal index sizes ", idx.sizes().vec());
  const int64_t* ip = idx.data_ptr<int64_t>();
  const int64_t dsize = shape.empty() ? 1 : shape[size_t(dim)];
  check_range(ip, idx.numel(), dsize, dim, "scatter_add");
  Tensor out = detail::make_empty(shape, src.dtype());
  backend::fill(out, 0);
  const std::vector<int64_t> os = out.strides().vec(), ss = src.strides().vec();
  const int64_t dstride = shape.empty() ? 0 : os[size_t(dim)];
  const bool same_rank = idx.dim() == int64_t(shape.size());
  NABLA_DISPATCH_NUMERIC(src.dtype(), "scatter_add", [&] {
    const scalar_t* s = static_cast<const scalar_t*>(src.data_ptr());
    scalar_t* o = out.data_ptr<scalar_t>();
    for_each_position(idx.sizes(), [&](const std::vector<int64_t>& pos, int64_t i) {
      int64_t off = ip[i] * dstride, soff = 0;
      for (size_t k = 0; k < pos.size(); ++k) {
        soff += pos[k] * ss[k];
        if (same_rank && int64_t(k) != dim) off += pos[k] * os[k];
      }
      o[off] += s[soff];
    });
  });
  if (autograd::needs_grad(src)) {
    record(OpId::ScatterAdd, {src}, out,
           [dim, idx](const variable_list& g) -> variable_list { return {gather(g[0], dim, idx)}; });
  }
  return out;
}

}  // namespace ops
}  // namespace nabla
