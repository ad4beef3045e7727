// nn::functional activations: the ops of ops/elementwise.h and ops/reduce.h with LibTorch's option structs.
#include "nabla/nn/functional/activation.h"

#include "nabla/ops/elementwise.h"
#include "nabla/ops/reduce.h"

namespace nabla::nn::functional {

Tensor relu(Tensor input, const ReLUFuncOptions& options) {
  if (options.inplace()) return input.relu_();
  return nabla::relu(input);
}

Tensor leaky_relu(Tensor input, const LeakyReLUFuncOptions& options) {
  Tensor out = nabla::leaky_relu(input, options.negative_slope());
  return options.inplace() ? input.copy_(out) : out;
}

Tensor elu(Tensor input, const ELUFuncOptions& options) {
  Tensor out = nabla::elu(input, options.alpha());
  return options.inplace() ? input.copy_(out) : out;
}

Tensor gelu(const Tensor& input, const GELUFuncOptions& options) { return nabla::gelu(input, options.approximate()); }

Tensor silu(const Tensor& input) { return nabla::silu(input); }

Tensor softplus(const Tensor& input, const SoftplusFuncOptions& options) {
  return nabla::softplus(input, options.beta(), options.threshold());
}

Tensor softmax(const Tensor& input, const SoftmaxFuncOptions& options) {
  return nabla::softmax(input, options.dim(), options.dtype());
}

Tensor log_softmax(const Tensor& input, const LogSoftmaxFuncOptions& options) {
  return nabla::log_softmax(input, options.dim(), options.dtype());
}

}  // namespace nabla::nn::functional
