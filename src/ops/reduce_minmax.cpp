// max, min (whole tensor, or along a dim with indices), argmax, argmin, all, any.
#include "autograd/record.h"
#include "nabla/ops/reduce.h"
#include "ops/reduce_common.h"

namespace nabla {
using autograd::record;
using autograd::SavedVariable;
using autograd::variable_list;
using ops::OpId;

namespace {
template <typename T>
struct Best {
  T value{};
  int64_t index = 0;
};

// True when a should replace b as the running best; NaN beats everything (PyTorch propagates NaN), and ties keep
// the earlier element, so indices are first occurrences.
template <bool kMax, typename T>
inline bool better(T a, T b) {
  if (ops::is_nan_value(a)) return !ops::is_nan_value(b);
  if (ops::is_nan_value(b)) return false;
  if constexpr (kMax) return a > b;
  else return a < b;
}

// Best value and its index inside each row of x reduced by plan (rows must be non-empty).
template <bool kMax, typename T>
std::vector<Best<T>> best_per_row(const Tensor& x, const ops::ReducePlan& plan) {
  Tensor rows = ops::reduce_rows(x, plan);
  return ops::fold_rows<Best<T>>(
      rows.data_ptr<T>(), plan.outer, plan.inner,
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
            if constexpr (kMax) lane[k] = v > lane[k] ? v : lane[k];
            else lane[k] = v < lane[k] ? v : lane[k];
            if constexpr (std::is_floating_point_v<T>) lane_nan[k] |= v != v;
          }
        }
        for (; i < n; ++i) {
          const T v = p[i];
          if constexpr (kMax) lane[0] = v > lane[0] ? v : lane[0];
          else lane[0] = v < lane[0] ? v : lane[0];
          if constexpr (std::is_floating_point_v<T>) lane_nan[0] |= v != v;
        }
        T m = lane[0];
        bool nan = ops::is_nan_value(p[0]) || lane_nan[0];
        for (int k = 1; k < 8; ++k) {
          if constexpr (kMax) m = lane[k] > m ? lane[k] : m;
          else m = lane[k] < m ? lane[k] : m;
          nan = nan || lane_nan[k];
        }
        i = 0;
        if (nan) {
          while (!ops::is_nan_value(p[i])) ++i;
        } else {
          while (p[i] != m) ++i;
        }
        return Best<T>{p[i], start + i};
      },
      [](const Best<T>& a, const Best<T>& b) { return better<kMax>(b.value, a.value) ? b : a; });
}

// Values and int64 indices of the best element of each row.
template <bool kMax>
std::pair<Tensor, Tensor> best_values_indices(const Tensor& x, const ops::ReducePlan& plan, const char* op) {
  return NABLA_DISPATCH_ALL(x.dtype(), op, [&] {
    auto best = best_per_row<kMax, scalar_t>(x, plan);
    std::vector<scalar_t> v(best.size());
    std::vector<int64_t> idx(best.size());
    for (size_t i = 0; i < best.size(); ++i) {
      v[i] = best[i].value;
      idx[i] = best[i].index;
    }
    return std::make_pair(ops::tensor_from_values<scalar_t>(v, plan.out_shape, x.dtype()),
                          ops::tensor_from_values<int64_t>(idx, plan.out_shape, kInt64));
  });
}

void check_nonempty_whole(const Tensor& x, const char* op) {
  NABLA_CHECK(x.numel() > 0, op, ": expected a non-empty tensor, got shape ", x.sizes().vec(),
              "; a reduction over all elements of an empty tensor has no value; specify a dim to reduce instead");
}

void check_nonempty_dim(const Tensor& x, int64_t d, const char* op) {
  NABLA_CHECK(x.dim() == 0 || x.sizes()[size_t(d)] > 0, op, ": expected reduction dim ", d,
              " to have non-zero size (input shape ", x.sizes().vec(), ")");
}

// Whole-tensor max/min: the gradient is split evenly among the elements equal to the result (as PyTorch's amax).
template <bool kMax>
Tensor whole(const Tensor& x, const char* op, OpId id) {
  check_nonempty_whole(x, op);
  auto plan = ops::make_reduce_plan(x, {}, false, op);
  Tensor out = best_values_indices<kMax>(x, plan, op).first;
  if (autograd::needs_grad(x)) {
    record(id, {x}, out, [sx = SavedVariable(x), sy = SavedVariable(out, true)](const variable_list& g) -> variable_list {
      Tensor scale;
      {
        NoGradGuard ng;
        Tensor mask = ops::as_dtype(eq(sx.unpack(), sy.unpack()), sx.unpack().dtype());
        scale = mask / sum(mask);
      }
      return {g[0] * scale};
    });
  }
  return out;
}

// Along a dim: (values, indices); the gradient goes to the element at each index.
template <bool kMax>
std::tuple<Tensor, Tensor> along_dim(const Tensor& x, int64_t dim, bool keepdim, const char* op, OpId id) {
  const int64_t d = wrap_dim(dim, x.dim(), op);
  check_nonempty_dim(x, d, op);
  auto plan = ops::make_reduce_plan(x, {d}, keepdim, op);
  Tensor values, indices;
  std::tie(values, indices) = best_values_indices<kMax>(x, plan, op);
  if (autograd::needs_grad(x)) {
    record(id, {x}, values,
           [indices, d, keep = plan.keep_shape, in_shape = x.sizes().vec(), dtype = x.dtype()](
               const variable_list& g) -> variable_list {
             // one_hot (in_shape): 1 where the index of each slice points.
             Tensor one_hot = zeros(in_shape, TensorOptions().dtype(dtype));
             int64_t len = in_shape.empty() ? 1 : in_shape[size_t(d)], post = 1;
             for (size_t i = size_t(d) + 1; i < in_shape.size(); ++i) post *= in_shape[i];
             const int64_t* idx = indices.data_ptr<int64_t>();
             NABLA_DISPATCH_FLOATING(dtype, "max", [&] {
               scalar_t* p = one_hot.data_ptr<scalar_t>();
               for (int64_t o = 0; o < indices.numel(); ++o)
                 p[(o / post) * len * post + idx[o] * post + o % post] = scalar_t(1);
             });
             return {g[0].reshape(keep) * one_hot};
           });
  }
  return {values, indices};
}

template <bool kMax>
Tensor arg_best(const Tensor& x, std::optional<int64_t> dim, bool keepdim, const char* op) {
  std::vector<int64_t> dims;
  if (dim) {
    int64_t d = wrap_dim(*dim, x.dim(), op);
    check_nonempty_dim(x, d, op);
    dims.push_back(d);
  } else {
    check_nonempty_whole(x, op);
  }
  auto plan = ops::make_reduce_plan(x, dims, keepdim, op);
  return best_values_indices<kMax>(x, plan, op).second;
}

// all / any: bool results (uint8 for uint8 inputs, as PyTorch), inputs of any dtype.
template <bool kAll>
Tensor all_any(const Tensor& x, IntArrayRef dims, bool keepdim, const char* op) {
  auto plan = ops::make_reduce_plan(x, dims, keepdim, op);
  Tensor rows = ops::reduce_rows(x, plan);
  std::vector<uint8_t> acc = NABLA_DISPATCH_ALL(x.dtype(), op, [&] {
    return ops::fold_rows<uint8_t>(
        rows.data_ptr<scalar_t>(), plan.outer, plan.inner,
        [](int64_t, const scalar_t* p, int64_t n, int64_t) -> uint8_t {
          for (int64_t i = 0; i < n; ++i)
            if ((p[i] != scalar_t(0)) != kAll) return !kAll;
          return kAll;
        },
        [](uint8_t a, uint8_t b) -> uint8_t { return kAll ? (a && b) : (a || b); });
  });
  if (x.dtype() == kUInt8) return ops::tensor_from_values<uint8_t>(acc, plan.out_shape, kUInt8);
  return ops::tensor_from_values<bool>(acc, plan.out_shape, kBool);
}
}  // namespace

Tensor max(const Tensor& x) { return whole<true>(x, "max", OpId::Max); }
Tensor min(const Tensor& x) { return whole<false>(x, "min", OpId::Min); }
std::tuple<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim) {
  return along_dim<true>(x, dim, keepdim, "max", OpId::MaxDim);
}
std::tuple<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim) {
  return along_dim<false>(x, dim, keepdim, "min", OpId::MinDim);
}
Tensor argmax(const Tensor& x, std::optional<int64_t> dim, bool keepdim) {
  return arg_best<true>(x, dim, keepdim, "argmax");
}
Tensor argmin(const Tensor& x, std::optional<int64_t> dim, bool keepdim) {
  return arg_best<false>(x, dim, keepdim, "argmin");
}

Tensor all(const Tensor& x) { return all_any<true>(x, {}, false, "all"); }
Tensor all(const Tensor& x, int64_t dim, bool keepdim) { return all_any<true>(x, {dim}, keepdim, "all"); }
Tensor any(const Tensor& x) { return all_any<false>(x, {}, false, "any"); }
Tensor any(const Tensor& x, int64_t dim, bool keepdim) { return all_any<false>(x, {dim}, keepdim, "any"); }

}  // namespace nabla
