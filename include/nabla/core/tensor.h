#pragma once
// nabla::Tensor: a strided view of a Storage with a dtype, plus the autograd metadata.
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "nabla/core/accessor.h"
#include "nabla/core/device.h"
#include "nabla/core/dim_vector.h"
#include "nabla/core/dtype.h"
#include "nabla/core/error.h"
#include "nabla/core/generator.h"
#include "nabla/core/int_array_ref.h"
#include "nabla/core/scalar.h"
#include "nabla/core/std_function.h"
#include "nabla/core/storage.h"
#include "nabla/core/tensor_options.h"

namespace nabla {

namespace indexing {
class TensorIndex;
}  // namespace indexing

class Tensor;
namespace autograd {
class Node;
struct AutogradMeta;
}  // namespace autograd

/// Shared by a tensor and all its views; bumped by every in-place op.
struct VersionCounter {
  uint32_t version = 0;
};

struct AutogradMetaDeleter {
  void operator()(autograd::AutogradMeta* m) const;
};

struct TensorImpl {
  Storage storage;
  DimVector sizes;
  DimVector strides;   // in elements
  int64_t offset = 0;  // in elements
  ScalarType dtype = kFloat32;
  Device device = kCPU;
  std::shared_ptr<VersionCounter> version;  // set by whoever makes the impl (views share their base's)
  std::unique_ptr<autograd::AutogradMeta, AutogradMetaDeleter> autograd;  // null until autograd touches it
};

using TensorList = std::vector<Tensor>;

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // ---- metadata ----
  bool defined() const { return impl_ != nullptr; }
  IntArrayRef sizes() const { return impl().sizes; }
  IntArrayRef strides() const { return impl().strides; }
  int64_t size(int64_t d) const;  ///< negative d counts from the end
  int64_t stride(int64_t d) const;
  int64_t dim() const { return static_cast<int64_t>(impl().sizes.size()); }
  int64_t ndimension() const { return dim(); }
  [[gnu::always_inline]] int64_t numel() const {
    int64_t n = 1;
    for (int64_t s : impl().sizes) n *= s;
    return n;
  }
  ScalarType dtype() const { return impl().dtype; }
  ScalarType scalar_type() const { return impl().dtype; }
  Device device() const { return impl().device; }
  bool is_cuda() const { return device().is_cuda(); }
  bool is_floating_point() const { return nabla::is_floating_point(dtype()); }
  TensorOptions options() const { return TensorOptions().dtype(dtype()).device(device()); }
  [[gnu::always_inline]] size_t element_size() const { return nabla::element_size(dtype()); }
  int64_t storage_offset() const { return impl().offset; }
  [[gnu::always_inline]] bool is_contiguous() const {
    const TensorImpl& t = impl();
    int64_t expected = 1;
    for (size_t i = t.sizes.size(); i-- > 0;) {
      if (t.sizes[i] == 1) continue;
      if (t.strides[i] != expected) return false;
      expected *= t.sizes[i];
    }
    return true;
  }
  bool is_same(const Tensor& o) const { return impl_ == o.impl_; }
  bool is_alias_of(const Tensor& o) const { return impl().storage == o.impl().storage; }
  /// Pointer to the first element (after the offset).
  [[gnu::always_inline]] void* data_ptr() const {
    const TensorImpl& t = impl();
    void* base = t.storage ? t.storage->data() : nullptr;
    return base ? static_cast<char*>(base) + t.offset * int64_t(element_size()) : nullptr;
  }
  template <typename T>
  T* data_ptr() const {
    NABLA_CHECK(CppTypeToScalarType<std::remove_cv_t<T>>::value == dtype(), "data_ptr: tensor has dtype ", dtype(),
                ", requested ", CppTypeToScalarType<std::remove_cv_t<T>>::value);
    return static_cast<T*>(data_ptr());
  }
  /// The value of a one-element tensor, converted to T.
  template <typename T>
  T item() const {
    return item().to<T>();
  }
  Scalar item() const;
  std::string toString() const;  ///< "CPUFloatType{2,3}"-like type string
  TensorImpl& impl() const {
    if (!impl_) [[unlikely]]
      throw_undefined();
    return *impl_;
  }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  /// Throws the nabla::Error for a use of an undefined tensor (out of line: impl() is inlined everywhere).
  [[noreturn]] static void throw_undefined();

  // ---- autograd ----
  bool requires_grad() const;
  Tensor& requires_grad_(bool r = true);
  Tensor& set_requires_grad(bool r) { return requires_grad_(r); }
  bool is_leaf() const;
  const Tensor& grad() const;  ///< undefined until a backward reaches this leaf
  Tensor& mutable_grad();
  void set_grad(const Tensor& g);
  void retain_grad() const;
  bool retains_grad() const;
  std::shared_ptr<autograd::Node> grad_fn() const;
  uint32_t output_nr() const;
  uint32_t _version() const { return impl().version->version; }
  void bump_version() const { ++impl().version->version; }
  void backward(const Tensor& gradient = {}, std::optional<bool> retain_graph = std::nullopt, bool create_graph = false,
                const TensorList& inputs = {}) const;
  Tensor detach() const;
  Tensor& detach_();
  /// hook(grad) -> Tensor (undefined keeps the gradient); returns a handle for remove_hook.
  unsigned register_hook(std::function<Tensor(const Tensor&)> hook) const;
  unsigned register_hook(std::function<void(const Tensor&)> hook) const;
  /// Any callable: a lambda returning Tensor replaces the gradient, one returning void only observes it.
  template <typename F>
  unsigned register_hook(F&& hook) const {
    if constexpr (std::is_void_v<std::invoke_result_t<F&, const Tensor&>>) {
      return register_hook(std::function<void(const Tensor&)>(std::forward<F>(hook)));
    } else {
      return register_hook(std::function<Tensor(const Tensor&)>(std::forward<F>(hook)));
    }
  }
  /// PyTorch 2.1's hook(param) -> void, run once per backward that reaches this leaf, right after that backward's
  /// total gradient has been accumulated into .grad(). Leaves that require grad only; returns a handle for remove_hook.
  unsigned register_post_accumulate_grad_hook(std::function<void(Tensor&)> hook) const;
  /// Removes a hook of register_hook or register_post_accumulate_grad_hook.
  void remove_hook(unsigned handle) const;

  // ---- conversion ----
  Tensor to(ScalarType t, bool copy = false) const;
  /// LibTorch's older spelling of to(dtype).
  Tensor toType(ScalarType t) const { return to(t); }
  /// On device d (a no-op for this tensor's own device; CUDA: a nabla::Error in a build without it) in dtype t.
  Tensor to(Device d, ScalarType t, bool non_blocking = false, bool copy = false) const;
  Tensor to(Device d) const;
  Tensor to(DeviceType d) const { return to(Device(d)); }  // x.to(kCUDA): neither Device nor TensorOptions wins
  Tensor to(const TensorOptions& o) const;
  Tensor cpu() const { return to(Device(kCPU)); }
  /// A nabla::Error in this build ("nabla was built without CUDA").
  Tensor cuda() const { return to(Device(kCUDA)); }
  Tensor contiguous() const;
  Tensor clone() const;
  Tensor type_as(const Tensor& o) const { return to(o.dtype()); }

  // ---- views and shape ----
  Tensor view(IntArrayRef size) const;
  Tensor view_as(const Tensor& o) const { return view(o.sizes()); }
  Tensor reshape(IntArrayRef size) const;
  Tensor reshape_as(const Tensor& o) const { return reshape(o.sizes()); }
  Tensor flatten(int64_t start_dim = 0, int64_t end_dim = -1) const;
  Tensor squeeze() const;
  Tensor squeeze(int64_t dim) const;
  Tensor unsqueeze(int64_t dim) const;
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  Tensor t() const;
  Tensor permute(IntArrayRef dims) const;
  Tensor expand(IntArrayRef size) const;
  Tensor expand_as(const Tensor& o) const { return expand(o.sizes()); }
  Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  Tensor slice(int64_t dim = 0, std::optional<int64_t> start = std::nullopt, std::optional<int64_t> end = std::nullopt,
               int64_t step = 1) const;
  Tensor select(int64_t dim, int64_t index) const;
  Tensor operator[](int64_t index) const { return select(0, index); }
  Tensor index_select(int64_t dim, const Tensor& index) const;
  /// Python's x[...] (core/indexing.h): x.index({Slice(), 0}), x.index({mask}), x.index({"...", None}).
  Tensor index(std::initializer_list<indexing::TensorIndex> indices) const;
  Tensor index(const std::vector<indexing::TensorIndex>& indices) const;
  /// Python's x[...] = value, in place.
  Tensor& index_put_(std::initializer_list<indexing::TensorIndex> indices, const Tensor& value);
  Tensor& index_put_(std::initializer_list<indexing::TensorIndex> indices, const Scalar& value);
  Tensor& index_put_(const std::vector<indexing::TensorIndex>& indices, const Tensor& value);
  Tensor& index_put_(const std::vector<indexing::TensorIndex>& indices, const Scalar& value);
  /// Reads and writes elements as a[i][j] (T must be this tensor's dtype, N its number of dims).
  template <typename T, size_t N>
  TensorAccessor<T, N> accessor() const& {
    NABLA_CHECK(dim() == int64_t(N), "accessor: expected ", N, " dims but the tensor has ", dim());
    return TensorAccessor<T, N>(data_ptr<T>(), sizes().data(), strides().data());
  }
  template <typename T, size_t N>
  TensorAccessor<T, N> accessor() && = delete;  // the accessor would outlive the tensor's sizes and strides
  Tensor gather(int64_t dim, const Tensor& index) const;
  TensorList split(int64_t split_size, int64_t dim = 0) const;
  TensorList chunk(int64_t chunks, int64_t dim = 0) const;
  TensorList unbind(int64_t dim = 0) const;

  // ---- arithmetic ----
  Tensor add(const Tensor& o, const Scalar& alpha = 1) const;
  Tensor add(const Scalar& o, const Scalar& alpha = 1) const;
  Tensor sub(const Tensor& o, const Scalar& alpha = 1) const;
  Tensor sub(const Scalar& o, const Scalar& alpha = 1) const;
  Tensor mul(const Tensor& o) const;
  Tensor mul(const Scalar& o) const;
  Tensor div(const Tensor& o) const;
  Tensor div(const Scalar& o) const;
  Tensor pow(const Tensor& exponent) const;
  Tensor pow(const Scalar& exponent) const;
  Tensor maximum(const Tensor& o) const;
  Tensor minimum(const Tensor& o) const;
  Tensor neg() const;
  Tensor exp() const;
  Tensor log() const;
  Tensor log1p() const;
  Tensor sqrt() const;
  Tensor rsqrt() const;
  Tensor abs() const;
  Tensor sign() const;
  Tensor sin() const;
  Tensor cos() const;
  Tensor tanh() const;
  Tensor sigmoid() const;
  Tensor relu() const;
  Tensor square() const;
  Tensor clamp(std::optional<Scalar> min = std::nullopt, std::optional<Scalar> max = std::nullopt) const;
  Tensor clamp_min(const Scalar& min) const { return clamp(min, std::nullopt); }
  Tensor clamp_max(const Scalar& max) const { return clamp(std::nullopt, max); }

  // ---- in place (bump the version counter) ----
  Tensor& add_(const Tensor& o, const Scalar& alpha = 1);
  Tensor& add_(const Scalar& o, const Scalar& alpha = 1);
  Tensor& sub_(const Tensor& o, const Scalar& alpha = 1);
  Tensor& sub_(const Scalar& o, const Scalar& alpha = 1);
  Tensor& mul_(const Tensor& o);
  Tensor& mul_(const Scalar& o);
  Tensor& div_(const Tensor& o);
  Tensor& div_(const Scalar& o);
  Tensor& pow_(const Scalar& e);
  Tensor& neg_();
  Tensor& exp_();
  Tensor& sqrt_();
  Tensor& relu_();
  Tensor& sigmoid_();
  Tensor& tanh_();
  Tensor& clamp_(std::optional<Scalar> min = std::nullopt, std::optional<Scalar> max = std::nullopt);
  Tensor& zero_();
  Tensor& fill_(const Scalar& v);
  Tensor& copy_(const Tensor& src);
  /// In-place random fills from `generator` (the default CPU generator when none), PyTorch's numbers for a seed.
  /// Uniform [from, to).
  Tensor& uniform_(double from = 0, double to = 1, std::optional<Generator> generator = std::nullopt);
  Tensor& normal_(double mean = 0, double std = 1, std::optional<Generator> generator = std::nullopt);
  /// 1 with probability p, else 0.
  Tensor& bernoulli_(double p = 0.5, std::optional<Generator> generator = std::nullopt);
  /// 1 with probability p[i] (p broadcast to this tensor's shape).
  Tensor& bernoulli_(const Tensor& p, std::optional<Generator> generator = std::nullopt);
  /// Integers in [from, to); to = nullopt: up to the dtype's largest integer (2^mantissa for floats).
  Tensor& random_(int64_t from, std::optional<int64_t> to, std::optional<Generator> generator = std::nullopt);
  /// Integers in [0, to).
  Tensor& random_(int64_t to, std::optional<Generator> generator = std::nullopt);
  /// Integers in [0, 2^mantissa] for floats, [0, max] for integers.
  Tensor& random_(std::optional<Generator> generator = std::nullopt);
  /// A tensor of 0 and 1, each 1 with this tensor's element as probability.
  Tensor bernoulli(std::optional<Generator> generator = std::nullopt) const;

  // ---- reductions ----
  Tensor sum(std::optional<ScalarType> dtype = std::nullopt) const;
  Tensor sum(IntArrayRef dims, bool keepdim = false, std::optional<ScalarType> dtype = std::nullopt) const;
  Tensor mean(std::optional<ScalarType> dtype = std::nullopt) const;
  Tensor mean(IntArrayRef dims, bool keepdim = false, std::optional<ScalarType> dtype = std::nullopt) const;
  Tensor prod(std::optional<ScalarType> dtype = std::nullopt) const;
  Tensor prod(int64_t dim, bool keepdim = false, std::optional<ScalarType> dtype = std::nullopt) const;
  Tensor max() const;
  std::tuple<Tensor, Tensor> max(int64_t dim, bool keepdim = false) const;
  Tensor min() const;
  std::tuple<Tensor, Tensor> min(int64_t dim, bool keepdim = false) const;
  Tensor argmax(std::optional<int64_t> dim = std::nullopt, bool keepdim = false) const;
  Tensor argmin(std::optional<int64_t> dim = std::nullopt, bool keepdim = false) const;
  Tensor var(bool unbiased = true) const;
  Tensor var(IntArrayRef dims, bool unbiased = true, bool keepdim = false) const;
  Tensor std(bool unbiased = true) const;
  Tensor std(IntArrayRef dims, bool unbiased = true, bool keepdim = false) const;
  Tensor norm(const Scalar& p = 2) const;
  Tensor norm(const Scalar& p, IntArrayRef dims, bool keepdim = false) const;
  Tensor logsumexp(IntArrayRef dims, bool keepdim = false) const;
  Tensor all() const;
  Tensor all(int64_t dim, bool keepdim = false) const;
  Tensor any() const;
  Tensor any(int64_t dim, bool keepdim = false) const;
  Tensor softmax(int64_t dim, std::optional<ScalarType> dtype = std::nullopt) const;
  Tensor log_softmax(int64_t dim, std::optional<ScalarType> dtype = std::nullopt) const;

  // ---- linear algebra ----
  Tensor matmul(const Tensor& o) const;
  Tensor mm(const Tensor& o) const;
  Tensor bmm(const Tensor& o) const;
  Tensor addmm(const Tensor& m1, const Tensor& m2, const Scalar& beta = 1, const Scalar& alpha = 1) const;

  // ---- comparisons (bool results) ----
  Tensor eq(const Tensor& o) const;
  Tensor eq(const Scalar& o) const;
  Tensor ne(const Tensor& o) const;
  Tensor ne(const Scalar& o) const;
  Tensor lt(const Tensor& o) const;
  Tensor lt(const Scalar& o) const;
  Tensor le(const Tensor& o) const;
  Tensor le(const Scalar& o) const;
  Tensor gt(const Tensor& o) const;
  Tensor gt(const Scalar& o) const;
  Tensor ge(const Tensor& o) const;
  Tensor ge(const Scalar& o) const;

  // ---- compound assignment ----
  Tensor& operator+=(const Tensor& o) { return add_(o); }
  Tensor& operator+=(const Scalar& o) { return add_(o); }
  Tensor& operator-=(const Tensor& o) { return sub_(o); }
  Tensor& operator-=(const Scalar& o) { return sub_(o); }
  Tensor& operator*=(const Tensor& o) { return mul_(o); }
  Tensor& operator*=(const Scalar& o) { return mul_(o); }
  Tensor& operator/=(const Tensor& o) { return div_(o); }
  Tensor& operator/=(const Scalar& o) { return div_(o); }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator+(const Tensor& a, const Scalar& b);
Tensor operator+(const Scalar& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Scalar& b);
Tensor operator-(const Scalar& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Scalar& b);
Tensor operator*(const Scalar& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Scalar& b);
Tensor operator/(const Scalar& a, const Tensor& b);
Tensor operator-(const Tensor& a);
Tensor operator==(const Tensor& a, const Tensor& b);
Tensor operator==(const Tensor& a, const Scalar& b);
Tensor operator!=(const Tensor& a, const Tensor& b);
Tensor operator!=(const Tensor& a, const Scalar& b);
Tensor operator<(const Tensor& a, const Tensor& b);
Tensor operator<(const Tensor& a, const Scalar& b);
Tensor operator<=(const Tensor& a, const Tensor& b);
Tensor operator<=(const Tensor& a, const Scalar& b);
Tensor operator>(const Tensor& a, const Tensor& b);
Tensor operator>(const Tensor& a, const Scalar& b);
Tensor operator>=(const Tensor& a, const Tensor& b);
Tensor operator>=(const Tensor& a, const Scalar& b);

/// Prints the values and a "[ CPUFloatType{2,3} ]" line, as LibTorch does.
std::ostream& operator<<(std::ostream& os, const Tensor& t);

}  // namespace nabla
