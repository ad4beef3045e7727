// Sum and product reductions (compiled once per instruction set). Floating types accumulate in double, integers in
// their own type. Rows (K == 1) fold in chunks of kReduceChunk elements, each with 8 independent accumulators
// (vectorizable) combined in a fixed order; columns fold each output in place over R, in order. So no result depends
// on the thread count. A mean divides the accumulator before it is rounded to the output dtype (0 / 0 = nan for an
// empty mean, as in PyTorch).
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

void reduce(backend::ReduceOp op, const backend::ReduceGeom& g, const Tensor& out, const Tensor& in) {
  NABLA_DISPATCH_NUMERIC(in.dtype(), backend::op_name(op), [&] {
    const scalar_t* pi = in.data_ptr<scalar_t>();
    scalar_t* po = out.data_ptr<scalar_t>();
    switch (op) {
      case backend::ReduceOp::Sum:
        return sum_or_prod<false>(g, pi, po);
      case backend::ReduceOp::Prod:
        return sum_or_prod<true>(g, pi, po);
      case backend::ReduceOp::kCount:
        break;
    }
    NABLA_FAIL("reduce: unknown op ", int(op));
  });
}

}  // namespace NABLA_CPU_CAP_NS
}  // namespace nabla::cpu
