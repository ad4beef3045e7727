#pragma once
// Element math shared by every backend: host and device functions (nvcc compiles this header too), so a CUDA kernel
// computes exp/tanh/log/erf with the same formulas and the same rounding as the CPU.
//
// fast_expf / fast_tanhf / fast_logf / fast_log1pf / fast_expm1f: branch-free float32 math that vectorizes in the CPU
// loops (libm's expf/tanhf are scalar calls, 3-5x slower on large tensors). Cephes' polynomials on a reduced range;
// at most 2 ulp from the correctly rounded value (tests/ops/elementwise_math_test.cpp checks that over the float
// range). float64 keeps <cmath>: its users (gradcheck, reference math) want libm's last bit.
//
// normal_cdf / normal_pdf (exact gelu): float32 through Numerical Recipes' erfc and fast_expf, relative error
// < 1e-6 over the whole range (0.5 (1 + erf) loses everything below x = -5).
#include <cmath>
#include <cstdint>

#include "backend/host_device.h"

namespace nabla::backend {
inline namespace NABLA_CPU_CAP_NS {

/// std::bit_cast for host and device code.
template <typename To, typename From>
NABLA_HD To bit_cast(From v) {
  return __builtin_bit_cast(To, v);
}

/// c ? a : b with bit operations. A plain `?:` lets GCC sink the arms' arithmetic into branches, which it then
/// cannot vectorize under -ftrapping-math (the default).
NABLA_HD float bit_select(bool c, float a, float b) {
  const int32_t m = -static_cast<int32_t>(c);
  return bit_cast<float>((bit_cast<int32_t>(a) & m) | (bit_cast<int32_t>(b) & ~m));
}

/// exp(x) for float: NaN stays NaN, overflow gives inf, underflow rounds through the subnormals to 0.
NABLA_HD float fast_expf(float x) {
  const float xc = bit_select(x < -104.0f, -104.0f, bit_select(x > 89.0f, 89.0f, x));  // NaN: fixed below
  // n = round(x / ln2) by the 1.5 * 2^23 trick (round to nearest even, no libm call).
  constexpr float kMagic = 12582912.0f;
  const float t = xc * 1.44269504088896341f + kMagic;
  const float fn = t - kMagic;
  const int32_t n = bit_cast<int32_t>(t) - bit_cast<int32_t>(kMagic);
  // r = x - n ln2 in two steps (ln2 = C1 + C2, C1 exact in a few bits), |r| <= ln2/2.
  const float r = (xc - fn * 0.693359375f) - fn * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.0f;
  // 2^n as two factors, each a normal float for n in [-150, 128]: exact scaling, inf above, subnormals below.
  const int32_t n1 = n >> 1, n2 = n - n1;
  const float s1 = bit_cast<float>((n1 + 127) << 23);
  const float s2 = bit_cast<float>((n2 + 127) << 23);
  const float y = (p * s1) * s2;
  return bit_select(x != x, x, y);
}

/// tanh(x) for float: odd polynomial near 0, 1 - 2 / (exp(2|x|) + 1) elsewhere.
NABLA_HD float fast_tanhf(float x) {
  const float ax = std::fabs(x);
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = std::copysign(p * z * x + x, x);  // keeps the sign of -0
  const float e = fast_expf(2.0f * ax);
  float big = 1.0f - 2.0f / (e + 1.0f);
  big = bit_select(x < 0.0f, -big, big);
  return bit_select(ax > 0.625f, big, small);  // NaN: the comparison is false, and the polynomial keeps NaN
}

/// exp(c - x^2 / 2) for float. x is split as xh + xl with xh^2 exact, so the rounding of x^2 does not cost
/// relative accuracy for large |x| (the normal density's tail).
NABLA_HD float exp_neg_half_sq(float x, float c = 0.0f) {
  const float ax = std::fabs(x);
  const float xh = bit_cast<float>(bit_cast<uint32_t>(ax) & 0xfffff000u);  // 12 significant bits
  const float xl = ax - xh;
  return fast_expf(-0.5f * xh * xh) * fast_expf(c - 0.5f * (xh + xh + xl) * xl);
}

/// The standard normal CDF Phi(x) = erfc(-x / sqrt 2) / 2 for float: Numerical Recipes' erfc (relative error
/// < 1.2e-7) evaluated on |x|, so the lower tail keeps its relative accuracy where 0.5 (1 + erf(x)) cancels.
NABLA_HD float normal_cdf(float x) {
  const float z = std::fabs(x) * 0.70710678118654752440f;
  const float t = 1.0f / (1.0f + 0.5f * z);
  float p = 0.17087277f;
  p = p * t - 0.82215223f;
  p = p * t + 1.48851587f;
  p = p * t - 1.13520398f;
  p = p * t + 0.27886807f;
  p = p * t - 0.18628806f;
  p = p * t + 0.09678418f;
  p = p * t + 0.37409196f;
  p = p * t + 1.00002368f;
  p = p * t - 1.26551223f;
  const float half_erfc = 0.5f * t * exp_neg_half_sq(x, p);  // erfc(z) / 2 = t exp(p - z^2) / 2
  return bit_select(x < 0.0f, half_erfc, 1.0f - half_erfc);  // NaN: 1 - NaN
}
NABLA_HD double normal_cdf(double x) { return 0.5 * std::erfc(-x * 0.70710678118654752440); }

/// The standard normal density.
NABLA_HD float normal_pdf(float x) { return exp_neg_half_sq(x) * 0.39894228040143267794f; }
NABLA_HD double normal_pdf(double x) { return std::exp(-0.5 * x * x) * 0.39894228040143267794; }

/// c ? a : b for double, as bit_select.
NABLA_HD double bit_select(bool c, double a, double b) {
  const int64_t m = -static_cast<int64_t>(c);
  return bit_cast<double>((bit_cast<int64_t>(a) & m) | (bit_cast<int64_t>(b) & ~m));
}

/// log(x) for float (Cephes logf): x = m 2^e with m in [sqrt(1/2), sqrt(2)), a polynomial in m - 1.
/// Subnormals are rescaled first; x < 0 and NaN give NaN, 0 gives -inf, inf gives inf.
NABLA_HD float fast_logf(float x) {
  const bool sub = x < 1.17549435e-38f;
  const float xs = bit_select(sub, x * 8388608.0f, x);  // 2^23
  const int32_t bits = bit_cast<int32_t>(xs);
  int32_t e = ((bits >> 23) & 0xff) - 126;  // xs = m 2^e, m in [0.5, 1)
  float m = bit_cast<float>((bits & 0x007fffff) | 0x3f000000);
  e -= -static_cast<int32_t>(sub) & 23;
  const bool low = m < 0.707106781186547524f;
  e -= static_cast<int32_t>(low);
  m = bit_select(low, m + m - 1.0f, m - 1.0f);
  const float fe = static_cast<float>(e);
  const float z = m * m;
  float p = 7.0376836292e-2f;
  p = p * m - 1.1514610310e-1f;
  p = p * m + 1.1676998740e-1f;
  p = p * m - 1.2420140846e-1f;
  p = p * m + 1.4249322787e-1f;
  p = p * m - 1.6668057665e-1f;
  p = p * m + 2.0000714765e-1f;
  p = p * m - 2.4999993993e-1f;
  p = p * m + 3.3333331174e-1f;
  float y = p * m * z + fe * -2.12194440e-4f - 0.5f * z;
  float r = (m + y) + fe * 0.693359375f;
  r = bit_select(x == 0.0f, -INFINITY, r);
  r = bit_select(x == INFINITY, INFINITY, r);
  return bit_select(!(x >= 0.0f), NAN, r);  // negative or NaN
}

/// log(1 + u) for float: log of w = 1 + u, corrected by the rounding of w ((w - 1) - u) / w.
NABLA_HD float fast_log1pf(float u) {
  const float w = 1.0f + u;
  const float lw = fast_logf(w);
  const float corrected = lw - ((w - 1.0f) - u) / w;
  const bool plain = !(std::fabs(u) < 1e7f) | (w == 0.0f);  // huge u, u = -1, NaN: no correction needed
  return bit_select(plain, lw, corrected);
}

/// exp(x) - 1 for float: a Taylor polynomial near 0 (no cancellation), exp(x) - 1 elsewhere.
NABLA_HD float fast_expm1f(float x) {
  float p = 1.0f / 3628800;
  p = p * x + 1.0f / 362880;
  p = p * x + 1.0f / 40320;
  p = p * x + 1.0f / 5040;
  p = p * x + 1.0f / 720;
  p = p * x + 1.0f / 120;
  p = p * x + 1.0f / 24;
  p = p * x + 1.0f / 6;
  p = p * x + 0.5f;
  const float small = x + x * x * p;
  return bit_select(std::fabs(x) < 0.69314718f, small, fast_expf(x) - 1.0f);  // NaN: exp(NaN) - 1
}

/// exp/tanh for the generic kernels: the fast float32 versions, libm for float64.
NABLA_HD float vexp(float x) { return fast_expf(x); }
NABLA_HD double vexp(double x) { return std::exp(x); }
NABLA_HD float vtanh(float x) { return fast_tanhf(x); }
NABLA_HD double vtanh(double x) { return std::tanh(x); }
NABLA_HD float vlog(float x) { return fast_logf(x); }
NABLA_HD double vlog(double x) { return std::log(x); }
NABLA_HD float vlog1p(float x) { return fast_log1pf(x); }
NABLA_HD double vlog1p(double x) { return std::log1p(x); }
NABLA_HD float vexpm1(float x) { return fast_expm1f(x); }
NABLA_HD double vexpm1(double x) { return std::expm1(x); }

}  // namespace NABLA_CPU_CAP_NS
}  // namespace nabla::backend
