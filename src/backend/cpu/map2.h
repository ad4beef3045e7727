#pragma once
// map2: cpu::map for two broadcast operands, with vectorizable loops when one of them is a single broadcast element
// (x * 2, x > 0, g / n) or constant along rows (x - x.max(1, true)), which cpu::map would otherwise walk with a
// zero stride.
#include "backend/cpu/loops.h"
#include "backend/host_device.h"

namespace nabla::cpu {
inline namespace NABLA_CPU_CAP_NS {

/// True when every element of t is one memory location (a one-element operand expanded by broadcasting).
inline bool is_broadcast_scalar(const Tensor& t) {
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (t.sizes()[size_t(d)] != 1 && t.strides()[size_t(d)] != 0) return false;
  }
  return true;
}

/// True when t is constant along its innermost dim (expanded there: stride 0, size > 1), as x.max(1, true)
/// broadcast against x is.
inline bool is_row_broadcast(const Tensor& t) {
  const int64_t nd = t.dim();
  return nd >= 1 && t.strides()[size_t(nd - 1)] == 0 && t.sizes()[size_t(nd - 1)] > 1;
}

/// out = f(a, s_row) (or f(s_row, a) when kSwap), row by row: `out` contiguous, `a` with unit innermost stride
/// (any outer strides, e.g. a bias expanded over rows), `rows` constant along the innermost dim. Each row is a
/// plain loop over contiguous memory with one scalar, so it vectorizes (cpu::map would walk the stride-0
/// operand element by element).
template <bool kSwap, typename T, typename F>
void map2_rows(F f, const Tensor& out, const Tensor& a, const Tensor& rows) {
  using R = typename function_traits<F>::result_type;
  const int64_t nd = out.dim(), inner = out.sizes()[size_t(nd - 1)], nrows = out.numel() / inner;
  const T* pa = static_cast<const T*>(a.data_ptr());
  const T* pr = static_cast<const T*>(rows.data_ptr());
  R* po = static_cast<R*>(out.data_ptr());
  const IntArrayRef sizes = out.sizes(), astrides = a.strides(), rstrides = rows.strides();
  auto one_row = [&](int64_t r) {
    int64_t rem = r, aoff = 0, roff = 0;
    for (int64_t d = nd - 2; d >= 0; --d) {
      const int64_t n = sizes[size_t(d)], idx = rem % n;
      aoff += idx * astrides[size_t(d)];
      roff += idx * rstrides[size_t(d)];
      rem /= n;
    }
    const T s = pr[roff];
    const T* ra = pa + aoff;
    R* ro = po + r * inner;
    for (int64_t i = 0; i < inner; ++i) ro[i] = kSwap ? f(s, ra[i]) : f(ra[i], s);
  };
  if (out.numel() >= kParallelThreshold && nrows > 1) {
    parallel_chunks(nrows, 1, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) one_row(r);
    });
  } else {
    for (int64_t r = 0; r < nrows; ++r) one_row(r);
  }
}

/// True when t's innermost dim is contiguous (unit stride): a row of t is a plain array.
inline bool has_unit_inner_stride(const Tensor& t) { return t.dim() >= 1 && t.strides()[size_t(t.dim() - 1)] == 1; }

/// out[i] = f(a[i], b[i]) for operands already broadcast to out's shape and converted to T.
template <typename T, typename F>
void map2(F f, const Tensor& out, const Tensor& a, const Tensor& b) {
  using R = typename function_traits<F>::result_type;
  if (out.is_contiguous() && a.is_contiguous() && b.is_contiguous()) {  // the usual case first: one flat loop
    detail::map_flat<F, typename function_traits<F>::args_tuple>(
        f, out, {static_cast<char*>(a.data_ptr()), static_cast<char*>(b.data_ptr())}, std::make_index_sequence<2>{});
    return;
  }
  const bool sa = is_broadcast_scalar(a), sb = is_broadcast_scalar(b);
  if (!sa && !sb && out.numel() > 0 && out.is_contiguous()) {
    if (is_row_broadcast(b) && has_unit_inner_stride(a)) return map2_rows<false, T>(f, out, a, b);
    if (is_row_broadcast(a) && has_unit_inner_stride(b)) return map2_rows<true, T>(f, out, b, a);
  }
  if (sb && !sa) {
    const T s = *static_cast<const T*>(b.data_ptr());
    map([f, s](T x) NABLA_LAMBDA_INLINE -> R { return f(x, s); }, out, a);
  } else if (sa && !sb) {
    const T s = *static_cast<const T*>(a.data_ptr());
    map([f, s](T y) NABLA_LAMBDA_INLINE -> R { return f(s, y); }, out, b);
  } else {
    map(f, out, a, b);
  }
}

}  // namespace NABLA_CPU_CAP_NS
}  // namespace nabla::cpu
