// Comparisons eq, ne, lt, le, gt, ge: broadcast, compare in the promoted dtype, return kBool.
// Not differentiable: the result never requires grad.
#include <type_traits>

#include "ops/elementwise_common.h"
#include "ops/elementwise_kernels.h"

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

}  // namespace nabla
