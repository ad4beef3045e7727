// Max and average pooling over contiguous (planes, H, W) blocks (compiled once per instruction set). Average
// pooling sums each window in double and divides by its divisor; its backward spreads g / divisor over the window.
//
// The forward writes the maxima and, when a gradient is needed, their flat in-plane indices h * W + w (int32: the op
// checks that a plane has fewer than 2^31 elements) in one pass; the backward adds each output gradient at its index.
// Within a window the first element starts the maximum and a later element takes over when it is larger or NaN (so the
// last NaN of a window wins), as ATen's CPU kernel does. The comparisons are written as selects, not branches: on real
// activations "is this one larger" is a coin toss, and the mispredicted branches made max_pool2d 12% of a CNN epoch.
// Planes are split over the thread pool; each output is computed alone, so no result depends on the thread count.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "backend/cpu/kernels/kernels_cpu.h"
#include "backend/cpu/loops.h"

namespace nabla::cpu {
inline namespace NABLA_CPU_CAP_NS {
namespace {

template <typename T, typename I>
NABLA_HD void take_if_larger(T v, I i, T& best, I& at) {
  const bool take = (v > best) | (v != v);
  best = take ? v : best;
  at = take ? i : at;
}

// 2x2 windows with stride 2, inside the plane (MaxPool2d(2) on any size), for float64 (float32 has
// max_pool_2x2_f32 below). The window's four elements are compared as selects on same-width lanes (the offset of the
// maximum in the window, int64 like the float64 values); the index is then base + offset.
template <typename T, bool kIndices>
void max_pool_2x2(const backend::Pool2dGeom& g, const T* __restrict x, T* __restrict out, int32_t* __restrict idx,
                  int64_t p0, int64_t p1) {
  using Off = int64_t;
  const int64_t H = g.H, W = g.W, OH = g.OH, OW = g.OW;
  const Off w = Off(W);
  for (int64_t p = p0; p < p1; ++p) {
    const T* plane = x + p * H * W;
    for (int64_t oh = 0; oh < OH; ++oh) {
      const T* __restrict r0 = plane + 2 * oh * W;
      const T* __restrict r1 = r0 + W;
      T* __restrict o = out + (p * OH + oh) * OW;
      int32_t* __restrict oi = kIndices ? idx + (p * OH + oh) * OW : nullptr;
      const int32_t base = int32_t(2 * oh * W);
      for (int64_t ow = 0; ow < OW; ++ow) {
        T best = r0[2 * ow];
        Off at = 0;
        take_if_larger(r0[2 * ow + 1], Off(1), best, at);
        take_if_larger(r1[2 * ow], w, best, at);
        take_if_larger(r1[2 * ow + 1], Off(w + 1), best, at);
        o[ow] = best;
        if constexpr (kIndices) oi[ow] = base + int32_t(2 * ow) + int32_t(at);
      }
    }
  }
}

// The float32 2x2 path in blocks of 8 windows with GCC's vector types (compiled per instruction set like the rest):
// two 8-float loads per row deinterleave into the windows' left and right columns. Rows are short (13 or 5 windows
// in a small CNN), too short for the auto-vectorizer's 16-wide loop, so a row of at least 8 windows ends with a block
// that overlaps the previous one (it rewrites equal values), and a shorter row goes through a padded local copy.
using F8 = float __attribute__((vector_size(32)));
using I8 = int32_t __attribute__((vector_size(32)));

template <bool kIndices>
inline void max_pool_2x2_block(const float* r0, const float* r1, int32_t W, int32_t first, float* out, int32_t* idx,
                               int n) {
  F8 a0, a1, b0, b1;
  std::memcpy(&a0, r0, 32);
  std::memcpy(&a1, r0 + 8, 32);
  std::memcpy(&b0, r1, 32);
  std::memcpy(&b1, r1 + 8, 32);
  const I8 even{0, 2, 4, 6, 8, 10, 12, 14}, odd = even + 1;
  const F8 v[4] = {__builtin_shuffle(a0, a1, even), __builtin_shuffle(a0, a1, odd), __builtin_shuffle(b0, b1, even),
                   __builtin_shuffle(b0, b1, odd)};
  const I8 offset[4] = {I8{} + 0, I8{} + 1, I8{} + W, I8{} + (W + 1)};
  F8 best = v[0];
  I8 at = offset[0];
  for (int k = 1; k < 4; ++k) {
    const I8 take = (v[k] > best) | (v[k] != v[k]);
    best = take ? v[k] : best;
    at = take ? offset[k] : at;
  }
  at += even + first;
  if (n == 8) {
    std::memcpy(out, &best, 32);
    if constexpr (kIndices) std::memcpy(idx, &at, 32);
  } else {
    std::memcpy(out, &best, sizeof(float) * n);
    if constexpr (kIndices) std::memcpy(idx, &at, sizeof(int32_t) * n);
  }
}

template <bool kIndices>
void max_pool_2x2_f32(const backend::Pool2dGeom& g, const float* x, float* out, int32_t* idx, int64_t p0, int64_t p1) {
  const int64_t H = g.H, W = g.W, OH = g.OH, OW = g.OW;
  for (int64_t p = p0; p < p1; ++p) {
    const float* plane = x + p * H * W;
    for (int64_t oh = 0; oh < OH; ++oh) {
      const float* r0 = plane + 2 * oh * W;
      const float* r1 = r0 + W;
      float* o = out + (p * OH + oh) * OW;
      int32_t* oi = kIndices ? idx + (p * OH + oh) * OW : nullptr;
      const int32_t base = int32_t(2 * oh * W);
      if (OW >= 8) {
        for (int64_t ow = 0;; ow += 8) {
          const int64_t s = std::min(ow, OW - 8);  // the last block overlaps the one before
          max_pool_2x2_block<kIndices>(r0 + 2 * s, r1 + 2 * s, int32_t(W), base + int32_t(2 * s), o + s,
                                       kIndices ? oi + s : nullptr, 8);
          if (s == OW - 8) break;
        }
      } else {
        float c0[16] = {}, c1[16] = {};
        std::memcpy(c0, r0, sizeof(float) * 2 * OW);
        std::memcpy(c1, r1, sizeof(float) * 2 * OW);
        max_pool_2x2_block<kIndices>(c0, c1, int32_t(W), base, o, oi, int(OW));
      }
    }
  }
}

// Any window, stride, padding and dilation. A window with no element inside the plane (dilation can step over it)
// gives -inf at index 0.
template <typename T, bool kIndices>
void max_pool_general(const backend::Pool2dGeom& g, const T* __restrict x, T* __restrict out, int32_t* __restrict idx,
                      int64_t p0, int64_t p1) {
  for (int64_t p = p0; p < p1; ++p) {
    const T* plane = x + p * g.H * g.W;
    for (int64_t oh = 0; oh < g.OH; ++oh) {
      int64_t h0 = oh * g.sh - g.ph, h1 = std::min(h0 + (g.kh - 1) * g.dh + 1, g.H);
      while (h0 < 0) h0 += g.dh;
      for (int64_t ow = 0; ow < g.OW; ++ow) {
        int64_t w0 = ow * g.sw - g.pw, w1 = std::min(w0 + (g.kw - 1) * g.dw + 1, g.W);
        while (w0 < 0) w0 += g.dw;
        T best = -std::numeric_limits<T>::infinity();
        int64_t at = 0;
        if (h0 < h1 && w0 < w1) {
          best = plane[h0 * g.W + w0];
          at = h0 * g.W + w0;
        }
        for (int64_t h = h0; h < h1; h += g.dh)
          for (int64_t w = w0; w < w1; w += g.dw) take_if_larger(plane[h * g.W + w], h * g.W + w, best, at);
        out[(p * g.OH + oh) * g.OW + ow] = best;
        if constexpr (kIndices) idx[(p * g.OH + oh) * g.OW + ow] = int32_t(at);
      }
    }
  }
}

bool is_plain_2x2(const backend::Pool2dGeom& g) {
  return g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2 && g.ph == 0 && g.pw == 0 && g.dh == 1 && g.dw == 1 &&
         2 * g.OH <= g.H && 2 * g.OW <= g.W;
}

int64_t plane_grain(const backend::Pool2dGeom& g) {
  return std::max<int64_t>(1, kParallelThreshold / std::max<int64_t>(g.OH * g.OW * g.kh * g.kw, 1));
}

template <typename T, bool kIndices>
void max_pool_planes(const backend::Pool2dGeom& g, const T* x, T* out, int32_t* idx) {
  const bool plain = is_plain_2x2(g);
  parallel_chunks(g.planes, plane_grain(g), [&](int64_t p0, int64_t p1) {
    if (plain) {
      if constexpr (std::is_same_v<T, float>) {
        max_pool_2x2_f32<kIndices>(g, x, out, idx, p0, p1);
      } else {
        max_pool_2x2<T, kIndices>(g, x, out, idx, p0, p1);
      }
    } else {
      max_pool_general<T, kIndices>(g, x, out, idx, p0, p1);
    }
  });
}

template <typename T>
void avg_pool_planes(const backend::AvgPoolWindows& w, const T* px, T* po) {
  parallel_chunks(w.planes, (w.planes * w.OH * w.OW >= 16384) ? 1 : w.planes, [&](int64_t p_begin, int64_t p_end) {
    for (int64_t p = p_begin; p < p_end; ++p) {
      const T* plane = px + p * w.H * w.W;
      for (int64_t oh = 0; oh < w.OH; ++oh)
        for (int64_t ow = 0; ow < w.OW; ++ow) {
          double s = 0;
          for (int64_t h = w.hs[oh]; h < w.he[oh]; ++h)
            for (int64_t c = w.ws[ow]; c < w.we[ow]; ++c) s += plane[h * w.W + c];
          po[(p * w.OH + oh) * w.OW + ow] = static_cast<T>(s / w.div[oh * w.OW + ow]);
        }
    }
  });
}

template <typename T>
void avg_pool_backward_planes(const backend::AvgPoolWindows& w, const T* pg, T* px) {
  parallel_chunks(w.planes, (w.planes * w.OH * w.OW >= 16384) ? 1 : w.planes, [&](int64_t p_begin, int64_t p_end) {
    for (int64_t p = p_begin; p < p_end; ++p) {
      T* plane = px + p * w.H * w.W;
      for (int64_t oh = 0; oh < w.OH; ++oh)
        for (int64_t ow = 0; ow < w.OW; ++ow) {
          const T v = static_cast<T>(pg[(p * w.OH + oh) * w.OW + ow] / w.div[oh * w.OW + ow]);
          for (int64_t h = w.hs[oh]; h < w.he[oh]; ++h)
            for (int64_t c = w.ws[ow]; c < w.we[ow]; ++c) plane[h * w.W + c] += v;
        }
    }
  });
}

}  // namespace

void avg_pool2d(const backend::AvgPoolWindows& w, const Tensor& out, const Tensor& x) {
  NABLA_DISPATCH_FLOATING(x.dtype(), "avg_pool2d",
                          [&] { avg_pool_planes(w, x.data_ptr<scalar_t>(), out.data_ptr<scalar_t>()); });
}

void avg_pool2d_backward(const backend::AvgPoolWindows& w, const Tensor& grad_input, const Tensor& grad_output) {
  NABLA_DISPATCH_FLOATING(grad_output.dtype(), "avg_pool2d_backward", [&] {
    avg_pool_backward_planes(w, grad_output.data_ptr<scalar_t>(), grad_input.data_ptr<scalar_t>());
  });
}

void max_pool2d(const backend::Pool2dGeom& g, const Tensor& out, const Tensor& indices, const Tensor& x) {
  NABLA_DISPATCH_FLOATING(x.dtype(), "max_pool2d", [&] {
    const scalar_t* px = x.data_ptr<scalar_t>();
    scalar_t* po = out.data_ptr<scalar_t>();
    if (indices.defined()) {
      max_pool_planes<scalar_t, true>(g, px, po, indices.data_ptr<int32_t>());
    } else {
      max_pool_planes<scalar_t, false>(g, px, po, nullptr);
    }
  });
}

void max_pool2d_backward(const backend::Pool2dGeom& g, const Tensor& grad_input, const Tensor& grad_output,
                         const Tensor& indices) {
  NABLA_DISPATCH_FLOATING(grad_output.dtype(), "max_pool2d_backward", [&] {
    const scalar_t* pg = grad_output.data_ptr<scalar_t>();
    const int32_t* pi = indices.data_ptr<int32_t>();
    scalar_t* px = grad_input.data_ptr<scalar_t>();
    const int64_t outs = g.OH * g.OW, ins = g.H * g.W;
    parallel_chunks(g.planes, plane_grain(g), [&](int64_t p0, int64_t p1) {
      for (int64_t p = p0; p < p1; ++p) {
        scalar_t* plane = px + p * ins;
        std::fill(plane, plane + ins, scalar_t(0));  // here, not by the caller: on this thread, while cached
        for (int64_t o = 0; o < outs; ++o) plane[pi[p * outs + o]] += pg[p * outs + o];
      }
    });
  });
}

}  // namespace NABLA_CPU_CAP_NS
}  // namespace nabla::cpu
