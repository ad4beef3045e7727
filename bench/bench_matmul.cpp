// nabla::mm against a direct cblas_sgemm call (same OpenBLAS, same run) and the built-in reference kernel.
// Shapes: 64x784x256 (an MNIST-sized Linear layer) and 512^3. Prints nabla / cblas ratios at the end.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "backend/cpu/gemm.h"
#include "nabla/nabla.h"
#include "ratio_reporter.h"

#ifdef NABLA_HAVE_CBLAS
#include <cblas.h>
#endif

namespace {

std::vector<float> random_vector(int64_t n) {
  std::mt19937 g(7);
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = u(g);
  return v;
}

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
  const int M = int(st.range(0)), K = int(st.range(1)), N = int(st.range(2));
  auto a = random_vector(int64_t(M) * K), b = random_vector(int64_t(K) * N);
  for (auto _ : st) {
    std::vector<float> c(size_t(M) * size_t(N));  // nabla::mm allocates its output too
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, a.data(), K, b.data(), N, 0.0f, c.data(), N);
    benchmark::DoNotOptimize(c.data());
  }
  st.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * M * N * K, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

// The three GEMMs of mm's forward and backward: C = A B, dA = G B^T, dB = A^T G.
void BM_CblasSgemmFwdBwd(benchmark::State& st) {
  const int M = int(st.range(0)), K = int(st.range(1)), N = int(st.range(2));
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
  auto args = nabla_bench::with_default_flags(argc, argv);
  int n = int(args.size()) - 1;
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  nabla_bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\nratios of time per iteration (1.00x = as fast as the reference; lower is better)\n");
  for (const char* s : {"64/784/256", "512/512/512"}) {
    const std::string shape(s), run = std::string(s) + "/real_time";
    reporter.print_ratio("nabla::mm vs cblas_sgemm " + shape, "BM_NablaMm/" + run, "BM_CblasSgemm/" + run);
    reporter.print_ratio("mm fwd+bwd vs 3x cblas_sgemm " + shape, "BM_NablaMmFwdBwd/" + run,
                         "BM_CblasSgemmFwdBwd/" + run);
    reporter.print_ratio("gemm_naive vs cblas_sgemm " + shape, "BM_NaiveGemm/" + run, "BM_CblasSgemm/" + run);
  }
  benchmark::Shutdown();
  return 0;
}
