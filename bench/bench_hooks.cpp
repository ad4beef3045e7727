// What hooks cost. Linear(64, 64) on a (1, 64) float32 input under NoGradGuard (so the call overhead is not hidden
// by recording a graph): model(x) with no hooks, with one no-op forward pre-hook and one no-op forward hook, and
// model->forward(x) (no hook check at all). Then forward + backward of that layer with fresh grads, without and with
// a no-op post-accumulate-grad hook on the weight and the bias; and SGD(0.01).step() over its two parameters without
// and with a no-op step pre-hook and post-hook. Ratios are against the hook-free version measured in the same run.
//
// Instruction counts (repeatable where times are not): `bench_hooks --count <case> <iterations>` runs one case's
// loop without Google Benchmark; run it under `valgrind --tool=callgrind` at two iteration counts and divide the
// difference in Ir by the difference in iterations (docs/benchmarks.md, "Hooks").
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "nabla/nabla.h"
#include "ratio_reporter.h"

namespace {

using nabla::Tensor;
namespace nn = nabla::nn;
namespace optim = nabla::optim;

constexpr int64_t kFeatures = 64;

struct Setup {
  nn::Linear lin{kFeatures, kFeatures};
  Tensor x = nabla::randn({1, kFeatures});
};

void add_forward_hooks(nn::Linear& lin) {
  lin->register_forward_pre_hook([](nn::Module&, const Tensor&) {});
  lin->register_forward_hook([](nn::Module&, const Tensor&, const Tensor&) {});
}

void add_accumulate_hooks(nn::Linear& lin) {
  for (const Tensor& p : lin->parameters()) p.register_post_accumulate_grad_hook([](Tensor&) {});
}

void add_step_hooks(optim::Optimizer& opt) {
  opt.register_step_pre_hook([](optim::Optimizer&) {});
  opt.register_step_post_hook([](optim::Optimizer&) {});
}

// One iteration of each case, on state built once. Shared by the benchmarks and by --count.
Tensor call(Setup& s) { return s.lin(s.x); }
Tensor direct(Setup& s) { return s.lin->forward(s.x); }
void backward(Setup& s) {
  s.lin->zero_grad();
  s.lin(s.x).sum().backward();
}

void BM_CallNoHooks(benchmark::State& st) {
  Setup s;
  nabla::NoGradGuard g;
  for (auto _ : st) benchmark::DoNotOptimize(call(s).data_ptr());
}
void BM_CallNoopHooks(benchmark::State& st) {
  Setup s;
  add_forward_hooks(s.lin);
  nabla::NoGradGuard g;
  for (auto _ : st) benchmark::DoNotOptimize(call(s).data_ptr());
}
void BM_ForwardDirect(benchmark::State& st) {
  Setup s;
  nabla::NoGradGuard g;
  for (auto _ : st) benchmark::DoNotOptimize(direct(s).data_ptr());
}
void BM_Backward(benchmark::State& st) {
  Setup s;
  for (auto _ : st) backward(s);
  benchmark::DoNotOptimize(s.lin->weight.grad().data_ptr());
}
void BM_BackwardAccumulateHook(benchmark::State& st) {
  Setup s;
  add_accumulate_hooks(s.lin);
  for (auto _ : st) backward(s);
  benchmark::DoNotOptimize(s.lin->weight.grad().data_ptr());
}
// Gradients are set once; every step applies them again (the weights drift, which costs the same).
void run_steps(benchmark::State& st, bool hooks) {
  Setup s;
  backward(s);
  optim::SGD opt(s.lin->parameters(), optim::SGDOptions(0.01));
  if (hooks) add_step_hooks(opt);
  for (auto _ : st) opt.step();
  benchmark::DoNotOptimize(s.lin->weight.data_ptr());
}
void BM_Step(benchmark::State& st) { run_steps(st, false); }
void BM_StepHooks(benchmark::State& st) { run_steps(st, true); }

BENCHMARK(BM_CallNoHooks);
BENCHMARK(BM_CallNoopHooks);
BENCHMARK(BM_ForwardDirect);
BENCHMARK(BM_Backward);
BENCHMARK(BM_BackwardAccumulateHook);
BENCHMARK(BM_Step);
BENCHMARK(BM_StepHooks);

// --count <case> <n>: the loop of one case, n times, for callgrind.
int count(const std::string& name, long n) {
  Setup s;
  backward(s);  // gradients for the step cases
  optim::SGD opt(s.lin->parameters(), optim::SGDOptions(0.01));
  if (name == "call_hooks") add_forward_hooks(s.lin);
  if (name == "backward_hook") add_accumulate_hooks(s.lin);
  if (name == "step_hooks") add_step_hooks(opt);
  nabla::NoGradGuard no_grad;
  if (name == "direct") {
    for (long i = 0; i < n; ++i) direct(s);
  } else if (name == "call" || name == "call_hooks") {
    for (long i = 0; i < n; ++i) call(s);
  } else if (name == "step" || name == "step_hooks") {
    for (long i = 0; i < n; ++i) opt.step();
  } else if (name == "backward" || name == "backward_hook") {
    nabla::AutoGradMode grad_mode(true);
    for (long i = 0; i < n; ++i) backward(s);
  } else {
    std::fprintf(stderr,
                 "bench_hooks --count: unknown case '%s' (direct, call, call_hooks, backward, backward_hook, step, "
                 "step_hooks)\n",
                 name.c_str());
    return 2;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "--count") == 0) return count(argv[2], std::atol(argv[3]));
  return nabla_bench::run_benchmarks(argc, argv, [](const nabla_bench::RatioReporter& r) {
    std::printf("\nratios of time per iteration (median of the repetitions; 1.00x = no cost)\n");
    r.print_ratio("model(x), no-op pre+post hook / no hooks", "BM_CallNoopHooks", "BM_CallNoHooks");
    r.print_ratio("model(x), no hooks / model->forward(x)", "BM_CallNoHooks", "BM_ForwardDirect");
    r.print_ratio("backward, post-accumulate hooks / none", "BM_BackwardAccumulateHook", "BM_Backward");
    r.print_ratio("SGD step, pre+post step hooks / none", "BM_StepHooks", "BM_Step");
  });
}
