#pragma once
// RMSprop with momentum and the centered variant (PyTorch 1.13's torch.optim.RMSprop).
#include "nabla/optim/optimizer.h"

namespace nabla::optim {

struct RMSpropOptions : public OptimizerOptions {
  RMSpropOptions(double lr = 1e-2);  // NOLINT: implicit as in LibTorch
  NABLA_OPTIM_ARG(double, lr);
  NABLA_OPTIM_ARG(double, alpha) = 0.99;
  NABLA_OPTIM_ARG(double, eps) = 1e-8;
  NABLA_OPTIM_ARG(double, weight_decay) = 0;
  NABLA_OPTIM_ARG(double, momentum) = 0;
  NABLA_OPTIM_ARG(bool, centered) = false;

 public:
  std::unique_ptr<OptimizerOptions> clone() const override;
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  std::vector<OptionField> fields() override;
};

struct RMSpropParamState : public OptimizerParamState {
  NABLA_OPTIM_ARG(int64_t, step) = 0;
  NABLA_OPTIM_ARG(Tensor, square_avg);
  NABLA_OPTIM_ARG(Tensor, momentum_buffer);
  NABLA_OPTIM_ARG(Tensor, grad_avg);

 public:
  std::unique_ptr<OptimizerParamState> clone() const override;
  std::vector<StateField> fields() override;
};

class RMSprop : public Optimizer {
 public:
  RMSprop(std::vector<OptimizerParamGroup> param_groups, RMSpropOptions defaults = {});
  RMSprop(std::vector<Tensor> params, RMSpropOptions defaults = {})
      : RMSprop(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}

 protected:
  Tensor step_impl(LossClosure closure) override;
  std::unique_ptr<OptimizerParamState> make_param_state() const override;
};

}  // namespace nabla::optim
