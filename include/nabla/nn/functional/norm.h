#pragma once
// Normalisation, embedding and channel dropout of nabla::nn::functional, with LibTorch's option structs
// (torch/nn/options/{batchnorm,normalization,embedding,dropout}.h). All are composed of differentiable ops.
#include <cstdint>
#include <optional>
#include <vector>

#include "nabla/core/arg.h"
#include "nabla/core/tensor.h"

namespace nabla::nn::functional {

struct BatchNormFuncOptions {
  NABLA_ARG(Tensor, weight, Tensor());
  NABLA_ARG(Tensor, bias, Tensor());
  NABLA_ARG(bool, training, false);
  /// Weight of the new batch statistic in the running average; nullopt: cumulative average (factor 1).
  NABLA_ARG(std::optional<double>, momentum, 0.1);
  NABLA_ARG(double, eps, 1e-5);
};

/// input (N, C, *). Training: normalises with the batch mean and biased variance over all dims but 1 and, when
/// running_mean / running_var are defined, updates them in place with momentum (the variance unbiased).
/// Eval: normalises with the running statistics. weight / bias (C) scale and shift.
Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const BatchNormFuncOptions& options = {});

struct LayerNormFuncOptions {
  LayerNormFuncOptions(std::vector<int64_t> normalized_shape) : normalized_shape_(std::move(normalized_shape)) {}  // NOLINT
  NABLA_ARG(std::vector<int64_t>, normalized_shape, {});
  NABLA_ARG(Tensor, weight, Tensor());
  NABLA_ARG(Tensor, bias, Tensor());
  NABLA_ARG(double, eps, 1e-5);
};

/// input (*, normalized_shape): each sample normalised over the trailing normalized_shape dims (biased variance).
Tensor layer_norm(const Tensor& input, const LayerNormFuncOptions& options);

struct GroupNormFuncOptions {
  GroupNormFuncOptions(int64_t num_groups) : num_groups_(num_groups) {}  // NOLINT
  NABLA_ARG(int64_t, num_groups, 1);
  NABLA_ARG(Tensor, weight, Tensor());
  NABLA_ARG(Tensor, bias, Tensor());
  NABLA_ARG(double, eps, 1e-5);
};

/// input (N, C, *): channels split into num_groups groups, each (sample, group) normalised; weight / bias (C).
Tensor group_norm(const Tensor& input, const GroupNormFuncOptions& options);

struct EmbeddingFuncOptions {
  NABLA_ARG(std::optional<int64_t>, padding_idx, std::nullopt);
};

/// input integer indices (*), weight (num_embeddings, dim) -> (*, dim). The padding_idx row gets no gradient.
Tensor embedding(const Tensor& input, const Tensor& weight, const EmbeddingFuncOptions& options = {});

struct Dropout2dFuncOptions {
  NABLA_ARG(double, p, 0.5);
  NABLA_ARG(bool, training, true);
  NABLA_ARG(bool, inplace, false);
};

/// input (N, C, H, W) or (C, H, W): zeroes whole channels with probability p, scales the rest by 1/(1-p).
Tensor dropout2d(const Tensor& input, const Dropout2dFuncOptions& options = {});


}  // namespace nabla::nn::functional
