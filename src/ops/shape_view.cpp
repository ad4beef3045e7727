// Core views: view, reshape, expand, contiguous, clone, dtype conversion; broadcasting rules.
#include "autograd/record.h"
#include "nabla/ops/reduce.h"
#include "ops/elementwise_common.h"
#include "ops/shape_common.h"

namespace nabla {
using autograd::record;
using autograd::SavedVariable;
using autograd::variable_list;
using ops::OpId;

int64_t wrap_dim(int64_t dim, int64_t ndim, const char* op) {
  int64_t n = std::max<int64_t>(ndim, 1);
  NABLA_CHECK(dim >= -n && dim < n, op, ": dimension out of range (expected to be in range of [", -n, ", ", n - 1,
              "], but got ", dim, ")");
  return dim < 0 ? dim + n : dim;
}

std::vector<int64_t> broadcast_shapes(IntArrayRef a, IntArrayRef b, const char* op) {
  size_t n = std::max(a.size(), b.size());
  std::vector<int64_t> out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    NABLA_CHECK(da == db || da == 1 || db == 1, op, ": the size of tensor a (", da,
                ") must match the size of tensor b (", db, ") at non-singleton dimension ", i, "; shapes ", a.vec(),
                " and ", b.vec(), " do not broadcast");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

namespace {
// Resolves one -1 in a requested shape.
std::vector<int64_t> infer_size(IntArrayRef shape, int64_t numel, const char* op) {
  std::vector<int64_t> out = shape.vec();
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      NABLA_CHECK(infer < 0, op, ": only one dimension can be inferred in shape ", shape.vec());
      infer = int64_t(i);
    } else {
      NABLA_CHECK(out[i] >= 0, op, ": invalid shape dimension ", out[i], " in ", shape.vec());
      known *= out[i];
    }
  }
  if (infer >= 0) {
    NABLA_CHECK(known != 0 && numel % known == 0, op, ": shape ", shape.vec(), " is invalid for input of size ", numel);
    out[size_t(infer)] = numel / known;
  } else {
    NABLA_CHECK(known == numel, op, ": shape ", shape.vec(), " is invalid for input of size ", numel);
  }
  return out;
}

// Strides for viewing (sizes, strides) as new_sizes without copying, or empty when impossible.
std::optional<std::vector<int64_t>> view_strides(IntArrayRef sizes, IntArrayRef strides,
                                                 const std::vector<int64_t>& ns) {
  std::vector<int64_t> out(ns.size());
  int64_t numel = detail::shape_numel(sizes);
  if (numel == 0 || sizes.empty()) return detail::contiguous_strides(ns).vec();
  // Walk old dims in chunks that are contiguous among themselves, match them with new dims.
  int64_t view_d = int64_t(ns.size()) - 1;
  int64_t chunk_base_stride = strides.empty() ? 1 : strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t d = int64_t(sizes.size()) - 1; d >= 0; --d) {
    tensor_numel *= sizes[size_t(d)];
    if (d == 0 || (sizes[size_t(d - 1)] != 1 && strides[size_t(d - 1)] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || ns[size_t(view_d)] == 1)) {
        out[size_t(view_d)] = view_numel * chunk_base_stride;
        view_numel *= ns[size_t(view_d)];
        --view_d;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (d > 0) {
        chunk_base_stride = strides[size_t(d - 1)];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return out;
}

}  // namespace
using ops::mark_view;

Tensor view(const Tensor& x, IntArrayRef size) {
  auto ns = infer_size(size, x.numel(), "view");
  auto st = view_strides(x.sizes(), x.strides(), ns);
  NABLA_CHECK(st.has_value(), "view: view size ", size.vec(), " is not compatible with input tensor's size ",
              x.sizes().vec(), " and stride ", x.strides().vec(),
              " (at least one dimension spans across two "
              "contiguous subspaces). Use .reshape(...) instead.");
  Tensor out = detail::make_alias(x, ns, *st, x.storage_offset());
  if (autograd::needs_grad(x)) {
    record(OpId::View, {x}, out,
           [in_shape = x.sizes().vec()](const variable_list& g) -> variable_list { return {g[0].reshape(in_shape)}; });
    mark_view(out, x);
  }
  return out;
}

Tensor reshape(const Tensor& x, IntArrayRef size) {
  auto ns = infer_size(size, x.numel(), "reshape");
  if (view_strides(x.sizes(), x.strides(), ns)) return view(x, ns);
  return view(contiguous(x), ns);
}

Tensor expand(const Tensor& x, IntArrayRef size) {
  NABLA_CHECK(size.size() >= size_t(x.dim()), "expand: the number of sizes provided (", size.size(),
              ") must be greater or equal to the number of dimensions in the tensor (", x.dim(), ")");
  const size_t lead = size.size() - size_t(x.dim());
  std::vector<int64_t> ns(size.size()), st(size.size());
  for (size_t i = 0; i < size.size(); ++i) {
    if (i < lead) {
      NABLA_CHECK(size[i] >= 0, "expand: -1 is not allowed in a leading, non-existing dimension");
      ns[i] = size[i];
      st[i] = 0;
      continue;
    }
    int64_t cur = x.sizes()[i - lead];
    int64_t want = size[i] == -1 ? cur : size[i];
    NABLA_CHECK(cur == want || cur == 1, "expand: the expanded size of the tensor (", want,
                ") must match the existing size (", cur, ") at non-singleton dimension ", i,
                ". Target sizes: ", size.vec(), ". Tensor sizes: ", x.sizes().vec());
    ns[i] = want;
    st[i] = cur == want ? x.strides()[i - lead] : 0;
  }
  Tensor out = detail::make_alias(x, ns, st, x.storage_offset());
  if (autograd::needs_grad(x)) {
    record(OpId::Expand, {x}, out, [in_shape = x.sizes().vec()](const variable_list& g) -> variable_list {
      return {autograd::sum_to(g[0], in_shape)};
    });
    mark_view(out, x);
  }
  return out;
}

Tensor contiguous(const Tensor& x) { return x.is_contiguous() ? x : clone(x); }

Tensor clone(const Tensor& x) {
  Tensor out = detail::make_empty(x.sizes(), x.dtype());
  backend::copy_cast(out, x);
  if (autograd::needs_grad(x)) {
    record(OpId::Clone, {x}, out, [](const variable_list& g) -> variable_list { return {g[0]}; });
  }
  return out;
}

Tensor to_dtype(const Tensor& x, ScalarType dtype, bool copy) {
  if (x.dtype() == dtype && !copy) return x;
  Tensor out = detail::make_empty(x.sizes(), dtype);
  backend::copy_cast(out, x);
  if (is_floating_point(dtype) && autograd::needs_grad(x)) {
    record(OpId::ToDtype, {x}, out,
           [src = x.dtype()](const variable_list& g) -> variable_list { return {g[0].to(src)}; });
  }
  return out;
}

}  // namespace nabla
