#pragma once
// BatchNorm1d (N, C) / (N, C, L) and BatchNorm2d (N, C, H, W), with PyTorch's buffers
// (running_mean, running_var, num_batches_tracked) and state-dict keys.
#include <cstdint>
#include <optional>
#include <string>

#include "nabla/nn/functional/norm.h"
#include "nabla/nn/module.h"

namespace nabla::nn {

/// BatchNormOptions(num_features).eps(1e-5).momentum(0.1).affine(true).track_running_stats(true)
struct BatchNormOptions {
  BatchNormOptions(int64_t num_features) : num_features_(num_features) {}  // NOLINT
  BatchNormOptions& num_features(int64_t v) { num_features_ = v; return *this; }
  BatchNormOptions& eps(double v) { eps_ = v; return *this; }
  /// nullopt: cumulative moving average (PyTorch's momentum=None).
  BatchNormOptions& momentum(std::optional<double> v) { momentum_ = v; return *this; }
  BatchNormOptions& affine(bool v) { affine_ = v; return *this; }
  BatchNormOptions& track_running_stats(bool v) { track_running_stats_ = v; return *this; }
  int64_t num_features() const { return num_features_; }
  double eps() const { return eps_; }
  std::optional<double> momentum() const { return momentum_; }
  bool affine() const { return affine_; }
  bool track_running_stats() const { return track_running_stats_; }

 private:
  int64_t num_features_;
  double eps_ = 1e-5;
  std::optional<double> momentum_ = 0.1;
  bool affine_ = true;
  bool track_running_stats_ = true;
};

/// Shared by BatchNorm1d / BatchNorm2d; they differ only in the input ranks they accept.
class BatchNormImplBase : public Module {
 public:
  explicit BatchNormImplBase(const BatchNormOptions& options);
  /// Registers weight / bias (affine) and the running buffers (track_running_stats), then resets them.
  void reset();
  /// running_mean 0, running_var 1, num_batches_tracked 0.
  void reset_running_stats();
  /// reset_running_stats(), weight 1, bias 0.
  void reset_parameters();
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;

  BatchNormOptions options;
  Tensor weight;               ///< (C), undefined unless affine
  Tensor bias;                 ///< (C), undefined unless affine
  Tensor running_mean;         ///< (C), undefined unless track_running_stats
  Tensor running_var;          ///< (C), undefined unless track_running_stats
  Tensor num_batches_tracked;  ///< () kInt64, undefined unless track_running_stats

 protected:
  virtual void check_input_dim(const Tensor& input) const = 0;
};

class BatchNorm1dImpl : public BatchNormImplBase {
 public:
  explicit BatchNorm1dImpl(int64_t num_features) : BatchNormImplBase(BatchNormOptions(num_features)) {}
  explicit BatchNorm1dImpl(const BatchNormOptions& options) : BatchNormImplBase(options) {}

 protected:
  void check_input_dim(const Tensor& input) const override;
};
NABLA_MODULE(BatchNorm1d);

class BatchNorm2dImpl : public BatchNormImplBase {
 public:
  explicit BatchNorm2dImpl(int64_t num_features) : BatchNormImplBase(BatchNormOptions(num_features)) {}
  explicit BatchNorm2dImpl(const BatchNormOptions& options) : BatchNormImplBase(options) {}

 protected:
  void check_input_dim(const Tensor& input) const override;
};
NABLA_MODULE(BatchNorm2d);

}  // namespace nabla::nn
