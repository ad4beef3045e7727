#pragma once
// GEMM on row-major matrices, CBLAS's conventions: C (M, N) = alpha * op(A) (M, K) @ op(B) (K, N) + beta * C.
// op(A) is A (M, K) with leading dimension lda when !transA, else A is stored (K, M) and transposed.
// beta == 0 overwrites C without reading it (NaNs in C do not propagate), as BLAS does.
#include <cstdint>

namespace nabla::cpu {

/// The fast path: CBLAS (sgemm/dgemm) when nabla was built with it, else gemm_naive. Integer types use
/// gemm_naive.
template <typename T>
void gemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda, const T* B,
          int64_t ldb, T beta, T* C, int64_t ldc);

/// The reference kernel: always compiled; the fallback without BLAS and the test oracle. Floating types
/// accumulate in double.
template <typename T>
void gemm_naive(bool transA, bool transB, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda, const T* B,
                int64_t ldb, T beta, T* C, int64_t ldc);

/// `batch` independent GEMMs; operand b starts at A + b * strideA (a stride may be 0: a shared operand).
template <typename T>
void gemm_batched(bool transA, bool transB, int64_t batch, int64_t M, int64_t N, int64_t K, T alpha, const T* A,
                  int64_t lda, int64_t strideA, const T* B, int64_t ldb, int64_t strideB, T beta, T* C, int64_t ldc,
                  int64_t strideC);

/// sum_i x[i * incx] * y[i * incy] (BLAS dot for float/double when available).
template <typename T>
T dot(int64_t n, const T* x, int64_t incx, const T* y, int64_t incy);

/// True when nabla was built against CBLAS.
bool have_blas();

}  // namespace nabla::cpu
