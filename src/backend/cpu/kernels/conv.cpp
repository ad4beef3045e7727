// Convolution by im2col + GEMM (compiled once per instruction set): the forward and the two gradients of a 2-d
// convolution over contiguous float32/float64 tensors. A 3x3 stride-1 forward with enough channels takes Winograd
// F(2x2, 3x3) instead (conv_winograd.cpp) when it keeps no columns for a weight gradient; im2col is its test oracle.
#include <algorithm>
#include <cstring>

#include "backend/cpu/gemm.h"
#include "backend/cpu/kernels/conv_winograd.h"
#include "backend/cpu/kernels/kernels_cpu.h"
#include "backend/cpu/loops.h"

namespace nabla::cpu {
inline namespace NABLA_CPU_CAP_NS {
namespace {

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

// d[0, n) = s[0, n) for the short rows of im2col: 32-byte blocks (fixed-size copies become vector moves), the tail
// as one more block ending at n, which rewrites a few elements with the same values.
template <typename T>
inline void copy_row(T* __restrict d, const T* __restrict s, int64_t n) {
  constexpr int64_t kBlock = 32 / sizeof(T);
  if (n < kBlock) {
    for (int64_t k = 0; k < n; ++k) d[k] = s[k];
    return;
  }
  int64_t k = 0;
  for (; k + kBlock <= n; k += kBlock) std::memcpy(d + k, s + k, sizeof(T) * kBlock);
  if (k < n) std::memcpy(d + n - kBlock, s + n - kBlock, sizeof(T) * kBlock);
}

// x plane block (Cg, H, W) -> col (Cg*kh*kw, OH*OW). The row copies stay loops: GCC would turn them into memmove
// calls, which cost more than rows of 10-30 elements.
template <typename T>
[[gnu::optimize("no-tree-loop-distribute-patterns")]] void im2col(const T* x, const backend::Conv2dGeom& g, T* col) {
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
      if (g.sw == 1) {
        copy_row(d + v.lo, src + offset + v.lo, v.hi - v.lo);  // stride 1: a plain copy
      } else {
        for (int64_t ow = v.lo; ow < v.hi; ++ow) d[ow] = src[ow * g.sw + offset];
      }
      std::fill(d + v.hi, d + g.OW, T(0));
    }
  }
}

// col (Cg*kh*kw, OH*OW) added into x plane block (Cg, H, W).
template <typename T>
void col2im_add(const T* col, const backend::Conv2dGeom& g, T* x) {
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
        if (g.sw == 1) {
          T* r = row + offset;  // stride 1: a contiguous, vectorizable add
          for (int64_t ow = v.lo; ow < v.hi; ++ow) r[ow] += s[ow];
        } else {
          for (int64_t ow = v.lo; ow < v.hi; ++ow) row[ow * g.sw + offset] += s[ow];
        }
      }
    }
  }
}

// The kernels below work image by image: im2col (or col2im) into a column buffer, then one GEMM. Big enough
// batches run their images on the thread pool in contiguous chunks, each with its own buffer (from the caching
// allocator, so no page is faulted in twice); inside a task each GEMM stays on its thread. No result depends on the
// thread count: images are independent, and the weight gradient sums fixed blocks of images in order.
constexpr int64_t kParallelConvWork = int64_t(1) << 20;  // multiply-adds of the whole batch

bool parallel_images(const backend::Conv2dGeom& g) { return g.N > 1 && g.N * g.O * g.K() * g.L() >= kParallelConvWork; }

// The bias (pb, may be null) is added to each image's output right after its GEMM, while it is in cache: the same
// float additions as a separate broadcast add, without another pass over the whole output.
template <typename T>
void forward_images(const T* px, const T* pw, const T* pb, T* po, T* pcols, const backend::Conv2dGeom& g) {
  parallel_chunks(g.N, parallel_images(g) ? 1 : g.N, [&](int64_t n0, int64_t n1) {
    Scratch<T> scratch(pcols ? 0 : g.K() * g.L());
    for (int64_t n = n0; n < n1; ++n)
      for (int64_t gr = 0; gr < g.groups; ++gr) {
        T* col = pcols ? pcols + (n * g.groups + gr) * g.K() * g.L() : scratch.data();
        im2col(px + (n * g.C + gr * g.Cg) * g.H * g.W, g, col);
        // out[n, grp] (Og, L) = w[grp] (Og, K) @ col (K, L)
        T* out = po + (n * g.O + gr * g.Og()) * g.L();
        gemm<T>(false, false, g.Og(), g.L(), g.K(), 1, pw + gr * g.Og() * g.K(), g.K(), col, g.L(), 0, out, g.L());
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
void backward_input_images(const T* pg, const T* pw, T* px, const backend::Conv2dGeom& g) {
  parallel_chunks(g.N, parallel_images(g) ? 1 : g.N, [&](int64_t n0, int64_t n1) {
    Scratch<T> col(g.K() * g.L());
    for (int64_t n = n0; n < n1; ++n) {
      // The image's gradient is zeroed here, not by the caller: on the thread that adds into it, while cached.
      std::fill(px + n * g.C * g.H * g.W, px + (n + 1) * g.C * g.H * g.W, T(0));
      for (int64_t gr = 0; gr < g.groups; ++gr) {
        // col (K, L) = w[grp]^T (K, Og) @ gy[n, grp] (Og, L)
        gemm<T>(true, false, g.K(), g.L(), g.Og(), 1, pw + gr * g.Og() * g.K(), g.K(),
                pg + (n * g.O + gr * g.Og()) * g.L(), g.L(), 0, col.data(), g.L());
        col2im_add(col.data(), g, px + (n * g.C + gr * g.Cg) * g.H * g.W);
      }
    }
  });
}

// Blocks of images, each summed into its own partial gradient (at most 8 blocks and 64 MiB of partials), then the
// partials added in block order.
template <typename T>
void backward_weight_images(const T* pg, const T* px, const T* pcols, T* pw, const backend::Conv2dGeom& g) {
  const int64_t wsize = g.O * g.K();
  const int64_t blocks = parallel_images(g) ? std::clamp<int64_t>((int64_t(1) << 24) / std::max<int64_t>(wsize, 1), 1,
                                                                  std::min<int64_t>(g.N, 8))
                                            : 1;
  Scratch<T> partial(blocks > 1 ? blocks * wsize : 0);
  if (blocks > 1) std::fill(partial.data(), partial.data() + blocks * wsize, T(0));
  parallel_for(blocks, blocks > 1, [&](int64_t b) {
    Scratch<T> scratch(pcols ? 0 : g.K() * g.L());
    T* out = blocks > 1 ? partial.data() + b * wsize : pw;
    for (int64_t n = b * g.N / blocks; n < (b + 1) * g.N / blocks; ++n)
      for (int64_t gr = 0; gr < g.groups; ++gr) {
        const T* col = pcols ? pcols + (n * g.groups + gr) * g.K() * g.L() : scratch.data();
        if (!pcols) im2col(px + (n * g.C + gr * g.Cg) * g.H * g.W, g, scratch.data());
        // gw[grp] (Og, K) += gy[n, grp] (Og, L) @ col^T (L, K)
        gemm<T>(false, true, g.Og(), g.K(), g.L(), 1, pg + (n * g.O + gr * g.Og()) * g.L(), g.L(), col, g.L(), 1,
                out + gr * g.Og() * g.K(), g.K());
      }
  });
  if (blocks > 1)
    for (int64_t b = 0; b < blocks; ++b)
      for (int64_t i = 0; i < wsize; ++i) pw[i] += partial.data()[b * wsize + i];
}

}  // namespace

void conv2d_im2col(const backend::Conv2dGeom& g, const Tensor& out, const Tensor& x, const Tensor& w, const Tensor& b,
                   const Tensor& cols) {
  NABLA_DISPATCH_FLOATING(x.dtype(), "conv2d", [&] {
    forward_images(x.data_ptr<scalar_t>(), w.data_ptr<scalar_t>(), b.defined() ? b.data_ptr<scalar_t>() : nullptr,
                   out.data_ptr<scalar_t>(), cols.defined() ? cols.data_ptr<scalar_t>() : nullptr, g);
  });
}

// Winograd only when no columns are kept. In training (columns kept for the weight gradient) it measured slower on
// the Fashion-MNIST CNN's conv2 (64x32x13x13, 2 threads, forward + both gradients: 6.0 ms against 5.8 ms with
// im2col, docs/benchmarks.md): its transformed inputs and products are as much memory traffic as the columns, which
// must then be built in a second pass. Alone (evaluation, frozen weights) the forward is 10-25% faster.
void conv2d(const backend::Conv2dGeom& g, const Tensor& out, const Tensor& x, const Tensor& w, const Tensor& b,
            const Tensor& cols) {
  if (cols.defined() || !winograd_applies(g)) return conv2d_im2col(g, out, x, w, b, cols);
  const Winograd3x3 q{g.N, g.C, g.H, g.W, g.O, g.OH, g.OW, g.ph, g.pw};
  NABLA_DISPATCH_FLOATING(x.dtype(), "conv2d", [&] {
    winograd_conv3x3(q, x.data_ptr<scalar_t>(), w.data_ptr<scalar_t>(), b.defined() ? b.data_ptr<scalar_t>() : nullptr,
                     out.data_ptr<scalar_t>());
  });
}

void conv2d_backward_input(const backend::Conv2dGeom& g, const Tensor& grad_input, const Tensor& grad_output,
                           const Tensor& w) {
  NABLA_DISPATCH_FLOATING(grad_output.dtype(), "conv2d_backward_input", [&] {
    backward_input_images(grad_output.data_ptr<scalar_t>(), w.data_ptr<scalar_t>(), grad_input.data_ptr<scalar_t>(), g);
  });
}

void conv2d_backward_weight(const backend::Conv2dGeom& g, const Tensor& grad_weight, const Tensor& grad_output,
                            const Tensor& x, const Tensor& cols) {
  NABLA_DISPATCH_FLOATING(grad_output.dtype(), "conv2d_backward_weight", [&] {
    backward_weight_images(grad_output.data_ptr<scalar_t>(), x.data_ptr<scalar_t>(),
                           cols.defined() ? cols.data_ptr<scalar_t>() : nullptr, grad_weight.data_ptr<scalar_t>(), g);
  });
}

}  // namespace NABLA_CPU_CAP_NS
}  // namespace nabla::cpu
