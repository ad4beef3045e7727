#pragma once
// What bench_matmul and bench_conv share: seeded random inputs and, with NABLA_HAVE_CBLAS, the cblas_sgemm loops
// (same OpenBLAS, same run) that nabla's kernels are measured against.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#ifdef NABLA_HAVE_CBLAS
#include <cblas.h>
#endif

namespace nabla_bench {

/// n floats uniform in [-1, 1), the same ones on every call (seed 7).
inline std::vector<float> random_vector(int64_t n) {
  std::mt19937 g(7);
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = u(g);
  return v;
}

#ifdef NABLA_HAVE_CBLAS
/// The benchmark loop of C (M, N) = A (M, K) @ B (K, N) through cblas_sgemm, counting GFLOP/s.
inline void time_sgemm(benchmark::State& st, int M, int N, int K) {
  auto a = random_vector(int64_t(M) * K), b = random_vector(int64_t(K) * N);
  for (auto _ : st) {
    std::vector<float> c(size_t(M) * size_t(N));  // the nabla op allocates its output too
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, a.data(), K, b.data(), N, 0.0f, c.data(), N);
    benchmark::DoNotOptimize(c.data());
  }
  st.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * M * N * K, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

/// The same for the three GEMMs of the product's forward and backward: C = A B, dA = G B^T, dB = A^T G.
inline void time_sgemm_fwd_bwd(benchmark::State& st, int M, int N, int K) {
  auto a = random_vector(int64_t(M) * K), b = random_vector(int64_t(K) * N), g = random_vector(int64_t(M) * N);
  for (auto _ : st) {
    std::vector<float> c(size_t(M) * size_t(N)), da(size_t(M) * size_t(K)), db(size_t(K) * size_t(N));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, a.data(), K, b.data(), N, 0.0f, c.data(), N);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, K, N, 1.0f, g.data(), N, b.data(), N, 0.0f, da.data(), K);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, N, M, 1.0f, a.data(), K, g.data(), N, 0.0f, db.data(), N);
    benchmark::DoNotOptimize(c.data());
    benchmark::DoNotOptimize(da.data());
    benchmark::DoNotOptimize(db.data());
  }
  st.counters["GFLOP/s"] =
      benchmark::Counter(6.0 * M * N * K, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}
#endif

}  // namespace nabla_bench
