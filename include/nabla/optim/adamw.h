#pragma once
// AdamW: Adam with decoupled weight decay p *= 1 - lr * weight_decay (PyTorch 1.13's torch.optim.AdamW).
#include <tuple>

#include "nabla/optim/adam.h"

namespace nabla::optim {

struct AdamWOptions : public OptimizerOptions {
  AdamWOptions(double lr = 1e-3);  // NOLINT: implicit as in LibTorch
  NABLA_OPTIM_ARG(double, lr);
  NABLA_OPTIM_ARG(Betas, betas) = std::make_tuple(0.9, 0.999);
  NABLA_OPTIM_ARG(double, eps) = 1e-8;
  NABLA_OPTIM_ARG(double, weight_decay) = 1e-2;
  NABLA_OPTIM_ARG(bool, amsgrad) = false;

 public:
  std::unique_ptr<OptimizerOptions> clone() const override;
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  std::vector<OptionField> fields() override;
};

using AdamWParamState = AdamParamState;

class AdamW : public Optimizer {
 public:
  AdamW(std::vector<OptimizerParamGroup> param_groups, AdamWOptions defaults = {});
  AdamW(std::vector<Tensor> params, AdamWOptions defaults = {})
      : AdamW(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}

 protected:
  Tensor step_impl(LossClosure closure) override;
  std::unique_ptr<OptimizerParamState> make_param_state() const override;
};

}  // namespace nabla::optim
