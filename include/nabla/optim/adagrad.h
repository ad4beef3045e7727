#pragma once
// Adagrad with learning-rate decay (PyTorch 1.13's torch.optim.Adagrad).
#include "nabla/optim/optimizer.h"

namespace nabla::optim {

struct AdagradOptions : public OptimizerOptions {
  AdagradOptions(double lr = 1e-2);  // NOLINT: implicit as in LibTorch
  NABLA_OPTIM_ARG(double, lr);
  NABLA_OPTIM_ARG(double, lr_decay) = 0;
  NABLA_OPTIM_ARG(double, weight_decay) = 0;
  NABLA_OPTIM_ARG(double, initial_accumulator_value) = 0;
  NABLA_OPTIM_ARG(double, eps) = 1e-10;

 public:
  std::unique_ptr<OptimizerOptions> clone() const override;
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  std::vector<OptionField> fields() override;
};

struct AdagradParamState : public OptimizerParamState {
  NABLA_OPTIM_ARG(int64_t, step) = 0;
  NABLA_OPTIM_ARG(Tensor, sum);

 public:
  std::unique_ptr<OptimizerParamState> clone() const override;
  std::vector<StateField> fields() override;
};

class Adagrad : public Optimizer {
 public:
  Adagrad(std::vector<OptimizerParamGroup> param_groups, AdagradOptions defaults = {});
  Adagrad(std::vector<Tensor> params, AdagradOptions defaults = {})
      : Adagrad(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}

 protected:
  Tensor step_impl(LossClosure closure) override;
  std::unique_ptr<OptimizerParamState> make_param_state() const override;
};

}  // namespace nabla::optim
