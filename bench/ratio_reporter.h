#pragma once
// A console reporter that also remembers each benchmark's real and CPU time per iteration (the median when
// --benchmark_repetitions is given), so main() can print ratios against a reference from the same run;
// run_benchmarks() is that main() less the summary it prints.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

namespace nabla_bench {

/// argv with defaults for a noisy shared machine inserted first (flags given by the user come later and win):
/// 5 repetitions in random interleaving, medians reported.
inline std::vector<char*> with_default_flags(int argc, char** argv) {
  static char reps[] = "--benchmark_repetitions=5";
  static char interleave[] = "--benchmark_enable_random_interleaving=true";
  static char aggregates[] = "--benchmark_report_aggregates_only=true";
  std::vector<char*> out{argv[0], reps, interleave, aggregates};
  for (int i = 1; i < argc; ++i) out.push_back(argv[i]);
  out.push_back(nullptr);
  return out;
}

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  struct Times {
    double real = -1, cpu = -1;
    bool from_median = false;
  };

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs) {
      if (r.error_occurred) continue;
      Times& t = times_[r.run_name.str()];
      const bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
      if (median || (r.run_type == Run::RT_Iteration && !t.from_median)) {
        t = {r.GetAdjustedRealTime(), r.GetAdjustedCPUTime(), median};
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  /// Real time per iteration in the benchmark's display unit, or a negative value when the run is missing.
  double time(const std::string& name) const { return get(name).real; }
  double cpu_time(const std::string& name) const { return get(name).cpu; }

  void print_ratio(const std::string& label, const std::string& num, const std::string& den) const {
    const Times a = get(num), b = get(den);
    if (a.real < 0 || b.real <= 0) return;
    std::printf("%-44s real %6.2fx   cpu %6.2fx   (%s / %s)\n", label.c_str(), a.real / b.real, a.cpu / b.cpu,
                num.c_str(), den.c_str());
  }

 private:
  Times get(const std::string& name) const {
    auto it = times_.find(name);
    return it == times_.end() ? Times{} : it->second;
  }
  std::map<std::string, Times> times_;
};

/// main() once the benchmarks are registered: parses the command line (with_default_flags first), runs the selected
/// benchmarks through a RatioReporter, calls summary(reporter) to print what follows the table, and returns main's
/// exit code (1 for an unrecognized flag).
template <typename Summary>
int run_benchmarks(int argc, char** argv, Summary&& summary) {
  auto args = with_default_flags(argc, argv);
  int n = int(args.size()) - 1;
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  summary(static_cast<const RatioReporter&>(reporter));
  benchmark::Shutdown();
  return 0;
}

/// A ratio for print_shape_ratios: benchmark `num` over benchmark `den`.
struct Ratio {
  const char* label;
  const char* num;
  const char* den;
};

/// Under a heading, for each shape (the benchmark's arguments, "64/784/256") and then each ratio, the ratio of
/// num/<shape>/real_time over den/<shape>/real_time labelled "<label> <shape>".
inline void print_shape_ratios(const RatioReporter& reporter, std::initializer_list<const char*> shapes,
                               std::initializer_list<Ratio> ratios) {
  std::printf("\nratios of time per iteration (1.00x = as fast as the reference; lower is better)\n");
  for (const char* s : shapes) {
    const std::string shape(s), run = "/" + shape + "/real_time";
    for (const Ratio& r : ratios) reporter.print_ratio(r.label + (" " + shape), r.num + run, r.den + run);
  }
}

}  // namespace nabla_bench
