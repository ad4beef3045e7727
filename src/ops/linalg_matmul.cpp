// mm, bmm, addmm, dot and matmul (torch.matmul's rules, composed of the others plus views).
// Forward kernels are the device's gemm and dot (KernelTable); strided (transposed) operands reach BLAS without a copy.
// Backward formulas are written with these same differentiable ops, so second derivatives work.
#include "autograd/record.h"
#include "backend/kernels.h"
#include "nabla/ops/linalg.h"
#include "ops/elementwise_common.h"

namespace nabla {
using autograd::record;
using autograd::SavedVariable;
using autograd::sum_to;
using autograd::variable_list;
using ops::OpId;

namespace {

// A matrix operand (the last two dims (r, c) of a 2-D or 3-D tensor) as BLAS sees it: a row-major matrix,
// possibly transposed, with a leading dimension, plus the stride between batch entries.
struct MatOperand {
  Tensor storage;  // keeps a contiguous copy alive when one was needed
  bool trans = false;
  int64_t ld = 1;
  int64_t batch_stride = 0;
};

MatOperand mat_operand(const Tensor& t) {
  const int64_t d = t.dim();
  const int64_t r = t.size(d - 2), c = t.size(d - 1), s0 = t.stride(d - 2), s1 = t.stride(d - 1);
  MatOperand m;
  m.batch_stride = d == 3 ? t.stride(0) : 0;
  if ((s1 == 1 || c <= 1) && (r <= 1 || s0 >= std::max<int64_t>(1, c))) {
    m.storage = t;
    m.ld = r <= 1 ? std::max<int64_t>(1, c) : s0;
    return m;
  }
  if ((s0 == 1 || r <= 1) && (c <= 1 || s1 >= std::max<int64_t>(1, r))) {
    m.storage = t;
    m.trans = true;
    m.ld = c <= 1 ? std::max<int64_t>(1, r) : s1;
    return m;
  }
  // Neither dim is unit-stride (or a dim is expanded): one contiguous copy, outside the graph.
  m.storage = detail::make_empty(t.sizes(), t.dtype(), t.device());
  backend::copy_cast(m.storage, t);
  m.ld = std::max<int64_t>(1, c);
  m.batch_stride = d == 3 ? r * c : 0;
  return m;
}

// out (B, M, N) or (M, N), contiguous = alpha * a @ b + beta * out. a (B?, M, K), b (B?, K, N).
void gemm_into(const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha, const Scalar& beta,
               const char* op) {
  const int64_t d = out.dim();
  const int64_t batch = d == 3 ? out.size(0) : 1;
  const int64_t M = out.size(d - 2), N = out.size(d - 1), K = a.size(d - 1);
  if (out.numel() == 0) return;
  MatOperand ma = mat_operand(a), mb = mat_operand(b);
  const Device dev = backend::common_device(op, {&out, &ma.storage, &mb.storage});
  const backend::GemmArgs g{ma.trans,        mb.trans, batch,           M, N,    K, ma.ld,
                            ma.batch_stride, mb.ld,    mb.batch_stride, N, M * N};
  backend::kernels(dev).gemm(g, alpha, beta, out, ma.storage, mb.storage);
}

void check_defined(const Tensor& a, const Tensor& b, const char* op) {
  NABLA_CHECK(a.defined() && b.defined(), op, ": an argument is an undefined tensor; create it with a factory first");
}

void check_dtypes(const Tensor& a, const Tensor& b, const char* op) {
  NABLA_CHECK(a.dtype() == b.dtype(), op, ": expected both operands to have the same dtype, but got ", a.dtype(),
              " and ", b.dtype(), "; convert one with .to(",
              a.dtype() == kFloat64 || b.dtype() == kFloat64 ? "nabla::kFloat64" : "nabla::kFloat32", ")");
  NABLA_CHECK(a.dtype() != kBool, op, ": not implemented for dtype Bool; convert with .to(nabla::kFloat32)");
  NABLA_CHECK(!a.is_cuda() && !b.is_cuda(), op, ": only CPU tensors are supported");
}

std::vector<int64_t> concat(IntArrayRef a, std::initializer_list<int64_t> b) {
  std::vector<int64_t> out = a.vec();
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// True when m (2-D) is the transposed view of a contiguous matrix, as nn::Linear's weight.t() is.
bool is_transposed_contiguous(const Tensor& m) {
  return m.dim() == 2 && m.size(0) > 1 && m.size(1) > 1 && m.stride(0) == 1 && m.stride(1) == m.size(0);
}

// The gradient of b in a @ b (a (n, k), b (k, m), g (n, m)): a^T @ g, computed in b's own layout. When b is a
// transposed contiguous matrix (Linear's weight.t()), (g^T @ a)^T is the same matrix with contiguous storage in the
// weight's (m, k) layout, so the weight's .grad() arrives without a transposing copy.
Tensor rhs_grad(const Tensor& a, const Tensor& g, bool b_transposed) {
  return b_transposed ? mm(g.t(), a).t() : mm(a.t(), g);
}

bool same_shape(IntArrayRef a, IntArrayRef b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace

// a (n, k), b (k, m) -> (n, m)
Tensor mm(const Tensor& a, const Tensor& b) {
  check_defined(a, b, "mm");
  NABLA_CHECK(a.dim() == 2 && b.dim() == 2, "mm: expected 2-D matrices, but got ", a.sizes().vec(), " and ",
              b.sizes().vec(), "; use matmul for vectors or batches");
  NABLA_CHECK(a.size(1) == b.size(0), "mm: cannot multiply ", a.sizes().vec(), " by ", b.sizes().vec(), " (", a.size(1),
              " != ", b.size(0), ")");
  check_dtypes(a, b, "mm");
  Tensor out = detail::make_empty({a.size(0), b.size(1)}, a.dtype());
  gemm_into(out, a, b, 1, 0, "mm");
  if (autograd::needs_grad(a, b)) {
    const bool ga = a.requires_grad(), gb = b.requires_grad();
    record(OpId::Mm, {a, b}, out,
           [sa = SavedVariable(gb ? a : Tensor()), sb = SavedVariable(ga ? b : Tensor()), ga, gb,
            bt = is_transposed_contiguous(b)](const variable_list& g) -> variable_list {
             // gA = g @ B^T, gB = A^T @ g (transposed views go to BLAS without copies)
             Tensor da = ga ? mm(g[0], sb.unpack().t()) : Tensor();
             Tensor db = gb ? rhs_grad(sa.unpack(), g[0], bt) : Tensor();
             return {da, db};
           });
  }
  return out;
}

// a (b, n, k), b (b, k, m) -> (b, n, m)
Tensor bmm(const Tensor& a, const Tensor& b) {
  check_defined(a, b, "bmm");
  NABLA_CHECK(a.dim() == 3 && b.dim() == 3, "bmm: expected 3-D tensors, but got ", a.sizes().vec(), " and ",
              b.sizes().vec(), "; use matmul to broadcast batch dims");
  NABLA_CHECK(a.size(0) == b.size(0), "bmm: batch sizes differ: ", a.sizes().vec(), " and ", b.sizes().vec(), " (",
              a.size(0), " != ", b.size(0), ")");
  NABLA_CHECK(a.size(2) == b.size(1), "bmm: cannot multiply ", a.sizes().vec(), " by ", b.sizes().vec(), " (",
              a.size(2), " != ", b.size(1), ")");
  check_dtypes(a, b, "bmm");
  Tensor out = detail::make_empty({a.size(0), a.size(1), b.size(2)}, a.dtype());
  gemm_into(out, a, b, 1, 0, "bmm");
  if (autograd::needs_grad(a, b)) {
    const bool ga = a.requires_grad(), gb = b.requires_grad();
    record(OpId::Bmm, {a, b}, out,
           [sa = SavedVariable(gb ? a : Tensor()), sb = SavedVariable(ga ? b : Tensor()), ga,
            gb](const variable_list& g) -> variable_list {
             Tensor da = ga ? bmm(g[0], sb.unpack().transpose(1, 2)) : Tensor();
             Tensor db = gb ? bmm(sa.unpack().transpose(1, 2), g[0]) : Tensor();
             return {da, db};
           });
  }
  return out;
}

// beta * self + alpha * (m1 @ m2); self broadcasts to (n, m).
Tensor addmm(const Tensor& self, const Tensor& m1, const Tensor& m2, const Scalar& beta, const Scalar& alpha) {
  check_defined(m1, m2, "addmm");
  check_defined(self, m1, "addmm");
  NABLA_CHECK(m1.dim() == 2 && m2.dim() == 2, "addmm: expected 2-D matrices mat1 and mat2, but got ", m1.sizes().vec(),
              " and ", m2.sizes().vec());
  NABLA_CHECK(m1.size(1) == m2.size(0), "addmm: cannot multiply ", m1.sizes().vec(), " by ", m2.sizes().vec(), " (",
              m1.size(1), " != ", m2.size(0), ")");
  check_dtypes(m1, m2, "addmm");
  NABLA_CHECK(self.dtype() == m1.dtype(), "addmm: expected self and the matrices to have the same dtype, but got ",
              self.dtype(), " and ", m1.dtype());
  const std::vector<int64_t> shape{m1.size(0), m2.size(1)};
  NABLA_CHECK(self.dim() <= 2 && same_shape(broadcast_shapes(self.sizes(), shape, "addmm"), shape),
              "addmm: self of shape ", self.sizes().vec(), " cannot be broadcast to the product's shape ", shape);
  const bool beta_zero = beta.to_double() == 0.0;
  Tensor out = detail::make_empty(shape, m1.dtype());
  if (!beta_zero) backend::copy_cast(out, detail::make_alias(self).expand(shape));
  gemm_into(out, m1, m2, alpha, beta_zero ? Scalar(0) : beta, "addmm");
  if (autograd::needs_grad(self, m1, m2)) {
    const bool g1 = m1.requires_grad(), g2 = m2.requires_grad();
    record(OpId::Addmm, {self, m1, m2}, out,
           [s1 = SavedVariable(g2 ? m1 : Tensor()), s2 = SavedVariable(g1 ? m2 : Tensor()), g1, g2, beta, alpha,
            self_shape = self.sizes().vec(), gs = self.requires_grad(),
            m2t = is_transposed_contiguous(m2)](const variable_list& g) -> variable_list {
             const bool unit_alpha = alpha.to_double() == 1.0;
             Tensor ds = gs ? sum_to(beta.to_double() == 1.0 ? g[0] : g[0] * beta, self_shape) : Tensor();
             Tensor d1, d2;
             if (g1) {
               d1 = mm(g[0], s2.unpack().t());
               if (!unit_alpha) d1 = d1 * alpha;
             }
             if (g2) {
               d2 = rhs_grad(s1.unpack(), g[0], m2t);
               if (!unit_alpha) d2 = d2 * alpha;
             }
             return {ds, d1, d2};
           });
  }
  return out;
}

// a (n), b (n) -> 0-dim
Tensor dot(const Tensor& a, const Tensor& b) {
  check_defined(a, b, "dot");
  NABLA_CHECK(a.dim() == 1 && b.dim() == 1, "dot: 1D tensors expected, but got ", a.dim(), "D and ", b.dim(),
              "D tensors (shapes ", a.sizes().vec(), " and ", b.sizes().vec(), ")");
  NABLA_CHECK(a.size(0) == b.size(0), "dot: inconsistent tensor size, expected tensors ", a.sizes().vec(), " and ",
              b.sizes().vec(), " to have the same number of elements (", a.size(0), " != ", b.size(0), ")");
  check_dtypes(a, b, "dot");
  const Device dev = backend::common_device("dot", {&a, &b});
  Tensor out = detail::make_empty({}, a.dtype(), dev);
  backend::kernels(dev).dot(out, a, b);
  if (autograd::needs_grad(a, b)) {
    const bool ga = a.requires_grad(), gb = b.requires_grad();
    record(OpId::Dot, {a, b}, out,
           [sa = SavedVariable(gb ? a : Tensor()), sb = SavedVariable(ga ? b : Tensor()), ga,
            gb](const variable_list& g) -> variable_list {
             return {ga ? g[0] * sb.unpack() : Tensor(), gb ? g[0] * sa.unpack() : Tensor()};
           });
  }
  return out;
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  check_defined(a, b, "matmul");
  const int64_t da = a.dim(), db = b.dim();
  NABLA_CHECK(da >= 1 && db >= 1, "matmul: both arguments need to be at least 1-D, but they are ", da, "-D and ", db,
              "-D; use mul for scalars");
  const int64_t ka = a.size(-1), kb = db == 1 ? b.size(0) : b.size(-2);
  NABLA_CHECK(ka == kb, "matmul: cannot multiply ", a.sizes().vec(), " by ", b.sizes().vec(), " (", ka, " != ", kb,
              ")");
  check_dtypes(a, b, "matmul");
  const int64_t k = ka;
  if (da == 1 && db == 1) return dot(a, b);
  if (da == 2 && db == 2) return mm(a, b);
  if (da == 2 && db == 1) return mm(a, b.reshape({k, 1})).reshape({a.size(0)});
  if (da == 1 && db == 2) return mm(a.reshape({1, k}), b).reshape({b.size(1)});
  if (da >= 3 && db <= 2) {
    // Fold a's batch dims into rows: (..., n, k) -> (rows, k), one GEMM.
    std::vector<int64_t> out_shape(a.sizes().begin(), a.sizes().end() - 1);
    const int64_t rows = detail::shape_numel(out_shape);
    Tensor r = mm(a.reshape({rows, k}), db == 2 ? b : b.reshape({k, 1}));
    if (db == 2) out_shape.push_back(b.size(1));
    return r.reshape(out_shape);
  }
  // Batched: broadcast the batch dims, flatten them into one and run bmm.
  const Tensor a3 = da == 1 ? a.reshape({1, k}) : a;  // (..., n, k)
  const Tensor b3 = db == 1 ? b.reshape({k, 1}) : b;  // (..., k, m)
  const int64_t n = a3.size(-2), m = b3.size(-1);
  const std::vector<int64_t> batch_a(a3.sizes().begin(), a3.sizes().end() - 2);
  const std::vector<int64_t> batch_b(b3.sizes().begin(), b3.sizes().end() - 2);
  const std::vector<int64_t> batch = broadcast_shapes(batch_a, batch_b, "matmul");
  const int64_t nb = detail::shape_numel(batch);
  auto to_batch = [&](const Tensor& t, int64_t r, int64_t c) {
    std::vector<int64_t> full = concat(batch, {r, c});
    const Tensor e = same_shape(t.sizes(), full) ? t : t.expand(full);
    return e.reshape({nb, r, c});
  };
  Tensor out = bmm(to_batch(a3, n, k), to_batch(b3, k, m));  // (nb, n, m)
  std::vector<int64_t> out_shape = batch;
  if (da > 1) out_shape.push_back(n);
  if (db > 1) out_shape.push_back(m);
  return out.reshape(out_shape);
}

}  // namespace nabla
