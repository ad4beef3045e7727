// Adam and AdamW (PyTorch 1.13, single-tensor path) as one fused loop over each parameter's data:
//   (AdamW) p *= 1 - lr wd;  (Adam) g += wd p
//   m = lerp(m, g, 1 - b1); v = b2 v + (1 - b2) g^2; vmax = max(vmax, v) (amsgrad)
//   p -= lr / (1 - b1^t) * m / (sqrt(v or vmax) / sqrt(1 - b2^t) + eps)
#include "nabla/optim/adam.h"

#include <algorithm>
#include <cmath>

#include "backend/kernels.h"
#include "nabla/autograd/grad_mode.h"
#include "nabla/ops/factory.h"
#include "nabla/optim/adamw.h"

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
    const backend::AdamStep args{lr, beta1, beta2, eps, wd, step_size, bias_correction2_sqrt, decoupled, amsgrad};
    backend::kernels(backend::common_device(name, {&v.param, &v.grad, &st.exp_avg()}))
        .adam_step(args, v.param, v.grad, st.exp_avg(), st.exp_avg_sq(), amsgrad ? st.max_exp_avg_sq() : Tensor());
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

std::unique_ptr<OptimizerOptions> AdamOptions::clone() const { return std::make_unique<AdamOptions>(*this); }

std::vector<OptionField> AdamOptions::fields() {
  return {{"lr", &lr_}, {"betas", &betas_}, {"eps", &eps_}, {"weight_decay", &weight_decay_}, {"amsgrad", &amsgrad_}};
}

std::vector<StateField> AdamParamState::fields() {
  return {{"step", &step_}, {"exp_avg", &exp_avg_}, {"exp_avg_sq", &exp_avg_sq_}, {"max_exp_avg_sq", &max_exp_avg_sq_}};
}

std::unique_ptr<OptimizerOptions> AdamWOptions::clone() const { return std::make_unique<AdamWOptions>(*this); }

std::vector<OptionField> AdamWOptions::fields() {
  return {{"lr", &lr_}, {"betas", &betas_}, {"eps", &eps_}, {"weight_decay", &weight_decay_}, {"amsgrad", &amsgrad_}};
}

}  // namespace nabla::optim
