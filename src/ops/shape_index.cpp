// Copying index ops: index_select and gather, and their differentiable backwards (index_add and scatter_add
// into zeros; duplicate indices accumulate): checks and autograd here, the loops in backend/cpu/kernels/index.cpp.
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
  const Device dev = backend::common_device("index_select", {&xc, &idx});
  Tensor out = detail::make_empty(out_shape, x.dtype(), dev);
  backend::kernels(dev).index_select(backend::IndexGeom{outer, n, k, inner}, out, xc, idx);
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
  check_range(ip, idx.numel(), dsize, d, "gather");
  const Device dev = backend::common_device("gather", {&x, &idx});
  Tensor out = detail::make_empty(index.sizes(), x.dtype(), dev);
  backend::kernels(dev).gather(d, out, x, idx);
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
  const Device dev = backend::common_device("index_add", {&src, &idx});
  Tensor out = detail::make_empty(shape, src.dtype(), dev);
  backend::fill(out, 0);
  Tensor sc = contiguous(detail::make_alias(src));
  const int64_t outer = prod(shape, 0, size_t(dim)), inner = prod(shape, size_t(dim) + 1, shape.size());
  backend::kernels(dev).index_add(backend::IndexGeom{outer, n, k, inner}, out, sc, idx);
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
  const Device dev = backend::common_device("scatter_add", {&src, &idx});
  Tensor out = detail::make_empty(shape, src.dtype(), dev);
  backend::fill(out, 0);
  backend::kernels(dev).scatter_add(dim, out, src, idx);
  if (autograd::needs_grad(src)) {
    record(OpId::ScatterAdd, {src}, out,
           [dim, idx](const variable_list& g) -> variable_list { return {gather(g[0], dim, idx)}; });
  }
  return out;
}

}  // namespace ops
}  // namespace nabla
