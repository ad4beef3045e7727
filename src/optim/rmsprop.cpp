// RMSprop (PyTorch 1.13): g += wd p; sq = alpha sq + (1 - alpha) g^2;
// avg = sqrt(sq - ga^2) (centered, ga = alpha ga + (1 - alpha) g) or sqrt(sq), plus eps;
// momentum: buf = momentum buf + g / avg, p -= lr buf; else p -= lr g / avg.
#include "nabla/optim/rmsprop.h"

#include <cmath>

#include "backend/kernels.h"
#include "nabla/autograd/grad_mode.h"
#include "nabla/ops/factory.h"

namespace nabla::optim {
namespace {
void check_options(const RMSpropOptions& o) {
  NABLA_CHECK(o.lr() >= 0, "RMSprop: invalid learning rate ", o.lr(), "; it must be >= 0");
  NABLA_CHECK(o.eps() >= 0, "RMSprop: invalid epsilon ", o.eps(), "; it must be >= 0");
  NABLA_CHECK(o.momentum() >= 0, "RMSprop: invalid momentum ", o.momentum(), "; it must be >= 0");
  NABLA_CHECK(o.weight_decay() >= 0, "RMSprop: invalid weight_decay ", o.weight_decay(), "; it must be >= 0");
  NABLA_CHECK(o.alpha() >= 0, "RMSprop: invalid alpha ", o.alpha(), "; it must be >= 0");
}
}  // namespace

RMSpropOptions::RMSpropOptions(double lr) : lr_(lr) {}

std::unique_ptr<OptimizerParamState> RMSpropParamState::clone() const {
  auto s = std::make_unique<RMSpropParamState>(*this);
  if (square_avg_.defined()) s->square_avg(square_avg_.clone());
  if (momentum_buffer_.defined()) s->momentum_buffer(momentum_buffer_.clone());
  if (grad_avg_.defined()) s->grad_avg(grad_avg_.clone());
  return s;
}

RMSprop::RMSprop(std::vector<OptimizerParamGroup> param_groups, RMSpropOptions defaults)
    : Optimizer({}, std::make_unique<RMSpropOptions>(defaults)) {
  check_options(defaults);
  for (const auto& g : param_groups) add_param_group(g);
}

std::unique_ptr<OptimizerParamState> RMSprop::make_param_state() const { return std::make_unique<RMSpropParamState>(); }

Tensor RMSprop::step_impl(LossClosure closure) {
  Tensor loss = run_closure(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    auto* o = dynamic_cast<RMSpropOptions*>(&group.options());
    NABLA_CHECK(o, "RMSprop: a param group has options of another optimizer; give it RMSpropOptions");
    check_options(*o);
    const double lr = o->lr(), alpha = o->alpha(), eps = o->eps(), wd = o->weight_decay(), momentum = o->momentum();
    const bool centered = o->centered();
    for (Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto v = detail::param_view(p, "RMSprop");
      auto& st = state_for<RMSpropParamState>(p, [] { return std::make_unique<RMSpropParamState>(); });
      if (!st.square_avg().defined()) st.square_avg(zeros(p.sizes(), p.options()));
      if (momentum > 0 && !st.momentum_buffer().defined()) st.momentum_buffer(zeros(p.sizes(), p.options()));
      if (centered && !st.grad_avg().defined()) st.grad_avg(zeros(p.sizes(), p.options()));
      st.step(st.step() + 1);
      const backend::RmspropStep args{lr, alpha, eps, wd, momentum, centered};
      const Tensor& buf = momentum > 0 ? st.momentum_buffer() : Tensor();
      const Tensor& ga = centered ? st.grad_avg() : Tensor();
      backend::kernels(backend::common_device("RMSprop", {&v.param, &v.grad, &st.square_avg()}))
          .rmsprop_step(args, v.param, v.grad, st.square_avg(), buf, ga);
      v.finish();
    }
  }
  return loss;
}

std::unique_ptr<OptimizerOptions> RMSpropOptions::clone() const { return std::make_unique<RMSpropOptions>(*this); }

std::vector<OptionField> RMSpropOptions::fields() {
  return {{"lr", &lr_},   {"momentum", &momentum_}, {"alpha", &alpha_},
          {"eps", &eps_}, {"centered", &centered_}, {"weight_decay", &weight_decay_}};
}

std::vector<StateField> RMSpropParamState::fields() {
  return {
      {"step", &step_}, {"square_avg", &square_avg_}, {"momentum_buffer", &momentum_buffer_}, {"grad_avg", &grad_avg_}};
}

}  // namespace nabla::optim
