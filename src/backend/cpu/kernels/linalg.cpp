// GEMM and dot (compiled once per instruction set). The work is OpenBLAS's, or gemm_naive's without it
// (backend/cpu/gemm.h, which also splits large GEMMs across nabla's thread pool).
#include "backend/cpu/gemm.h"
#include "backend/cpu/kernels/kernels_cpu.h"

namespace nabla::cpu {
inline namespace NABLA_CPU_CAP_NS {

void gemm_op(const backend::GemmArgs& g, const Scalar& alpha, const Scalar& beta, const Tensor& c, const Tensor& a,
             const Tensor& b) {
  NABLA_DISPATCH_NUMERIC(c.dtype(), "gemm", [&] {
    gemm_batched<scalar_t>(g.trans_a, g.trans_b, g.batch, g.M, g.N, g.K, alpha.to<scalar_t>(),
                           static_cast<const scalar_t*>(a.data_ptr()), g.lda, g.stride_a,
                           static_cast<const scalar_t*>(b.data_ptr()), g.ldb, g.stride_b, beta.to<scalar_t>(),
                           static_cast<scalar_t*>(c.data_ptr()), g.ldc, g.stride_c);
  });
}

void dot_op(const Tensor& out, const Tensor& a, const Tensor& b) {
  NABLA_DISPATCH_NUMERIC(a.dtype(), "dot", [&] {
    static_cast<scalar_t*>(out.data_ptr())[0] =
        cpu::dot<scalar_t>(a.size(0), static_cast<const scalar_t*>(a.data_ptr()), a.stride(0),
                           static_cast<const scalar_t*>(b.data_ptr()), b.stride(0));
  });
}

}  // namespace NABLA_CPU_CAP_NS
}  // namespace nabla::cpu
