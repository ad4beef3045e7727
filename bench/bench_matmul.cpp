// nabla::mm against a direct cblas_sgemm call (same OpenBLAS, same run) and the built-in reference kernel.
// Shapes: 64x784x256 (an MNIST-sized Linear layer) and 512^3. Prints nabla / cblas ratios at the end.
#include <benchmark/benchmark.h>

#include <vector>

#include "backend/cpu/gemm.h"
#include "nabla/nabla.h"
#include "ratio_reporter.h"
#include "sgemm_reference.h"

namespace {

using nabla_bench::random_vector;

nabla::Tensor random_matrix(int64_t r, int64_t c) { return nabla::tensor(random_vector(r * c)).reshape({r, c}); }

// C (M, N) = A (M, K) @ B (K, N)
void BM_NablaMm(benchmark::State& st) {
  const int64_t M = st.range(0), K = st.range(1), N = st.range(2);
  auto a = random_matrix(M, K), b = random_matrix(K, N);
  for (auto _ : st) {
    auto c = nabla::mm(a, b);
    benchmark::DoNotOptimize(c.data_ptr());
  }
  st.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * M * N * K, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

// Forward plus backward of mm with both operands requiring grad: three GEMMs (one with each transpose).
void BM_NablaMmFwdBwd(benchmark::State& st) {
  const int64_t M = st.range(0), K = st.range(1), N = st.range(2);
  auto a = random_matrix(M, K).requires_grad_(), b = random_matrix(K, N).requires_grad_();
  auto seed = nabla::ones({M, N});
  for (auto _ : st) {
    auto c = nabla::mm(a, b);
    c.backward(seed);
    a.mutable_grad() = nabla::Tensor();
    b.mutable_grad() = nabla::Tensor();
  }
  st.counters["GFLOP/s"] =
      benchmark::Counter(6.0 * M * N * K, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

void BM_NaiveGemm(benchmark::State& st) {
  const int64_t M = st.range(0), K = st.range(1), N = st.range(2);
  auto a = random_vector(M * K), b = random_vector(K * N);
  std::vector<float> c(static_cast<size_t>(M * N));
  for (auto _ : st) {
    nabla::cpu::gemm_naive<float>(false, false, M, N, K, 1.0f, a.data(), K, b.data(), N, 0.0f, c.data(), N);
    benchmark::DoNotOptimize(c.data());
  }
  st.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * M * N * K, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

#ifdef NABLA_HAVE_CBLAS
void BM_CblasSgemm(benchmark::State& st) {
  nabla_bench::time_sgemm(st, int(st.range(0)), int(st.range(2)), int(st.range(1)));  // Args: M, K, N
}

// The three GEMMs of mm's forward and backward: C = A B, dA = G B^T, dB = A^T G.
void BM_CblasSgemmFwdBwd(benchmark::State& st) {
  nabla_bench::time_sgemm_fwd_bwd(st, int(st.range(0)), int(st.range(2)), int(st.range(1)));
}
BENCHMARK(BM_CblasSgemm)->Args({64, 784, 256})->Args({512, 512, 512})->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_CblasSgemmFwdBwd)
    ->Args({64, 784, 256})
    ->Args({512, 512, 512})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
#endif

BENCHMARK(BM_NablaMm)->Args({64, 784, 256})->Args({512, 512, 512})->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_NablaMmFwdBwd)->Args({64, 784, 256})->Args({512, 512, 512})->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_NaiveGemm)->Args({64, 784, 256})->Args({512, 512, 512})->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  return nabla_bench::run_benchmarks(argc, argv, [](const nabla_bench::RatioReporter& reporter) {
    nabla_bench::print_shape_ratios(reporter, {"64/784/256", "512/512/512"},
                                    {{"nabla::mm vs cblas_sgemm", "BM_NablaMm", "BM_CblasSgemm"},
                                     {"mm fwd+bwd vs 3x cblas_sgemm", "BM_NablaMmFwdBwd", "BM_CblasSgemmFwdBwd"},
                                     {"gemm_naive vs cblas_sgemm", "BM_NaiveGemm", "BM_CblasSgemm"}});
  });
}
