#pragma once
// Losses of nabla::nn::functional beyond mse_loss, with LibTorch's option structs (torch/nn/options/loss.h).
// Every loss takes a Reduction (kNone keeps the per-element / per-sample shape; kMean, kSum give a 0-dim tensor).
#include <cstdint>

#include "nabla/core/arg.h"
#include "nabla/core/tensor.h"
#include "nabla/nn/functional.h"

namespace nabla {

/// kl_div's extra reduction: the sum divided by the batch size (input.size(0)), as PyTorch's "batchmean".
struct BatchMean {};
inline constexpr BatchMean kBatchMean{};

namespace nn::functional {

struct L1LossFuncOptions {
  L1LossFuncOptions(Reduction r = kMean) : reduction_(r) {}  // NOLINT
  NABLA_ARG(Reduction, reduction, kMean);
};

struct SmoothL1LossFuncOptions {
  SmoothL1LossFuncOptions(Reduction r = kMean) : reduction_(r) {}  // NOLINT
  NABLA_ARG(Reduction, reduction, kMean);
  NABLA_ARG(double, beta, 1.0);
};

struct HuberLossFuncOptions {
  HuberLossFuncOptions(Reduction r = kMean) : reduction_(r) {}  // NOLINT
  NABLA_ARG(Reduction, reduction, kMean);
  NABLA_ARG(double, delta, 1.0);
};

struct BinaryCrossEntropyFuncOptions {
  NABLA_ARG(Tensor, weight, Tensor());
  NABLA_ARG(Reduction, reduction, kMean);
};

struct BinaryCrossEntropyWithLogitsFuncOptions {
  NABLA_ARG(Tensor, weight, Tensor());
  NABLA_ARG(Reduction, reduction, kMean);
  NABLA_ARG(Tensor, pos_weight, Tensor());
};

struct NLLLossFuncOptions {
  NABLA_ARG(Tensor, weight, Tensor());
  NABLA_ARG(int64_t, ignore_index, -100);
  NABLA_ARG(Reduction, reduction, kMean);
};

struct CrossEntropyFuncOptions {
  NABLA_ARG(Tensor, weight, Tensor());
  NABLA_ARG(int64_t, ignore_index, -100);
  NABLA_ARG(Reduction, reduction, kMean);
  NABLA_ARG(double, label_smoothing, 0.0);
};

struct KLDivFuncOptions {
  enum class Mode { None, BatchMean, Sum, Mean };
  KLDivFuncOptions(Reduction r = kMean) { reduction(r); }  // NOLINT
  KLDivFuncOptions(BatchMean) : mode_(Mode::BatchMean) {}  // NOLINT
  KLDivFuncOptions& reduction(Reduction r) {
    mode_ = r == kNone ? Mode::None : r == kSum ? Mode::Sum : Mode::Mean;
    return *this;
  }
  KLDivFuncOptions& reduction(BatchMean) {
    mode_ = Mode::BatchMean;
    return *this;
  }
  Mode reduction() const { return mode_; }
  NABLA_ARG(bool, log_target, false);

 private:
  Mode mode_ = Mode::Mean;
};


/// |input - target| reduced; shapes broadcast.
Tensor l1_loss(const Tensor& input, const Tensor& target, const L1LossFuncOptions& options = {});
/// 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (d = input - target); beta 0 is l1_loss.
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const SmoothL1LossFuncOptions& options = {});
/// LibTorch's spelling with beta as a fourth argument (it overrides options.beta()).
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const SmoothL1LossFuncOptions& options, double beta);
/// 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta).
Tensor huber_loss(const Tensor& input, const Tensor& target, const HuberLossFuncOptions& options = {});
/// -w (y log x + (1 - y) log(1 - x)), each log clamped at -100; input probabilities in [0, 1], target same shape.
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target,
                            const BinaryCrossEntropyFuncOptions& options = {});
/// binary_cross_entropy(sigmoid(input), target) computed stably; pos_weight (C) weights the positive term.
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const BinaryCrossEntropyWithLogitsFuncOptions& options = {});
/// input log-probabilities (N, C) / (N, C, d1..) / (C); target class indices (N) / (N, d1..) / () (kInt64).
Tensor nll_loss(const Tensor& input, const Tensor& target, const NLLLossFuncOptions& options = {});
/// log_softmax over dim 1 then nll_loss; target class indices or class probabilities shaped like input.
Tensor cross_entropy(const Tensor& input, const Tensor& target, const CrossEntropyFuncOptions& options = {});
/// input log-probabilities; target probabilities (log-probabilities with log_target).
Tensor kl_div(const Tensor& input, const Tensor& target, const KLDivFuncOptions& options = {});

}  // namespace nn::functional

// The module option names LibTorch gives the same structs (torch::nn::CrossEntropyLossOptions, ...).
namespace nn {
using L1LossOptions = functional::L1LossFuncOptions;
using SmoothL1LossOptions = functional::SmoothL1LossFuncOptions;
using HuberLossOptions = functional::HuberLossFuncOptions;
using BCELossOptions = functional::BinaryCrossEntropyFuncOptions;
using BCEWithLogitsLossOptions = functional::BinaryCrossEntropyWithLogitsFuncOptions;
using NLLLossOptions = functional::NLLLossFuncOptions;
using CrossEntropyLossOptions = functional::CrossEntropyFuncOptions;
using KLDivLossOptions = functional::KLDivFuncOptions;
}  // namespace nn
}  // namespace nabla
