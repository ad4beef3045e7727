#pragma once
// Activation modules and Dropout, each a thin wrapper of the functional op with PyTorch's printed settings.
#include <cstdint>
#include <string>

#include "nabla/nn/module.h"

namespace nabla::nn {

#define NABLA_OPTION(T, name, init)                 \
 public:                                           \
  auto& name(T v) { name##_ = v; return *this; }   \
  T name() const { return name##_; }               \
                                                   \
 private:                                          \
  T name##_ = init

struct ReLUOptions {
  ReLUOptions(bool inplace = false) : inplace_(inplace) {}  // NOLINT
  NABLA_OPTION(bool, inplace, false);
};
struct LeakyReLUOptions {
  NABLA_OPTION(double, negative_slope, 0.01);
  NABLA_OPTION(bool, inplace, false);
};
struct ELUOptions {
  NABLA_OPTION(double, alpha, 1.0);
  NABLA_OPTION(bool, inplace, false);
};
struct GELUOptions {
  NABLA_OPTION(std::string, approximate, "none");
};
struct SoftplusOptions {
  NABLA_OPTION(double, beta, 1.0);
  NABLA_OPTION(double, threshold, 20.0);
};
struct SoftmaxOptions {
  SoftmaxOptions(int64_t dim) : dim_(dim) {}  // NOLINT
  NABLA_OPTION(int64_t, dim, 0);
};
using LogSoftmaxOptions = SoftmaxOptions;
struct DropoutOptions {
  DropoutOptions(double p = 0.5) : p_(p) {}  // NOLINT
  NABLA_OPTION(double, p, 0.5);
  NABLA_OPTION(bool, inplace, false);
};
#undef NABLA_OPTION

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
