// The GEMM-only bound of one MLP training step (784-256-128-10, batch 64): the eight GEMMs of the step called
// directly through OpenBLAS's cblas_sgemm (the same library nabla links), with no allocation, no autograd and no
// elementwise work. No framework can train the MLP faster than this on this machine with this BLAS, so
// `nabla step / bound` says how much of nabla's step is overhead around the GEMMs. Measured at 1 and 2 OpenBLAS
// threads (or those given); the best counts. `make bench` (bench/run_bench.py) runs it.
//
// usage: bench_gemm_bound [threads...]   (default: 1 2)
// prints one line per thread count, then "gemm bound: X ms per step (best, N threads)".
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "sgemm_reference.h"

namespace {

using nabla_bench::random_vector;
constexpr int kBatch = 64;

// One GEMM of the step in row-major terms: C (M, N) = op(A) (M, K) @ op(B) (K, N).
struct Gemm {
  CBLAS_TRANSPOSE ta, tb;
  int M, N, K;
  std::vector<float> a, b, c;
};

Gemm make(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int M, int N, int K) {
  Gemm g{ta, tb, M, N, K, random_vector(int64_t(M) * K), random_vector(int64_t(K) * N), {}};
  g.c.resize(size_t(M) * size_t(N));
  return g;
}

void run(Gemm& g) {
  const int lda = g.ta == CblasNoTrans ? g.K : g.M, ldb = g.tb == CblasNoTrans ? g.N : g.K;
  cblas_sgemm(CblasRowMajor, g.ta, g.tb, g.M, g.N, g.K, 1.0f, g.a.data(), lda, g.b.data(), ldb, 0.0f, g.c.data(), g.N);
}

// Linear(in, out) keeps W (out, in): forward y = x W^T, backward dW = g^T x and dX = g W.
std::vector<Gemm> mlp_step_gemms() {
  const int B = kBatch;
  std::vector<Gemm> s;
  // forward: x (64, 784) W1^T -> (64, 256); h1 W2^T -> (64, 128); h2 W3^T -> (64, 10)
  s.push_back(make(CblasNoTrans, CblasTrans, B, 256, 784));
  s.push_back(make(CblasNoTrans, CblasTrans, B, 128, 256));
  s.push_back(make(CblasNoTrans, CblasTrans, B, 10, 128));
  // backward, layer 3: dW3 = g3^T (10, 64) h2 (64, 128); dX3 = g3 (64, 10) W3 (10, 128)
  s.push_back(make(CblasTrans, CblasNoTrans, 10, 128, B));
  s.push_back(make(CblasNoTrans, CblasNoTrans, B, 128, 10));
  // layer 2: dW2 = g2^T (128, 64) h1 (64, 256); dX2 = g2 (64, 128) W2 (128, 256)
  s.push_back(make(CblasTrans, CblasNoTrans, 128, 256, B));
  s.push_back(make(CblasNoTrans, CblasNoTrans, B, 256, 128));
  // layer 1: dW1 = g1^T (256, 64) x (64, 784); the input needs no gradient
  s.push_back(make(CblasTrans, CblasNoTrans, 256, 784, B));
  return s;
}

// Median over `reps` repetitions of the mean ms per step over `steps` steps.
double ms_per_step(std::vector<Gemm>& step, int steps, int reps) {
  for (int i = 0; i < steps; ++i)
    for (Gemm& g : step) run(g);  // warm-up: OpenBLAS's threads, caches, page faults
  std::vector<double> ms;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < steps; ++i)
      for (Gemm& g : step) run(g);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / steps);
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> threads;
  for (int i = 1; i < argc; ++i) threads.push_back(std::max(1, std::atoi(argv[i])));
  if (threads.empty()) threads = {1, 2};
  auto step = mlp_step_gemms();
  double flops = 0;
  for (const Gemm& g : step) flops += 2.0 * g.M * g.N * g.K;
  std::printf("gemm bound: the 8 GEMMs of one MLP training step (batch 64, 784-256-128-10), %.1f MFLOP, through %s\n",
              flops / 1e6, openblas_get_config());
  double best = 0;
  int best_threads = 0;
  for (int t : threads) {
    openblas_set_num_threads(t);
    const double ms = ms_per_step(step, 300, 7);
    std::printf("gemm bound: %d thread%s %.4f ms per step (%.1f GFLOP/s)\n", t, t == 1 ? "" : "s", ms,
                flops / ms / 1e6);
    if (best_threads == 0 || ms < best) best = ms, best_threads = t;
  }
  std::printf("gemm bound: %.4f ms per step (best, %d thread%s)\n", best, best_threads, best_threads == 1 ? "" : "s");
  return 0;
}
