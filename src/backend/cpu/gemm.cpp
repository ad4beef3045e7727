// GEMM: CBLAS for float/double when available, a reference loop otherwise (and for integer types).
#include "backend/cpu/gemm.h"

#include <algorithm>
#include <climits>
#include <type_traits>
#include <vector>

#include "core/thread_pool.h"
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
// M*N*K above which a BLAS GEMM is split across the thread pool (OpenBLAS is its serial build): about 10 us of work
// on one core, several times the cost of handing a task to a worker.
constexpr int64_t kBlasSplitWork = int64_t(1) << 19;
// Rows per part below which a split GEMM splits C by columns instead (see gemm()).
constexpr int64_t kMinSplitRows = 64;

/// [begin, end) of part p of n split into `parts` pieces whose boundaries are multiples of `align`.
std::pair<int64_t, int64_t> part_range(int64_t n, int64_t parts, int64_t p, int64_t align) {
  const int64_t units = (n + align - 1) / align;
  return {std::min(n, units * p / parts * align), std::min(n, units * (p + 1) / parts * align)};
}
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
    const int64_t parts = std::min<int64_t>(M, nabla::detail::pool_threads());
    auto part = [&](int64_t p) {
      std::vector<acc_t> row(transB ? 0 : size_t(N));
      for (int64_t i = M * p / parts; i < M * (p + 1) / parts; ++i) row_kernel(i, row.data());
    };
    nabla::detail::run_tasks(parts, part);
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
      // C (m, n) block = op(A) rows [i0, i0 + m) @ op(B) columns [j0, j0 + n).
      auto block = [&](int64_t i0, int64_t m, int64_t j0, int64_t n) {
        const T* a = transA ? A + i0 : A + i0 * lda;
        const T* b = transB ? B + j0 * ldb : B + j0;
        T* c = C + i0 * ldc + j0;
        if constexpr (std::is_same_v<T, float>) {
          cblas_sgemm(CblasRowMajor, ta, tb, int(m), int(n), int(K), alpha, a, int(lda), b, int(ldb), beta, c,
                      int(ldc));
        } else {
          cblas_dgemm(CblasRowMajor, ta, tb, int(m), int(n), int(K), alpha, a, int(lda), b, int(ldb), beta, c,
                      int(ldc));
        }
      };
      const int64_t threads = nabla::detail::in_parallel_region() ? 1 : nabla::detail::pool_threads();
      if (threads == 1 || M * N * K < kBlasSplitWork) return block(0, M, 0, N);
      // Split C in as many parts as threads; each part is an independent GEMM over the whole K, with the same
      // leading dimensions as the unsplit call. By rows when each part gets at least kMinSplitRows of them, else by
      // columns. Column parts of a row-major C share every row: two threads writing the two halves of each row of a
      // 256x784 weight gradient took 170-180 us against 130 us for row halves (separate blocks of C), and an MLP
      // step's backward did not scale with two threads; row parts of a 64-row C each pack all of B instead, which
      // costs more than the shared rows (docs/benchmarks.md, "GEMM split").
      const bool by_cols = M < kMinSplitRows * threads;
      const int64_t parts = std::min(threads, ((by_cols ? N : M) + 15) / 16);
      auto part = [&](int64_t p) {
        const auto [lo, hi] = part_range(by_cols ? N : M, parts, p, 16);
        if (hi > lo) by_cols ? block(0, M, lo, hi - lo) : block(lo, hi - lo, 0, N);
      };
      nabla::detail::run_tasks(parts, part);
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
  auto one = [&](int64_t b) {
    gemm(transA, transB, M, N, K, alpha, A + b * strideA, lda, B + b * strideB, ldb, beta, C + b * strideC, ldc);
  };
  // Independent products: the batch runs across the pool (each GEMM then stays on its thread).
  if (batch > 1 && strideC >= M * ldc && batch * M * N * K >= kBlasSplitWork)
    return nabla::detail::run_tasks(batch, one);
  for (int64_t b = 0; b < batch; ++b) one(b);
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
