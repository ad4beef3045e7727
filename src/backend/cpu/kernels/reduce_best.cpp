// max/min/argmax/argmin and all/any over rows (compiled once per instruction set). The best element of a row: NaN
// beats everything (PyTorch propagates NaN) and ties keep the earlier element, so indices are first occurrences.
// Rows fold in fixed chunks (reduce_loops.h), so the result does not depend on the thread count.
#include <cmath>
#include <type_traits>

#include "backend/cpu/kernels/kernels_cpu.h"
#include "backend/cpu/reduce_loops.h"

namespace nabla::cpu {
inline namespace NABLA_CPU_CAP_NS {
namespace {

/// NaN test that compiles for integer types too.
template <typename T>
inline bool is_nan_value(T v) {
  if constexpr (std::is_floating_point_v<T>)
    return std::isnan(v);
  else
    return false;
}

template <typename T>
struct Best {
  T value{};
  int64_t index = 0;
};

// True when a should replace b as the running best; NaN beats everything (PyTorch propagates NaN), and ties keep
// the earlier element, so indices are first occurrences.
template <bool kMax, typename T>
inline bool better(T a, T b) {
  if (is_nan_value(a)) return !is_nan_value(b);
  if (is_nan_value(b)) return false;
  if constexpr (kMax)
    return a > b;
  else
    return a < b;
}

// Best value and its index inside each of `outer` contiguous rows of `inner` (> 0) elements.
template <bool kMax, typename T>
std::vector<Best<T>> best_per_row(const T* rows, int64_t outer, int64_t inner) {
  return fold_rows<Best<T>>(
      rows, outer, inner,
      [](int64_t, const T* p, int64_t n, int64_t start) {
        // Pass 1 (vectorizable): the extreme value and whether there is a NaN; pass 2: its first index.
        // 8 independent lanes so the compiler can keep them in vector registers.
        T lane[8];
        bool lane_nan[8];
        for (int k = 0; k < 8; ++k) {
          lane[k] = p[0];
          lane_nan[k] = false;
        }
        int64_t i = 0;
        for (; i + 8 <= n; i += 8) {
          for (int k = 0; k < 8; ++k) {
            const T v = p[i + k];
            if constexpr (kMax)
              lane[k] = v > lane[k] ? v : lane[k];
            else
              lane[k] = v < lane[k] ? v : lane[k];
            if constexpr (std::is_floating_point_v<T>) lane_nan[k] |= v != v;
          }
        }
        for (; i < n; ++i) {
          const T v = p[i];
          if constexpr (kMax)
            lane[0] = v > lane[0] ? v : lane[0];
          else
            lane[0] = v < lane[0] ? v : lane[0];
          if constexpr (std::is_floating_point_v<T>) lane_nan[0] |= v != v;
        }
        T m = lane[0];
        bool nan = is_nan_value(p[0]) || lane_nan[0];
        for (int k = 1; k < 8; ++k) {
          if constexpr (kMax)
            m = lane[k] > m ? lane[k] : m;
          else
            m = lane[k] < m ? lane[k] : m;
          nan = nan || lane_nan[k];
        }
        i = 0;
        if (nan) {
          while (!is_nan_value(p[i])) ++i;
        } else {
          while (p[i] != m) ++i;
        }
        return Best<T>{p[i], start + i};
      },
      [](const Best<T>& a, const Best<T>& b) { return better<kMax>(b.value, a.value) ? b : a; });
}

template <bool kAll, typename T>
std::vector<uint8_t> all_any_rows(const T* rows, int64_t outer, int64_t inner) {
  return fold_rows<uint8_t>(
      rows, outer, inner,
      [](int64_t, const T* p, int64_t n, int64_t) -> uint8_t {
        for (int64_t i = 0; i < n; ++i)
          if ((p[i] != T(0)) != kAll) return !kAll;
        return kAll;
      },
      [](uint8_t a, uint8_t b) -> uint8_t { return kAll ? (a && b) : (a || b); });
}

}  // namespace

void reduce_best(bool max, const backend::ReduceGeom& g, const Tensor& values, const Tensor& indices,
                 const Tensor& in) {
  NABLA_DISPATCH_ALL(in.dtype(), max ? "max" : "min", [&] {
    const auto best = max ? best_per_row<true>(in.data_ptr<scalar_t>(), g.A, g.R)
                          : best_per_row<false>(in.data_ptr<scalar_t>(), g.A, g.R);
    scalar_t* pv = values.defined() ? values.data_ptr<scalar_t>() : nullptr;
    int64_t* pi = indices.defined() ? indices.data_ptr<int64_t>() : nullptr;
    for (size_t i = 0; i < best.size(); ++i) {
      if (pv) pv[i] = best[i].value;
      if (pi) pi[i] = best[i].index;
    }
  });
}

void reduce_all_any(bool all, const backend::ReduceGeom& g, const Tensor& out, const Tensor& in) {
  const std::vector<uint8_t> acc = NABLA_DISPATCH_ALL(in.dtype(), all ? "all" : "any", [&] {
    return all ? all_any_rows<true>(in.data_ptr<scalar_t>(), g.A, g.R)
               : all_any_rows<false>(in.data_ptr<scalar_t>(), g.A, g.R);
  });
  if (out.dtype() == kUInt8) {
    uint8_t* po = out.data_ptr<uint8_t>();
    for (size_t i = 0; i < acc.size(); ++i) po[i] = acc[i];
  } else {
    bool* po = out.data_ptr<bool>();
    for (size_t i = 0; i < acc.size(); ++i) po[i] = acc[i] != 0;
  }
}

}  // namespace NABLA_CPU_CAP_NS
}  // namespace nabla::cpu
