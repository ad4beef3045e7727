#pragma once
// What `nabla train` needs to build and to resume a run: the optimizer and LR schedule named by the settings, the
// run's settings as safetensors metadata, and resume.safetensors (model + optimizer + scheduler state).
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "commands.h"
#include "nabla/io.h"
#include "nabla/nn.h"
#include "nabla/optim.h"

namespace nabla::cli {

/// sgd (with cfg.momentum), adam or adamw, with cfg.lr and cfg.weight_decay.
std::unique_ptr<optim::Optimizer> make_optimizer(const TrainConfig& cfg, const std::vector<Tensor>& params);

/// The LR schedule of --scheduler: none, step (x0.1 every step_size epochs), cosine (to 0 over the epochs),
/// onecycle (per batch, peak cfg.lr) or plateau (x0.1 when the test loss stalls for 2 epochs).
class Scheduler {
 public:
  Scheduler(const TrainConfig& cfg, optim::Optimizer& optimizer, int64_t batches_per_epoch);
  void batch_done();
  void epoch_done(double test_loss);
  OrderedDict<std::string, Tensor> state_dict() const;
  void load_state_dict(const OrderedDict<std::string, Tensor>& state);

 private:
  std::unique_ptr<optim::LRScheduler> per_epoch_, per_batch_;
  std::unique_ptr<optim::ReduceLROnPlateau> plateau_;
};

/// Where a run stands: the last finished epoch, its best test accuracy, and (when read back) what to restore.
struct RunState {
  int64_t epoch = 0;
  int64_t best_epoch = 0;
  double best_accuracy = 0;
  std::map<std::string, std::string> settings;  // the TrainConfig fields that fix the run, as text
  OrderedDict<std::string, Tensor> tensors;      // "model.*", "optimizer.*", "scheduler.*"
};

/// The settings that must stay the same when a run is resumed.
std::map<std::string, std::string> settings_of(const TrainConfig& cfg);
/// Takes the resumed run's settings into cfg; an option the user typed that disagrees is a nabla::Error.
void adopt_settings(TrainConfig& cfg, const std::map<std::string, std::string>& settings,
                    const std::set<std::string>& given);
/// Metadata of last/best.safetensors: the model name (for `nabla eval`), epoch, test accuracy, input scaling.
SafetensorsMetadata model_metadata(const TrainConfig& cfg, int64_t epoch, double test_accuracy);

void write_run_state(const std::string& path, const TrainConfig& cfg, const RunState& state, const nn::Module& model,
                     const optim::Optimizer& optimizer, const Scheduler& scheduler);
RunState read_run_state(const std::string& path);
/// Loads state.tensors into the model, optimizer and scheduler (all checked by their load_state_dict).
void restore(const RunState& state, nn::Module& model, optim::Optimizer& optimizer, Scheduler& scheduler);

}  // namespace nabla::cli
