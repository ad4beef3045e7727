#pragma once
// Adam with L2 weight decay and AMSGrad (PyTorch 1.13's torch.optim.Adam); one fused loop per parameter.
#include <tuple>

#include "nabla/optim/optimizer.h"

namespace nabla::optim {

/// (beta1, beta2) of Adam and AdamW.
using Betas = std::tuple<double, double>;

struct AdamOptions : public OptimizerOptions {
  AdamOptions(double lr = 1e-3);  // NOLINT: implicit as in LibTorch
  NABLA_OPTIM_ARG(double, lr);
  NABLA_OPTIM_ARG(Betas, betas) = std::make_tuple(0.9, 0.999);
  NABLA_OPTIM_ARG(double, eps) = 1e-8;
  NABLA_OPTIM_ARG(double, weight_decay) = 0;
  NABLA_OPTIM_ARG(bool, amsgrad) = false;

 public:
  std::unique_ptr<OptimizerOptions> clone() const override;
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  std::vector<OptionField> fields() override;
};

/// Shared by Adam and AdamW.
struct AdamParamState : public OptimizerParamState {
  NABLA_OPTIM_ARG(int64_t, step) = 0;
  NABLA_OPTIM_ARG(Tensor, exp_avg);
  NABLA_OPTIM_ARG(Tensor, exp_avg_sq);
  NABLA_OPTIM_ARG(Tensor, max_exp_avg_sq);

 public:
  std::unique_ptr<OptimizerParamState> clone() const override;
  std::vector<StateField> fields() override;
};

class Adam : public Optimizer {
 public:
  Adam(std::vector<OptimizerParamGroup> param_groups, AdamOptions defaults = {});
  Adam(std::vector<Tensor> params, AdamOptions defaults = {})
      : Adam(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}

 protected:
  Tensor step_impl(LossClosure closure) override;
  std::unique_ptr<OptimizerParamState> make_param_state() const override;
};

}  // namespace nabla::optim
