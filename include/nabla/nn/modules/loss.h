#pragma once
// Loss modules (torch::nn::MSELoss, CrossEntropyLoss, ...): each holds its options and calls the functional loss.
#include <string>

#include "nabla/nn/functional.h"
#include "nabla/nn/functional/loss.h"
#include "nabla/nn/module.h"

namespace nabla::nn {

using MSELossOptions = functional::MSELossFuncOptions;

#define NABLA_LOSS_MODULE(Name, Options)                                          \
  class Name##Impl : public Module {                                              \
   public:                                                                        \
    explicit Name##Impl(const Options& options = {}) : options(options) {}        \
    /** The loss of input against target with this module's options. */         \
    Tensor forward(const Tensor& input, const Tensor& target);                    \
    Options options;                                                              \
  };                                                                              \
  NABLA_MODULE(Name)

NABLA_LOSS_MODULE(MSELoss, MSELossOptions);
NABLA_LOSS_MODULE(L1Loss, L1LossOptions);
NABLA_LOSS_MODULE(SmoothL1Loss, SmoothL1LossOptions);
NABLA_LOSS_MODULE(HuberLoss, HuberLossOptions);
NABLA_LOSS_MODULE(BCELoss, BCELossOptions);
NABLA_LOSS_MODULE(BCEWithLogitsLoss, BCEWithLogitsLossOptions);
NABLA_LOSS_MODULE(CrossEntropyLoss, CrossEntropyLossOptions);
NABLA_LOSS_MODULE(NLLLoss, NLLLossOptions);
NABLA_LOSS_MODULE(KLDivLoss, KLDivLossOptions);

#undef NABLA_LOSS_MODULE

}  // namespace nabla::nn
