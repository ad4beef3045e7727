// GEMM: CBLAS for float/double when available, a reference loop otherwise (and for integer types).
#include "backend/cpu/gemm.h"

#include <algorithm>
#include <climits>
#include <type_traits>
#include <vector>

#include "nabla/core/error.h"

#ifdef NABLA_HAVE_CBLAS
#include <cblas.h>
#endif

namespace nabla::cpu {

namespace {
// Leading dimension of a stored (rows, cols) row-major matrix: free when it has one row.
int64_t fix_ld(int64_t rows, int64_t cols, int64_t ld) {
  if (rows <= 1) return std::max<int64_t>(ld, std::max<int64_t>(1, cols));
  return ld;
}

template <typename T>
void scale_c(int64_t M, int64_t N, T beta, T* C, int64_t ldc) {
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) C[i * ldc + j] = beta == T(0) ? T(0) : static_cast<T>(beta * C[i * ldc + j]);
}

constexpr int64_t kNaiveParallelWork = int64_t(1) << 22;  // M*N*K (about a millisecond) above which threads pay off
}  // namespace

bool have_blas() {
#ifdef NABLA_HAVE_CBLAS
  return true;
#else
  return false;
#endif
}

template <typename T>
void gemm_naive(bool transA, bool transB, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda, const T* B,
                int64_t ldb, T beta, T* C, int64_t ldc) {
  using acc_t = std::conditional_t<std::is_floating_point_v<T>, double, T>;
  if (M <= 0 || N <= 0) return;
  if (K <= 0) return scale_c(M, N, beta, C, ldc);
  auto store = [&](int64_t i, int64_t j, acc_t acc) {
    T& c = C[i * ldc + j];
    c = beta == T(0) ? static_cast<T>(acc_t(alpha) * acc) : static_cast<T>(acc_t(alpha) * acc + acc_t(beta) * acc_t(c));
  };
  // Row i of C: with B (K, N) accumulate a(i, p) * row p of B (unit stride over j in B and C); with B stored
  // (N, K) each C(i, j) is a dot product over p.
  auto row_kernel = [&](int64_t i, acc_t* row) {
    if (!transB) {
      std::fill(row, row + N, acc_t(0));
      for (int64_t p = 0; p < K; ++p) {
        const acc_t a = transA ? acc_t(A[p * lda + i]) : acc_t(A[i * lda + p]);
        const T* b = B + p * ldb;
        for (int64_t j = 0; j < N; ++j) row[j] += a * acc_t(b[j]);
      }
      for (int64_t j = 0; j < N; ++j) store(i, j, row[j]);
      return;
    }
    for (int64_t j = 0; j < N; ++j) {
      const T* b = B + j * ldb;
      acc_t acc = 0;
      if (transA) {
        for (int64_t p = 0; p < K; ++p) acc += acc_t(A[p * lda + i]) * acc_t(b[p]);
      } else {
        const T* a = A + i * lda;
        for (int64_t p = 0; p < K; ++p) acc += acc_t(a[p]) * acc_t(b[p]);
      }
      store(i, j, acc);
    }
  };
  if (M > 1 && M * N * K >= kNaiveParallelWork) {
#pragma omp parallel
    {
      std::vector<acc_t> row(transB ? 0 : size_t(N));
#pragma omp for schedule(static)
      for (int64_t i = 0; i < M; ++i) row_kernel(i, row.data());
    }
  } else {
    std::vector<acc_t> row(transB ? 0 : size_t(N));
    for (int64_t i = 0; i < M; ++i) row_kernel(i, row.data());
  }
}

template <typename T>
void gemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda, const T* B,
          int64_t ldb, T beta, T* C, int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) return scale_c(M, N, beta, C, ldc);
  lda = transA ? fix_ld(K, M, lda) : fix_ld(M, K, lda);
  ldb = transB ? fix_ld(N, K, ldb) : fix_ld(K, N, ldb);
  ldc = fix_ld(M, N, ldc);
  NABLA_CHECK(lda >= (transA ? M : K) && ldb >= (transB ? K : N) && ldc >= N, "gemm: invalid leading dimensions (lda ",
              lda, ", ldb ", ldb, ", ldc ", ldc, ") for M ", M, ", N ", N, ", K ", K);
#ifdef NABLA_HAVE_CBLAS
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
    const int64_t biggest = std::max({M, N, K, lda, ldb, ldc});
    if (biggest <= INT_MAX) {
      const auto ta = transA ? CblasTrans : CblasNoTrans, tb = transB ? CblasTrans : CblasNoTrans;
      if constexpr (std::is_same_v<T, float>) {
        cblas_sgemm(CblasRowMajor, ta, tb, int(M), int(N), int(K), alpha, A, int(lda), B, int(ldb), beta, C, int(ldc));
      } else {
        cblas_dgemm(CblasRowMajor, ta, tb, int(M), int(N), int(K), alpha, A, int(lda), B, int(ldb), beta, C, int(ldc));
      }
      return;
    }
  }
#endif
  gemm_naive(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

template <typename T>
void gemm_batched(bool transA, bool transB, int64_t batch, int64_t M, int64_t N, int64_t K, T alpha, const T* A,
                  int64_t lda, int64_t strideA, const T* B, int64_t ldb, int64_t strideB, T beta, T* C, int64_t ldc,
                  int64_t strideC) {
  for (int64_t b = 0; b < batch; ++b)
    gemm(transA, transB, M, N, K, alpha, A + b * strideA, lda, B + b * strideB, ldb, beta, C + b * strideC, ldc);
}

template <typename T>
T dot(int64_t n, const T* x, int64_t incx, const T* y, int64_t incy) {
#ifdef NABLA_HAVE_CBLAS
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
    if (n <= INT_MAX && incx >= 1 && incy >= 1 && incx <= INT_MAX && incy <= INT_MAX) {
      if constexpr (std::is_same_v<T, float>)
        return cblas_sdot(int(n), x, int(incx), y, int(incy));
      else
        return cblas_ddot(int(n), x, int(incx), y, int(incy));
    }
  }
#endif
  using acc_t = std::conditional_t<std::is_floating_point_v<T>, double, T>;
  acc_t acc = 0;
  for (int64_t i = 0; i < n; ++i) acc += acc_t(x[i * incx]) * acc_t(y[i * incy]);
  return static_cast<T>(acc);
}

#define NABLA_GEMM_INSTANTIATE(T)                                                                                    \
  template void gemm<T>(bool, bool, int64_t, int64_t, int64_t, T, const T*, int64_t, const T*, int64_t, T, T*,       \
                        int64_t);                                                                                    \
  template void gemm_naive<T>(bool, bool, int64_t, int64_t, int64_t, T, const T*, int64_t, const T*, int64_t, T, T*, \
                              int64_t);                                                                              \
  template void gemm_batched<T>(bool, bool, int64_t, int64_t, int64_t, int64_t, T, const T*, int64_t, int64_t,       \
                                const T*, int64_t, int64_t, T, T*, int64_t, int64_t);                                \
  template T dot<T>(int64_t, const T*, int64_t, const T*, int64_t);
NABLA_GEMM_INSTANTIATE(float)
NABLA_GEMM_INSTANTIATE(double)
NABLA_GEMM_INSTANTIATE(uint8_t)
NABLA_GEMM_INSTANTIATE(int32_t)
NABLA_GEMM_INSTANTIATE(int64_t)
#undef NABLA_GEMM_INSTANTIATE

}  // namespace nabla::cpu
