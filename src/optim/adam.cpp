// Adam and AdamW (PyTorch 1.13, single-tensor path) as one fused loop over each parameter's data:
//   (AdamW) p *= 1 - lr wd;  (Adam) g += wd p
//   m = lerp(m, g, 1 - b1); v = b2 v + (1 - b2) g^2; vmax = max(vmax, v) (amsgrad)
//   p -= lr / (1 - b1^t) * m / (sqrt(v or vmax) / sqrt(1 - b2^t) + eps)
#include "nabla/optim/adam.h"

#include <algorithm>
#include <cmath>

#include "nabla/autograd/grad_mode.h"
#include "nabla/ops/factory.h"
#include "nabla/optim/adamw.h"
#include "optim/fused.h"

namespace nabla::optim {
namespace {

template <typename O>
void check_options(const O& o, const char* name) {
  const auto [b1, b2] = o.betas();
  NABLA_CHECK(o.lr() >= 0, name, ": invalid learning rate ", o.lr(), "; it must be >= 0");
  NABLA_CHECK(o.eps() >= 0, name, ": invalid epsilon ", o.eps(), "; it must be >= 0");
  NABLA_CHECK(b1 >= 0 && b1 < 1, name, ": invalid beta parameter at index 0: ", b1, "; it must be in [0, 1)");
  NABLA_CHECK(b2 >= 0 && b2 < 1, name, ": invalid beta parameter at index 1: ", b2, "; it must be in [0, 1)");
  NABLA_CHECK(o.weight_decay() >= 0, name, ": invalid weight_decay ", o.weight_decay(), "; it must be >= 0");
}

// decoupled: AdamW's p *= 1 - lr wd instead of Adam's g += wd p.
template <typename O>
void adam_step(Optimizer& opt, OptimizerParamGroup& group, const O& o, bool decoupled, const char* name,
               const std::function<AdamParamState&(const Tensor&)>& state_of) {
  (void)opt;
  check_options(o, name);
  const auto [beta1, beta2] = o.betas();
  const double lr = o.lr(), eps = o.eps(), wd = o.weight_decay();
  const bool amsgrad = o.amsgrad();
  for (Tensor& p : group.params()) {
    if (!p.grad().defined()) continue;
    auto v = detail::param_view(p, name);
    AdamParamState& st = state_of(p);
    if (!st.exp_avg().defined()) {
      st.exp_avg(zeros(p.sizes(), p.options()));
      st.exp_avg_sq(zeros(p.sizes(), p.options()));
      if (amsgrad) st.max_exp_avg_sq(zeros(p.sizes(), p.options()));
    }
    if (amsgrad && !st.max_exp_avg_sq().defined()) st.max_exp_avg_sq(zeros(p.sizes(), p.options()));
    st.step(st.step() + 1);
    const double t = static_cast<double>(st.step());
    const double bias_correction1 = 1 - std::pow(beta1, t);
    const double bias_correction2 = 1 - std::pow(beta2, t);
    const double step_size = lr / bias_correction1;
    const double bias_correction2_sqrt = std::sqrt(bias_correction2);
    NABLA_DISPATCH_FLOATING(p.dtype(), name, [&] {
      using T = scalar_t;
      T* w = v.param.data_ptr<T>();
      const T* g = v.grad.data_ptr<T>();
      T* m = st.exp_avg().template data_ptr<T>();
      T* s = st.exp_avg_sq().template data_ptr<T>();
      T* smax = amsgrad ? st.max_exp_avg_sq().template data_ptr<T>() : nullptr;
      const int64_t n = v.param.numel();
      const T weight = T(1 - beta1), tb2 = T(beta2), one_m_b2 = T(1 - beta2);
      const T decay = T(1 - lr * wd), twd = T(wd), teps = T(eps), tbc2 = T(bias_correction2_sqrt);
      const T tstep = T(step_size);
      const bool small_weight = std::abs(weight) < T(0.5);
      detail::for_each_element(n, [&](int64_t i) {
        T wi = w[i], gi = g[i];
        if (decoupled) {
          wi = wi * decay;
        } else if (wd != 0) {
          gi = gi + twd * wi;
        }
        // lerp as ATen computes it (exact at both ends).
        const T mi = small_weight ? m[i] + weight * (gi - m[i]) : gi - (gi - m[i]) * (T(1) - weight);
        const T si = s[i] * tb2 + one_m_b2 * gi * gi;
        m[i] = mi;
        s[i] = si;
        T sv = si;
        if (amsgrad) {
          sv = std::max(smax[i], si);
          smax[i] = sv;
        }
        const T denom = std::sqrt(sv) / tbc2 + teps;
        w[i] = wi + (-tstep) * mi / denom;  // addcdiv: p + (value * m) / denom
      });
    });
    v.finish();
  }
}

}  // namespace

AdamOptions::AdamOptions(double lr) : lr_(lr) {}
AdamWOptions::AdamWOptions(double lr) : lr_(lr) {}

std::unique_ptr<OptimizerParamState> AdamParamState::clone() const {
  auto s = std::make_unique<AdamParamState>(*this);
  if (exp_avg_.defined()) s->exp_avg(exp_avg_.clone());
  if (exp_avg_sq_.defined()) s->exp_avg_sq(exp_avg_sq_.clone());
  if (max_exp_avg_sq_.defined()) s->max_exp_avg_sq(max_exp_avg_sq_.clone());
  return s;
}

Adam::Adam(std::vector<OptimizerParamGroup> param_groups, AdamOptions defaults)
    : Optimizer({}, std::make_unique<AdamOptions>(defaults)) {
  check_options(defaults, "Adam");
  for (const auto& g : param_groups) add_param_group(g);
}

std::unique_ptr<OptimizerParamState> Adam::make_param_state() const { return std::make_unique<AdamParamState>(); }

Tensor Adam::step_impl(LossClosure closure) {
  Tensor loss = run_closure(closure);
  NoGradGuard no_grad;
  auto state_of = [this](const Tensor& p) -> AdamParamState& {
    return state_for<AdamParamState>(p, [] { return std::make_unique<AdamParamState>(); });
  };
  for (auto& group : param_groups_) {
    auto* o = dynamic_cast<AdamOptions*>(&group.options());
    NABLA_CHECK(o, "Adam: a param group has options of another optimizer; give it AdamOptions");
    adam_step(*this, group, *o, false, "Adam", state_of);
  }
  return loss;
}

AdamW::AdamW(std::vector<OptimizerParamGroup> param_groups, AdamWOptions defaults)
    : Optimizer({}, std::make_unique<AdamWOptions>(defaults)) {
  check_options(defaults, "AdamW");
  for (const auto& g : param_groups) add_param_group(g);
}

std::unique_ptr<OptimizerParamState> AdamW::make_param_state() const { return std::make_unique<AdamParamState>(); }

Tensor AdamW::step_impl(LossClosure closure) {
  Tensor loss = run_closure(closure);
  NoGradGuard no_grad;
  auto state_of = [this](const Tensor& p) -> AdamParamState& {
    return state_for<AdamParamState>(p, [] { return std::make_unique<AdamParamState>(); });
  };
  for (auto& group : param_groups_) {
    auto* o = dynamic_cast<AdamWOptions*>(&group.options());
    NABLA_CHECK(o, "AdamW: a param group has options of another optimizer; give it AdamWOptions");
    adam_step(*this, group, *o, true, "AdamW", state_of);
  }
  return loss;
}

}  // namespace nabla::optim
