// nabla::nn::functional::conv2d (im2col + per-sample GEMM) against one cblas_sgemm of the same total size,
// measured in the same run. Shapes: the two conv layers of a Fashion-MNIST CNN on a batch of 64, pad 1:
//   (64, 1, 28, 28) x (32, 1, 3, 3) -> GEMM M=32, N=64*28*28, K=9
//   (64, 32, 14, 14) x (64, 32, 3, 3) -> GEMM M=64, N=64*14*14, K=288
// "fwd+bwd": conv2d with input and weight requiring grad plus backward, against the three GEMMs it needs
// (Y = W col, dW = G col^T, dcol = W^T G); the reference skips im2col/col2im, which nabla must do.
#include <benchmark/benchmark.h>

#include <vector>

#include "nabla/nabla.h"
#include "ratio_reporter.h"
#include "sgemm_reference.h"

namespace {

namespace F = nabla::nn::functional;

using nabla_bench::random_vector;

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
  nabla_bench::time_sgemm(st, int(s.M()), int(s.cols()), int(s.K()));
}

void BM_CblasSgemmFwdBwd(benchmark::State& st) {
  const Shape s(st);
  nabla_bench::time_sgemm_fwd_bwd(st, int(s.M()), int(s.cols()), int(s.K()));
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
  return nabla_bench::run_benchmarks(argc, argv, [](const nabla_bench::RatioReporter& reporter) {
    nabla_bench::print_shape_ratios(
        reporter, {"64/1/28/32/3", "64/32/14/64/3"},
        {{"conv2d vs cblas_sgemm", "BM_NablaConv2d", "BM_CblasSgemm"},
         {"conv2d fwd+bwd vs 3x cblas_sgemm", "BM_NablaConv2dFwdBwd", "BM_CblasSgemmFwdBwd"}});
  });
}
