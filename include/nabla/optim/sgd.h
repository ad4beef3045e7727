#pragma once
// SGD with momentum, dampening, Nesterov and L2 weight decay (PyTorch 1.13's torch.optim.SGD).
#include "nabla/optim/optimizer.h"

namespace nabla::optim {

struct SGDOptions : public OptimizerOptions {
  SGDOptions(double lr);  // NOLINT: implicit as in LibTorch
  NABLA_OPTIM_ARG(double, lr);
  NABLA_OPTIM_ARG(double, momentum) = 0;
  NABLA_OPTIM_ARG(double, dampening) = 0;
  NABLA_OPTIM_ARG(double, weight_decay) = 0;
  NABLA_OPTIM_ARG(bool, nesterov) = false;

 public:
  std::unique_ptr<OptimizerOptions> clone() const override;
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  std::vector<OptionField> fields() override;
};

struct SGDParamState : public OptimizerParamState {
  NABLA_OPTIM_ARG(Tensor, momentum_buffer);

 public:
  std::unique_ptr<OptimizerParamState> clone() const override;
  std::vector<StateField> fields() override;
};

class SGD : public Optimizer {
 public:
  SGD(std::vector<OptimizerParamGroup> param_groups, SGDOptions defaults);
  SGD(std::vector<Tensor> params, SGDOptions defaults)
      : SGD(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}

 protected:
  Tensor step_impl(LossClosure closure) override;
  std::unique_ptr<OptimizerParamState> make_param_state() const override;
};

}  // namespace nabla::optim
