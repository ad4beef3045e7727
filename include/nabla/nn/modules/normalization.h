#pragma once
// LayerNorm and GroupNorm; also Dropout2d (channel dropout) and Unflatten.
#include <cstdint>
#include <string>
#include <vector>

#include "nabla/nn/functional/norm.h"
#include "nabla/nn/module.h"

namespace nabla::nn {

/// LayerNormOptions({C}).eps(1e-5).elementwise_affine(true)
struct LayerNormOptions {
  LayerNormOptions(std::vector<int64_t> normalized_shape) : normalized_shape_(std::move(normalized_shape)) {}  // NOLINT
  LayerNormOptions& normalized_shape(std::vector<int64_t> v) { normalized_shape_ = std::move(v); return *this; }
  LayerNormOptions& eps(double v) { eps_ = v; return *this; }
  LayerNormOptions& elementwise_affine(bool v) { elementwise_affine_ = v; return *this; }
  const std::vector<int64_t>& normalized_shape() const { return normalized_shape_; }
  double eps() const { return eps_; }
  bool elementwise_affine() const { return elementwise_affine_; }

 private:
  std::vector<int64_t> normalized_shape_;
  double eps_ = 1e-5;
  bool elementwise_affine_ = true;
};

/// Normalises over the trailing normalized_shape dims; weight 1 / bias 0 of shape normalized_shape.
class LayerNormImpl : public Module {
 public:
  LayerNormImpl(std::vector<int64_t> normalized_shape) : LayerNormImpl(LayerNormOptions(std::move(normalized_shape))) {}  // NOLINT
  explicit LayerNormImpl(const LayerNormOptions& options);
  void reset();
  void reset_parameters();
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;

  LayerNormOptions options;
  Tensor weight;
  Tensor bias;
};
NABLA_MODULE(LayerNorm);

/// GroupNormOptions(num_groups, num_channels).eps(1e-5).affine(true)
struct GroupNormOptions {
  GroupNormOptions(int64_t num_groups, int64_t num_channels) : num_groups_(num_groups), num_channels_(num_channels) {}
  GroupNormOptions& num_groups(int64_t v) { num_groups_ = v; return *this; }
  GroupNormOptions& num_channels(int64_t v) { num_channels_ = v; return *this; }
  GroupNormOptions& eps(double v) { eps_ = v; return *this; }
  GroupNormOptions& affine(bool v) { affine_ = v; return *this; }
  int64_t num_groups() const { return num_groups_; }
  int64_t num_channels() const { return num_channels_; }
  double eps() const { return eps_; }
  bool affine() const { return affine_; }

 private:
  int64_t num_groups_;
  int64_t num_channels_;
  double eps_ = 1e-5;
  bool affine_ = true;
};

class GroupNormImpl : public Module {
 public:
  GroupNormImpl(int64_t num_groups, int64_t num_channels) : GroupNormImpl(GroupNormOptions(num_groups, num_channels)) {}
  explicit GroupNormImpl(const GroupNormOptions& options);
  void reset();
  void reset_parameters();
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;

  GroupNormOptions options;
  Tensor weight;
  Tensor bias;
};
NABLA_MODULE(GroupNorm);

struct Dropout2dOptions {
  Dropout2dOptions(double p = 0.5) : p_(p) {}  // NOLINT
  Dropout2dOptions& p(double v) { p_ = v; return *this; }
  Dropout2dOptions& inplace(bool v) { inplace_ = v; return *this; }
  double p() const { return p_; }
  bool inplace() const { return inplace_; }

 private:
  double p_ = 0.5;
  bool inplace_ = false;
};

/// Zeroes whole channels of (N, C, H, W) / (C, H, W) with probability p in training mode; identity in eval.
class Dropout2dImpl : public Module {
 public:
  explicit Dropout2dImpl(double p) : Dropout2dImpl(Dropout2dOptions(p)) {}
  explicit Dropout2dImpl(const Dropout2dOptions& options = {});
  Tensor forward(Tensor input);
  std::string extra_repr() const override;
  Dropout2dOptions options;
};
NABLA_MODULE(Dropout2d);

/// UnflattenOptions(dim, sizes): dim of the input becomes `sizes` (one entry may be -1).
struct UnflattenOptions {
  UnflattenOptions(int64_t dim, std::vector<int64_t> sizes) : dim_(dim), sizes_(std::move(sizes)) {}
  UnflattenOptions& dim(int64_t v) { dim_ = v; return *this; }
  UnflattenOptions& sizes(std::vector<int64_t> v) { sizes_ = std::move(v); return *this; }
  int64_t dim() const { return dim_; }
  const std::vector<int64_t>& sizes() const { return sizes_; }

 private:
  int64_t dim_;
  std::vector<int64_t> sizes_;
};

class UnflattenImpl : public Module {
 public:
  UnflattenImpl(int64_t dim, std::vector<int64_t> sizes) : UnflattenImpl(UnflattenOptions(dim, std::move(sizes))) {}
  explicit UnflattenImpl(const UnflattenOptions& options) : options(options) {}
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;
  UnflattenOptions options;
};
NABLA_MODULE(Unflatten);

}  // namespace nabla::nn
