// max_pool2d, avg_pool2d and adaptive_avg_pool2d on (N, C, H, W).
// avg and adaptive-avg pooling are linear maps given by per-output windows and divisors: the forward op and its
// backward op (recorded, too) are each other's adjoint, so every order of gradient is another pooling call. The
// loops are the backend's (backend/cpu/kernels/pool.cpp).
// max_pool2d's kernel writes the maxima with their indices; its backward scatters by those indices and is
// recorded too, with gather by the same indices as its own backward.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "autograd/record.h"
#include "backend/kernels.h"
#include "core/make.h"
#include "nabla/nn/functional/conv.h"
#include "nabla/ops/factory.h"

namespace nabla {
using autograd::record;
using autograd::variable_list;
using ops::OpId;

namespace {

// Output (OH, OW) windows over an (H, W) plane: rows [hs[oh], he[oh]), cols [ws[ow], we[ow]), each divided by div.
struct PoolWindows {
  int64_t H, W, OH, OW;
  std::vector<int64_t> hs, he, ws, we;
  std::vector<double> div;  // OH * OW
  OpId fwd, bwd;
};
using WindowsPtr = std::shared_ptr<const PoolWindows>;

Tensor plain_contiguous(const Tensor& t) {
  Tensor a = detail::make_alias(t);
  return a.is_contiguous() ? a : a.contiguous();
}

Tensor max_pool_backward(const Tensor& gy, const Tensor& indices, const backend::Pool2dGeom& g);

// x (N, C, H, W) -> (N, C, OH, OW). With a gradient to come, the kernel also writes each maximum's index, which the
// backward scatters to.
Tensor max_pool_forward(const Tensor& input, const backend::Pool2dGeom& g) {
  Tensor x = plain_contiguous(input);
  const Device dev = backend::common_device("max_pool2d", {&x});
  const int64_t N = x.size(0), C = x.size(1);
  Tensor out = detail::make_empty({N, C, g.OH, g.OW}, x.dtype(), dev);
  if (!autograd::needs_grad(input)) {
    backend::kernels(dev).max_pool2d(g, out, Tensor(), x);
    return out;
  }
  Tensor idx = detail::make_empty({N, C, g.OH, g.OW}, kInt32, dev);  // in-plane indices: H * W < 2^31 (checked)
  backend::kernels(dev).max_pool2d(g, out, idx, x);
  record(OpId::MaxPool2d, {input}, out,
         [idx, g](const variable_list& gr) -> variable_list { return {max_pool_backward(gr[0], idx, g)}; });
  return out;
}

// gy (N, C, OH, OW) -> gx (N, C, H, W): each gradient added at its window's maximum. Linear in gy, with gather by
// the same indices as its adjoint, so every order of gradient closes.
Tensor max_pool_backward(const Tensor& gy_, const Tensor& indices, const backend::Pool2dGeom& g) {
  Tensor gy = plain_contiguous(gy_);
  const Device dev = backend::common_device("max_pool2d_backward", {&gy, &indices});
  const int64_t N = gy.size(0), C = gy.size(1);
  Tensor gx = detail::make_empty({N, C, g.H, g.W}, gy.dtype(), dev);  // the kernel writes all of it
  backend::kernels(dev).max_pool2d_backward(g, gx, gy, indices);
  if (autograd::needs_grad(gy_)) {
    record(OpId::MaxPool2dBackward, {gy_}, gx, [indices, g, N, C](const variable_list& gr) -> variable_list {
      return {gr[0].reshape({N, C, g.H * g.W}).gather(2, indices.view({N, C, g.OH * g.OW})).view({N, C, g.OH, g.OW})};
    });
  }
  return gx;
}

Tensor pool_forward(const Tensor& x, const WindowsPtr& w);
Tensor pool_backward(const Tensor& g, const WindowsPtr& w);

// The kernels' view of the windows (host arrays).
backend::AvgPoolWindows kernel_windows(const PoolWindows& w, int64_t planes) {
  return {planes, w.H, w.W, w.OH, w.OW, w.hs.data(), w.he.data(), w.ws.data(), w.we.data(), w.div.data()};
}

// x (N, C, H, W) -> (N, C, OH, OW)
Tensor pool_forward(const Tensor& x_, const WindowsPtr& wp) {
  const PoolWindows& w = *wp;
  Tensor x = plain_contiguous(x_);
  const Device dev = backend::common_device(ops::op_info(w.fwd).forward_name.data(), {&x});
  Tensor out = detail::make_empty({x.size(0), x.size(1), w.OH, w.OW}, x.dtype(), dev);
  backend::kernels(dev).avg_pool2d(kernel_windows(w, x.size(0) * x.size(1)), out, x);
  if (autograd::needs_grad(x_)) {
    record(w.fwd, {x_}, out, [wp](const variable_list& g) -> variable_list { return {pool_backward(g[0], wp)}; });
  }
  return out;
}

// g (N, C, OH, OW) -> (N, C, H, W)
Tensor pool_backward(const Tensor& g_, const WindowsPtr& wp) {
  const PoolWindows& w = *wp;
  Tensor g = plain_contiguous(g_);
  const Device dev = backend::common_device(ops::op_info(w.bwd).forward_name.data(), {&g});
  Tensor gx = zeros({g.size(0), g.size(1), w.H, w.W}, TensorOptions().dtype(g.dtype()).device(dev));
  backend::kernels(dev).avg_pool2d_backward(kernel_windows(w, g.size(0) * g.size(1)), gx, g);
  if (autograd::needs_grad(g_)) {
    record(w.bwd, {g_}, gx, [wp](const variable_list& gr) -> variable_list { return {pool_forward(gr[0], wp)}; });
  }
  return gx;
}

// PyTorch's pooling_output_shape.
int64_t pooled_size(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d, bool ceil_mode) {
  const int64_t num = in + 2 * p - d * (k - 1) - 1 + (ceil_mode ? s - 1 : 0);
  int64_t out = (num >= 0 ? num / s : -((-num + s - 1) / s)) + 1;
  if (ceil_mode && (out - 1) * s >= in + p) --out;
  return out;
}

void check_pool_input(const Tensor& x, const char* op) {
  NABLA_CHECK(x.defined(), op, ": input is an undefined tensor");
  NABLA_CHECK(x.dim() == 4, op, ": expected input with 4 dims (N, C, H, W), got ", x.dim(), " dims (shape ",
              x.sizes().vec(), ")");
  NABLA_CHECK(!x.is_cuda(), op, ": only CPU tensors are supported");
}

void check_window(const char* op, const ExpandingArray2& k, const ExpandingArray2& s, const ExpandingArray2& p,
                  const ExpandingArray2& d) {
  for (int i = 0; i < 2; ++i) {
    NABLA_CHECK(k[i] >= 1, op, ": kernel_size must be positive, got (", k[0], ", ", k[1], ")");
    NABLA_CHECK(s[i] >= 1, op, ": stride must be positive, got (", s[0], ", ", s[1], ")");
    NABLA_CHECK(d[i] >= 1, op, ": dilation must be positive, got (", d[0], ", ", d[1], ")");
    NABLA_CHECK(p[i] >= 0 && p[i] <= k[i] / 2, op, ": padding should be at most half of kernel size, but got padding=(",
                p[0], ", ", p[1], ") and kernel_size=(", k[0], ", ", k[1], ")");
  }
}

}  // namespace

namespace nn::functional {

Tensor max_pool2d(const Tensor& input, const MaxPool2dFuncOptions& o) {
  check_pool_input(input, "max_pool2d");
  const auto &k = o.kernel_size(), &s = o.stride(), &p = o.padding(), &d = o.dilation();
  check_window("max_pool2d", k, s, p, d);
  const int64_t N = input.size(0), C = input.size(1), H = input.size(2), W = input.size(3);
  const int64_t OH = pooled_size(H, k[0], s[0], p[0], d[0], o.ceil_mode());
  const int64_t OW = pooled_size(W, k[1], s[1], p[1], d[1], o.ceil_mode());
  NABLA_CHECK(OH >= 1 && OW >= 1, "max_pool2d: input ", input.sizes().vec(), " is too small for kernel (", k[0], ", ",
              k[1], "): output would be ", OH, "x", OW);
  NABLA_CHECK(H * W < (int64_t(1) << 31), "max_pool2d: planes of ", H, "x", W,
              " elements are too large (at most 2^31 - 1 elements per plane)");
  const backend::Pool2dGeom g{N * C, H, W, OH, OW, k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1]};
  return max_pool_forward(input, g);
}

Tensor avg_pool2d(const Tensor& input, const AvgPool2dFuncOptions& o) {
  check_pool_input(input, "avg_pool2d");
  const auto &k = o.kernel_size(), &s = o.stride(), &p = o.padding();
  check_window("avg_pool2d", k, s, p, 1);
  if (o.divisor_override()) {
    NABLA_CHECK(*o.divisor_override() != 0, "avg_pool2d: divisor_override must be non-zero");
  }
  auto w = std::make_shared<PoolWindows>();
  w->H = input.size(2);
  w->W = input.size(3);
  w->OH = pooled_size(w->H, k[0], s[0], p[0], 1, o.ceil_mode());
  w->OW = pooled_size(w->W, k[1], s[1], p[1], 1, o.ceil_mode());
  NABLA_CHECK(w->OH >= 1 && w->OW >= 1, "avg_pool2d: input ", input.sizes().vec(), " is too small for kernel (", k[0],
              ", ", k[1], "): output would be ", w->OH, "x", w->OW);
  std::vector<int64_t> padded_h(w->OH), padded_w(w->OW);
  for (int64_t oh = 0; oh < w->OH; ++oh) {
    const int64_t a = oh * s[0] - p[0], b = std::min(a + k[0], w->H + p[0]);
    padded_h[oh] = b - a;
    w->hs.push_back(std::max<int64_t>(a, 0));
    w->he.push_back(std::min(b, w->H));
  }
  for (int64_t ow = 0; ow < w->OW; ++ow) {
    const int64_t a = ow * s[1] - p[1], b = std::min(a + k[1], w->W + p[1]);
    padded_w[ow] = b - a;
    w->ws.push_back(std::max<int64_t>(a, 0));
    w->we.push_back(std::min(b, w->W));
  }
  for (int64_t oh = 0; oh < w->OH; ++oh)
    for (int64_t ow = 0; ow < w->OW; ++ow) {
      double dv;
      if (o.divisor_override())
        dv = static_cast<double>(*o.divisor_override());
      else if (o.count_include_pad())
        dv = static_cast<double>(padded_h[oh] * padded_w[ow]);
      else
        dv = static_cast<double>((w->he[oh] - w->hs[oh]) * (w->we[ow] - w->ws[ow]));
      w->div.push_back(dv);
    }
  w->fwd = OpId::AvgPool2d;
  w->bwd = OpId::AvgPool2dBackward;
  return pool_forward(input, w);
}

Tensor adaptive_avg_pool2d(const Tensor& input, const AdaptiveAvgPool2dFuncOptions& o) {
  check_pool_input(input, "adaptive_avg_pool2d");
  const auto& os = o.output_size();
  NABLA_CHECK(os[0] >= 1 && os[1] >= 1, "adaptive_avg_pool2d: output_size must be positive, got (", os[0], ", ", os[1],
              ")");
  auto w = std::make_shared<PoolWindows>();
  w->H = input.size(2);
  w->W = input.size(3);
  w->OH = os[0];
  w->OW = os[1];
  NABLA_CHECK(w->H >= 1 && w->W >= 1, "adaptive_avg_pool2d: input ", input.sizes().vec(), " has an empty spatial dim");
  for (int64_t i = 0; i < w->OH; ++i) {
    w->hs.push_back(i * w->H / w->OH);
    w->he.push_back(((i + 1) * w->H + w->OH - 1) / w->OH);
  }
  for (int64_t i = 0; i < w->OW; ++i) {
    w->ws.push_back(i * w->W / w->OW);
    w->we.push_back(((i + 1) * w->W + w->OW - 1) / w->OW);
  }
  for (int64_t oh = 0; oh < w->OH; ++oh)
    for (int64_t ow = 0; ow < w->OW; ++ow)
      w->div.push_back(static_cast<double>((w->he[oh] - w->hs[oh]) * (w->we[ow] - w->ws[ow])));
  w->fwd = OpId::AdaptiveAvgPool2d;
  w->bwd = OpId::AdaptiveAvgPool2dBackward;
  return pool_forward(input, w);
}

}  // namespace nn::functional
}  // namespace nabla
