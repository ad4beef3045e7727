// batch_norm, layer_norm, group_norm, embedding and dropout2d, composed of differentiable ops (mean, sub, mul,
// rsqrt, index_select, where), so their gradients need no op-table rows of their own.
#include <sstream>

#include "nabla/autograd/grad_mode.h"
#include "nabla/nn/functional/norm.h"
#include "nabla/ops/elementwise.h"
#include "nabla/ops/factory.h"
#include "nabla/ops/reduce.h"
#include "nabla/ops/shape.h"

namespace nabla::nn::functional {

namespace {
// (C) -> (1, C, 1, ..., 1) broadcasting against an input of rank ndim.
Tensor channel_view(const Tensor& t, int64_t ndim) {
  std::vector<int64_t> shape(static_cast<size_t>(ndim), 1);
  shape[1] = t.numel();
  return t.reshape(shape);
}

void check_channel_param(const Tensor& t, int64_t c, const char* op, const char* what, const Tensor& input) {
  if (!t.defined()) return;
  NABLA_CHECK(t.dim() == 1 && t.size(0) == c, op, ": expected ", what, " of shape [", c, "] for input of shape ",
              input.sizes().vec(), ", got ", t.sizes().vec());
}
}  // namespace

Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const BatchNormFuncOptions& options) {
  NABLA_CHECK(input.defined(), "batch_norm: input is an undefined tensor");
  NABLA_CHECK(input.dim() >= 2, "batch_norm: expected input of shape (N, C, *) with at least 2 dims, got ",
              input.sizes().vec());
  NABLA_CHECK(input.is_floating_point(), "batch_norm: expected a floating-point input, got ", input.dtype());
  const int64_t c = input.size(1), nd = input.dim();
  check_channel_param(options.weight(), c, "batch_norm", "weight", input);
  check_channel_param(options.bias(), c, "batch_norm", "bias", input);
  check_channel_param(running_mean, c, "batch_norm", "running_mean", input);
  check_channel_param(running_var, c, "batch_norm", "running_var", input);
  NABLA_CHECK(running_mean.defined() == running_var.defined(),
              "batch_norm: running_mean and running_var must both be defined or both undefined");
  std::vector<int64_t> dims;
  for (int64_t d = 0; d < nd; ++d)
    if (d != 1) dims.push_back(d);
  Tensor mean_b, var_b;
  if (options.training()) {
    const int64_t n = input.numel() / (c == 0 ? 1 : c);
    NABLA_CHECK(n > 1, "batch_norm: expected more than 1 value per channel when training, got input of shape ",
                input.sizes().vec());
    mean_b = input.mean(dims, true);
    Tensor centered = input - mean_b;
    var_b = (centered * centered).mean(dims, true);  // biased: normalising
    if (running_mean.defined()) {
      NoGradGuard no_grad;
      const double m = options.momentum().value_or(1.0);
      Tensor bm = mean_b.detach().reshape({c}).to(running_mean.dtype());
      Tensor bv = (var_b.detach().reshape({c}) * (static_cast<double>(n) / static_cast<double>(n - 1)))
                      .to(running_var.dtype());  // unbiased: running statistic
      Tensor rm = running_mean, rv = running_var;
      rm.mul_(1.0 - m).add_(bm * m);
      rv.mul_(1.0 - m).add_(bv * m);
    }
    Tensor out = centered * rsqrt(var_b + options.eps());
    if (options.weight().defined()) out = out * channel_view(options.weight(), nd);
    if (options.bias().defined()) out = out + channel_view(options.bias(), nd);
    return out;
  }
  NABLA_CHECK(running_mean.defined(),
              "batch_norm: running_mean and running_var are needed in eval mode (training=false); pass them or "
              "use training(true)");
  Tensor rm = channel_view(running_mean.to(input.dtype()), nd);
  Tensor rv = channel_view(running_var.to(input.dtype()), nd);
  Tensor out = (input - rm) * rsqrt(rv + options.eps());
  if (options.weight().defined()) out = out * channel_view(options.weight(), nd);
  if (options.bias().defined()) out = out + channel_view(options.bias(), nd);
  return out;
}

Tensor layer_norm(const Tensor& input, const LayerNormFuncOptions& options) {
  NABLA_CHECK(input.defined(), "layer_norm: input is an undefined tensor");
  NABLA_CHECK(input.is_floating_point(), "layer_norm: expected a floating-point input, got ", input.dtype());
  const std::vector<int64_t>& ns = options.normalized_shape();
  const int64_t k = static_cast<int64_t>(ns.size());
  bool ok = k >= 1 && input.dim() >= k;
  for (int64_t i = 0; ok && i < k; ++i) ok = input.size(input.dim() - k + i) == ns[static_cast<size_t>(i)];
  NABLA_CHECK(ok, "layer_norm: input of shape ", input.sizes().vec(), " does not end with normalized_shape ", ns);
  for (const Tensor* p : {&options.weight(), &options.bias()})
    NABLA_CHECK(!p->defined() || p->sizes().vec() == ns, "layer_norm: expected ",
                p == &options.weight() ? "weight" : "bias", " of shape ", ns, ", got ", p->sizes().vec());
  std::vector<int64_t> dims;
  for (int64_t d = input.dim() - k; d < input.dim(); ++d) dims.push_back(d);
  Tensor centered = input - input.mean(dims, true);
  Tensor var = (centered * centered).mean(dims, true);
  Tensor out = centered * rsqrt(var + options.eps());
  if (options.weight().defined()) out = out * options.weight();
  if (options.bias().defined()) out = out + options.bias();
  return out;
}

Tensor group_norm(const Tensor& input, const GroupNormFuncOptions& options) {
  NABLA_CHECK(input.defined(), "group_norm: input is an undefined tensor");
  NABLA_CHECK(input.dim() >= 2, "group_norm: expected input of shape (N, C, *) with at least 2 dims, got ",
              input.sizes().vec());
  NABLA_CHECK(input.is_floating_point(), "group_norm: expected a floating-point input, got ", input.dtype());
  const int64_t n = input.size(0), c = input.size(1), g = options.num_groups();
  NABLA_CHECK(g > 0 && c % g == 0, "group_norm: expected the number of channels (", c,
              ") to be divisible by num_groups (", g, "), input of shape ", input.sizes().vec());
  check_channel_param(options.weight(), c, "group_norm", "weight", input);
  check_channel_param(options.bias(), c, "group_norm", "bias", input);
  Tensor x = input.reshape({n, g, -1});  // (N, G, C/G * spatial)
  Tensor centered = x - x.mean({2}, true);
  Tensor var = (centered * centered).mean({2}, true);
  Tensor out = (centered * rsqrt(var + options.eps())).reshape(input.sizes());
  if (options.weight().defined()) out = out * channel_view(options.weight(), input.dim());
  if (options.bias().defined()) out = out + channel_view(options.bias(), input.dim());
  return out;
}

Tensor embedding(const Tensor& input, const Tensor& weight, const EmbeddingFuncOptions& options) {
  NABLA_CHECK(input.defined() && weight.defined(), "embedding: input and weight must be defined tensors");
  NABLA_CHECK(weight.dim() == 2, "embedding: expected weight of shape (num_embeddings, embedding_dim), got ",
              weight.sizes().vec());
  NABLA_CHECK(input.dtype() == kInt64 || input.dtype() == kInt32,
              "embedding: expected integer indices (kInt64 or kInt32), got ", input.dtype(), " of shape ",
              input.sizes().vec());
  const int64_t num = weight.size(0);
  Tensor idx = input.to(kInt64).contiguous().reshape({-1});
  {
    const int64_t* p = idx.data_ptr<int64_t>();
    for (int64_t i = 0; i < idx.numel(); ++i)
      NABLA_CHECK(p[i] >= 0 && p[i] < num, "embedding: index ", p[i], " is out of range for ", num,
                  " embeddings (weight of shape ", weight.sizes().vec(), "); indices must be in [0, ", num, ")");
  }
  std::vector<int64_t> out_shape = input.sizes().vec();
  out_shape.push_back(weight.size(1));
  Tensor out = index_select(weight, 0, idx);  // (K, dim)
  if (options.padding_idx().has_value()) {
    int64_t pad = *options.padding_idx();
    NABLA_CHECK(pad >= -num && pad < num, "embedding: padding_idx ", pad, " must be within num_embeddings (", num,
                ")");
    if (pad < 0) pad += num;
    // Same values, but rows picked at padding_idx come from the detached weight: no gradient reaches that row.
    Tensor keep = idx.ne(pad).reshape({-1, 1});
    out = where(keep, out, index_select(weight.detach(), 0, idx));
  }
  return out.reshape(out_shape);
}

Tensor dropout2d(const Tensor& input, const Dropout2dFuncOptions& options) {
  NABLA_CHECK(input.defined(), "dropout2d: input is an undefined tensor");
  const double p = options.p();
  NABLA_CHECK(p >= 0.0 && p <= 1.0, "dropout2d: dropout probability has to be between 0 and 1, but got ", p);
  NABLA_CHECK(input.dim() == 3 || input.dim() == 4,
              "dropout2d: expected input of shape (N, C, H, W) or (C, H, W), got ", input.sizes().vec());
  if (p == 0.0 || !options.training() || input.numel() == 0) return input;
  NABLA_CHECK(input.is_floating_point(), "dropout2d: expected a floating-point input, got ", input.dtype());
  std::vector<int64_t> mshape = input.sizes().vec();  // one draw per channel: (N, C, 1, 1) or (C, 1, 1)
  mshape[mshape.size() - 1] = 1;
  mshape[mshape.size() - 2] = 1;
  Tensor mask;
  {
    NoGradGuard no_grad;
    if (p == 1.0) {
      mask = zeros(mshape, input.options());
    } else {
      mask = bernoulli(empty(mshape, input.options()), 1.0 - p);
      mask.div_(1.0 - p);
    }
  }
  if (options.inplace()) {
    Tensor self = input;
    self.mul_(mask);
    return self;
  }
  return input * mask;
}

}  // namespace nabla::nn::functional
