// The reductions of KernelTable::reduce (compiled once per instruction set): sum and product, and the statistics
// var, std, norm and logsumexp (rows only, in double). Floating types accumulate in double, integers in
// their own type. Rows (K == 1) fold in chunks of kReduceChunk elements, each with 8 independent accumulators
// (vectorizable) combined in a fixed order; columns fold each output in place over R, in order. So no result depends
// on the thread count. A mean divides the accumulator before it is rounded to the output dtype (0 / 0 = nan for an
// empty mean, as in PyTorch).
#include <cmath>
#include <limits>
#include <type_traits>

#include "backend/cpu/kernels/kernels_cpu.h"
#include "backend/cpu/reduce_loops.h"

namespace nabla::cpu {
inline namespace NABLA_CPU_CAP_NS {
namespace {

template <bool kProd, typename T>
void sum_or_prod(const backend::ReduceGeom& g, const T* in, T* out) {
  using acc_t = std::conditional_t<std::is_floating_point_v<T>, double, T>;
  const acc_t init = kProd ? acc_t(1) : acc_t(0);
  auto step = [](acc_t a, T v) -> acc_t { return kProd ? acc_t(a * acc_t(v)) : acc_t(a + acc_t(v)); };
  std::vector<acc_t> acc;
  if (g.K > 1) {
    acc = fold_columns<acc_t>(in, ColumnLayout{g.A, g.R, g.K}, init, step);
  } else {
    acc = fold_rows<acc_t>(
        in, g.A, g.R,
        [init, step](int64_t, const T* p, int64_t n, int64_t) {
          acc_t a[8] = {init, init, init, init, init, init, init, init};
          int64_t i = 0;
          for (; i + 8 <= n; i += 8)
            for (int k = 0; k < 8; ++k) a[k] = step(a[k], p[i + k]);
          for (; i < n; ++i) a[0] = step(a[0], p[i]);
          for (int k = 1; k < 8; ++k) a[0] = kProd ? acc_t(a[0] * a[k]) : acc_t(a[0] + a[k]);
          return a[0];
        },
        [](acc_t a, acc_t b) -> acc_t { return kProd ? acc_t(a * b) : acc_t(a + b); });
  }
  if constexpr (std::is_floating_point_v<acc_t>) {
    if (g.divide)
      for (auto& a : acc) a /= g.divisor;
  }
  for (size_t i = 0; i < acc.size(); ++i) out[i] = static_cast<T>(acc[i]);
}

}  // namespace

// Var, Std, Norm, LogSumExp (see kernels.h).
void reduce_stat(backend::ReduceOp op, const backend::ReduceGeom& g, const Tensor& out, const Tensor& in);

void reduce(backend::ReduceOp op, const backend::ReduceGeom& g, const Tensor& out, const Tensor& in) {
  if (op != backend::ReduceOp::Sum && op != backend::ReduceOp::Prod) return reduce_stat(op, g, out, in);
  NABLA_DISPATCH_NUMERIC(in.dtype(), backend::op_name(op), [&] {
    const scalar_t* pi = in.data_ptr<scalar_t>();
    scalar_t* po = out.data_ptr<scalar_t>();
    switch (op) {
      case backend::ReduceOp::Sum:
        return sum_or_prod<false>(g, pi, po);
      case backend::ReduceOp::Prod:
        return sum_or_prod<true>(g, pi, po);
      default:
        break;
    }
  });
}

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

double sum_chunk_combine(double a, double b) { return a + b; }

// var (or std when take_sqrt) of each row; two passes per row (mean, then squared deviations) in double.
template <typename T>
std::vector<double> var_rows(const T* src, int64_t outer, int64_t inner, double divisor, bool take_sqrt) {
  auto sums = fold_rows<double>(
      src, outer, inner,
      [](int64_t, const T* p, int64_t n, int64_t) { return sum_of(p, n, [](T v) { return double(v); }); },
      sum_chunk_combine);
  for (double& s : sums) s /= double(inner);
  auto ss = fold_rows<double>(
      src, outer, inner,
      [&sums](int64_t o, const T* p, int64_t n, int64_t) {
        const double m = sums[size_t(o)];
        return sum_of(p, n, [m](T v) { return (double(v) - m) * (double(v) - m); });
      },
      sum_chunk_combine);
  for (double& v : ss) v = take_sqrt ? std::sqrt(v / divisor) : v / divisor;  // divisor 0: nan, as PyTorch
  return ss;
}

// p-norm of each row: p = 0 counts non-zeros, +-inf are max/min of |x|, else (sum |x|^p)^(1/p).
template <typename T>
std::vector<double> norm_rows(const T* src, int64_t outer, int64_t inner, double p) {
  const bool is_max = p == kInf, is_min = p == -kInf;
  auto acc = fold_rows<double>(
      src, outer, inner,
      [=](int64_t, const T* ptr, int64_t n, int64_t) {
        if (p == 1) return sum_of(ptr, n, [](T v) { return std::abs(double(v)); });
        if (p == 2) return sum_of(ptr, n, [](T v) { return double(v) * double(v); });
        double a = is_min ? kInf : 0.0;
        for (int64_t i = 0; i < n; ++i) {
          const double v = std::abs(double(ptr[i]));
          if (is_max)
            a = (std::isnan(v) || v > a) ? v : a;
          else if (is_min)
            a = (std::isnan(v) || v < a) ? v : a;
          else if (p == 0)
            a += v != 0 ? 1.0 : 0.0;
          else
            a += std::pow(v, p);
        }
        return a;
      },
      [=](double a, double b) {
        if (is_max) return (std::isnan(b) || b > a) ? b : a;
        if (is_min) return (std::isnan(b) || b < a) ? b : a;
        return a + b;
      });
  for (double& v : acc) {
    if (p == 2)
      v = std::sqrt(v);
    else if (!is_max && !is_min && p != 0 && p != 1)
      v = std::pow(v, 1.0 / p);
  }
  return acc;
}

// log(sum(exp(x))) of each row, stable: the row max is subtracted first (0 when it is infinite).
template <typename T>
std::vector<double> logsumexp_rows(const T* src, int64_t outer, int64_t inner) {
  auto shift = fold_rows<double>(
      src, outer, inner,
      [](int64_t, const T* p, int64_t n, int64_t) {
        double a = -kInf;
        for (int64_t i = 0; i < n; ++i) a = (std::isnan(double(p[i])) || double(p[i]) > a) ? double(p[i]) : a;
        return a;
      },
      [](double a, double b) { return (std::isnan(b) || b > a) ? b : a; });
  for (double& m : shift) m = std::isinf(m) ? 0.0 : m;
  auto s = fold_rows<double>(
      src, outer, inner,
      [&shift](int64_t o, const T* p, int64_t n, int64_t) {
        const double m = shift[size_t(o)];
        return sum_of(p, n, [m](T v) { return std::exp(double(v) - m); });
      },
      sum_chunk_combine);
  for (size_t o = 0; o < s.size(); ++o) s[o] = std::log(s[o]) + shift[o];
  return s;
}

}  // namespace

void reduce_stat(backend::ReduceOp op, const backend::ReduceGeom& g, const Tensor& out, const Tensor& in) {
  NABLA_CHECK(g.K == 1, backend::op_name(op), ": the CPU kernel folds rows only (K == 1), got K = ", g.K);
  NABLA_DISPATCH_FLOATING(in.dtype(), backend::op_name(op), [&] {
    const scalar_t* src = in.data_ptr<scalar_t>();
    std::vector<double> r;
    switch (op) {
      case backend::ReduceOp::Var:
      case backend::ReduceOp::Std:
        r = var_rows(src, g.A, g.R, g.divisor, op == backend::ReduceOp::Std);
        break;
      case backend::ReduceOp::Norm:
        r = norm_rows(src, g.A, g.R, g.p);
        break;
      case backend::ReduceOp::LogSumExp:
        r = logsumexp_rows(src, g.A, g.R);
        break;
      default:
        NABLA_FAIL("reduce_stat: ", backend::op_name(op), " is not a statistic");
    }
    scalar_t* po = out.data_ptr<scalar_t>();
    for (size_t i = 0; i < r.size(); ++i) po[i] = static_cast<scalar_t>(r[i]);
  });
}

}  // namespace NABLA_CPU_CAP_NS
}  // namespace nabla::cpu
