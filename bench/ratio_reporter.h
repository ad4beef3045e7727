#pragma once
// A console reporter that also remembers each run's real time, so main() can print ratios afterwards.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>

namespace nabla_bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs)
      if (r.run_type == Run::RT_Iteration && !r.error_occurred) ns_[r.benchmark_name()] = r.GetAdjustedRealTime();
    ConsoleReporter::ReportRuns(runs);
  }
  /// Time per iteration in the benchmark's display unit, or a negative value when the run is missing.
  double time(const std::string& name) const {
    auto it = ns_.find(name);
    return it == ns_.end() ? -1.0 : it->second;
  }
  void print_ratio(const std::string& label, const std::string& num, const std::string& den) const {
    const double a = time(num), b = time(den);
    if (a < 0 || b <= 0) return;
    std::printf("%-48s %8.2fx  (%s / %s)\n", label.c_str(), a / b, num.c_str(), den.c_str());
  }

 private:
  std::map<std::string, double> ns_;
};

}  // namespace nabla_bench
