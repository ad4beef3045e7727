// Numerical gradient checks: float64 central differences against the engine's Jacobian, row by row.
#include "nabla/autograd/gradcheck.h"

#include <cmath>

#include "backend/kernels.h"
#include "nabla/autograd/engine.h"
#include "nabla/autograd/grad_mode.h"
#include "nabla/ops/factory.h"
#include "nabla/ops/reduce.h"
#include "nabla/ops/shape.h"

namespace nabla::autograd {
namespace {

// Element i (in logical row-major order) of a float64 tensor, by strides.
double* element(const Tensor& t, int64_t i) {
  int64_t off = 0;
  for (int64_t d = t.dim() - 1; d >= 0; --d) {
    int64_t s = t.sizes()[size_t(d)];
    off += (i % s) * t.strides()[size_t(d)];
    i /= s;
  }
  return t.data_ptr<double>() + off;
}

// t as a contiguous float64 copy (or t itself when it already is one), outside any graph.
Tensor dense64(const Tensor& t) {
  NoGradGuard ng;
  return t.detach().to(kFloat64).contiguous();
}

// Fixed, distinct weights (1/7 .. 7/7 repeating) shaped like t, float64.
Tensor arange_weights(const Tensor& t) {
  Tensor w = empty(t.sizes(), TensorOptions().dtype(kFloat64));
  double* p = w.data_ptr<double>();
  for (int64_t i = 0; i < w.numel(); ++i) p[i] = double(i % 7 + 1) / 7.0;
  return w;
}

}  // namespace

bool gradcheck(const std::function<tensor_list(const tensor_list&)>& fn, const tensor_list& inputs, double eps,
               double atol, double rtol) {
  for (size_t k = 0; k < inputs.size(); ++k) {
    const Tensor& x = inputs[k];
    NABLA_CHECK(!x.defined() || !x.requires_grad() || x.dtype() == kFloat64, "gradcheck: input ", k,
                " requires grad but has dtype ", x.dtype(),
                "; gradcheck needs float64 inputs (use .to(nabla::kDouble))");
  }
  tensor_list outs;
  {
    AutoGradMode on(true);
    outs = fn(inputs);
  }
  for (size_t o = 0; o < outs.size(); ++o) {
    const Tensor out = outs[o];
    // Integer and bool outputs are not differentiable. A floating output without a history claims a zero
    // Jacobian: the numerical one must then be zero too (as PyTorch checks), which catches a backward that
    // silently detaches.
    if (!out.defined() || !out.is_floating_point()) continue;
    const bool differentiable = out.requires_grad();
    const int64_t n_out = out.numel();
    for (size_t k = 0; k < inputs.size(); ++k) {
      const Tensor& x = inputs[k];
      if (!x.defined() || !x.requires_grad()) continue;
      const int64_t n_in = x.numel();
      // Analytic: one backward per output element (row r of the Jacobian).
      std::vector<double> analytic(size_t(n_out * n_in), 0.0);
      for (int64_t r = 0; r < n_out && differentiable; ++r) {
        Tensor go = zeros(out.sizes(), TensorOptions().dtype(kFloat64));
        go.data_ptr<double>()[r] = 1.0;
        if (out.dtype() != kFloat64) go = go.to(out.dtype());
        AutoGradMode on(true);
        Tensor g = grad({out}, {x}, {go}, /*retain_graph=*/true, false, /*allow_unused=*/true)[0];
        if (!g.defined()) continue;
        NABLA_CHECK(g.sizes().vec() == x.sizes().vec(), "gradcheck: the gradient of input ", k, " has shape ",
                    g.sizes().vec(), " but the input has shape ", x.sizes().vec());
        Tensor gd = dense64(g);
        const double* gp = gd.data_ptr<double>();
        for (int64_t c = 0; c < n_in; ++c) analytic[size_t(r * n_in + c)] = gp[c];
      }
      // Numerical: perturb each input element in place (through its strides) and difference the outputs.
      for (int64_t c = 0; c < n_in; ++c) {
        double* p = element(x, c);
        const double orig = *p;
        Tensor plus, minus;
        {
          NoGradGuard ng;
          *p = orig + eps;
          plus = dense64(fn(inputs).at(o));
          *p = orig - eps;
          minus = dense64(fn(inputs).at(o));
          *p = orig;
        }
        NABLA_CHECK(plus.numel() == n_out && minus.numel() == n_out, "gradcheck: output ", o,
                    " changed size when input ", k, " was perturbed");
        const double* pp = plus.data_ptr<double>();
        const double* mp = minus.data_ptr<double>();
        for (int64_t r = 0; r < n_out; ++r) {
          double num = (pp[r] - mp[r]) / (2 * eps);
          double ana = analytic[size_t(r * n_in + c)];
          NABLA_CHECK(std::abs(num - ana) <= atol + rtol * std::abs(num), "gradcheck: Jacobian mismatch for output ", o,
                      " with respect to input ", k, ", output element ", r, ", input element ", c, ": numerical ", num,
                      " vs analytical ", ana, " (grad_fn ", out.grad_fn() ? out.grad_fn()->name() : std::string("none"),
                      ")");
        }
      }
    }
  }
  return true;
}

bool gradgradcheck(const std::function<tensor_list(const tensor_list&)>& fn, const tensor_list& inputs, double eps,
                   double atol, double rtol) {
  // The function checked: inputs -> grad of sum(fn(inputs) * w) w.r.t. the differentiable inputs, with fixed
  // random-ish weights w so every output element matters.
  std::vector<size_t> diff;
  for (size_t k = 0; k < inputs.size(); ++k)
    if (inputs[k].requires_grad()) diff.push_back(k);
  auto first = [&](const tensor_list& xs) -> tensor_list {
    AutoGradMode on(true);
    tensor_list outs = fn(xs);
    tensor_list diff_in;
    for (size_t k : diff) diff_in.push_back(xs[k]);
    Tensor total;
    for (size_t o = 0; o < outs.size(); ++o) {
      if (!outs[o].defined() || !outs[o].requires_grad()) continue;
      Tensor w = arange_weights(outs[o]);
      Tensor s = (outs[o].to(kFloat64) * w).sum();
      total = total.defined() ? total + s : s;
    }
    if (!total.defined()) return {};
    auto gs = grad({total}, diff_in, {}, true, /*create_graph=*/true, /*allow_unused=*/true);
    tensor_list r;
    for (auto& g : gs)
      if (g.defined()) r.push_back(g);
    return r;
  };
  return gradcheck(first, inputs, eps, atol, rtol);
}

}  // namespace nabla::autograd
