// The random fills of the CPU generator: PyTorch 1.13's CPU distributions (ATen's DistributionsHelper.h,
// TransformationHelper.h and cpu/DistributionTemplates.h), re-derived so that a seed gives PyTorch's numbers.
//
// - A float in [0, 1) is the low 24 bits of one 32-bit draw times 2^-24; a double, the low 53 bits of a 64-bit draw
//   (two 32-bit draws, the first the high half) times 2^-53. [a, b) is x (b - a) + a in the tensor's dtype.
// - Normal, contiguous tensors of at least 16 elements: every element first gets a uniform [0, 1); then each block of
//   16 turns into 8 Box-Muller pairs, (u1, u2) = (1 - x[j], x[j + 8]), r = sqrt(-2 log u1), theta = 2 pi u2 (in
//   double, then rounded to the dtype), x[j] = r cos(theta), x[j + 8] = r sin(theta); when 16 does not divide the
//   size, the last 16 elements are drawn again and transformed. Smaller or strided tensors: per element, a double
//   Box-Muller from two 53-bit uniforms u1, u2, r = sqrt(-2 log(1 - u2)), theta = 2 pi u1, returning r cos(theta) and
//   keeping r sin(theta) in the generator for the next draw.
// - Integers in [base, base + range): one 32-bit draw mod range (a 64-bit draw when range >= 2^32 and the dtype is
//   int64 or floating). randperm: for i < n - 1, swap i with i + draw mod (n - i). Bernoulli: uniform < p (53-bit
//   uniforms for a scalar p or double probabilities, 24-bit for float ones).
// - PyTorch's AVX2 build computes the uniform's x (b - a) + a as one fused multiply-add (GCC contracts it; its normal
//   fills stay unfused, as measured against its output): so does nabla's copy of these kernels for AVX2 and AVX-512
//   (kFma), and its baseline copy does not, as PyTorch's default build. PyTorch's AVX2 normal fill of float tensors
//   (16 elements or more, contiguous) uses polynomial log and sincos of its own; nabla's is PyTorch's default
//   build's, bit for bit, under every instruction set (docs/random.md has the gap).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <mutex>
#include <numbers>
#include <vector>

#include "backend/cpu/kernels/kernels_cpu.h"

namespace nabla::cpu {
inline namespace NABLA_CPU_CAP_NS {

namespace {

using backend::RandomArgs;
using backend::RandomOp;

#if defined(__FMA__)
constexpr bool kFma = true;
#else
constexpr bool kFma = false;
#endif

template <typename T>
T madd(T a, T b, T c) {
  if constexpr (kFma) return std::fma(a, b, c);
  return a * b + c;
}

// Uniform [from, to) from one draw (float: 32 bits, double: 64 bits).
inline float uniform_float(CPUGeneratorImpl& g, float from, float to) {
  const float x = float(g.random() & ((1u << 24) - 1)) * (1.0f / 16777216.0f);
  return madd(x, to - from, from);
}
inline double uniform_double(CPUGeneratorImpl& g, double from, double to) {
  const double x = double(g.random64() & ((uint64_t(1) << 53) - 1)) * (1.0 / 9007199254740992.0);
  return madd(x, to - from, from);
}
template <typename T>
T uniform(CPUGeneratorImpl& g, T from, T to) {
  if constexpr (std::is_same_v<T, double>) {
    return uniform_double(g, from, to);
  } else {
    return uniform_float(g, float(from), float(to));
  }
}

// One normal draw in double, with PyTorch's cache of the pair's second value.
double normal_double(CPUGeneratorImpl& g, double mean, double std) {
  if (auto cached = g.next_double_normal_sample()) {
    g.set_next_double_normal_sample(std::nullopt);
    return *cached * std + mean;
  }
  const double u1 = uniform_double(g, 0.0, 1.0);
  const double u2 = uniform_double(g, 0.0, 1.0);
  const double r = std::sqrt(-2.0 * std::log(1.0 - u2));
  const double theta = 2.0 * std::numbers::pi * u1;
  g.set_next_double_normal_sample(r * std::sin(theta));
  return r * std::cos(theta) * std + mean;
}

// Eight Box-Muller pairs over x[0..16) holding uniforms.
template <typename T>
void normal_16(T* x, T mean, T std) {
  for (int j = 0; j < 8; ++j) {
    const T u1 = T(1) - x[j];
    const T u2 = x[j + 8];
    const T radius = std::sqrt(T(-2) * std::log(u1));
    const T theta = T(2.0 * std::numbers::pi * double(u2));
    x[j] = radius * std::cos(theta) * std + mean;
    x[j + 8] = radius * std::sin(theta) * std + mean;
  }
}

template <typename T>
void normal_fill(CPUGeneratorImpl& g, T* x, int64_t n, T mean, T std) {
  for (int64_t i = 0; i < n; ++i) x[i] = uniform<T>(g, T(0), T(1));
  for (int64_t i = 0; i + 16 <= n; i += 16) normal_16(x + i, mean, std);
  if (n % 16 != 0) {
    T* tail = x + n - 16;
    for (int i = 0; i < 16; ++i) tail[i] = uniform<T>(g, T(0), T(1));
    normal_16(tail, mean, std);
  }
}

// Calls f(element offset of a, element offset of b) for every element of a in a's memory order (its dims sorted by
// decreasing stride, as PyTorch's TensorIterator walks an output); b (undefined, or of a's shape) goes along.
template <typename F>
void for_each_in_memory_order(const Tensor& a, const Tensor& b, F&& f) {
  const int64_t n = a.numel();
  if (n == 0) return;
  if (a.is_contiguous() && (!b.defined() || b.is_contiguous())) {
    for (int64_t i = 0; i < n; ++i) f(i, i);
    return;
  }
  const int64_t nd = a.dim();
  std::vector<int64_t> order(static_cast<size_t>(nd));
  for (int64_t d = 0; d < nd; ++d) order[size_t(d)] = d;
  std::stable_sort(order.begin(), order.end(), [&](int64_t x, int64_t y) { return a.stride(x) > a.stride(y); });
  std::vector<int64_t> idx(static_cast<size_t>(nd), 0);
  int64_t oa = 0, ob = 0;
  for (int64_t k = 0; k < n; ++k) {
    f(oa, ob);
    for (int64_t q = nd - 1; q >= 0; --q) {
      const int64_t d = order[size_t(q)];
      if (++idx[size_t(q)] < a.size(d)) {
        oa += a.stride(d);
        if (b.defined()) ob += b.stride(d);
        break;
      }
      oa -= a.stride(d) * (a.size(d) - 1);
      if (b.defined()) ob -= b.stride(d) * (b.size(d) - 1);
      idx[size_t(q)] = 0;
    }
  }
}

// random_() without bounds: [0, 2^digits] for floats, [0, max] for integers, a fair bit for bool.
template <typename T>
T random_bits(CPUGeneratorImpl& g) {
  if constexpr (std::is_same_v<T, bool>) {
    return (g.random() & 1) != 0;
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return T(g.random64() % (uint64_t(std::numeric_limits<int64_t>::max()) + 1));
  } else if constexpr (std::is_same_v<T, double>) {
    return T(g.random64() % ((uint64_t(1) << 53) + 1));
  } else if constexpr (std::is_same_v<T, float>) {
    return T(g.random() % ((uint64_t(1) << 24) + 1));
  } else {
    return T(g.random() % (uint64_t(std::numeric_limits<T>::max()) + 1));
  }
}

template <typename T>
void fill_random(const RandomArgs& r, CPUGeneratorImpl& g, const Tensor& out, const Tensor& p) {
  T* o = static_cast<T*>(out.data_ptr());
  switch (r.op) {
    case RandomOp::Uniform:
      if constexpr (std::is_floating_point_v<T>) {
        const T from = T(r.a), to = T(r.b);
        for_each_in_memory_order(out, Tensor(), [&](int64_t i, int64_t) { o[i] = uniform<T>(g, from, to); });
        return;
      }
      break;
    case RandomOp::Normal:
      if constexpr (std::is_floating_point_v<T>) {
        if (out.is_contiguous() && out.numel() >= 16) {
          normal_fill<T>(g, o, out.numel(), T(r.a), T(r.b));
        } else {
          for_each_in_memory_order(out, Tensor(), [&](int64_t i, int64_t) { o[i] = T(normal_double(g, r.a, r.b)); });
        }
        return;
      }
      break;
    case RandomOp::FromTo: {
      const bool wide = r.range >= (uint64_t(1) << 32) &&
                        (std::is_same_v<T, int64_t> || std::is_same_v<T, double> || std::is_same_v<T, float>);
      if (r.range == 0) {  // every int64 (random_(INT64_MIN, nullopt))
        for_each_in_memory_order(out, Tensor(), [&](int64_t i, int64_t) { o[i] = T(int64_t(g.random64())); });
        return;
      }
      for_each_in_memory_order(out, Tensor(), [&](int64_t i, int64_t) {
        const uint64_t v = wide ? g.random64() : g.random();
        o[i] = T(int64_t(v % r.range + uint64_t(r.base)));
      });
      return;
    }
    case RandomOp::Bits:
      for_each_in_memory_order(out, Tensor(), [&](int64_t i, int64_t) { o[i] = random_bits<T>(g); });
      return;
    case RandomOp::Bernoulli:
      for_each_in_memory_order(out, Tensor(), [&](int64_t i, int64_t) { o[i] = T(uniform_double(g, 0.0, 1.0) < r.a); });
      return;
    case RandomOp::BernoulliTensor:
      if (p.dtype() == kFloat64) {
        const double* pp = p.data_ptr<double>();
        for_each_in_memory_order(out, p, [&](int64_t i, int64_t j) { o[i] = T(uniform_double(g, 0.0, 1.0) < pp[j]); });
      } else {
        const float* pp = p.data_ptr<float>();
        for_each_in_memory_order(out, p, [&](int64_t i, int64_t j) { o[i] = T(uniform_float(g, 0.0f, 1.0f) < pp[j]); });
      }
      return;
    case RandomOp::Permutation: {
      const int64_t n = out.numel();
      for (int64_t i = 0; i < n; ++i) o[i] = T(i);
      for (int64_t i = 0; i + 1 < n; ++i) {
        const int64_t z = int64_t(g.random() % uint64_t(n - i));
        std::swap(o[i], o[z + i]);
      }
      return;
    }
  }
  NABLA_FAIL("random: this fill does not support dtype ", out.dtype());
}

}  // namespace

void random(const RandomArgs& r, GeneratorImpl& gen, const Tensor& out, const Tensor& p) {
  auto* g = dynamic_cast<CPUGeneratorImpl*>(&gen);
  NABLA_CHECK(g != nullptr, "random: the CPU kernels need a CPU generator, got one for ", gen.device());
  std::lock_guard<std::mutex> lock(gen.mutex_);
  NABLA_DISPATCH_ALL(out.dtype(), "random", [&] { fill_random<scalar_t>(r, *g, out, p); });
}

}  // namespace NABLA_CPU_CAP_NS
}  // namespace nabla::cpu
