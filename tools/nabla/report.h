#pragma once
// What `nabla train` writes next to its checkpoints: metrics.csv (one row per epoch) and an SVG plot of the train
// loss and the test accuracy per epoch. Both are rewritten whole, atomically, after every epoch.
#include <cstdint>
#include <string>
#include <vector>

namespace nabla::cli {

struct EpochMetrics {
  int64_t epoch = 0;  // 1-based
  double train_loss = 0, train_accuracy = 0, test_loss = 0, test_accuracy = 0, lr = 0, seconds = 0;
};

/// Header "epoch,train_loss,train_accuracy,test_loss,test_accuracy,lr,seconds", then one row per epoch.
void write_metrics_csv(const std::string& path, const std::vector<EpochMetrics>& rows);
/// Reads a file written by write_metrics_csv; nabla::Error names the file and line of anything else.
std::vector<EpochMetrics> read_metrics_csv(const std::string& path);
/// A self-contained SVG: train loss (left axis) and test accuracy (right axis) against the epoch.
void write_plot_svg(const std::string& path, const std::vector<EpochMetrics>& rows, const std::string& title);

}  // namespace nabla::cli
