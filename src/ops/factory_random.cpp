// Random tensors and in-place random fills: argument checks and dtypes here, the draws in the device's `random`
// kernel (backend/cpu/kernels/random.cpp: PyTorch's CPU distributions), from the generator passed or the default one.
#include <cmath>
#include <limits>

#include "autograd/record.h"
#include "backend/kernels.h"
#include "core/make.h"
#include "nabla/ops/factory.h"

namespace nabla {

namespace {

using backend::RandomArgs;
using backend::RandomOp;

// The generator that fills `out`: `gen` when given (checked against out's device), else the default one. The CPU's
// is the only kind yet; the test-only PrivateUse1 device runs the CPU kernels and so draws from it too.
GeneratorImpl& generator_for(const Tensor& out, const std::optional<Generator>& gen, const char* op) {
  NABLA_CHECK(!out.device().is_cuda(), op, ": nabla was built without CUDA");
  return cpu_generator(gen, op);
}

void run(const char* op, const RandomArgs& r, Tensor& out, const std::optional<Generator>& gen,
         const Tensor& p = Tensor()) {
  autograd::check_inplace(out, op);
  backend::kernels(out.device()).random(r, generator_for(out, gen, op), out, p);
  out.bump_version();
}

void check_floating_out(const Tensor& t, const char* op) {
  NABLA_CHECK(t.defined(), op, ": the tensor is undefined");
  NABLA_CHECK(t.is_floating_point(), op, ": expected a floating-point tensor (kFloat32 or kFloat64), got ", t.dtype());
}

Tensor finish(Tensor t, const TensorOptions& o) {
  if (o.requires_grad()) {
    NABLA_CHECK(t.is_floating_point(),
                "requires_grad: only tensors of floating point dtype can require gradients, got ", t.dtype());
    t.requires_grad_(true);
  }
  return t;
}

ScalarType floating_dtype(const TensorOptions& o, const char* op) {
  ScalarType t = o.has_dtype() ? o.dtype() : kFloat32;
  NABLA_CHECK(is_floating_point(t), op, ": expected a floating-point dtype (kFloat32 or kFloat64), got ", t);
  return t;
}

Tensor make(IntArrayRef size, ScalarType dtype, const TensorOptions& o) {
  return detail::make_empty(size, dtype, o.device());
}

TensorOptions like_options(const Tensor& t, const TensorOptions& o, const char* op) {
  NABLA_CHECK(t.defined(), op, ": the reference tensor is undefined");
  TensorOptions r = o.has_dtype() ? o : o.dtype(t.dtype());
  return r.device().is_cpu() ? r.device(t.device()) : r;  // options name no device: t's
}

// The largest integer random_ may produce in `t`'s dtype (inclusive): 2^mantissa for floats.
int64_t largest_integer(ScalarType t) {
  switch (t) {
    case kBool:
      return 1;
    case kUInt8:
      return 255;
    case kInt32:
      return std::numeric_limits<int32_t>::max();
    case kFloat32:
      return int64_t(1) << 24;
    case kFloat64:
      return int64_t(1) << 53;
    default:
      return std::numeric_limits<int64_t>::max();
  }
}
int64_t smallest_integer(ScalarType t) {
  switch (t) {
    case kBool:
    case kUInt8:
      return 0;
    case kInt32:
      return std::numeric_limits<int32_t>::min();
    case kFloat32:
      return -(int64_t(1) << 24);
    case kFloat64:
      return -(int64_t(1) << 53);
    default:
      return std::numeric_limits<int64_t>::min();
  }
}

}  // namespace

// ---- in-place fills ----

Tensor& Tensor::uniform_(double from, double to, std::optional<Generator> generator) {
  check_floating_out(*this, "uniform_");
  NABLA_CHECK(from <= to, "uniform_: expects from <= to, got from=", from, " to=", to);
  NABLA_CHECK(std::isfinite(to - from), "uniform_: the range [from, to) is too wide or not finite: from=", from,
              " to=", to);
  run("uniform_", {.op = RandomOp::Uniform, .a = from, .b = to}, *this, generator);
  return *this;
}

Tensor& Tensor::normal_(double mean, double std, std::optional<Generator> generator) {
  check_floating_out(*this, "normal_");
  NABLA_CHECK(std >= 0.0, "normal_: expects std >= 0.0, got std=", std);
  run("normal_", {.op = RandomOp::Normal, .a = mean, .b = std}, *this, generator);
  return *this;
}

Tensor& Tensor::bernoulli_(double p, std::optional<Generator> generator) {
  NABLA_CHECK(defined(), "bernoulli_: the tensor is undefined");
  NABLA_CHECK(p >= 0.0 && p <= 1.0, "bernoulli_: expects p to be in [0, 1], got p=", p);
  run("bernoulli_", {.op = RandomOp::Bernoulli, .a = p}, *this, generator);
  return *this;
}

Tensor& Tensor::bernoulli_(const Tensor& p, std::optional<Generator> generator) {
  NABLA_CHECK(defined(), "bernoulli_: the tensor is undefined");
  NABLA_CHECK(p.defined(), "bernoulli_: the probability tensor is undefined");
  NABLA_CHECK(p.is_floating_point(), "bernoulli_: expected floating-point probabilities, got dtype ", p.dtype(),
              "; convert them with .to(nabla::kFloat32)");
  Tensor prob = p.detach().to(p.dtype() == kFloat64 ? kFloat64 : kFloat32);
  // One pass and one read on the host: clamping leaves p unchanged exactly when it is in [0, 1] (a NaN is not equal to
  // itself, so it fails too).
  NABLA_CHECK(prob.clamp(0, 1).eq(prob).all().item<bool>(), "bernoulli_: expects all probabilities to be in [0, 1]");
  run("bernoulli_", {.op = RandomOp::BernoulliTensor}, *this, generator, prob.expand(sizes()));
  return *this;
}

Tensor& Tensor::random_(int64_t from, std::optional<int64_t> to, std::optional<Generator> generator) {
  NABLA_CHECK(defined(), "random_: the tensor is undefined");
  const ScalarType t = dtype();
  RandomArgs r{.op = RandomOp::FromTo, .base = from};
  if (to) {
    NABLA_CHECK(from < *to, "random_: expects 'from' to be less than 'to', but got from=", from, " >= to=", *to);
    NABLA_CHECK(from >= smallest_integer(t) && *to - 1 <= largest_integer(t), "random_: the range [", from, ", ", *to,
                ") does not fit dtype ", t, " (integers ", smallest_integer(t), " to ", largest_integer(t), ")");
    r.range = uint64_t(*to) - uint64_t(from);
  } else if (t == kInt64 && from == std::numeric_limits<int64_t>::min()) {
    r.range = 0;  // every int64: one 64-bit draw each
  } else {
    const int64_t last = largest_integer(t);
    NABLA_CHECK(from >= smallest_integer(t) && from <= last, "random_: 'from' (", from, ") does not fit dtype ", t);
    r.range = uint64_t(last) - uint64_t(from) + 1;
  }
  run("random_", r, *this, generator);
  return *this;
}

Tensor& Tensor::random_(int64_t to, std::optional<Generator> generator) { return random_(0, to, generator); }

Tensor& Tensor::random_(std::optional<Generator> generator) {
  NABLA_CHECK(defined(), "random_: the tensor is undefined");
  run("random_", {.op = RandomOp::Bits}, *this, generator);
  return *this;
}

Tensor Tensor::bernoulli(std::optional<Generator> generator) const { return nabla::bernoulli(*this, generator); }

// ---- factories ----

Tensor rand(IntArrayRef size, std::optional<Generator> generator, const TensorOptions& options) {
  Tensor out = make(size, floating_dtype(options, "rand"), options);
  out.uniform_(0, 1, generator);
  return finish(out, options);
}
Tensor rand(IntArrayRef size, const TensorOptions& options) { return rand(size, std::nullopt, options); }

Tensor randn(IntArrayRef size, std::optional<Generator> generator, const TensorOptions& options) {
  Tensor out = make(size, floating_dtype(options, "randn"), options);
  out.normal_(0, 1, generator);
  return finish(out, options);
}
Tensor randn(IntArrayRef size, const TensorOptions& options) { return randn(size, std::nullopt, options); }

Tensor normal(double mean, double std, IntArrayRef size, std::optional<Generator> generator,
              const TensorOptions& options) {
  Tensor out = make(size, floating_dtype(options, "normal"), options);
  out.normal_(mean, std, generator);
  return finish(out, options);
}

Tensor randint(int64_t low, int64_t high, IntArrayRef size, std::optional<Generator> generator,
               const TensorOptions& options) {
  NABLA_CHECK(low < high, "randint: expected low < high, but got low=", low, " and high=", high);
  Tensor out = make(size, options.has_dtype() ? options.dtype() : kInt64, options);
  out.random_(low, high, generator);
  return finish(out, options);
}
Tensor randint(int64_t low, int64_t high, IntArrayRef size, const TensorOptions& options) {
  return randint(low, high, size, std::nullopt, options);
}
Tensor randint(int64_t high, IntArrayRef size, std::optional<Generator> generator, const TensorOptions& options) {
  return randint(0, high, size, generator, options);
}
Tensor randint(int64_t high, IntArrayRef size, const TensorOptions& options) {
  return randint(0, high, size, std::nullopt, options);
}

Tensor randperm(int64_t n, std::optional<Generator> generator, const TensorOptions& options) {
  NABLA_CHECK(n >= 0, "randperm: n must be non-negative, got ", n);
  const ScalarType dtype = options.has_dtype() ? options.dtype() : kInt64;
  NABLA_CHECK(dtype != kBool, "randperm: dtype Bool cannot hold a permutation; use kInt64");
  NABLA_CHECK(n == 0 || n - 1 <= largest_integer(dtype), "randperm: n is too large for dtype ", dtype, " (n=", n,
              ", the largest value it holds exactly is ", largest_integer(dtype), ")");
  Tensor out = make({n}, dtype, options);
  run("randperm", {.op = RandomOp::Permutation}, out, generator);
  return finish(out, options);
}
Tensor randperm(int64_t n, const TensorOptions& options) { return randperm(n, std::nullopt, options); }

Tensor bernoulli(const Tensor& p, std::optional<Generator> generator) {
  NABLA_CHECK(p.defined(), "bernoulli: the probability tensor is undefined");
  Tensor out = detail::make_empty(p.sizes(), p.dtype(), p.device());
  out.bernoulli_(p, generator);
  return out;
}

Tensor bernoulli(const Tensor& like, double p, std::optional<Generator> generator) {
  NABLA_CHECK(like.defined(), "bernoulli: the reference tensor is undefined");
  Tensor out = detail::make_empty(like.sizes(), like.dtype(), like.device());
  out.bernoulli_(p, generator);
  return out;
}

Tensor rand_like(const Tensor& t, const TensorOptions& options) {
  return rand(t.sizes(), like_options(t, options, "rand_like"));
}
Tensor randn_like(const Tensor& t, const TensorOptions& options) {
  return randn(t.sizes(), like_options(t, options, "randn_like"));
}
Tensor randint_like(const Tensor& t, int64_t high, const TensorOptions& options) {
  return randint(0, high, t.sizes(), like_options(t, options, "randint_like"));
}
Tensor randint_like(const Tensor& t, int64_t low, int64_t high, const TensorOptions& options) {
  return randint(low, high, t.sizes(), like_options(t, options, "randint_like"));
}

}  // namespace nabla
