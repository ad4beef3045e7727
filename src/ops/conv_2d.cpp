// conv2d by im2col + GEMM, and its two backward ops. Each is recorded; their backwards close over the three:
//   y  = conv(x, w)             dx = bwd_input(g, w)      dw = bwd_weight(g, x)
//   bwd_input(g, w):  d/dg = conv(gg, w),        d/dw = bwd_weight(g, gg)
//   bwd_weight(g, x): d/dg = conv(x, ggw),       d/dx = bwd_input(g, ggw)
// so gradients of any order are convolutions again.
#include <algorithm>
#include <vector>

#include "autograd/record.h"
#include "backend/cpu/gemm.h"
#include "backend/cpu/loops.h"
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

struct ConvGeom {
  int64_t N, C, H, W;     // input
  int64_t O, Cg, kh, kw;  // weight (O, C/groups, kh, kw)
  int64_t OH, OW;
  int64_t sh, sw, ph, pw, dh, dw, groups;
  int64_t L() const { return OH * OW; }
  int64_t K() const { return Cg * kh * kw; }
  int64_t Og() const { return O / groups; }
};

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

// im2col and col2im handle one image's block of Cg channels.

// The output columns ow whose input column ow * stride + offset lies in [0, W): [lo, hi).
struct ValidRange {
  int64_t lo, hi;
};
inline ValidRange valid_columns(int64_t offset, int64_t stride, int64_t W, int64_t OW) {
  const int64_t lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  const int64_t hi = W - 1 - offset < 0 ? 0 : (W - 1 - offset) / stride + 1;
  const int64_t h = std::min(hi, OW);
  return {std::min(lo, h), h};
}

// x plane block (Cg, H, W) -> col (Cg*kh*kw, OH*OW)
template <typename T>
void im2col(const T* x, const ConvGeom& g, T* col) {
  const int64_t rows = g.K(), L = g.L();
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t c = r / (g.kh * g.kw), i = (r / g.kw) % g.kh, j = r % g.kw;
    T* dst = col + r * L;
    const T* plane = x + c * g.H * g.W;
    const int64_t offset = j * g.dw - g.pw;
    const ValidRange v = valid_columns(offset, g.sw, g.W, g.OW);
    for (int64_t oh = 0; oh < g.OH; ++oh) {
      const int64_t h = oh * g.sh - g.ph + i * g.dh;
      T* d = dst + oh * g.OW;
      if (h < 0 || h >= g.H) {
        std::fill(d, d + g.OW, T(0));
        continue;
      }
      const T* src = plane + h * g.W;  // input column of ow: ow * sw + offset, inside the row for ow in [lo, hi)
      std::fill(d, d + v.lo, T(0));
      if (g.sw == 1 && v.hi > v.lo) {
        std::copy(src + (v.lo + offset), src + (v.hi + offset), d + v.lo);  // stride 1: a plain copy
      } else {
        for (int64_t ow = v.lo; ow < v.hi; ++ow) d[ow] = src[ow * g.sw + offset];
      }
      std::fill(d + v.hi, d + g.OW, T(0));
    }
  }
}

// col (Cg*kh*kw, OH*OW) added into x plane block (Cg, H, W).
template <typename T>
void col2im_add(const T* col, const ConvGeom& g, T* x) {
  const int64_t L = g.L(), kk = g.kh * g.kw;
  for (int64_t c = 0; c < g.Cg; ++c) {
    T* plane = x + c * g.H * g.W;
    for (int64_t ij = 0; ij < kk; ++ij) {
      const int64_t i = ij / g.kw, j = ij % g.kw;
      const T* src = col + (c * kk + ij) * L;
      const int64_t offset = j * g.dw - g.pw;
      const ValidRange v = valid_columns(offset, g.sw, g.W, g.OW);
      for (int64_t oh = 0; oh < g.OH; ++oh) {
        const int64_t h = oh * g.sh - g.ph + i * g.dh;
        if (h < 0 || h >= g.H) continue;
        T* row = plane + h * g.W;
        const T* s = src + oh * g.OW;
        for (int64_t ow = v.lo; ow < v.hi; ++ow) row[ow * g.sw + offset] += s[ow];
      }
    }
  }
}

// The kernels below work image by image: im2col (or col2im) into a column buffer, then one GEMM. Big enough
// batches run their images on the thread pool in contiguous chunks, each with its own buffer (from the caching
// allocator, so no page is faulted in twice); inside a task each GEMM stays on its thread. No result depends on the
// thread count: images are independent, and the weight gradient sums fixed blocks of images in order.
constexpr int64_t kParallelConvWork = int64_t(1) << 20;  // multiply-adds of the whole batch

bool parallel_images(const ConvGeom& g) { return g.N > 1 && g.N * g.O * g.K() * g.L() >= kParallelConvWork; }

// The bias (pb, may be null) is added to each image's output right after its GEMM, while it is in cache: the same
// float additions as a separate broadcast add, without another pass over the whole output.
template <typename T>
void forward_images(const T* px, const T* pw, const T* pb, T* po, const ConvGeom& g) {
  cpu::parallel_chunks(g.N, parallel_images(g) ? 1 : g.N, [&](int64_t n0, int64_t n1) {
    cpu::Scratch<T> col(g.K() * g.L());
    for (int64_t n = n0; n < n1; ++n)
      for (int64_t gr = 0; gr < g.groups; ++gr) {
        im2col(px + (n * g.C + gr * g.Cg) * g.H * g.W, g, col.data());
        // out[n, grp] (Og, L) = w[grp] (Og, K) @ col (K, L)
        T* out = po + (n * g.O + gr * g.Og()) * g.L();
        cpu::gemm<T>(false, false, g.Og(), g.L(), g.K(), 1, pw + gr * g.Og() * g.K(), g.K(), col.data(), g.L(), 0,
                     out, g.L());
        if (pb)
          for (int64_t o = 0; o < g.Og(); ++o) {
            const T b = pb[gr * g.Og() + o];
            T* row = out + o * g.L();
            for (int64_t l = 0; l < g.L(); ++l) row[l] += b;
          }
      }
  });
}

template <typename T>
void backward_input_images(const T* pg, const T* pw, T* px, const ConvGeom& g) {
  cpu::parallel_chunks(g.N, parallel_images(g) ? 1 : g.N, [&](int64_t n0, int64_t n1) {
    cpu::Scratch<T> col(g.K() * g.L());
    for (int64_t n = n0; n < n1; ++n)
      for (int64_t gr = 0; gr < g.groups; ++gr) {
        // col (K, L) = w[grp]^T (K, Og) @ gy[n, grp] (Og, L)
        cpu::gemm<T>(true, false, g.K(), g.L(), g.Og(), 1, pw + gr * g.Og() * g.K(), g.K(),
                     pg + (n * g.O + gr * g.Og()) * g.L(), g.L(), 0, col.data(), g.L());
        col2im_add(col.data(), g, px + (n * g.C + gr * g.Cg) * g.H * g.W);
      }
  });
}

// Blocks of images, each summed into its own partial gradient (at most 8 blocks and 64 MiB of partials), then the
// partials added in block order.
template <typename T>
void backward_weight_images(const T* pg, const T* px, T* pw, const ConvGeom& g) {
  const int64_t wsize = g.O * g.K();
  const int64_t blocks = parallel_images(g) ? std::clamp<int64_t>((int64_t(1) << 24) / std::max<int64_t>(wsize, 1), 1,
                                                                  std::min<int64_t>(g.N, 8))
                                            : 1;
  cpu::Scratch<T> partial(blocks > 1 ? blocks * wsize : 0);
  if (blocks > 1) std::fill(partial.data(), partial.data() + blocks * wsize, T(0));
  cpu::parallel_for(blocks, blocks > 1, [&](int64_t b) {
    cpu::Scratch<T> col(g.K() * g.L());
    T* out = blocks > 1 ? partial.data() + b * wsize : pw;
    for (int64_t n = b * g.N / blocks; n < (b + 1) * g.N / blocks; ++n)
      for (int64_t gr = 0; gr < g.groups; ++gr) {
        im2col(px + (n * g.C + gr * g.Cg) * g.H * g.W, g, col.data());
        // gw[grp] (Og, K) += gy[n, grp] (Og, L) @ col^T (L, K)
        cpu::gemm<T>(false, true, g.Og(), g.K(), g.L(), 1, pg + (n * g.O + gr * g.Og()) * g.L(), g.L(), col.data(),
                     g.L(), 1, out + gr * g.Og() * g.K(), g.K());
      }
  });
  if (blocks > 1)
    for (int64_t b = 0; b < blocks; ++b)
      for (int64_t i = 0; i < wsize; ++i) pw[i] += partial.data()[b * wsize + i];
}

// x (N, C, H, W), w (O, Cg, kh, kw), b (O) or undefined -> (N, O, OH, OW)
Tensor conv_forward_kernel(const Tensor& x_, const Tensor& w_, const Tensor& b_, const ConvGeom& g) {
  Tensor x = plain_contiguous(x_), w = plain_contiguous(w_);
  Tensor b = b_.defined() ? plain_contiguous(b_) : Tensor();
  Tensor out = detail::make_empty({g.N, g.O, g.OH, g.OW}, x.dtype());
  NABLA_DISPATCH_FLOATING(x.dtype(), "conv2d", [&] {
    forward_images(x.data_ptr<scalar_t>(), w.data_ptr<scalar_t>(), b.defined() ? b.data_ptr<scalar_t>() : nullptr,
                   out.data_ptr<scalar_t>(), g);
  });
  return out;
}

// gy (N, O, OH, OW), w (O, Cg, kh, kw) -> gx (N, C, H, W)
Tensor conv_backward_input_kernel(const Tensor& gy_, const Tensor& w_, const ConvGeom& g) {
  Tensor gy = plain_contiguous(gy_), w = plain_contiguous(w_);
  Tensor gx = zeros({g.N, g.C, g.H, g.W}, TensorOptions().dtype(gy.dtype()));
  NABLA_DISPATCH_FLOATING(gy.dtype(), "conv2d_backward_input", [&] {
    backward_input_images(gy.data_ptr<scalar_t>(), w.data_ptr<scalar_t>(), gx.data_ptr<scalar_t>(), g);
  });
  return gx;
}

// gy (N, O, OH, OW), x (N, C, H, W) -> gw (O, Cg, kh, kw)
Tensor conv_backward_weight_kernel(const Tensor& gy_, const Tensor& x_, const ConvGeom& g) {
  Tensor gy = plain_contiguous(gy_), x = plain_contiguous(x_);
  Tensor gw = zeros({g.O, g.Cg, g.kh, g.kw}, TensorOptions().dtype(gy.dtype()));
  NABLA_DISPATCH_FLOATING(gy.dtype(), "conv2d_backward_weight", [&] {
    backward_weight_images(gy.data_ptr<scalar_t>(), x.data_ptr<scalar_t>(), gw.data_ptr<scalar_t>(), g);
  });
  return gw;
}

}  // namespace

namespace conv_detail {

Tensor conv_op(const Tensor& x, const Tensor& w, const Tensor& b, const ConvParams& p) {
  const ConvGeom g = geom(x.sizes(), w.sizes(), p);
  Tensor out = conv_forward_kernel(x, w, b, g);
  const bool needs = b.defined() ? autograd::needs_grad(x, w, b) : autograd::needs_grad(x, w);
  if (needs) {
    const bool gx = x.requires_grad(), gw = w.requires_grad(), gb = b.defined() && b.requires_grad();
    std::vector<Tensor> inputs{x, w};
    if (b.defined()) inputs.push_back(b);
    record(
        OpId::Conv2d, inputs, out,
        [sx = SavedVariable(gw ? x : Tensor()), sw = SavedVariable(gx ? w : Tensor()), gx, gw, gb, has_b = b.defined(),
         xs = x.sizes().vec(), ws = w.sizes().vec(), p](const variable_list& gr) -> variable_list {
          variable_list r;
          r.push_back(gx ? conv_backward_input(gr[0], sw.unpack(), xs, p) : Tensor());
          r.push_back(gw ? conv_backward_weight(gr[0], sx.unpack(), ws, p) : Tensor());
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

Tensor conv_backward_weight(const Tensor& gy, const Tensor& x, IntArrayRef wshape, const ConvParams& p) {
  const ConvGeom g = geom(x.sizes(), wshape, p);
  Tensor gw = conv_backward_weight_kernel(gy, x, g);
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
