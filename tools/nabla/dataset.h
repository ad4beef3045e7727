#pragma once
// Fashion-MNIST (or MNIST) for the command line: whole splits as tensors, normalised once, and the evaluation
// shared by `nabla train` (after every epoch) and `nabla eval`.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "nabla/core/tensor.h"
#include "nabla/nn.h"

namespace nabla::cli {

/// Fashion-MNIST's training-set pixel mean and standard deviation (of values in [0, 1]).
constexpr double kPixelMean = 0.2860, kPixelStd = 0.3530;
constexpr int64_t kClasses = 10;

/// images float32 (N, 1, 28, 28), (x - mean) / std; targets int64 (N).
struct Split {
  Tensor images, targets;
  int64_t size() const { return targets.size(0); }
};

/// Reads the train or test IDX files from dir (raw or .gz); limit > 0 keeps the first `limit` examples.
Split load_split(const std::string& dir, bool train, int64_t limit = 0);

/// Fashion-MNIST's class names, by label.
const std::array<const char*, kClasses>& class_names();

struct EvalResult {
  double loss = 0;      // mean cross-entropy
  double accuracy = 0;  // fraction correct
  int64_t count = 0;
  std::vector<int64_t> confusion;  // kClasses x kClasses, row = true label, column = prediction
};

/// Runs model (in eval mode, without grad) over the split in batches; restores the model's training flag.
EvalResult evaluate(nn::Sequential& model, const Split& split, int64_t batch_size = 1000);

}  // namespace nabla::cli
