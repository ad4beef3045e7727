#pragma once
// Activation modules and Dropout, each a thin wrapper of the functional op (options in nn/functional/activation.h)
// with PyTorch's printed settings.
#include <cstdint>
#include <string>

#include "nabla/nn/functional/activation.h"
#include "nabla/nn/module.h"

namespace nabla::nn {

struct DropoutOptions {
  DropoutOptions(double p = 0.5) : p_(p) {}  // NOLINT
  NABLA_ARG(double, p, 0.5);
  NABLA_ARG(bool, inplace, false);
};

class ReLUImpl : public Module {
 public:
  explicit ReLUImpl(const ReLUOptions& options = {}) : options(options) {}
  Tensor forward(Tensor input);
  std::string extra_repr() const override;
  ReLUOptions options;
};
NABLA_MODULE(ReLU);

class LeakyReLUImpl : public Module {
 public:
  explicit LeakyReLUImpl(const LeakyReLUOptions& options = {}) : options(options) {}
  Tensor forward(Tensor input);
  std::string extra_repr() const override;
  LeakyReLUOptions options;
};
NABLA_MODULE(LeakyReLU);

class ELUImpl : public Module {
 public:
  explicit ELUImpl(const ELUOptions& options = {}) : options(options) {}
  Tensor forward(Tensor input);
  std::string extra_repr() const override;
  ELUOptions options;
};
NABLA_MODULE(ELU);

class GELUImpl : public Module {
 public:
  explicit GELUImpl(const GELUOptions& options = {}) : options(options) {}
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;
  GELUOptions options;
};
NABLA_MODULE(GELU);

class SiLUImpl : public Module {
 public:
  Tensor forward(const Tensor& input);
};
NABLA_MODULE(SiLU);

class SigmoidImpl : public Module {
 public:
  Tensor forward(const Tensor& input);
};
NABLA_MODULE(Sigmoid);

class TanhImpl : public Module {
 public:
  Tensor forward(const Tensor& input);
};
NABLA_MODULE(Tanh);

class SoftplusImpl : public Module {
 public:
  explicit SoftplusImpl(const SoftplusOptions& options = {}) : options(options) {}
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;
  SoftplusOptions options;
};
NABLA_MODULE(Softplus);

/// Softmax(dim): PyTorch has no default dim worth trusting, so dim is required.
class SoftmaxImpl : public Module {
 public:
  explicit SoftmaxImpl(int64_t dim) : options(dim) {}
  explicit SoftmaxImpl(const SoftmaxOptions& options) : options(options) {}
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;
  SoftmaxOptions options;
};
NABLA_MODULE(Softmax);

class LogSoftmaxImpl : public Module {
 public:
  explicit LogSoftmaxImpl(int64_t dim) : options(dim) {}
  explicit LogSoftmaxImpl(const LogSoftmaxOptions& options) : options(options) {}
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;
  LogSoftmaxOptions options;
};
NABLA_MODULE(LogSoftmax);

/// Zeroes elements with probability p and scales the rest by 1/(1-p) in training mode; identity in eval mode.
class DropoutImpl : public Module {
 public:
  explicit DropoutImpl(double p) : DropoutImpl(DropoutOptions(p)) {}
  explicit DropoutImpl(const DropoutOptions& options = {});
  Tensor forward(Tensor input);
  std::string extra_repr() const override;
  DropoutOptions options;
};
NABLA_MODULE(Dropout);

}  // namespace nabla::nn
