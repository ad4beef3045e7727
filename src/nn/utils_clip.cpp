// clip_grad_norm_ / clip_grad_value_ (PyTorch 1.13's torch.nn.utils): the total norm is the norm of the per-grad norms.
#include <cmath>
#include <limits>

#include "nabla/autograd/grad_mode.h"
#include "nabla/nn/utils.h"

namespace nabla::nn::utils {
namespace {

// The norm of one grad (any strides) accumulated in double; p = inf, 0 (count of nonzeros) or > 0.
double grad_norm(const Tensor& g, double p) {
  Tensor c = g.detach().to(kFloat64).contiguous();
  const double* d = c.data_ptr<double>();
  const int64_t n = c.numel();
  if (std::isinf(p)) {
    double m = 0;
    for (int64_t i = 0; i < n; ++i) {
      const double a = std::abs(d[i]);
      if (std::isnan(a)) return a;
      m = std::max(m, a);
    }
    return m;
  }
  double s = 0;
  if (p == 0) {
    for (int64_t i = 0; i < n; ++i) s += d[i] != 0 ? 1 : 0;
    return s;
  }
  if (p == 1) {
    for (int64_t i = 0; i < n; ++i) s += std::abs(d[i]);
    return s;
  }
  if (p == 2) {
    for (int64_t i = 0; i < n; ++i) s += d[i] * d[i];
    return std::sqrt(s);
  }
  for (int64_t i = 0; i < n; ++i) s += std::pow(std::abs(d[i]), p);
  return std::pow(s, 1 / p);
}

// Replaces g by op(g) in place when it owns its memory densely, else by a fresh tensor (a broadcast grad
// such as the one of sum() may alias one element many times).
template <typename Op>
void update_grad(Tensor& p, Op op) {
  Tensor& g = p.mutable_grad();
  if (g.is_contiguous() && !g.grad_fn()) {
    op(g);
  } else {
    Tensor fresh = g.detach().contiguous().clone();
    op(fresh);
    g = fresh;
  }
}

}  // namespace

double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
  NABLA_CHECK(std::isinf(norm_type) ? norm_type > 0 : norm_type >= 0, "clip_grad_norm_: invalid norm_type ", norm_type,
              "; use a p >= 0 or INFINITY");
  NoGradGuard no_grad;
  std::vector<double> norms;
  for (const Tensor& p : parameters) {
    NABLA_CHECK(p.defined(), "clip_grad_norm_: a parameter is an undefined tensor");
    if (p.grad().defined()) norms.push_back(grad_norm(p.grad(), norm_type));
  }
  if (norms.empty()) return 0.0;
  double total = 0;
  if (std::isinf(norm_type)) {
    for (double n : norms)
      total = std::isnan(n) || std::isnan(total) ? std::numeric_limits<double>::quiet_NaN() : std::max(total, n);
  } else if (norm_type == 0) {
    for (double n : norms) total += n != 0 ? 1 : 0;
  } else {
    double s = 0;
    for (double n : norms) s += norm_type == 1 ? n : norm_type == 2 ? n * n : std::pow(n, norm_type);
    total = norm_type == 1 ? s : norm_type == 2 ? std::sqrt(s) : std::pow(s, 1 / norm_type);
  }
  NABLA_CHECK(!error_if_nonfinite || std::isfinite(total), "clip_grad_norm_: the total norm of order ", norm_type,
              " of the gradients is non-finite (", total,
              "), so it cannot be clipped; pass error_if_nonfinite = false to clip anyway");
  const double clip_coef = std::min(max_norm / (total + 1e-6), 1.0);
  for (const Tensor& p : parameters) {
    if (!p.grad().defined()) continue;
    Tensor q = p;
    update_grad(q, [&](Tensor& g) { g.mul_(clip_coef); });
  }
  return total;
}

double clip_grad_norm_(std::initializer_list<Tensor> parameters, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
  return clip_grad_norm_(std::vector<Tensor>(parameters), max_norm, norm_type, error_if_nonfinite);
}
double clip_grad_norm_(const Tensor& parameter, double max_norm, double norm_type, bool error_if_nonfinite) {
  return clip_grad_norm_(std::vector<Tensor>{parameter}, max_norm, norm_type, error_if_nonfinite);
}

void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value) {
  NoGradGuard no_grad;
  for (const Tensor& p : parameters) {
    NABLA_CHECK(p.defined(), "clip_grad_value_: a parameter is an undefined tensor");
    if (!p.grad().defined()) continue;
    Tensor q = p;
    update_grad(q, [&](Tensor& g) { g.clamp_(-clip_value, clip_value); });
  }
}
void clip_grad_value_(std::initializer_list<Tensor> parameters, double clip_value) {
  clip_grad_value_(std::vector<Tensor>(parameters), clip_value);
}
void clip_grad_value_(const Tensor& parameter, double clip_value) {
  clip_grad_value_(std::vector<Tensor>{parameter}, clip_value);
}

}  // namespace nabla::nn::utils
