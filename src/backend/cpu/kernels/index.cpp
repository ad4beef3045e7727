// The index ops (compiled once per instruction set): index_select / index_add along one dim of an (outer, n,
// inner) view, and gather / scatter_add by a full index tensor. Indices arrive checked (int64, in range).
#include <algorithm>
#include <cstring>
#include <vector>

#include "backend/cpu/kernels/kernels_cpu.h"

namespace nabla::cpu {
inline namespace NABLA_CPU_CAP_NS {
namespace {

// Calls fn(pos, i) for every multi-index of `shape` in row-major order (once for a 0-dim shape).
template <typename F>
void for_each_position(IntArrayRef shape, F fn) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  std::vector<int64_t> pos(shape.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    fn(pos, i);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++pos[d] < shape[d]) break;
      pos[d] = 0;
    }
  }
}

}  // namespace

// Asks for every cache line of `bytes` at p.
inline void prefetch_lines(const char* p, size_t bytes) {
  for (size_t off = 0; off < bytes; off += 64) __builtin_prefetch(p + off);
}

void index_select(const backend::IndexGeom& g, const Tensor& out, const Tensor& x, const Tensor& index) {
  const int64_t* ip = index.data_ptr<int64_t>();
  const size_t row = size_t(g.inner) * x.element_size();
  const char* src = static_cast<const char*>(x.data_ptr());
  char* dst = static_cast<char*>(out.data_ptr());
  if (row == 0) return;
  // Rows picked at random from a large tensor miss every cache (a DataLoader batch: 64 rows of 3 KB out of
  // Fashion-MNIST's 188 MB). Asking for the rows kAhead places ahead overlaps those misses: 23 -> 16 us a batch.
  constexpr int64_t kAhead = 4;
  const bool ahead = row >= 256;
  for (int64_t o = 0; o < g.outer; ++o) {
    const char* plane = src + o * g.n * int64_t(row);
    if (ahead)
      for (int64_t j = 0; j < std::min(kAhead, g.k); ++j) prefetch_lines(plane + ip[j] * int64_t(row), row);
    for (int64_t j = 0; j < g.k; ++j) {
      if (ahead && j + kAhead < g.k) prefetch_lines(plane + ip[j + kAhead] * int64_t(row), row);
      std::memcpy(dst + (o * g.k + j) * row, plane + ip[j] * int64_t(row), row);
    }
  }
}

void index_add(const backend::IndexGeom& g, const Tensor& out, const Tensor& src, const Tensor& index) {
  const int64_t* ip = index.data_ptr<int64_t>();
  NABLA_DISPATCH_NUMERIC(src.dtype(), "index_add", [&] {
    const scalar_t* s = src.data_ptr<scalar_t>();
    scalar_t* o = out.data_ptr<scalar_t>();
    for (int64_t a = 0; a < g.outer; ++a)
      for (int64_t j = 0; j < g.k; ++j) {
        scalar_t* dr = o + (a * g.n + ip[j]) * g.inner;
        const scalar_t* sr = s + (a * g.k + j) * g.inner;
        for (int64_t i = 0; i < g.inner; ++i) dr[i] += sr[i];
      }
  });
}

void gather(int64_t dim, const Tensor& out, const Tensor& x, const Tensor& index) {
  const int64_t* ip = index.data_ptr<int64_t>();
  const int64_t dstride = x.dim() == 0 ? 0 : x.stride(dim);
  const bool same_rank = index.dim() == x.dim();
  const IntArrayRef xs = x.strides();
  NABLA_DISPATCH_ALL(x.dtype(), "gather", [&] {
    const scalar_t* src = static_cast<const scalar_t*>(x.data_ptr());
    scalar_t* dst = out.data_ptr<scalar_t>();
    for_each_position(index.sizes(), [&](const std::vector<int64_t>& pos, int64_t i) {
      int64_t off = ip[i] * dstride;
      if (same_rank)
        for (size_t k = 0; k < pos.size(); ++k) off += int64_t(k) == dim ? 0 : pos[k] * xs[k];
      dst[i] = src[off];
    });
  });
}

void scatter_add(int64_t dim, const Tensor& out, const Tensor& src, const Tensor& index) {
  const int64_t* ip = index.data_ptr<int64_t>();
  const IntArrayRef os = out.strides(), ss = src.strides();
  const int64_t dstride = out.dim() == 0 ? 0 : os[size_t(dim)];
  const bool same_rank = index.dim() == out.dim();
  NABLA_DISPATCH_NUMERIC(src.dtype(), "scatter_add", [&] {
    const scalar_t* s = static_cast<const scalar_t*>(src.data_ptr());
    scalar_t* o = out.data_ptr<scalar_t>();
    for_each_position(index.sizes(), [&](const std::vector<int64_t>& pos, int64_t i) {
      int64_t off = ip[i] * dstride, soff = 0;
      for (size_t k = 0; k < pos.size(); ++k) {
        soff += pos[k] * ss[k];
        if (same_rank && int64_t(k) != dim) off += pos[k] * os[k];
      }
      o[off] += s[soff];
    });
  });
}

}  // namespace NABLA_CPU_CAP_NS
}  // namespace nabla::cpu
