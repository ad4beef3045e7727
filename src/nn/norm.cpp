// BatchNorm1d/2d, LayerNorm, GroupNorm, Dropout2d and Unflatten modules over nn::functional.
#include <sstream>

#include "nabla/autograd/grad_mode.h"
#include "nabla/nn/init.h"
#include "nabla/nn/modules/batchnorm.h"
#include "nabla/nn/modules/normalization.h"
#include "nabla/ops/factory.h"
#include "nabla/ops/shape.h"

namespace nabla::nn {

namespace F = functional;

namespace {
const char* bool_str(bool b) { return b ? "true" : "false"; }
}  // namespace

// ---- BatchNorm ----

BatchNormImplBase::BatchNormImplBase(const BatchNormOptions& options_) : options(options_) { reset(); }

void BatchNormImplBase::reset() {
  const int64_t c = options.num_features();
  NABLA_CHECK(c > 0, name(), ": num_features must be positive, got ", c);
  if (options.affine()) {
    weight = register_parameter("weight", empty({c}));
    bias = register_parameter("bias", empty({c}));
  }
  if (options.track_running_stats()) {
    running_mean = register_buffer("running_mean", zeros({c}));
    running_var = register_buffer("running_var", ones({c}));
    num_batches_tracked = register_buffer("num_batches_tracked", zeros({}, TensorOptions().dtype(kInt64)));
  }
  reset_parameters();
}

void BatchNormImplBase::reset_running_stats() {
  if (!options.track_running_stats()) return;
  NoGradGuard no_grad;
  running_mean.zero_();
  running_var.fill_(1);
  num_batches_tracked.zero_();
}

void BatchNormImplBase::reset_parameters() {
  reset_running_stats();
  if (options.affine()) {
    init::ones_(weight);
    init::zeros_(bias);
  }
}

Tensor BatchNormImplBase::forward(const Tensor& input) {
  check_input_dim(input);
  NABLA_CHECK(input.size(1) == options.num_features(), name(), ": expected input with ", options.num_features(),
              " channels (dim 1), got shape ", input.sizes().vec());
  std::optional<double> factor = options.momentum().value_or(0.0);
  if (is_training() && options.track_running_stats()) {
    NoGradGuard no_grad;
    num_batches_tracked.add_(1);
    // momentum=None: the cumulative average 1/num_batches_tracked.
    if (!options.momentum()) factor = 1.0 / static_cast<double>(num_batches_tracked.item<int64_t>());
  }
  const bool use_batch_stats = is_training() || !options.track_running_stats();
  const bool pass_running = !is_training() || options.track_running_stats();
  return F::batch_norm(input, pass_running ? running_mean : Tensor(), pass_running ? running_var : Tensor(),
                       F::BatchNormFuncOptions()
                           .weight(weight)
                           .bias(bias)
                           .training(use_batch_stats)
                           .momentum(factor)
                           .eps(options.eps()));
}

std::string BatchNormImplBase::extra_repr() const {
  std::ostringstream os;
  os << options.num_features() << ", eps=" << options.eps() << ", momentum=";
  if (options.momentum())
    os << *options.momentum();
  else
    os << "None";
  os << ", affine=" << bool_str(options.affine())
     << ", track_running_stats=" << bool_str(options.track_running_stats());
  return os.str();
}

void BatchNorm1dImpl::check_input_dim(const Tensor& input) const {
  NABLA_CHECK(input.dim() == 2 || input.dim() == 3, "BatchNorm1d: expected 2D (N, C) or 3D (N, C, L) input, got ",
              input.dim(), "D input of shape ", input.sizes().vec());
}

void BatchNorm2dImpl::check_input_dim(const Tensor& input) const {
  NABLA_CHECK(input.dim() == 4, "BatchNorm2d: expected 4D (N, C, H, W) input, got ", input.dim(),
              "D input of shape ", input.sizes().vec());
}

// ---- LayerNorm ----

LayerNormImpl::LayerNormImpl(const LayerNormOptions& options_) : options(options_) { reset(); }

void LayerNormImpl::reset() {
  for (int64_t s : options.normalized_shape())
    NABLA_CHECK(s > 0, "LayerNorm: normalized_shape must hold positive sizes, got ", options.normalized_shape());
  NABLA_CHECK(!options.normalized_shape().empty(), "LayerNorm: normalized_shape must not be empty");
  if (options.elementwise_affine()) {
    weight = register_parameter("weight", nabla::empty(IntArrayRef(options.normalized_shape())));
    bias = register_parameter("bias", nabla::empty(IntArrayRef(options.normalized_shape())));
  }
  reset_parameters();
}

void LayerNormImpl::reset_parameters() {
  if (!options.elementwise_affine()) return;
  init::ones_(weight);
  init::zeros_(bias);
}

Tensor LayerNormImpl::forward(const Tensor& input) {
  return F::layer_norm(input,
                       F::LayerNormFuncOptions(options.normalized_shape()).weight(weight).bias(bias).eps(options.eps()));
}

std::string LayerNormImpl::extra_repr() const {
  std::ostringstream os;
  os << "(";
  const auto& ns = options.normalized_shape();
  for (size_t i = 0; i < ns.size(); ++i) os << (i ? ", " : "") << ns[i];
  os << (ns.size() == 1 ? ",)" : ")") << ", eps=" << options.eps()
     << ", elementwise_affine=" << bool_str(options.elementwise_affine());
  return os.str();
}

// ---- GroupNorm ----

GroupNormImpl::GroupNormImpl(const GroupNormOptions& options_) : options(options_) { reset(); }

void GroupNormImpl::reset() {
  NABLA_CHECK(options.num_groups() > 0 && options.num_channels() % options.num_groups() == 0,
              "GroupNorm: num_channels (", options.num_channels(), ") must be divisible by num_groups (",
              options.num_groups(), ")");
  if (options.affine()) {
    weight = register_parameter("weight", empty({options.num_channels()}));
    bias = register_parameter("bias", empty({options.num_channels()}));
  }
  reset_parameters();
}

void GroupNormImpl::reset_parameters() {
  if (!options.affine()) return;
  init::ones_(weight);
  init::zeros_(bias);
}

Tensor GroupNormImpl::forward(const Tensor& input) {
  NABLA_CHECK(input.dim() >= 2 && input.size(1) == options.num_channels(), "GroupNorm: expected input (N, ",
              options.num_channels(), ", *), got shape ", input.sizes().vec());
  return F::group_norm(input, F::GroupNormFuncOptions(options.num_groups()).weight(weight).bias(bias).eps(options.eps()));
}

std::string GroupNormImpl::extra_repr() const {
  std::ostringstream os;
  os << options.num_groups() << ", " << options.num_channels() << ", eps=" << options.eps()
     << ", affine=" << bool_str(options.affine());
  return os.str();
}

// ---- Dropout2d ----

Dropout2dImpl::Dropout2dImpl(const Dropout2dOptions& options_) : options(options_) {
  NABLA_CHECK(options.p() >= 0 && options.p() <= 1,
              "Dropout2d: dropout probability has to be between 0 and 1, but got ", options.p());
}

Tensor Dropout2dImpl::forward(Tensor input) {
  return F::dropout2d(input, F::Dropout2dFuncOptions().p(options.p()).training(is_training()).inplace(options.inplace()));
}

std::string Dropout2dImpl::extra_repr() const {
  std::ostringstream os;
  os << "p=" << options.p() << ", inplace=" << bool_str(options.inplace());
  return os.str();
}

// ---- Unflatten ----

Tensor UnflattenImpl::forward(const Tensor& input) {
  const int64_t d = wrap_dim(options.dim(), input.dim(), "Unflatten");
  const auto& sizes = options.sizes();
  int64_t prod = 1, infer = -1;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1) {
      NABLA_CHECK(infer < 0, "Unflatten: only one size may be -1, got sizes ", sizes);
      infer = static_cast<int64_t>(i);
    } else {
      prod *= sizes[i];
    }
  }
  const int64_t n = input.size(d);
  NABLA_CHECK(!sizes.empty() && (infer >= 0 ? prod > 0 && n % prod == 0 : prod == n), "Unflatten: sizes ", sizes,
              " do not multiply to dim ", d, " of input of shape ", input.sizes().vec(), " (", n, ")");
  std::vector<int64_t> shape(input.sizes().begin(), input.sizes().begin() + d);
  shape.insert(shape.end(), sizes.begin(), sizes.end());
  shape.insert(shape.end(), input.sizes().begin() + d + 1, input.sizes().end());
  return input.view(shape);
}

std::string UnflattenImpl::extra_repr() const {
  std::ostringstream os;
  os << "dim=" << options.dim() << ", unflattened_size=(";
  const auto& s = options.sizes();
  for (size_t i = 0; i < s.size(); ++i) os << (i ? ", " : "") << s[i];
  os << (s.size() == 1 ? ",)" : ")");
  return os.str();
}

}  // namespace nabla::nn
