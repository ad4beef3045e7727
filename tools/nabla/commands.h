#pragma once
// The `nabla` subcommands. Each returns the process exit status.
#include <cstdint>
#include <set>
#include <string>

namespace nabla::cli {

struct TrainConfig {
  std::string data = "/usr/share/datasets/fashion-mnist";
  std::string model = "mlp";
  int64_t epochs = 10;
  int64_t batch_size = 64;
  std::string optimizer = "adam";  // sgd | adam | adamw
  double lr = 1e-3;
  double momentum = 0.9;  // sgd only
  double weight_decay = 0;
  double clip_grad_norm = 0;       // 0: no clipping
  std::string scheduler = "none";  // none | step | cosine | onecycle | plateau
  int64_t step_size = 5;           // StepLR: epochs between lr * 0.1
  uint64_t seed = 0;
  int threads = 0;  // 0: the default (all cores)
  std::string out = "runs/mlp";
  bool resume = false;
  bool overwrite = false;                   // replace a finished or stopped run in `out`
  int64_t train_limit = 0, test_limit = 0;  // > 0: use only the first N examples
  bool progress = true;
};

/// `nabla train`: trains, evaluates after every epoch, writes checkpoints, metrics.csv and metrics.svg to cfg.out.
/// `given` names the options the user typed (without "--"); with --resume the others come from the run's settings.
int run_train(TrainConfig cfg, const std::set<std::string>& given);

struct EvalConfig {
  std::string checkpoint;
  std::string data = "/usr/share/datasets/fashion-mnist";
  std::string model;  // empty: from the checkpoint's metadata
  int64_t batch_size = 1000;
  int64_t limit = 0;
  int threads = 0;
};

/// `nabla eval`: accuracy, per-class accuracy and the confusion matrix of a checkpoint on the test split.
int run_eval(const EvalConfig& cfg);

}  // namespace nabla::cli
