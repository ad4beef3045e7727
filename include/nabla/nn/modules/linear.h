#pragma once
// Linear, Bilinear, Identity and Flatten.
#include <cstdint>
#include <string>

#include "nabla/nn/module.h"

namespace nabla::nn {

/// LinearOptions(in_features, out_features).bias(false)
struct LinearOptions {
  LinearOptions(int64_t in_features, int64_t out_features) : in_features_(in_features), out_features_(out_features) {}
  LinearOptions& in_features(int64_t v) { in_features_ = v; return *this; }
  LinearOptions& out_features(int64_t v) { out_features_ = v; return *this; }
  LinearOptions& bias(bool v) { bias_ = v; return *this; }
  int64_t in_features() const { return in_features_; }
  int64_t out_features() const { return out_features_; }
  bool bias() const { return bias_; }

 private:
  int64_t in_features_;
  int64_t out_features_;
  bool bias_ = true;
};

/// y = x W^T + b. weight (out, in) ~ kaiming_uniform_(a=sqrt(5)), bias (out) ~ U(-1/sqrt(in), 1/sqrt(in)).
class LinearImpl : public Module {
 public:
  LinearImpl(int64_t in_features, int64_t out_features) : LinearImpl(LinearOptions(in_features, out_features)) {}
  explicit LinearImpl(const LinearOptions& options);
  /// Creates and registers weight and bias, then reset_parameters().
  void reset();
  /// Redraws weight and bias from PyTorch's default distribution.
  void reset_parameters();
  /// x (*, in) -> (*, out)
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;

  LinearOptions options;
  Tensor weight;
  Tensor bias;  ///< undefined when options.bias() is false
};
NABLA_MODULE(Linear);

/// BilinearOptions(in1_features, in2_features, out_features).bias(false)
struct BilinearOptions {
  BilinearOptions(int64_t in1_features, int64_t in2_features, int64_t out_features)
      : in1_features_(in1_features), in2_features_(in2_features), out_features_(out_features) {}
  BilinearOptions& in1_features(int64_t v) { in1_features_ = v; return *this; }
  BilinearOptions& in2_features(int64_t v) { in2_features_ = v; return *this; }
  BilinearOptions& out_features(int64_t v) { out_features_ = v; return *this; }
  BilinearOptions& bias(bool v) { bias_ = v; return *this; }
  int64_t in1_features() const { return in1_features_; }
  int64_t in2_features() const { return in2_features_; }
  int64_t out_features() const { return out_features_; }
  bool bias() const { return bias_; }

 private:
  int64_t in1_features_, in2_features_, out_features_;
  bool bias_ = true;
};

/// y = x1^T W[o] x2 + b[o]. weight (out, in1, in2) and bias (out) ~ U(-1/sqrt(in1), 1/sqrt(in1)), as PyTorch.
class BilinearImpl : public Module {
 public:
  BilinearImpl(int64_t in1_features, int64_t in2_features, int64_t out_features)
      : BilinearImpl(BilinearOptions(in1_features, in2_features, out_features)) {}
  explicit BilinearImpl(const BilinearOptions& options);
  void reset();
  void reset_parameters();
  /// x1 (*, in1), x2 (*, in2) -> (*, out)
  Tensor forward(const Tensor& input1, const Tensor& input2);
  std::string extra_repr() const override;

  BilinearOptions options;
  Tensor weight;
  Tensor bias;  ///< undefined when options.bias() is false
};
NABLA_MODULE(Bilinear);

/// Returns its input.
class IdentityImpl : public Module {
 public:
  IdentityImpl() = default;
  Tensor forward(const Tensor& input) { return input; }
};
NABLA_MODULE(Identity);

struct FlattenOptions {
  FlattenOptions& start_dim(int64_t v) { start_dim_ = v; return *this; }
  FlattenOptions& end_dim(int64_t v) { end_dim_ = v; return *this; }
  int64_t start_dim() const { return start_dim_; }
  int64_t end_dim() const { return end_dim_; }

 private:
  int64_t start_dim_ = 1;
  int64_t end_dim_ = -1;
};

/// Flattens dims start_dim..end_dim (default: all but the batch dim).
class FlattenImpl : public Module {
 public:
  explicit FlattenImpl(const FlattenOptions& options = {}) : options(options) {}
  Tensor forward(const Tensor& input) { return input.flatten(options.start_dim(), options.end_dim()); }
  std::string extra_repr() const override;

  FlattenOptions options;
};
NABLA_MODULE(Flatten);

}  // namespace nabla::nn
