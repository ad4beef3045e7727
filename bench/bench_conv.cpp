// nabla::nn::functional::conv2d (im2col + per-sample GEMM) against one cblas_sgemm of the same total size,
// measured in the same run. Shapes: the two conv layers of a Fashion-MNIST CNN on a batch of 64, pad 1:
//   (64, 1, 28, 28) x (32, 1, 3, 3) -> GEMM M=32, N=64*28*28, K=9
//   (64, 32, 14, 14) x (64, 32, 3, 3) -> GEMM M=64, N=64*14*14, K=288
// "fwd+bwd": conv2d with input and weight requiring grad plus backward, against the three GEMMs it needs
// (Y = W col, dW = G col^T, dcol = W^T G); the reference skips im2col/col2im, which nabla must do.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "nabla/nabla.h"
#include "ratio_reporter.h"

#ifdef NABLA_HAVE_CBLAS
#include <cblas.h>
#endif

namespace {

namespace F = nabla::nn::functional;

std::vector<float> random_vector(int64_t n) {
  std::mt19937 g(7);
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = u(g);
  return v;
}

nabla::Tensor random_tensor(std::vector<int64_t> shape) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  return nabla::tensor(random_vector(n)).reshape(shape);
}

// Args: N, C, H (= W), O, k; stride 1, padding k/2, so OH = H.
struct Shape {
  int64_t N, C, H, O, k;
  explicit Shape(const benchmark::State& st)
      : N(st.range(0)), C(st.range(1)), H(st.range(2)), O(st.range(3)), k(st.range(4)) {}
  int64_t M() const { return O; }
  int64_t cols() const { return N * H * H; }
  int64_t K() const { return C * k * k; }
  double flops() const { return 2.0 * double(M()) * double(cols()) * double(K()); }
};

void BM_NablaConv2d(benchmark::State& st) {
  const Shape s(st);
  auto x = random_tensor({s.N, s.C, s.H, s.H}), w = random_tensor({s.O, s.C, s.k, s.k});
  auto opts = F::Conv2dFuncOptions().padding(s.k / 2);
  for (auto _ : st) {
    auto y = F::conv2d(x, w, opts);
    benchmark::DoNotOptimize(y.data_ptr());
  }
  st.counters["GFLOP/s"] =
      benchmark::Counter(s.flops(), benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

void BM_NablaConv2dFwdBwd(benchmark::State& st) {
  const Shape s(st);
  auto x = random_tensor({s.N, s.C, s.H, s.H}).requires_grad_(),
       w = random_tensor({s.O, s.C, s.k, s.k}).requires_grad_();
  auto seed = nabla::ones({s.N, s.O, s.H, s.H});
  auto opts = F::Conv2dFuncOptions().padding(s.k / 2);
  for (auto _ : st) {
    auto y = F::conv2d(x, w, opts);
    y.backward(seed);
    x.mutable_grad() = nabla::Tensor();
    w.mutable_grad() = nabla::Tensor();
  }
  st.counters["GFLOP/s"] =
      benchmark::Counter(3 * s.flops(), benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

#ifdef NABLA_HAVE_CBLAS
// Y (M, cols) = W (M, K) @ col (K, cols), col already built.
void BM_CblasSgemm(benchmark::State& st) {
  const Shape s(st);
  const int M = int(s.M()), N = int(s.cols()), K = int(s.K());
  auto a = random_vector(int64_t(M) * K), b = random_vector(int64_t(K) * N);
  for (auto _ : st) {
    std::vector<float> c(size_t(M) * size_t(N));  // conv2d allocates its output too
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, a.data(), K, b.data(), N, 0.0f, c.data(), N);
    benchmark::DoNotOptimize(c.data());
  }
  st.counters["GFLOP/s"] =
      benchmark::Counter(s.flops(), benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

void BM_CblasSgemmFwdBwd(benchmark::State& st) {
  const Shape s(st);
  const int M = int(s.M()), N = int(s.cols()), K = int(s.K());
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
      benchmark::Counter(3 * s.flops(), benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}
#endif

#define NABLA_CONV_SHAPES(b) \
  b->Args({64, 1, 28, 32, 3})->Args({64, 32, 14, 64, 3})->Unit(benchmark::kMicrosecond)->UseRealTime()
#ifdef NABLA_HAVE_CBLAS
NABLA_CONV_SHAPES(BENCHMARK(BM_CblasSgemm));
NABLA_CONV_SHAPES(BENCHMARK(BM_CblasSgemmFwdBwd));
#endif
NABLA_CONV_SHAPES(BENCHMARK(BM_NablaConv2d));
NABLA_CONV_SHAPES(BENCHMARK(BM_NablaConv2dFwdBwd));

}  // namespace

int main(int argc, char** argv) {
  auto args = nabla_bench::with_default_flags(argc, argv);
  int n = int(args.size()) - 1;
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  nabla_bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\nratios of time per iteration (1.00x = as fast as the reference; lower is better)\n");
  for (const char* s : {"64/1/28/32/3", "64/32/14/64/3"}) {
    const std::string shape(s), run = std::string(s) + "/real_time";
    reporter.print_ratio("conv2d vs cblas_sgemm " + shape, "BM_NablaConv2d/" + run, "BM_CblasSgemm/" + run);
    reporter.print_ratio("conv2d fwd+bwd vs 3x cblas_sgemm " + shape, "BM_NablaConv2dFwdBwd/" + run,
                         "BM_CblasSgemmFwdBwd/" + run);
  }
  benchmark::Shutdown();
  return 0;
}
