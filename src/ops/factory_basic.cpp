// empty/zeros/ones/full, the *_like forms, tensor(...) and from_blob.
#include "autograd/record.h"
#include "backend/kernels.h"
#include "core/make.h"
#include "nabla/ops/factory.h"

namespace nabla {

namespace {
Tensor finish(Tensor t, const TensorOptions& o) {
  if (o.requires_grad()) t.requires_grad_(true);
  return t;
}
ScalarType dtype_or(const TensorOptions& o, ScalarType fallback) { return o.has_dtype() ? o.dtype() : fallback; }
TensorOptions like_options(const Tensor& t, const TensorOptions& o) {
  TensorOptions r = o;
  if (!o.has_dtype()) r = r.dtype(t.dtype());
  return r;
}
}  // namespace

Tensor empty(IntArrayRef size, const TensorOptions& o) {
  return finish(detail::make_empty(size, dtype_or(o, kFloat32), o.device()), o);
}
Tensor empty_strided(IntArrayRef size, IntArrayRef strides, const TensorOptions& o) {
  NABLA_CHECK(size.size() == strides.size(), "empty_strided: got ", size.size(), " sizes and ", strides.size(),
              " strides");
  int64_t extent = 1;
  for (size_t i = 0; i < size.size(); ++i) {
    if (size[i] == 0) {
      extent = 0;
      break;
    }
    extent += (size[i] - 1) * strides[i];
  }
  Tensor base = detail::make_empty({extent}, dtype_or(o, kFloat32), o.device());
  return finish(detail::make_alias(base, size, strides, 0), o);
}
Tensor full(IntArrayRef size, const Scalar& value, const TensorOptions& o) {
  ScalarType def = value.is_floating_point() ? kFloat32 : value.is_boolean() ? kBool : kInt64;
  Tensor t = detail::make_empty(size, dtype_or(o, def), o.device());
  backend::fill(t, value);
  return finish(t, o);
}
Tensor zeros(IntArrayRef size, const TensorOptions& o) { return full(size, 0.0, o); }
Tensor ones(IntArrayRef size, const TensorOptions& o) { return full(size, 1.0, o); }
Tensor empty_like(const Tensor& t, const TensorOptions& o) { return empty(t.sizes(), like_options(t, o)); }
Tensor zeros_like(const Tensor& t, const TensorOptions& o) { return zeros(t.sizes(), like_options(t, o)); }
Tensor ones_like(const Tensor& t, const TensorOptions& o) { return ones(t.sizes(), like_options(t, o)); }
Tensor full_like(const Tensor& t, const Scalar& v, const TensorOptions& o) {
  return full(t.sizes(), v, like_options(t, o));
}

namespace {
void flatten_nested(const NestedList& l, std::vector<int64_t>& shape, size_t depth, std::vector<double>& values,
                    bool& all_integral, bool& all_bool) {
  if (l.is_scalar()) {
    NABLA_CHECK(depth == shape.size(), "tensor: nested lists have inconsistent depth");
    values.push_back(l.value());
    all_integral = all_integral && l.is_integral();
    all_bool = all_bool && l.is_bool();
    return;
  }
  int64_t n = int64_t(l.children().size());
  if (depth == shape.size()) shape.push_back(n);
  NABLA_CHECK(shape[depth] == n, "tensor: expected sequence of length ", shape[depth], " at dim ", depth, " (got ", n,
              ")");
  for (const auto& c : l.children()) flatten_nested(c, shape, depth + 1, values, all_integral, all_bool);
}

Tensor from_values(const std::vector<double>& values, IntArrayRef shape, ScalarType dtype) {
  Tensor t = detail::make_empty(shape, dtype);
  NABLA_DISPATCH_ALL(dtype, "tensor", [&] {
    scalar_t* p = t.data_ptr<scalar_t>();
    for (size_t i = 0; i < values.size(); ++i) p[i] = static_cast<scalar_t>(values[i]);
  });
  return t;
}
}  // namespace

Tensor tensor(std::initializer_list<NestedList> values, const TensorOptions& o) {
  NestedList root(values);
  std::vector<int64_t> shape;
  std::vector<double> flat;
  bool all_integral = true, all_bool = true;
  // Shape is fixed by the first path to a scalar; later paths must agree.
  flatten_nested(root, shape, 0, flat, all_integral, all_bool);
  if (flat.empty()) all_integral = all_bool = false;
  ScalarType def = all_bool ? kBool : all_integral ? kInt64 : kFloat32;
  return finish(from_values(flat, shape, dtype_or(o, def)), o);
}

Tensor tensor(const Scalar& value, const TensorOptions& o) {
  ScalarType def = value.is_floating_point() ? kFloat32 : value.is_boolean() ? kBool : kInt64;
  Tensor t = detail::make_empty({}, dtype_or(o, def));
  backend::fill(t, value);
  return finish(t, o);
}
Tensor scalar_tensor(const Scalar& value, const TensorOptions& o) {
  return tensor(value, o.has_dtype() ? o
                                     : o.dtype(value.is_floating_point() ? kFloat32
                                               : value.is_boolean()      ? kBool
                                                                         : kInt64));
}

template <typename T>
Tensor tensor(const std::vector<T>& values, const TensorOptions& o) {
  Tensor t = detail::make_empty({int64_t(values.size())}, CppTypeToScalarType<T>::value);
  std::copy(values.begin(), values.end(), t.data_ptr<T>());
  if (o.has_dtype() && o.dtype() != t.dtype()) t = t.to(o.dtype());
  return finish(t, o);
}
template Tensor tensor(const std::vector<float>&, const TensorOptions&);
template Tensor tensor(const std::vector<double>&, const TensorOptions&);
template Tensor tensor(const std::vector<int64_t>&, const TensorOptions&);
template Tensor tensor(const std::vector<int32_t>&, const TensorOptions&);
template Tensor tensor(const std::vector<uint8_t>&, const TensorOptions&);

Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides, const TensorOptions& o) {
  NABLA_CHECK(sizes.size() == strides.size(), "from_blob: got ", sizes.size(), " sizes and ", strides.size(),
              " strides");
  auto impl = std::make_shared<TensorImpl>();
  int64_t extent = 1;
  for (size_t i = 0; i < sizes.size(); ++i) extent += (sizes[i] - 1) * strides[i];
  ScalarType dt = dtype_or(o, kFloat32);
  impl->storage = std::make_shared<StorageImpl>(data, size_t(extent) * element_size(dt), nullptr, o.device());
  impl->version = std::make_shared<VersionCounter>();
  impl->device = o.device();
  impl->sizes = sizes;
  impl->strides = strides;
  impl->dtype = dt;
  return finish(Tensor(std::move(impl)), o);
}
Tensor from_blob(void* data, IntArrayRef sizes, const TensorOptions& o) {
  return from_blob(data, sizes, detail::contiguous_strides(sizes), o);
}
Tensor from_blob(void* data, IntArrayRef sizes, std::function<void(void*)> deleter, const TensorOptions& o) {
  Tensor t = from_blob(data, sizes, o);
  t.impl().storage = std::make_shared<StorageImpl>(data, t.impl().storage->nbytes(), std::move(deleter), t.device());
  return t;
}

}  // namespace nabla
