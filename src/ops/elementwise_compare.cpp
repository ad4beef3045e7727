// Comparisons eq, ne, lt, le, gt, ge: broadcast, compare in the promoted dtype, return kBool.
// Not differentiable: the result never requires grad.
#include <cmath>
#include <type_traits>

#include "ops/elementwise_common.h"
#include "ops/elementwise_kernels.h"
#include "nabla/autograd/grad_mode.h"
#include "nabla/ops/factory.h"
#include "nabla/ops/reduce.h"

namespace nabla {

namespace {
template <typename Cmp>
Tensor compare(const Tensor& a, const Tensor& b, const char* op, Cmp cmp) {
  const ScalarType t = result_type(a, b);
  auto bc = ops::prepare2(a, b, t, op);
  Tensor out = detail::make_empty(bc.shape, kBool);
  NABLA_DISPATCH_ALL(t, op, [&] {
    ops::map2<scalar_t>([cmp](scalar_t x, scalar_t y) -> bool { return cmp(x, y); }, out, bc.a, bc.b);
  });
  return out;
}

template <typename Cmp>
Tensor compare(const Tensor& a, const Scalar& b, const char* op, Cmp cmp) {
  return compare(a, ops::scalar_to_tensor(b, result_type(a, b)), op, cmp);
}

struct Eq {
  template <typename T>
  bool operator()(T x, T y) const {
    return x == y;
  }
};
struct Ne {
  template <typename T>
  bool operator()(T x, T y) const {
    return x != y;
  }
};
struct Lt {
  template <typename T>
  bool operator()(T x, T y) const {
    return x < y;
  }
};
struct Le {
  template <typename T>
  bool operator()(T x, T y) const {
    return x <= y;
  }
};
struct Gt {
  template <typename T>
  bool operator()(T x, T y) const {
    return x > y;
  }
};
struct Ge {
  template <typename T>
  bool operator()(T x, T y) const {
    return x >= y;
  }
};
}  // namespace

#define NABLA_DEFINE_COMPARISON(name, Cmp)                                              \
  Tensor name(const Tensor& a, const Tensor& b) { return compare(a, b, #name, Cmp{}); } \
  Tensor name(const Tensor& a, const Scalar& b) { return compare(a, b, #name, Cmp{}); }
NABLA_DEFINE_COMPARISON(eq, Eq)
NABLA_DEFINE_COMPARISON(ne, Ne)
NABLA_DEFINE_COMPARISON(lt, Lt)
NABLA_DEFINE_COMPARISON(le, Le)
NABLA_DEFINE_COMPARISON(gt, Gt)
NABLA_DEFINE_COMPARISON(ge, Ge)
#undef NABLA_DEFINE_COMPARISON

bool equal(const Tensor& a, const Tensor& b) {
  NABLA_CHECK(a.defined() && b.defined(), "equal: expected defined tensors");
  if (a.sizes() != b.sizes()) return false;
  NoGradGuard no_grad;
  return a.numel() == 0 || eq(a, b).all().item<bool>();
}

bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  NABLA_CHECK(a.defined() && b.defined(), "allclose: expected defined tensors");
  NABLA_CHECK(rtol >= 0 && atol >= 0, "allclose: rtol and atol must be >= 0, got ", rtol, " and ", atol);
  NoGradGuard no_grad;
  // Broadcast both to one shape (adding zeros of the other's shape), as float64.
  const Tensor x = (a.to(kFloat64) + zeros_like(b, TensorOptions().dtype(kFloat64))).contiguous();
  const Tensor y = (b.to(kFloat64) + zeros_like(a, TensorOptions().dtype(kFloat64))).contiguous();
  const double* px = x.data_ptr<double>();
  const double* py = y.data_ptr<double>();
  for (int64_t i = 0; i < x.numel(); ++i) {
    const double u = px[i], v = py[i];
    if (u == v) continue;  // also equal infinities
    if (std::isnan(u) || std::isnan(v)) {
      if (equal_nan && std::isnan(u) && std::isnan(v)) continue;
      return false;
    }
    if (std::isinf(u) || std::isinf(v)) return false;  // an infinity is close only to itself
    if (!(std::abs(u - v) <= atol + rtol * std::abs(v))) return false;
  }
  return true;
}

}  // namespace nabla
