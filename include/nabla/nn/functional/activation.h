#pragma once
// Activations in nabla::nn::functional with LibTorch's option structs (torch/nn/options/activation.h):
// F::relu(x), F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(0.2)), F::softmax(x, F::SoftmaxFuncOptions(1)).
// The modules in nn/modules/activation.h take the same structs (ReLUOptions is ReLUFuncOptions, and so on).
#include <cstdint>
#include <optional>
#include <string>

#include "nabla/core/arg.h"
#include "nabla/core/tensor.h"

namespace nabla::nn {

struct ReLUOptions {
  ReLUOptions(bool inplace = false) : inplace_(inplace) {}  // NOLINT: implicit as in LibTorch
  NABLA_ARG(bool, inplace, false);
};
struct LeakyReLUOptions {
  NABLA_ARG(double, negative_slope, 0.01);
  NABLA_ARG(bool, inplace, false);
};
struct ELUOptions {
  NABLA_ARG(double, alpha, 1.0);
  NABLA_ARG(bool, inplace, false);
};
struct GELUOptions {
  NABLA_ARG(std::string, approximate, "none");
};
struct SoftplusOptions {
  NABLA_ARG(double, beta, 1.0);
  NABLA_ARG(double, threshold, 20.0);
};
/// The module's Softmax(dim) / LogSoftmax(dim).
struct SoftmaxOptions {
  SoftmaxOptions(int64_t dim) : dim_(dim) {}  // NOLINT: implicit as in LibTorch
  NABLA_ARG(int64_t, dim, 0);
};
using LogSoftmaxOptions = SoftmaxOptions;

namespace functional {

using ReLUFuncOptions = ReLUOptions;
using LeakyReLUFuncOptions = LeakyReLUOptions;
using ELUFuncOptions = ELUOptions;
using GELUFuncOptions = GELUOptions;
using SoftplusFuncOptions = SoftplusOptions;
/// F::softmax's options: the dim, and optionally the dtype to compute and return in.
struct SoftmaxFuncOptions {
  SoftmaxFuncOptions(int64_t dim) : dim_(dim) {}  // NOLINT: implicit as in LibTorch
  NABLA_ARG(int64_t, dim, 0);
  NABLA_ARG(std::optional<ScalarType>, dtype, std::nullopt);
};
using LogSoftmaxFuncOptions = SoftmaxFuncOptions;

/// max(x, 0); with inplace, x itself is overwritten and returned.
Tensor relu(Tensor input, const ReLUFuncOptions& options = {});
/// x for x >= 0, negative_slope * x below.
Tensor leaky_relu(Tensor input, const LeakyReLUFuncOptions& options = {});
/// x for x > 0, alpha * (exp(x) - 1) below.
Tensor elu(Tensor input, const ELUFuncOptions& options = {});
/// x * Phi(x), or its tanh approximation with approximate("tanh").
Tensor gelu(const Tensor& input, const GELUFuncOptions& options = {});
/// x * sigmoid(x).
Tensor silu(const Tensor& input);
/// log(1 + exp(beta x)) / beta, and x itself where beta x > threshold.
Tensor softplus(const Tensor& input, const SoftplusFuncOptions& options = {});
/// exp(x) / sum(exp(x)) along options.dim().
Tensor softmax(const Tensor& input, const SoftmaxFuncOptions& options);
/// log(softmax(x)) along options.dim(), computed stably.
Tensor log_softmax(const Tensor& input, const LogSoftmaxFuncOptions& options);

}  // namespace functional
}  // namespace nabla::nn
