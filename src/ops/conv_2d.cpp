// conv2d and its two backward ops: shapes and autograd here, the loops in the backend (backend/cpu/kernels/conv.cpp).
// Each is recorded; their backwards close over the three:
//   y  = conv(x, w)             dx = bwd_input(g, w)      dw = bwd_weight(g, x)
//   bwd_input(g, w):  d/dg = conv(gg, w),        d/dw = bwd_weight(g, gg)
//   bwd_weight(g, x): d/dg = conv(x, ggw),       d/dx = bwd_input(g, ggw)
// so gradients of any order are convolutions again.
#include <algorithm>
#include <vector>

#include "autograd/record.h"
#include "backend/kernels.h"
#include "core/make.h"
#include "nabla/nn/functional/conv.h"
#include "nabla/ops/factory.h"
#include "nabla/ops/reduce.h"
#include "ops/conv_common.h"

namespace nabla {
using autograd::record;
using autograd::SavedVariable;
using autograd::variable_list;
using ops::OpId;

using conv_detail::ConvParams;

namespace {

using ConvGeom = backend::Conv2dGeom;

ConvGeom geom(IntArrayRef xs, IntArrayRef ws, const ConvParams& p) {
  ConvGeom g{xs[0], xs[1], xs[2], xs[3], ws[0], ws[1], ws[2], ws[3],   0,
             0,     p.sh,  p.sw,  p.ph,  p.pw,  p.dh,  p.dw,  p.groups};
  g.OH = p.oh >= 0 ? p.oh : (g.H + 2 * g.ph - g.dh * (g.kh - 1) - 1) / g.sh + 1;
  g.OW = p.ow >= 0 ? p.ow : (g.W + 2 * g.pw - g.dw * (g.kw - 1) - 1) / g.sw + 1;
  return g;
}

Tensor plain_contiguous(const Tensor& t) {
  Tensor a = detail::make_alias(t);
  return a.is_contiguous() ? a : a.contiguous();
}

// x (N, C, H, W), w (O, Cg, kh, kw), b (O) or undefined -> (N, O, OH, OW)
// cols: undefined, or the buffer that keeps the im2col columns for the weight gradient (see conv_op).
Tensor conv_forward_kernel(const Tensor& x_, const Tensor& w_, const Tensor& b_, const ConvGeom& g,
                           const Tensor& cols = Tensor()) {
  Tensor x = plain_contiguous(x_), w = plain_contiguous(w_);
  Tensor b = b_.defined() ? plain_contiguous(b_) : Tensor();
  const Device dev = backend::common_device("conv2d", {&x, &w, &b});
  Tensor out = detail::make_empty({g.N, g.O, g.OH, g.OW}, x.dtype(), dev);
  backend::kernels(dev).conv2d(g, out, x, w, b, cols);
  return out;
}

// gy (N, O, OH, OW), w (O, Cg, kh, kw) -> gx (N, C, H, W)
Tensor conv_backward_input_kernel(const Tensor& gy_, const Tensor& w_, const ConvGeom& g) {
  Tensor gy = plain_contiguous(gy_), w = plain_contiguous(w_);
  const Device dev = backend::common_device("conv2d_backward_input", {&gy, &w});
  Tensor gx = detail::make_empty({g.N, g.C, g.H, g.W}, gy.dtype(), dev);  // the kernel writes all of it
  backend::kernels(dev).conv2d_backward_input(g, gx, gy, w);
  return gx;
}

// gy (N, O, OH, OW), x (N, C, H, W) -> gw (O, Cg, kh, kw)
Tensor conv_backward_weight_kernel(const Tensor& gy_, const Tensor& x_, const ConvGeom& g, const Tensor& cols) {
  Tensor gy = plain_contiguous(gy_), x = plain_contiguous(x_);
  const Device dev = backend::common_device("conv2d_backward_weight", {&gy, &x});
  Tensor gw = zeros({g.O, g.Cg, g.kh, g.kw}, TensorOptions().dtype(gy.dtype()).device(dev));
  backend::kernels(dev).conv2d_backward_weight(g, gw, gy, x, cols);
  return gw;
}

}  // namespace

namespace conv_detail {

// The im2col columns the forward builds are kept for the weight gradient when they take at most this many bytes
// (PyTorch's slow_conv2d kept them too, as finput): the backward then builds them once less.
constexpr int64_t kKeptColumnsBytes = int64_t(64) << 20;

Tensor conv_op(const Tensor& x, const Tensor& w, const Tensor& b, const ConvParams& p) {
  const ConvGeom g = geom(x.sizes(), w.sizes(), p);
  const bool needs = b.defined() ? autograd::needs_grad(x, w, b) : autograd::needs_grad(x, w);
  const bool gx = needs && x.requires_grad(), gw = needs && w.requires_grad();
  Tensor cols;
  if (gw && g.columns_numel() * int64_t(x.element_size()) <= kKeptColumnsBytes)
    cols = detail::make_empty({g.columns_numel()}, x.dtype(), x.device());
  Tensor out = conv_forward_kernel(x, w, b, g, cols);
  if (needs) {
    const bool gb = b.defined() && b.requires_grad();
    std::vector<Tensor> inputs{x, w};
    if (b.defined()) inputs.push_back(b);
    record(
        OpId::Conv2d, inputs, out,
        [sx = SavedVariable(gw ? x : Tensor()), sw = SavedVariable(gx ? w : Tensor()), gx, gw, gb, has_b = b.defined(),
         xs = x.sizes().vec(), ws = w.sizes().vec(), p, cols](const variable_list& gr) -> variable_list {
          variable_list r;
          r.push_back(gx ? conv_backward_input(gr[0], sw.unpack(), xs, p) : Tensor());
          r.push_back(gw ? conv_backward_weight(gr[0], sx.unpack(), ws, p, cols) : Tensor());
          if (has_b) r.push_back(gb ? gr[0].sum({0, 2, 3}) : Tensor());
          return r;
        });
  }
  return out;
}

Tensor conv_backward_input(const Tensor& gy, const Tensor& w, IntArrayRef xshape, const ConvParams& p) {
  const ConvGeom g = geom(xshape, w.sizes(), p);
  Tensor gx = conv_backward_input_kernel(gy, w, g);
  if (autograd::needs_grad(gy, w)) {
    const bool gg = gy.requires_grad(), gw = w.requires_grad();
    record(OpId::Conv2dBackwardInput, {gy, w}, gx,
           [sg = SavedVariable(gw ? gy : Tensor()), sw = SavedVariable(gg ? w : Tensor()), gg, gw, ws = w.sizes().vec(),
            p](const variable_list& gr) -> variable_list {
             return {gg ? conv_op(gr[0], sw.unpack(), Tensor(), p) : Tensor(),
                     gw ? conv_backward_weight(sg.unpack(), gr[0], ws, p) : Tensor()};
           });
  }
  return gx;
}

Tensor conv_backward_weight(const Tensor& gy, const Tensor& x, IntArrayRef wshape, const ConvParams& p,
                            const Tensor& cols) {
  const ConvGeom g = geom(x.sizes(), wshape, p);
  Tensor gw = conv_backward_weight_kernel(gy, x, g, cols);
  if (autograd::needs_grad(gy, x)) {
    const bool gg = gy.requires_grad(), gx = x.requires_grad();
    record(OpId::Conv2dBackwardWeight, {gy, x}, gw,
           [sg = SavedVariable(gx ? gy : Tensor()), sx = SavedVariable(gg ? x : Tensor()), gg, gx, xs = x.sizes().vec(),
            p](const variable_list& gr) -> variable_list {
             return {gg ? conv_op(sx.unpack(), gr[0], Tensor(), p) : Tensor(),
                     gx ? conv_backward_input(sg.unpack(), gr[0], xs, p) : Tensor()};
           });
  }
  return gw;
}

}  // namespace conv_detail

namespace nn::functional {

Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dFuncOptions& o) {
  const Tensor& bias = o.bias();
  NABLA_CHECK(input.defined() && weight.defined(), "conv2d: input and weight must be defined tensors");
  NABLA_CHECK(input.dim() == 4, "conv2d: expected input with 4 dims (N, C, H, W), got ", input.dim(), " dims (shape ",
              input.sizes().vec(), ")");
  NABLA_CHECK(weight.dim() == 4, "conv2d: expected weight with 4 dims (out_channels, in_channels/groups, kH, kW), got ",
              weight.dim(), " dims (shape ", weight.sizes().vec(), ")");
  const int64_t groups = o.groups();
  NABLA_CHECK(groups >= 1, "conv2d: groups must be positive, got ", groups);
  NABLA_CHECK(input.dtype() == weight.dtype(), "conv2d: input and weight must have the same dtype, got ", input.dtype(),
              " and ", weight.dtype());
  NABLA_CHECK(!input.is_cuda() && !weight.is_cuda(), "conv2d: only CPU tensors are supported");
  for (int d = 0; d < 2; ++d) {
    NABLA_CHECK(o.stride()[d] >= 1, "conv2d: stride must be positive, got (", o.stride()[0], ", ", o.stride()[1], ")");
    NABLA_CHECK(o.padding()[d] >= 0, "conv2d: padding must be non-negative, got (", o.padding()[0], ", ",
                o.padding()[1], ")");
    NABLA_CHECK(o.dilation()[d] >= 1, "conv2d: dilation must be positive, got (", o.dilation()[0], ", ",
                o.dilation()[1], ")");
  }
  NABLA_CHECK(weight.size(0) % groups == 0, "conv2d: out_channels (", weight.size(0), ") of weight ",
              weight.sizes().vec(), " must be divisible by groups (", groups, ")");
  NABLA_CHECK(input.size(1) == weight.size(1) * groups, "conv2d: input ", input.sizes().vec(), " has ", input.size(1),
              " channels, but weight ", weight.sizes().vec(), " with groups=", groups, " expects ",
              weight.size(1) * groups, " channels");
  if (bias.defined()) {
    NABLA_CHECK(bias.dim() == 1 && bias.size(0) == weight.size(0), "conv2d: expected bias of shape [", weight.size(0),
                "], got ", bias.sizes().vec());
    NABLA_CHECK(bias.dtype() == input.dtype(), "conv2d: bias dtype ", bias.dtype(), " differs from input dtype ",
                input.dtype());
  }
  const ConvParams p{o.stride()[0],   o.stride()[1],   o.padding()[0], o.padding()[1],
                     o.dilation()[0], o.dilation()[1], groups};
  const ConvGeom g = geom(input.sizes(), weight.sizes(), p);
  NABLA_CHECK(g.OH >= 1 && g.OW >= 1, "conv2d: input ", input.sizes().vec(), " (padded by (", p.ph, ", ", p.pw,
              ")) is smaller than the dilated kernel ", weight.sizes().vec(), " with dilation (", p.dh, ", ", p.dw,
              "): output would be ", g.OH, "x", g.OW);
  return conv_detail::conv_op(input, weight, bias, p);
}

}  // namespace nn::functional
}  // namespace nabla
