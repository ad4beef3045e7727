// Tensor's methods and operators: each forwards to the free function that implements the op.
#include "autograd/record.h"
#include "backend/kernels.h"
#include "core/make.h"
#include "nabla/ops/elementwise.h"
#include "nabla/ops/factory.h"
#include "nabla/ops/linalg.h"
#include "nabla/ops/reduce.h"
#include "nabla/ops/shape.h"
#include "ops/elementwise_common.h"

namespace nabla {

// ---- conversion ----
Tensor Tensor::to(ScalarType t, bool copy) const { return to_dtype(*this, t, copy); }
Tensor Tensor::to(Device d, ScalarType t, bool /*non_blocking*/, bool copy) const { return to(d).to(t, copy); }
Tensor Tensor::to(Device d) const {
  check_device_available(d, "to");
  NABLA_CHECK(defined(), "to: the tensor is undefined");
  // Device(kCPU) names the CPU whatever its index; no backend copies between devices yet.
  NABLA_CHECK(d.type() == device().type(), "to: copying from ", device(), " to ", d,
              " is not supported yet (no backend copies between devices)");
  return *this;
}
Tensor Tensor::to(const TensorOptions& o) const {
  Tensor r = to(o.device());
  return o.has_dtype() ? r.to(o.dtype()) : r;
}
Tensor Tensor::contiguous() const { return nabla::contiguous(*this); }
Tensor Tensor::clone() const { return nabla::clone(*this); }

// ---- views ----
Tensor Tensor::view(IntArrayRef size) const { return nabla::view(*this, size); }
Tensor Tensor::reshape(IntArrayRef size) const { return nabla::reshape(*this, size); }
Tensor Tensor::flatten(int64_t s, int64_t e) const { return nabla::flatten(*this, s, e); }
Tensor Tensor::squeeze() const { return nabla::squeeze(*this); }
Tensor Tensor::squeeze(int64_t d) const { return nabla::squeeze(*this, d); }
Tensor Tensor::unsqueeze(int64_t d) const { return nabla::unsqueeze(*this, d); }
Tensor Tensor::transpose(int64_t a, int64_t b) const { return nabla::transpose(*this, a, b); }
Tensor Tensor::t() const { return nabla::t(*this); }
Tensor Tensor::permute(IntArrayRef dims) const { return nabla::permute(*this, dims); }
Tensor Tensor::expand(IntArrayRef size) const { return nabla::expand(*this, size); }
Tensor Tensor::narrow(int64_t d, int64_t s, int64_t l) const { return nabla::narrow(*this, d, s, l); }
Tensor Tensor::slice(int64_t d, std::optional<int64_t> s, std::optional<int64_t> e, int64_t step) const {
  return nabla::slice(*this, d, s, e, step);
}
Tensor Tensor::select(int64_t d, int64_t i) const { return nabla::select(*this, d, i); }
Tensor Tensor::index_select(int64_t d, const Tensor& i) const { return nabla::index_select(*this, d, i); }
Tensor Tensor::gather(int64_t d, const Tensor& i) const { return nabla::gather(*this, d, i); }
TensorList Tensor::split(int64_t s, int64_t d) const { return nabla::split(*this, s, d); }
TensorList Tensor::chunk(int64_t c, int64_t d) const { return nabla::chunk(*this, c, d); }
TensorList Tensor::unbind(int64_t d) const { return nabla::unbind(*this, d); }

// ---- arithmetic ----
Tensor Tensor::add(const Tensor& o, const Scalar& a) const { return nabla::add(*this, o, a); }
Tensor Tensor::add(const Scalar& o, const Scalar& a) const { return nabla::add(*this, o, a); }
Tensor Tensor::sub(const Tensor& o, const Scalar& a) const { return nabla::sub(*this, o, a); }
Tensor Tensor::sub(const Scalar& o, const Scalar& a) const { return nabla::sub(*this, o, a); }
Tensor Tensor::mul(const Tensor& o) const { return nabla::mul(*this, o); }
Tensor Tensor::mul(const Scalar& o) const { return nabla::mul(*this, o); }
Tensor Tensor::div(const Tensor& o) const { return nabla::div(*this, o); }
Tensor Tensor::div(const Scalar& o) const { return nabla::div(*this, o); }
Tensor Tensor::pow(const Tensor& e) const { return nabla::pow(*this, e); }
Tensor Tensor::pow(const Scalar& e) const { return nabla::pow(*this, e); }
Tensor Tensor::maximum(const Tensor& o) const { return nabla::maximum(*this, o); }
Tensor Tensor::minimum(const Tensor& o) const { return nabla::minimum(*this, o); }
Tensor Tensor::neg() const { return nabla::neg(*this); }
Tensor Tensor::exp() const { return nabla::exp(*this); }
Tensor Tensor::log() const { return nabla::log(*this); }
Tensor Tensor::log1p() const { return nabla::log1p(*this); }
Tensor Tensor::sqrt() const { return nabla::sqrt(*this); }
Tensor Tensor::rsqrt() const { return nabla::rsqrt(*this); }
Tensor Tensor::abs() const { return nabla::abs(*this); }
Tensor Tensor::sign() const { return nabla::sign(*this); }
Tensor Tensor::sin() const { return nabla::sin(*this); }
Tensor Tensor::cos() const { return nabla::cos(*this); }
Tensor Tensor::tanh() const { return nabla::tanh(*this); }
Tensor Tensor::sigmoid() const { return nabla::sigmoid(*this); }
Tensor Tensor::relu() const { return nabla::relu(*this); }
Tensor Tensor::square() const { return nabla::square(*this); }
Tensor Tensor::clamp(std::optional<Scalar> lo, std::optional<Scalar> hi) const { return nabla::clamp(*this, lo, hi); }

// ---- in place: compute out of place, then write back (ops::assign_inplace rebases the graph) ----
Tensor& Tensor::add_(const Tensor& o, const Scalar& a) {
  return ops::assign_inplace(*this, nabla::add(*this, o, a), "add_");
}
Tensor& Tensor::add_(const Scalar& o, const Scalar& a) {
  return ops::assign_inplace(*this, nabla::add(*this, o, a), "add_");
}
Tensor& Tensor::sub_(const Tensor& o, const Scalar& a) {
  return ops::assign_inplace(*this, nabla::sub(*this, o, a), "sub_");
}
Tensor& Tensor::sub_(const Scalar& o, const Scalar& a) {
  return ops::assign_inplace(*this, nabla::sub(*this, o, a), "sub_");
}
Tensor& Tensor::mul_(const Tensor& o) { return ops::assign_inplace(*this, nabla::mul(*this, o), "mul_"); }
Tensor& Tensor::mul_(const Scalar& o) { return ops::assign_inplace(*this, nabla::mul(*this, o), "mul_"); }
Tensor& Tensor::div_(const Tensor& o) { return ops::assign_inplace(*this, nabla::div(*this, o), "div_"); }
Tensor& Tensor::div_(const Scalar& o) { return ops::assign_inplace(*this, nabla::div(*this, o), "div_"); }
Tensor& Tensor::pow_(const Scalar& e) { return ops::assign_inplace(*this, nabla::pow(*this, e), "pow_"); }
Tensor& Tensor::neg_() { return ops::assign_inplace(*this, nabla::neg(*this), "neg_"); }
Tensor& Tensor::exp_() { return ops::assign_inplace(*this, nabla::exp(*this), "exp_"); }
Tensor& Tensor::sqrt_() { return ops::assign_inplace(*this, nabla::sqrt(*this), "sqrt_"); }
Tensor& Tensor::relu_() { return ops::assign_inplace(*this, nabla::relu(*this), "relu_"); }
Tensor& Tensor::sigmoid_() { return ops::assign_inplace(*this, nabla::sigmoid(*this), "sigmoid_"); }
Tensor& Tensor::tanh_() { return ops::assign_inplace(*this, nabla::tanh(*this), "tanh_"); }
Tensor& Tensor::clamp_(std::optional<Scalar> lo, std::optional<Scalar> hi) {
  return ops::assign_inplace(*this, nabla::clamp(*this, lo, hi), "clamp_");
}
Tensor& Tensor::zero_() { return fill_(0); }
Tensor& Tensor::fill_(const Scalar& v) {
  autograd::check_inplace(*this, "fill_");
  backend::fill(*this, v);
  bump_version();
  return *this;
}
Tensor& Tensor::copy_(const Tensor& src) {
  NABLA_CHECK(src.defined(), "copy_: source tensor is undefined");
  Tensor s = src.dtype() == dtype() ? src : nabla::to_dtype(src, dtype());
  Tensor expanded = s.sizes().vec() == sizes().vec() ? s : s.expand(sizes());
  // Differentiable copy: the result is src (broadcast) in self's dtype; its graph reaches src.
  Tensor result = expanded.requires_grad() && GradMode::is_enabled() ? nabla::clone(expanded) : expanded;
  return ops::assign_inplace(*this, result, "copy_");
}

// ---- reductions ----
Tensor Tensor::sum(std::optional<ScalarType> t) const { return nabla::sum(*this, t); }
Tensor Tensor::sum(IntArrayRef d, bool k, std::optional<ScalarType> t) const { return nabla::sum(*this, d, k, t); }
Tensor Tensor::mean(std::optional<ScalarType> t) const { return nabla::mean(*this, t); }
Tensor Tensor::mean(IntArrayRef d, bool k, std::optional<ScalarType> t) const { return nabla::mean(*this, d, k, t); }
Tensor Tensor::prod(std::optional<ScalarType> t) const { return nabla::prod(*this, t); }
Tensor Tensor::prod(int64_t d, bool k, std::optional<ScalarType> t) const { return nabla::prod(*this, d, k, t); }
Tensor Tensor::max() const { return nabla::max(*this); }
std::tuple<Tensor, Tensor> Tensor::max(int64_t d, bool k) const { return nabla::max(*this, d, k); }
Tensor Tensor::min() const { return nabla::min(*this); }
std::tuple<Tensor, Tensor> Tensor::min(int64_t d, bool k) const { return nabla::min(*this, d, k); }
Tensor Tensor::argmax(std::optional<int64_t> d, bool k) const { return nabla::argmax(*this, d, k); }
Tensor Tensor::argmin(std::optional<int64_t> d, bool k) const { return nabla::argmin(*this, d, k); }
Tensor Tensor::var(bool u) const { return nabla::var(*this, u); }
Tensor Tensor::var(IntArrayRef d, bool u, bool k) const { return nabla::var(*this, d, u, k); }
Tensor Tensor::std(bool u) const { return nabla::std(*this, u); }
Tensor Tensor::std(IntArrayRef d, bool u, bool k) const { return nabla::std(*this, d, u, k); }
Tensor Tensor::norm(const Scalar& p) const { return nabla::norm(*this, p); }
Tensor Tensor::norm(const Scalar& p, IntArrayRef d, bool k) const { return nabla::norm(*this, p, d, k); }
Tensor Tensor::logsumexp(IntArrayRef d, bool k) const { return nabla::logsumexp(*this, d, k); }
Tensor Tensor::all() const { return nabla::all(*this); }
Tensor Tensor::all(int64_t d, bool k) const { return nabla::all(*this, d, k); }
Tensor Tensor::any() const { return nabla::any(*this); }
Tensor Tensor::any(int64_t d, bool k) const { return nabla::any(*this, d, k); }
Tensor Tensor::softmax(int64_t d, std::optional<ScalarType> t) const { return nabla::softmax(*this, d, t); }
Tensor Tensor::log_softmax(int64_t d, std::optional<ScalarType> t) const { return nabla::log_softmax(*this, d, t); }

// ---- linear algebra ----
Tensor Tensor::matmul(const Tensor& o) const { return nabla::matmul(*this, o); }
Tensor Tensor::mm(const Tensor& o) const { return nabla::mm(*this, o); }
Tensor Tensor::bmm(const Tensor& o) const { return nabla::bmm(*this, o); }
Tensor Tensor::addmm(const Tensor& a, const Tensor& b, const Scalar& beta, const Scalar& alpha) const {
  return nabla::addmm(*this, a, b, beta, alpha);
}

// ---- comparisons ----
#define NABLA_CMP_METHOD(name)                                                 \
  Tensor Tensor::name(const Tensor& o) const { return nabla::name(*this, o); } \
  Tensor Tensor::name(const Scalar& o) const { return nabla::name(*this, o); }
NABLA_CMP_METHOD(eq)
NABLA_CMP_METHOD(ne)
NABLA_CMP_METHOD(lt)
NABLA_CMP_METHOD(le)
NABLA_CMP_METHOD(gt)
NABLA_CMP_METHOD(ge)
#undef NABLA_CMP_METHOD

// ---- operators ----
Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator+(const Tensor& a, const Scalar& b) { return add(a, b); }
Tensor operator+(const Scalar& a, const Tensor& b) { return add(b, a); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator-(const Tensor& a, const Scalar& b) { return sub(a, b); }
Tensor operator-(const Scalar& a, const Tensor& b) { return rsub(b, a); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator*(const Tensor& a, const Scalar& b) { return mul(a, b); }
Tensor operator*(const Scalar& a, const Tensor& b) { return mul(b, a); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator/(const Tensor& a, const Scalar& b) { return div(a, b); }
Tensor operator/(const Scalar& a, const Tensor& b) { return div(a, b); }
Tensor operator-(const Tensor& a) { return neg(a); }
Tensor operator==(const Tensor& a, const Tensor& b) { return eq(a, b); }
Tensor operator==(const Tensor& a, const Scalar& b) { return eq(a, b); }
Tensor operator!=(const Tensor& a, const Tensor& b) { return ne(a, b); }
Tensor operator!=(const Tensor& a, const Scalar& b) { return ne(a, b); }
Tensor operator<(const Tensor& a, const Tensor& b) { return lt(a, b); }
Tensor operator<(const Tensor& a, const Scalar& b) { return lt(a, b); }
Tensor operator<=(const Tensor& a, const Tensor& b) { return le(a, b); }
Tensor operator<=(const Tensor& a, const Scalar& b) { return le(a, b); }
Tensor operator>(const Tensor& a, const Tensor& b) { return gt(a, b); }
Tensor operator>(const Tensor& a, const Scalar& b) { return gt(a, b); }
Tensor operator>=(const Tensor& a, const Tensor& b) { return ge(a, b); }
Tensor operator>=(const Tensor& a, const Scalar& b) { return ge(a, b); }

}  // namespace nabla
