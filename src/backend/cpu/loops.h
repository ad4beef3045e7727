#pragma once
// The CPU elementwise loop. Operands are already broadcast to one shape (expanded views with 0 strides)
// and converted to the element types the functor takes. Dimensions are coalesced, the innermost one runs
// as a plain (vectorizable) loop when every operand is contiguous there, and rows are split over nabla's thread
// pool (core/thread_pool.h) above kParallelThreshold elements.
#include <algorithm>
#include <array>
#include <cstdint>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "backend/host_device.h"
#include "core/thread_pool.h"
#include "nabla/core/parallel.h"
#include "nabla/core/tensor.h"

namespace nabla::cpu {
inline namespace NABLA_CPU_CAP_NS {

constexpr int64_t kParallelThreshold = 32768;

/// f(begin, end) over [0, n) in as many contiguous chunks as the pool has threads (at least `grain` elements
/// each); a plain call f(0, n) when that is one chunk. For loops that keep a buffer per chunk.
template <typename F>
void parallel_chunks(int64_t n, int64_t grain, F&& f) {
  const int64_t chunks = std::min<int64_t>(get_num_threads(), std::max<int64_t>(1, n / std::max<int64_t>(grain, 1)));
  if (chunks <= 1 || ::nabla::detail::in_parallel_region()) return f(int64_t(0), n);
  auto task = [&](int64_t c) { f(n * c / chunks, n * (c + 1) / chunks); };
  ::nabla::detail::run_tasks(chunks, task);
}

/// f(i) for i in [0, n): on the thread pool when `parallel`, one contiguous range of i per thread (parallel_chunks:
/// the pool's hand-off costs ~0.1-1 us per task, and a reduction's 4096 rows of 121 elements as single tasks ran 4x
/// slower than one pass), else a plain loop (which never touches the pool). Each f(i) must be independent of the
/// others.
template <typename F>
void parallel_for(int64_t n, bool parallel, F&& f) {
  auto range = [&f](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) f(i);
  };
  if (parallel)
    parallel_chunks(n, 1, range);
  else
    range(0, n);
}

/// n elements of uninitialised scratch memory from the CPU's caching allocator (a std::vector of a few hundred KiB
/// would be mmap'ed and faulted in afresh on every call).
template <typename T>
class Scratch {
 public:
  explicit Scratch(int64_t n)
      : bytes_(size_t(std::max<int64_t>(n, 0)) * sizeof(T)),
        p_(static_cast<T*>(allocator_for(kCPU).allocate(bytes_))) {}
  ~Scratch() { allocator_for(kCPU).deallocate(p_, bytes_); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  T* data() const { return p_; }

 private:
  size_t bytes_;
  T* p_;
};

template <typename T>
struct function_traits : function_traits<decltype(&T::operator())> {};
template <typename C, typename R, typename... Args>
struct function_traits<R (C::*)(Args...) const> {
  using result_type = R;
  using args_tuple = std::tuple<std::decay_t<Args>...>;
  static constexpr size_t arity = sizeof...(Args);
};

/// A vector that keeps its first kInline elements in place (no allocation for the usual few dims) and moves to the
/// heap beyond that.
template <typename T, size_t kInline>
class SmallStack {
 public:
  void push_back(const T& v) {
    if (n_ < kInline) {
      a_[n_] = v;
    } else {
      if (heap_.empty()) heap_.assign(a_.begin(), a_.end());
      heap_.push_back(v);
    }
    ++n_;
  }
  T& operator[](size_t i) { return n_ > kInline ? heap_[i] : a_[i]; }
  const T& operator[](size_t i) const { return n_ > kInline ? heap_[i] : a_[i]; }
  T& back() { return (*this)[n_ - 1]; }
  const T& back() const { return (*this)[n_ - 1]; }
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }

 private:
  std::array<T, kInline> a_{};
  std::vector<T> heap_;
  size_t n_ = 0;
};

/// Coalesced geometry of N operands: sizes and byte strides per dim (innermost last).
template <size_t N>
struct LoopGeometry {
  SmallStack<int64_t, 6> sizes;
  SmallStack<std::array<int64_t, N>, 6> strides;
  int64_t numel = 1;
};

template <size_t N>
LoopGeometry<N> make_geometry(const std::array<const Tensor*, N>& ops) {
  LoopGeometry<N> g;
  const auto& shape = ops[0]->sizes();
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    std::array<int64_t, N> st;
    for (size_t k = 0; k < N; ++k) st[k] = ops[k]->strides()[d] * int64_t(ops[k]->element_size());
    if (!g.sizes.empty()) {
      bool merge = true;
      for (size_t k = 0; k < N; ++k) merge = merge && g.strides.back()[k] == st[k] * shape[d];
      if (merge) {
        g.sizes.back() *= shape[d];
        g.strides.back() = st;
        continue;
      }
    }
    g.sizes.push_back(shape[d]);
    g.strides.push_back(st);
  }
  for (int64_t s : shape) g.numel *= s;
  if (g.sizes.empty()) {
    g.sizes.push_back(1);
    g.strides.push_back({});
  }
  return g;
}

/// Calls row(ptrs, n, inner_strides) for every innermost row, in parallel when large.
template <size_t N, typename Row>
void for_each_row(const LoopGeometry<N>& g, std::array<char*, N> base, Row&& row) {
  if (g.numel == 0) return;
  const int64_t ndim = int64_t(g.sizes.size());
  const int64_t inner = g.sizes.back();
  const int64_t rows = g.numel / inner;
  auto run_row = [&](int64_t r) {
    std::array<char*, N> p = base;
    int64_t rem = r;
    for (int64_t d = ndim - 2; d >= 0; --d) {
      int64_t idx = rem % g.sizes[d];
      rem /= g.sizes[d];
      for (size_t k = 0; k < N; ++k) p[k] += idx * g.strides[d][k];
    }
    row(p, inner, g.strides.back());
  };
  if (g.numel >= kParallelThreshold && rows > 1) {
    // Contiguous blocks of rows, one per thread.
    parallel_chunks(rows, 1, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) run_row(r);
    });
  } else if (g.numel >= kParallelThreshold) {
    // One long row: split it into chunks.
    parallel_chunks(inner, 8192, [&](int64_t begin, int64_t end) {
      std::array<char*, N> p = base;
      for (size_t k = 0; k < N; ++k) p[k] += begin * g.strides.back()[k];
      row(p, end - begin, g.strides.back());
    });
  } else {
    for (int64_t r = 0; r < rows; ++r) run_row(r);
  }
}

namespace detail {
template <typename F, typename Args, size_t... I>
inline void apply_row(F& f, const std::array<char*, sizeof...(I) + 1>& p, int64_t n,
                      const std::array<int64_t, sizeof...(I) + 1>& s, std::index_sequence<I...>) {
  using R = typename function_traits<F>::result_type;
  bool contiguous = s[0] == int64_t(sizeof(R));
  ((contiguous = contiguous && (s[I + 1] == int64_t(sizeof(std::tuple_element_t<I, Args>)))), ...);
  if (contiguous) {
    R* out = reinterpret_cast<R*>(p[0]);
    std::tuple<const std::tuple_element_t<I, Args>*...> in{
        reinterpret_cast<const std::tuple_element_t<I, Args>*>(p[I + 1])...};
    for (int64_t i = 0; i < n; ++i) out[i] = f(std::get<I>(in)[i]...);
  } else {
    for (int64_t i = 0; i < n; ++i) {
      *reinterpret_cast<R*>(p[0] + i * s[0]) =
          f(*reinterpret_cast<const std::tuple_element_t<I, Args>*>(p[I + 1] + i * s[I + 1])...);
    }
  }
}

/// out[i] = f(in[i]...) over contiguous operands of out's numel, split over the pool when large.
template <typename F, typename Args, size_t... I>
void map_flat(F& f, const Tensor& out, const std::array<char*, sizeof...(I)>& in, std::index_sequence<I...>) {
  using R = typename function_traits<F>::result_type;
  R* po = static_cast<R*>(out.data_ptr());
  const std::tuple<const std::tuple_element_t<I, Args>*...> pin{
      reinterpret_cast<const std::tuple_element_t<I, Args>*>(in[I])...};
  auto range = [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) po[i] = f(std::get<I>(pin)[i]...);
  };
  const int64_t n = out.numel();
  if (n >= kParallelThreshold)
    parallel_chunks(n, 8192, range);
  else
    range(0, n);
}
}  // namespace detail

/// out[i] = f(in[i]...). `out` and `in` have one shape (inputs may be expanded views); their dtypes
/// must match the functor's result and argument types.
template <typename F, typename... Ts>
void map(F f, const Tensor& out, const Ts&... in) {
  using traits = function_traits<F>;
  static_assert(traits::arity == sizeof...(Ts), "map: functor arity does not match operand count");
  constexpr size_t N = sizeof...(Ts) + 1;
  if (out.is_contiguous() && (in.is_contiguous() && ...)) {
    // Every operand contiguous (same shape): one flat loop, no geometry to build (for a one-element op, building it
    // cost more than the op).
    detail::map_flat<F, typename traits::args_tuple>(f, out, {static_cast<char*>(in.data_ptr())...},
                                                     std::make_index_sequence<N - 1>{});
    return;
  }
  std::array<const Tensor*, N> ops{&out, &in...};
  const LoopGeometry<N> g = make_geometry<N>(ops);
  std::array<char*, N> base{static_cast<char*>(out.data_ptr()), static_cast<char*>(in.data_ptr())...};
  for_each_row<N>(g, base, [&](const std::array<char*, N>& p, int64_t n, const std::array<int64_t, N>& s) {
    detail::apply_row<F, typename traits::args_tuple>(f, p, n, s, std::make_index_sequence<N - 1>{});
  });
}

}  // namespace NABLA_CPU_CAP_NS
}  // namespace nabla::cpu
