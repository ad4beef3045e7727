// Adagrad (PyTorch 1.13): g += wd p; clr = lr / (1 + (t - 1) lr_decay); sum += g^2; p -= clr g / (sqrt(sum) + eps).
#include "nabla/optim/adagrad.h"

#include <cmath>

#include "backend/kernels.h"
#include "nabla/autograd/grad_mode.h"
#include "nabla/ops/factory.h"

namespace nabla::optim {
namespace {
void check_options(const AdagradOptions& o) {
  NABLA_CHECK(o.lr() >= 0, "Adagrad: invalid learning rate ", o.lr(), "; it must be >= 0");
  NABLA_CHECK(o.lr_decay() >= 0, "Adagrad: invalid lr_decay ", o.lr_decay(), "; it must be >= 0");
  NABLA_CHECK(o.weight_decay() >= 0, "Adagrad: invalid weight_decay ", o.weight_decay(), "; it must be >= 0");
  NABLA_CHECK(o.initial_accumulator_value() >= 0, "Adagrad: invalid initial_accumulator_value ",
              o.initial_accumulator_value(), "; it must be >= 0");
  NABLA_CHECK(o.eps() >= 0, "Adagrad: invalid epsilon ", o.eps(), "; it must be >= 0");
}
}  // namespace

AdagradOptions::AdagradOptions(double lr) : lr_(lr) {}

std::unique_ptr<OptimizerParamState> AdagradParamState::clone() const {
  auto s = std::make_unique<AdagradParamState>(*this);
  if (sum_.defined()) s->sum(sum_.clone());
  return s;
}

Adagrad::Adagrad(std::vector<OptimizerParamGroup> param_groups, AdagradOptions defaults)
    : Optimizer({}, std::make_unique<AdagradOptions>(defaults)) {
  check_options(defaults);
  for (const auto& g : param_groups) add_param_group(g);
}

std::unique_ptr<OptimizerParamState> Adagrad::make_param_state() const { return std::make_unique<AdagradParamState>(); }

Tensor Adagrad::step_impl(LossClosure closure) {
  Tensor loss = run_closure(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    auto* o = dynamic_cast<AdagradOptions*>(&group.options());
    NABLA_CHECK(o, "Adagrad: a param group has options of another optimizer; give it AdagradOptions");
    check_options(*o);
    const double lr = o->lr(), lr_decay = o->lr_decay(), wd = o->weight_decay(), eps = o->eps();
    for (Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto v = detail::param_view(p, "Adagrad");
      auto& st = state_for<AdagradParamState>(p, [] { return std::make_unique<AdagradParamState>(); });
      // PyTorch fills the sum when the optimizer is built; the first step is the earliest it can be read here.
      if (!st.sum().defined()) st.sum(full(p.sizes(), o->initial_accumulator_value(), p.options()));
      st.step(st.step() + 1);
      const double clr = lr / (1 + static_cast<double>(st.step() - 1) * lr_decay);
      const backend::AdagradStep args{clr, eps, wd};
      backend::kernels(backend::common_device("Adagrad", {&v.param, &v.grad, &st.sum()}))
          .adagrad_step(args, v.param, v.grad, st.sum());
      v.finish();
    }
  }
  return loss;
}

std::unique_ptr<OptimizerOptions> AdagradOptions::clone() const { return std::make_unique<AdagradOptions>(*this); }

std::vector<OptionField> AdagradOptions::fields() {
  return {{"lr", &lr_},
          {"lr_decay", &lr_decay_},
          {"eps", &eps_},
          {"weight_decay", &weight_decay_},
          {"initial_accumulator_value", &initial_accumulator_value_}};
}

std::vector<StateField> AdagradParamState::fields() { return {{"step", &step_}, {"sum", &sum_}}; }

}  // namespace nabla::optim
