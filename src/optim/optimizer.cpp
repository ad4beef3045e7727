// Optimizer base: param groups, state, zero_grad, step() with its hooks, and the contiguous views the fused update
// loops run on.
#include "nabla/optim/optimizer.h"

#include <string>
#include <unordered_set>

#include "nabla/autograd/grad_mode.h"
#include "nabla/ops/factory.h"

namespace nabla::optim {

OptimizerParamGroup::OptimizerParamGroup(const OptimizerParamGroup& o)
    : params_(o.params_), options_(o.options_ ? o.options_->clone() : nullptr) {}

OptimizerParamGroup& OptimizerParamGroup::operator=(const OptimizerParamGroup& o) {
  if (this != &o) {
    params_ = o.params_;
    options_ = o.options_ ? o.options_->clone() : nullptr;
  }
  return *this;
}

OptimizerOptions& OptimizerParamGroup::options() {
  NABLA_CHECK(options_, "OptimizerParamGroup: this group has no options; add it to an optimizer first");
  return *options_;
}
const OptimizerOptions& OptimizerParamGroup::options() const {
  NABLA_CHECK(options_, "OptimizerParamGroup: this group has no options; add it to an optimizer first");
  return *options_;
}

Optimizer::Optimizer(std::vector<OptimizerParamGroup> param_groups, std::unique_ptr<OptimizerOptions> defaults)
    : defaults_(std::move(defaults)) {
  for (const auto& g : param_groups) add_param_group(g);
}

void Optimizer::add_param_group(const OptimizerParamGroup& param_group) {
  std::unordered_set<const void*> seen;
  for (const Tensor& p : all_params_) seen.insert(p.impl_ptr().get());
  for (size_t i = 0; i < param_group.params().size(); ++i) {
    const Tensor& p = param_group.params()[i];
    NABLA_CHECK(p.defined(), "optimizer: parameter ", i, " of the group is an undefined tensor");
    NABLA_CHECK(p.is_floating_point(), "optimizer: parameter ", i, " has dtype ", p.dtype(),
                "; only Float and Double tensors can be optimized");
    // A parameter that does not require grad is accepted, as in PyTorch (a frozen layer in
    // model->parameters()): it never gets a gradient, so step() leaves it alone.
    NABLA_CHECK(p.is_leaf(), "optimizer: can't optimize a non-leaf Tensor (parameter ", i, ", sizes ", p.sizes().vec(),
                "); optimize the leaf it was computed from, or detach() it and requires_grad_()");
    NABLA_CHECK(seen.insert(p.impl_ptr().get()).second, "optimizer: parameter ", i, " (sizes ", p.sizes().vec(),
                ") appears more than once (in this group or in another); pass each parameter once");
  }
  OptimizerParamGroup group(param_group.params());
  group.set_options(param_group.has_options() ? param_group.options().clone() : defaults_->clone());
  for (const Tensor& p : group.params()) all_params_.push_back(p);
  param_groups_.push_back(std::move(group));
}

void Optimizer::zero_grad(bool set_to_none) {
  for (auto& group : param_groups_) {
    for (Tensor& p : group.params()) {
      Tensor& g = p.mutable_grad();
      if (!g.defined()) continue;
      if (set_to_none) {
        g = Tensor();
      } else {
        NoGradGuard no_grad;
        // A grad built with create_graph may be a non-leaf or a broadcast view: replace it by fresh zeros.
        if (g.grad_fn() || !g.is_contiguous()) {
          g = zeros(g.sizes(), g.options());
        } else {
          g.requires_grad_(false);
          g.zero_();
        }
      }
    }
  }
}

Tensor Optimizer::step(LossClosure closure) {
  detail::StepHookSet* hooks = step_hooks_.get();
  if (!hooks) [[likely]]
    return step_impl(std::move(closure));
  // Each list is copied (a shared_ptr) before it runs, so that hooks may add or remove hooks.
  if (auto pre = hooks->pre.snapshot())
    for (const auto& h : *pre) h.fn(*this);
  Tensor loss = step_impl(std::move(closure));
  if (auto post = hooks->post.snapshot())
    for (const auto& h : *post) h.fn(*this);
  return loss;
}

RemovableHandle Optimizer::register_step_pre_hook(OptimizerHook hook) {
  NABLA_CHECK(hook, "register_step_pre_hook: the hook is empty; pass a callable hook(optimizer)");
  return step_hooks_.add(&detail::StepHookSet::pre, std::move(hook));
}

RemovableHandle Optimizer::register_step_post_hook(OptimizerHook hook) {
  NABLA_CHECK(hook, "register_step_post_hook: the hook is empty; pass a callable hook(optimizer)");
  return step_hooks_.add(&detail::StepHookSet::post, std::move(hook));
}

Tensor Optimizer::run_closure(const LossClosure& closure) {
  if (!closure) return Tensor();
  AutoGradMode enable(true);
  return closure();
}

Optimizer::~Optimizer() = default;

namespace detail {
void StepHookSet::remove_hook(unsigned id) {
  if (!pre.remove(id)) post.remove(id);
}

ParamView param_view(const Tensor& p, const char* op) {
  ParamView v;
  v.original = p;
  v.param = p.is_contiguous() ? p : p.contiguous();
  const Tensor& g = p.grad();
  NABLA_CHECK(g.sizes() == p.sizes(), op, ": the grad of a parameter has sizes ", g.sizes().vec(),
              " but the parameter has sizes ", p.sizes().vec());
  Tensor gc = g.dtype() == p.dtype() ? g : g.to(p.dtype());
  v.grad = gc.is_contiguous() ? gc : gc.contiguous();
  return v;
}

void ParamView::finish() {
  if (!param.is_same(original))
    original.copy_(param);
  else
    original.bump_version();
}

}  // namespace detail
}  // namespace nabla::optim
