#pragma once
// A one-line live progress bar on a terminal: epoch, batch, running loss, samples/s and ETA.
// When stderr is not a terminal (a pipe, a log file, ctest) it prints nothing; the per-epoch lines say enough.
#include <chrono>
#include <cstdint>
#include <cstdio>

namespace nabla::cli {

class ProgressBar {
 public:
  ProgressBar(int64_t epoch, int64_t epochs, int64_t batches, bool enabled);
  /// After each batch: `samples` in it, the mean loss so far this epoch.
  void update(int64_t batch, int64_t samples, double mean_loss);
  /// Clears the line (before the epoch summary is printed).
  void finish();

 private:
  int64_t epoch_, epochs_, batches_;
  bool enabled_;
  int64_t samples_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

/// "1:05" or "1:02:03".
void format_duration(double seconds, char* out, size_t size);

}  // namespace nabla::cli
