// SGD (PyTorch 1.13): d = g + wd p; buf = d (first step) or momentum buf + (1 - dampening) d;
// d = nesterov ? d + momentum buf : buf; p -= lr d.
#include "nabla/optim/sgd.h"

#include <cmath>

#include "backend/kernels.h"
#include "nabla/autograd/grad_mode.h"
#include "nabla/ops/factory.h"

namespace nabla::optim {
namespace {
void check_options(const SGDOptions& o) {
  NABLA_CHECK(o.lr() >= 0, "SGD: invalid learning rate ", o.lr(), "; it must be >= 0");
  NABLA_CHECK(o.momentum() >= 0, "SGD: invalid momentum ", o.momentum(), "; it must be >= 0");
  NABLA_CHECK(o.weight_decay() >= 0, "SGD: invalid weight_decay ", o.weight_decay(), "; it must be >= 0");
  NABLA_CHECK(!o.nesterov() || (o.momentum() > 0 && o.dampening() == 0),
              "SGD: nesterov momentum requires a momentum > 0 and zero dampening (got momentum ", o.momentum(),
              ", dampening ", o.dampening(), "); set .momentum(0.9) or .nesterov(false)");
}
}  // namespace

SGDOptions::SGDOptions(double lr) : lr_(lr) {}

std::unique_ptr<OptimizerParamState> SGDParamState::clone() const {
  auto s = std::make_unique<SGDParamState>(*this);
  if (momentum_buffer_.defined()) s->momentum_buffer(momentum_buffer_.clone());
  return s;
}

SGD::SGD(std::vector<OptimizerParamGroup> param_groups, SGDOptions defaults)
    : Optimizer({}, std::make_unique<SGDOptions>(defaults)) {
  check_options(defaults);
  for (const auto& g : param_groups) add_param_group(g);
}

std::unique_ptr<OptimizerParamState> SGD::make_param_state() const { return std::make_unique<SGDParamState>(); }

Tensor SGD::step_impl(LossClosure closure) {
  Tensor loss = run_closure(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    auto* o = dynamic_cast<SGDOptions*>(&group.options());
    NABLA_CHECK(o, "SGD: a param group has options of another optimizer; give it SGDOptions");
    check_options(*o);
    const double lr = o->lr(), momentum = o->momentum(), dampening = o->dampening(), wd = o->weight_decay();
    const bool nesterov = o->nesterov();
    for (Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto v = detail::param_view(p, "SGD");
      auto& st = state_for<SGDParamState>(p, [] { return std::make_unique<SGDParamState>(); });
      const bool first = !st.momentum_buffer().defined();
      if (momentum != 0 && first) st.momentum_buffer(zeros(p.sizes(), p.options()));
      const backend::SgdStep args{lr, momentum, dampening, wd, nesterov, first};
      const Tensor& buf = momentum != 0 ? st.momentum_buffer() : Tensor();
      backend::kernels(backend::common_device("SGD", {&v.param, &v.grad, &buf})).sgd_step(args, v.param, v.grad, buf);
      v.finish();
    }
  }
  return loss;
}

std::unique_ptr<OptimizerOptions> SGDOptions::clone() const { return std::make_unique<SGDOptions>(*this); }

std::vector<OptionField> SGDOptions::fields() {
  return {{"lr", &lr_},
          {"momentum", &momentum_},
          {"dampening", &dampening_},
          {"weight_decay", &weight_decay_},
          {"nesterov", &nesterov_}};
}

std::vector<StateField> SGDParamState::fields() { return {{"momentum_buffer", &momentum_buffer_}}; }

}  // namespace nabla::optim
