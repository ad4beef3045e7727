// Random numbers: one global mt19937_64 generator, drawn serially (under a lock) so a seed gives the same
// numbers whatever the thread count. Uniform floats use the top 24 (float) or 53 (double) bits; normals use
// Box-Muller on pairs of uniforms.
#include <cmath>
#include <mutex>
#include <numbers>
#include <random>

#include "backend/kernels.h"
#include "core/make.h"
#include "nabla/ops/factory.h"

namespace nabla {

namespace {
constexpr uint64_t kDefaultSeed = 67280421310721ULL;  // LibTorch's default seed

struct Generator {
  std::mutex mutex;
  std::mt19937_64 engine{kDefaultSeed};
};

Generator& generator() {
  static Generator g;
  return g;
}

// [0, 1) with 53 random bits.
double uniform_double(std::mt19937_64& e) { return double(e() >> 11) * (1.0 / 9007199254740992.0); }
// [0, 1) with 24 random bits (never rounds up to 1.0f).
float uniform_float(std::mt19937_64& e) { return float(e() >> 40) * (1.0f / 16777216.0f); }

// Unbiased integer in [0, range), range >= 1.
uint64_t uniform_below(std::mt19937_64& e, uint64_t range) {
  const uint64_t limit = UINT64_MAX - UINT64_MAX % range;
  uint64_t v = e();
  while (v >= limit) v = e();
  return v % range;
}

Tensor finish(Tensor t, const TensorOptions& o) {
  if (o.requires_grad()) {
    NABLA_CHECK(t.is_floating_point(),
                "requires_grad: only tensors of floating point dtype can require gradients, "
                "got ",
                t.dtype());
    t.requires_grad_(true);
  }
  return t;
}

ScalarType floating_dtype(const TensorOptions& o, const char* op) {
  ScalarType t = o.has_dtype() ? o.dtype() : kFloat32;
  NABLA_CHECK(is_floating_point(t), op, ": expected a floating-point dtype (kFloat32 or kFloat64), got ", t);
  return t;
}

TensorOptions like_options(const Tensor& t, const TensorOptions& o) {
  NABLA_CHECK(t.defined(), "rand_like: the reference tensor is undefined");
  return o.has_dtype() ? o : o.dtype(t.dtype());
}
}  // namespace

void manual_seed(uint64_t seed) {
  auto& g = generator();
  std::lock_guard<std::mutex> lock(g.mutex);
  g.engine.seed(seed);
}

Tensor rand(IntArrayRef size, const TensorOptions& options) {
  const ScalarType dtype = floating_dtype(options, "rand");
  Tensor out = detail::make_empty(size, dtype);
  const int64_t n = out.numel();
  auto& g = generator();
  std::lock_guard<std::mutex> lock(g.mutex);
  if (dtype == kFloat32) {
    float* p = out.data_ptr<float>();
    for (int64_t i = 0; i < n; ++i) p[i] = uniform_float(g.engine);
  } else {
    double* p = out.data_ptr<double>();
    for (int64_t i = 0; i < n; ++i) p[i] = uniform_double(g.engine);
  }
  return finish(out, options);
}

Tensor randn(IntArrayRef size, const TensorOptions& options) {
  const ScalarType dtype = floating_dtype(options, "randn");
  Tensor out = detail::make_empty(size, dtype);
  const int64_t n = out.numel();
  std::vector<double> v(size_t(n + 1));
  {
    auto& g = generator();
    std::lock_guard<std::mutex> lock(g.mutex);
    for (int64_t i = 0; i < n; i += 2) {
      const double u1 = 1.0 - uniform_double(g.engine);  // (0, 1]: log is finite
      const double u2 = uniform_double(g.engine);
      const double r = std::sqrt(-2.0 * std::log(u1));
      v[size_t(i)] = r * std::cos(2.0 * std::numbers::pi * u2);
      v[size_t(i) + 1] = r * std::sin(2.0 * std::numbers::pi * u2);
    }
  }
  NABLA_DISPATCH_FLOATING(dtype, "randn", [&] {
    scalar_t* p = out.data_ptr<scalar_t>();
    for (int64_t i = 0; i < n; ++i) p[i] = static_cast<scalar_t>(v[size_t(i)]);
  });
  return finish(out, options);
}

Tensor randint(int64_t high, IntArrayRef size, const TensorOptions& options) { return randint(0, high, size, options); }

Tensor randint(int64_t low, int64_t high, IntArrayRef size, const TensorOptions& options) {
  NABLA_CHECK(low < high, "randint: expected low < high, but got low=", low, " and high=", high);
  const ScalarType dtype = options.has_dtype() ? options.dtype() : kInt64;
  NABLA_CHECK(dtype != kBool || (low >= 0 && high <= 2), "randint: range [", low, ", ", high,
              ") does not fit dtype Bool");
  Tensor out = detail::make_empty(size, dtype);
  const int64_t n = out.numel();
  const uint64_t range = uint64_t(high) - uint64_t(low);
  std::vector<int64_t> v(static_cast<size_t>(n));
  {
    auto& g = generator();
    std::lock_guard<std::mutex> lock(g.mutex);
    for (int64_t i = 0; i < n; ++i) v[size_t(i)] = int64_t(uint64_t(low) + uniform_below(g.engine, range));
  }
  NABLA_DISPATCH_ALL(dtype, "randint", [&] {
    scalar_t* p = out.data_ptr<scalar_t>();
    for (int64_t i = 0; i < n; ++i) p[i] = static_cast<scalar_t>(v[size_t(i)]);
  });
  return finish(out, options);
}

Tensor randperm(int64_t n, const TensorOptions& options) {
  NABLA_CHECK(n >= 0, "randperm: n must be non-negative, got ", n);
  const ScalarType dtype = options.has_dtype() ? options.dtype() : kInt64;
  std::vector<int64_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[size_t(i)] = i;
  {
    auto& g = generator();
    std::lock_guard<std::mutex> lock(g.mutex);
    for (int64_t i = n - 1; i > 0; --i) std::swap(v[size_t(i)], v[uniform_below(g.engine, uint64_t(i) + 1)]);
  }
  Tensor out = detail::make_empty({n}, dtype);
  NABLA_DISPATCH_ALL(dtype, "randperm", [&] {
    scalar_t* p = out.data_ptr<scalar_t>();
    for (int64_t i = 0; i < n; ++i) p[i] = static_cast<scalar_t>(v[size_t(i)]);
  });
  return finish(out, options);
}

Tensor bernoulli(const Tensor& p) {
  NABLA_CHECK(p.defined(), "bernoulli: the probability tensor is undefined");
  // Probabilities as contiguous doubles (no graph).
  Tensor prob = detail::make_empty(p.sizes(), kFloat64);
  backend::copy_cast(prob, detail::make_alias(p));
  const double* pp = prob.data_ptr<double>();
  const int64_t n = prob.numel();
  for (int64_t i = 0; i < n; ++i)
    NABLA_CHECK(pp[i] >= 0 && pp[i] <= 1, "bernoulli: expected all probabilities in [0, 1], got ", pp[i],
                " at flat index ", i);
  {
    auto& g = generator();
    std::lock_guard<std::mutex> lock(g.mutex);
    double* w = prob.data_ptr<double>();
    for (int64_t i = 0; i < n; ++i) w[i] = uniform_double(g.engine) < pp[i] ? 1.0 : 0.0;
  }
  Tensor out = detail::make_empty(p.sizes(), p.is_floating_point() ? p.dtype() : kFloat32);
  backend::copy_cast(out, prob);
  return out;
}

Tensor bernoulli(const Tensor& like, double p) {
  NABLA_CHECK(like.defined(), "bernoulli: the reference tensor is undefined");
  NABLA_CHECK(p >= 0 && p <= 1, "bernoulli: expected p in [0, 1], got ", p);
  Tensor draws = detail::make_empty(like.sizes(), kFloat64);
  const int64_t n = draws.numel();
  {
    double* w = draws.data_ptr<double>();
    auto& g = generator();
    std::lock_guard<std::mutex> lock(g.mutex);
    for (int64_t i = 0; i < n; ++i) w[i] = uniform_double(g.engine) < p ? 1.0 : 0.0;
  }
  Tensor out = detail::make_empty(like.sizes(), like.dtype());
  backend::copy_cast(out, draws);
  return out;
}

Tensor rand_like(const Tensor& t, const TensorOptions& options) { return rand(t.sizes(), like_options(t, options)); }
Tensor randn_like(const Tensor& t, const TensorOptions& options) { return randn(t.sizes(), like_options(t, options)); }

}  // namespace nabla
