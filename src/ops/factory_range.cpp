// Range factories: arange, linspace, eye.
#include <cmath>
#include <cstdlib>
#include <type_traits>

#include "backend/kernels.h"
#include "core/make.h"
#include "nabla/ops/factory.h"

namespace nabla {

namespace {
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
}  // namespace

Tensor arange(const Scalar& end, const TensorOptions& options) { return arange(0, end, 1, options); }

Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step, const TensorOptions& options) {
  const bool integral = !start.is_floating_point() && !end.is_floating_point() && !step.is_floating_point();
  const ScalarType dtype = options.has_dtype() ? options.dtype() : integral ? kInt64 : kFloat32;
  const double s = start.to_double(), e = end.to_double(), st = step.to_double();
  NABLA_CHECK(std::isfinite(s) && std::isfinite(e), "arange: unsupported range: ", start, " -> ", end);
  NABLA_CHECK(st != 0, "arange: step must be nonzero");
  NABLA_CHECK((st > 0 && e >= s) || (st < 0 && e <= s),
              "arange: upper bound and larger bound inconsistent with "
              "step sign (start ",
              start, ", end ", end, ", step ", step, ")");
  // [start, end) in steps: ceil((end - start) / step) elements, computed in double as PyTorch does.
  int64_t n = 0;
  if (integral) {
    const int64_t span = std::abs(end.to_long() - start.to_long()), by = std::abs(step.to_long());
    n = (span + by - 1) / by;
  } else {
    n = int64_t(std::ceil((e - s) / st));
  }
  Tensor out = detail::make_empty({n}, dtype);
  NABLA_DISPATCH_ALL(dtype, "arange", [&] {
    scalar_t* p = out.data_ptr<scalar_t>();
    if (integral) {
      const int64_t s0 = start.to_long(), st0 = step.to_long();
      for (int64_t i = 0; i < n; ++i) p[i] = static_cast<scalar_t>(s0 + i * st0);
    } else {
      for (int64_t i = 0; i < n; ++i) p[i] = static_cast<scalar_t>(s + double(i) * st);
    }
  });
  return finish(out, options);
}

Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, const TensorOptions& options) {
  NABLA_CHECK(steps >= 0, "linspace: number of steps must be non-negative, got ", steps);
  const ScalarType dtype = options.has_dtype() ? options.dtype() : kFloat32;
  Tensor out = detail::make_empty({steps}, dtype);
  // Symmetric, as PyTorch: the first half counts up from start, the second half down from end, so both
  // endpoints are exact. Float dtypes compute in their own precision, integers in double (as PyTorch).
  const int64_t half = steps / 2;
  NABLA_DISPATCH_ALL(dtype, "linspace", [&] {
    using step_t = std::conditional_t<std::is_integral_v<scalar_t>, double, scalar_t>;
    const step_t s = start.to<step_t>(), e = end.to<step_t>();
    const step_t step = steps > 1 ? (e - s) / step_t(steps - 1) : step_t(0);
    scalar_t* p = out.data_ptr<scalar_t>();
    for (int64_t i = 0; i < steps; ++i) {
      step_t v = i < half || steps == 1 ? s + step * step_t(i) : e - step * step_t(steps - 1 - i);
      p[i] = static_cast<scalar_t>(v);
    }
  });
  return finish(out, options);
}

Tensor eye(int64_t n, const TensorOptions& options) { return eye(n, n, options); }

Tensor eye(int64_t n, int64_t m, const TensorOptions& options) {
  NABLA_CHECK(n >= 0, "eye: n must be greater or equal to 0, got ", n);
  NABLA_CHECK(m >= 0, "eye: m must be greater or equal to 0, got ", m);
  const ScalarType dtype = options.has_dtype() ? options.dtype() : kFloat32;
  Tensor out = detail::make_empty({n, m}, dtype);
  backend::fill(out, 0);
  NABLA_DISPATCH_ALL(dtype, "eye", [&] {
    scalar_t* p = out.data_ptr<scalar_t>();
    for (int64_t i = 0; i < std::min(n, m); ++i) p[i * m + i] = static_cast<scalar_t>(1);
  });
  return finish(out, options);
}

}  // namespace nabla
