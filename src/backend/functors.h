#pragma once
// The element functions of the unary and binary kernels (backend/kernels.h), written once for every backend: the CPU
// loops instantiate them per dtype and instruction set, and a CUDA elementwise kernel instantiates the same functors
// (tests/backend/nvcc_headers_test compiles this header with nvcc). Float32 uses the fast vectorizable math of
// element_math.h, float64 libm.
#include <cmath>

#include "backend/element_math.h"

namespace nabla::backend {
inline namespace NABLA_CPU_CAP_NS {

NABLA_HD float vsqrt(float x) { return std::sqrt(x); }
NABLA_HD double vsqrt(double x) { return std::sqrt(x); }
NABLA_HD float vsin(float x) { return std::sin(x); }
NABLA_HD double vsin(double x) { return std::sin(x); }
NABLA_HD float vcos(float x) { return std::cos(x); }
NABLA_HD double vcos(double x) { return std::cos(x); }

// ---- unary: y = f(x) ----
template <typename T>
struct NegF {
  NABLA_HD T operator()(T x) const { return -x; }
};
template <typename T>
struct ExpF {
  NABLA_HD T operator()(T x) const { return vexp(x); }
};
template <typename T>
struct LogF {
  NABLA_HD T operator()(T x) const { return vlog(x); }
};
template <typename T>
struct Log1pF {
  NABLA_HD T operator()(T x) const { return vlog1p(x); }
};
template <typename T>
struct SqrtF {
  NABLA_HD T operator()(T x) const { return vsqrt(x); }
};
template <typename T>
struct RsqrtF {
  NABLA_HD T operator()(T x) const { return T(1) / vsqrt(x); }
};
template <typename T>
struct SinF {
  NABLA_HD T operator()(T x) const { return vsin(x); }
};
template <typename T>
struct CosF {
  NABLA_HD T operator()(T x) const { return vcos(x); }
};
template <typename T>
struct TanhF {
  NABLA_HD T operator()(T x) const { return vtanh(x); }
};
/// 1 / (1 + exp(-x)); exp(-x) overflows to inf for very negative x, giving 0.
template <typename T>
struct SigmoidF {
  NABLA_HD T operator()(T x) const { return T(1) / (T(1) + vexp(-x)); }
};
/// max(x, 0); NaN stays NaN (NaN < 0 is false).
template <typename T>
struct ReluF {
  NABLA_HD T operator()(T x) const { return x < T(0) ? T(0) : x; }
};
template <typename T>
struct AbsF {
  NABLA_HD T operator()(T x) const {
    if constexpr (T(0.5) != T(0)) {
      return std::fabs(x);
    } else {
      return x < T(0) ? static_cast<T>(-x) : x;
    }
  }
};

// ---- binary: out = f(a, b) ----
template <typename T>
struct AddF {
  NABLA_HD T operator()(T a, T b) const { return static_cast<T>(a + b); }
};
template <typename T>
struct AddAlphaF {
  T alpha;
  NABLA_HD T operator()(T a, T b) const { return static_cast<T>(a + alpha * b); }
};
template <typename T>
struct MulF {
  NABLA_HD T operator()(T a, T b) const { return static_cast<T>(a * b); }
};
template <typename T>
struct DivF {
  NABLA_HD T operator()(T a, T b) const { return a / b; }
};
/// NaN propagates from either side (PyTorch's maximum/minimum).
template <typename T>
struct MaximumF {
  NABLA_HD T operator()(T a, T b) const {
    if constexpr (T(0.5) != T(0)) {
      return (a > b || a != a) ? a : b;
    } else {
      return a > b ? a : b;
    }
  }
};
template <typename T>
struct MinimumF {
  NABLA_HD T operator()(T a, T b) const {
    if constexpr (T(0.5) != T(0)) {
      return (a < b || a != a) ? a : b;
    } else {
      return a < b ? a : b;
    }
  }
};
/// g where y > 0, else 0 (relu's gradient through its output; NaN outputs pass g on, as PyTorch's threshold_backward
/// (y <= 0 ? 0 : g) does).
template <typename T>
struct ReluBackwardF {
  NABLA_HD T operator()(T g, T y) const { return bit_select(y <= T(0), T(0), g); }
};
template <typename T>
struct SigmoidBackwardF {
  NABLA_HD T operator()(T g, T y) const { return g * ((T(1) - y) * y); }
};
template <typename T>
struct TanhBackwardF {
  NABLA_HD T operator()(T g, T y) const { return g * (T(1) - y * y); }
};

}  // namespace NABLA_CPU_CAP_NS
}  // namespace nabla::backend
