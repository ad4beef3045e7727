#pragma once
// Learning-rate schedulers (PyTorch 1.13's torch.optim.lr_scheduler, step for step): StepLR, MultiStepLR,
// ExponentialLR, CosineAnnealingLR, LinearLR, OneCycleLR and ReduceLROnPlateau.
//
// As in PyTorch, constructing a scheduler performs step 0 (it sets each group's lr to the schedule's first
// value); call optimizer.step() then scheduler.step() once per epoch (or batch, for OneCycleLR). The recursive
// schedulers read each group's current lr, so lr changes made outside the scheduler carry through as in PyTorch.
// Differences from PyTorch: no `last_epoch` resume argument (resume with state_dict() / load_state_dict()) and no
// `epoch` argument to step(); a scheduler keeps the groups' lrs at construction as its base_lrs (PyTorch stores them
// as group['initial_lr'], shared between schedulers of the same optimizer).
//
// Resuming, as in PyTorch: build the optimizer and the scheduler as at the start, then load the optimizer's
// state_dict (the scheduler's construction reset the lrs; the saved lrs, momentum and betas live in the optimizer's
// state dict) and the scheduler's. A scheduler's load_state_dict() restores only the scheduler.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nabla/optim/optimizer.h"

namespace nabla::optim {

/// Base of the epoch-driven schedulers: step() advances last_epoch and sets every group's lr to get_lr().
class LRScheduler {
 public:
  LRScheduler(const LRScheduler&) = delete;
  LRScheduler& operator=(const LRScheduler&) = delete;
  virtual ~LRScheduler() = default;

  /// Advances one epoch and writes the new lr into every param group.
  void step();
  /// The lr of each param group after the last step (one per group).
  const std::vector<double>& get_last_lr() const noexcept { return last_lr_; }
  /// Steps taken since step 0 (the construction); PyTorch's last_epoch.
  int64_t last_epoch() const noexcept { return last_epoch_; }
  /// The groups' lrs when the scheduler was made (OneCycleLR: max_lr / div_factor).
  const std::vector<double>& base_lrs() const noexcept { return base_lrs_; }
  Optimizer& optimizer() noexcept { return optimizer_; }

  /// "last_epoch" (0-dim int64), "base_lrs" and "last_lr" (1-d float64, one per group); the other settings are the
  /// constructor's.
  OrderedDict<std::string, Tensor> state_dict() const;
  /// Restores a state_dict() of a scheduler over as many param groups; checks every key first and throws
  /// nabla::Error leaving the scheduler unchanged. Does not touch the optimizer.
  void load_state_dict(const OrderedDict<std::string, Tensor>& state_dict);

 protected:
  explicit LRScheduler(Optimizer& optimizer);
  /// Subclasses call this at the end of their constructor: PyTorch's _initial_step (step 0).
  void initial_step();
  /// The lr of every group at last_epoch_ (PyTorch's chainable get_lr()).
  virtual std::vector<double> get_lr() = 0;
  /// Each group's current lr.
  std::vector<double> group_lrs() const;

  Optimizer& optimizer_;
  std::vector<double> base_lrs_;
  std::vector<double> last_lr_;
  int64_t last_epoch_ = -1;
};

/// Multiplies the lr by gamma every step_size epochs.
class StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, int64_t step_size, double gamma = 0.1);

 protected:
  std::vector<double> get_lr() override;

 private:
  int64_t step_size_;
  double gamma_;
};

/// Multiplies the lr by gamma at each milestone epoch (a milestone listed twice multiplies by gamma^2).
class MultiStepLR : public LRScheduler {
 public:
  MultiStepLR(Optimizer& optimizer, const std::vector<int64_t>& milestones, double gamma = 0.1);

 protected:
  std::vector<double> get_lr() override;

 private:
  std::map<int64_t, int64_t> milestones_;  // epoch -> how many times it is listed
  double gamma_;
};

/// Multiplies the lr by gamma every epoch.
class ExponentialLR : public LRScheduler {
 public:
  ExponentialLR(Optimizer& optimizer, double gamma);

 protected:
  std::vector<double> get_lr() override;

 private:
  double gamma_;
};

/// Cosine annealing from the base lr to eta_min over T_max epochs, by PyTorch's recursive formula (which keeps
/// oscillating past T_max).
class CosineAnnealingLR : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min = 0);  // NOLINT: PyTorch's name

 protected:
  std::vector<double> get_lr() override;

 private:
  int64_t T_max_;
  double eta_min_;
};

/// Scales the base lr by a factor that moves linearly from start_factor to end_factor over total_iters epochs.
class LinearLR : public LRScheduler {
 public:
  LinearLR(Optimizer& optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0, int64_t total_iters = 5);

 protected:
  std::vector<double> get_lr() override;

 private:
  double start_factor_, end_factor_;
  int64_t total_iters_;
};

/// The 1cycle policy: lr from max_lr / div_factor up to max_lr over pct_start of total_steps, then down to
/// max_lr / (div_factor * final_div_factor) (three_phase: back to the start first). With cycle_momentum the
/// momentum (SGD, RMSprop) or beta1 (Adam, AdamW) moves the opposite way between max_momentum and base_momentum.
/// Step it once per batch; stepping more than total_steps times throws.
class OneCycleLR : public LRScheduler {
 public:
  enum class AnnealStrategy { cos, linear };

  /// max_lr: one per param group.
  OneCycleLR(Optimizer& optimizer, std::vector<double> max_lr, int64_t total_steps, double pct_start = 0.3,
             AnnealStrategy anneal_strategy = AnnealStrategy::cos, bool cycle_momentum = true,
             double base_momentum = 0.85, double max_momentum = 0.95, double div_factor = 25.,
             double final_div_factor = 1e4, bool three_phase = false);
  /// The same max_lr for every param group.
  OneCycleLR(Optimizer& optimizer, double max_lr, int64_t total_steps, double pct_start = 0.3,
             AnnealStrategy anneal_strategy = AnnealStrategy::cos, bool cycle_momentum = true,
             double base_momentum = 0.85, double max_momentum = 0.95, double div_factor = 25.,
             double final_div_factor = 1e4, bool three_phase = false);

  int64_t total_steps() const noexcept { return total_steps_; }

 protected:
  std::vector<double> get_lr() override;

 private:
  // Values a phase anneals between.
  enum class Point { initial_lr, max_lr, min_lr, max_momentum, base_momentum };
  struct Phase {
    double end_step;
    Point start_lr, end_lr, start_momentum, end_momentum;
  };
  struct GroupValues {
    double initial_lr, max_lr, min_lr, max_momentum, base_momentum;
    double get(Point p) const;
  };
  double anneal(double start, double end, double pct) const;

  int64_t total_steps_;
  AnnealStrategy anneal_strategy_;
  bool cycle_momentum_;
  std::vector<Phase> phases_;
  std::vector<GroupValues> groups_;
};

/// Reduces every group's lr by `factor` when a metric has not improved for `patience` epochs; step(metric).
/// LibTorch's name is ReduceLROnPlateauScheduler; ReduceLROnPlateau is PyTorch's.
class ReduceLROnPlateauScheduler {
 public:
  enum SchedulerMode { min, max };
  enum ThresholdMode { rel, abs };

  /// min_lr: empty (0 for all), one value for all groups, or one per group.
  ReduceLROnPlateauScheduler(Optimizer& optimizer, SchedulerMode mode = min, double factor = 0.1, int64_t patience = 10,
                             double threshold = 1e-4, ThresholdMode threshold_mode = rel, int64_t cooldown = 0,
                             const std::vector<double>& min_lr = {}, double eps = 1e-8);

  /// One epoch with the monitored metric's value.
  void step(double metrics);
  /// Each group's lr after the last step (the current lrs before the first).
  const std::vector<double>& get_last_lr() const noexcept { return last_lr_; }
  int64_t last_epoch() const noexcept { return last_epoch_; }
  double best() const noexcept { return best_; }
  int64_t num_bad_epochs() const noexcept { return num_bad_epochs_; }
  bool in_cooldown() const noexcept { return cooldown_counter_ > 0; }

  /// "best" (0-dim float64), "num_bad_epochs", "cooldown_counter", "last_epoch" (0-dim int64) and "last_lr" (1-d
  /// float64, one per group); mode, factor, patience and the rest are the constructor's.
  OrderedDict<std::string, Tensor> state_dict() const;
  /// Restores a state_dict() of a scheduler over as many param groups; checks every key first and throws
  /// nabla::Error leaving the scheduler unchanged. Does not touch the optimizer.
  void load_state_dict(const OrderedDict<std::string, Tensor>& state_dict);

 private:
  bool is_better(double a, double best) const;
  void reduce_lr();

  Optimizer& optimizer_;
  SchedulerMode mode_;
  double factor_;
  int64_t patience_;
  double threshold_;
  ThresholdMode threshold_mode_;
  int64_t cooldown_;
  std::vector<double> min_lrs_;
  double eps_;
  double best_;
  int64_t num_bad_epochs_ = 0;
  int64_t cooldown_counter_ = 0;
  int64_t last_epoch_ = 0;
  std::vector<double> last_lr_;
};
using ReduceLROnPlateau = ReduceLROnPlateauScheduler;

}  // namespace nabla::optim
