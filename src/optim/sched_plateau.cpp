// ReduceLROnPlateau (PyTorch 1.13): count epochs without improvement beyond a threshold; after `patience` of them
// multiply every group's lr by factor (not below min_lr, and only if it drops by more than eps), then cool down.
#include <algorithm>
#include <limits>

#include "nabla/core/error.h"
#include "nabla/optim/lr_scheduler.h"

namespace nabla::optim {

ReduceLROnPlateauScheduler::ReduceLROnPlateauScheduler(Optimizer& optimizer, SchedulerMode mode, double factor,
                                                       int64_t patience, double threshold, ThresholdMode threshold_mode,
                                                       int64_t cooldown, const std::vector<double>& min_lr, double eps)
    : optimizer_(optimizer),
      mode_(mode),
      factor_(factor),
      patience_(patience),
      threshold_(threshold),
      threshold_mode_(threshold_mode),
      cooldown_(cooldown),
      eps_(eps) {
  NABLA_CHECK(factor < 1.0, "ReduceLROnPlateau: factor should be < 1.0, got ", factor,
              " (new_lr = lr * factor; 0.1 divides the lr by 10)");
  NABLA_CHECK(factor >= 0, "ReduceLROnPlateau: factor must be >= 0, got ", factor);
  NABLA_CHECK(mode == min || mode == max, "ReduceLROnPlateau: mode ", static_cast<int>(mode),
              " is unknown; use min or max");
  NABLA_CHECK(threshold_mode == rel || threshold_mode == abs, "ReduceLROnPlateau: threshold mode ",
              static_cast<int>(threshold_mode), " is unknown; use rel or abs");
  NABLA_CHECK(patience >= 0, "ReduceLROnPlateau: patience must be >= 0, got ", patience);
  NABLA_CHECK(cooldown >= 0, "ReduceLROnPlateau: cooldown must be >= 0, got ", cooldown);
  const size_t n = optimizer.param_groups().size();
  if (min_lr.empty()) {
    min_lrs_.assign(n, 0.0);
  } else if (min_lr.size() == 1) {
    min_lrs_.assign(n, min_lr[0]);
  } else {
    NABLA_CHECK(min_lr.size() == n, "ReduceLROnPlateau: expected ", n, " min_lrs (one per param group), got ",
                min_lr.size());
    min_lrs_ = min_lr;
  }
  best_ = mode == min ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
  for (const auto& g : optimizer.param_groups()) last_lr_.push_back(g.options().get_lr());
}

bool ReduceLROnPlateauScheduler::is_better(double a, double best) const {
  if (mode_ == min && threshold_mode_ == rel) return a < best * (1. - threshold_);
  if (mode_ == min) return a < best - threshold_;
  if (threshold_mode_ == rel) return a > best * (threshold_ + 1.);
  return a > best + threshold_;
}

void ReduceLROnPlateauScheduler::reduce_lr() {
  auto& groups = optimizer_.param_groups();
  for (size_t i = 0; i < groups.size(); ++i) {
    const double old_lr = groups[i].options().get_lr();
    const double new_lr = std::max(old_lr * factor_, i < min_lrs_.size() ? min_lrs_[i] : 0.0);
    if (old_lr - new_lr > eps_) groups[i].options().set_lr(new_lr);
  }
}

void ReduceLROnPlateauScheduler::step(double metrics) {
  ++last_epoch_;
  if (is_better(metrics, best_)) {
    best_ = metrics;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  if (in_cooldown()) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;  // bad epochs in cooldown don't count
  }
  if (num_bad_epochs_ > patience_) {
    reduce_lr();
    cooldown_counter_ = cooldown_;
    num_bad_epochs_ = 0;
  }
  last_lr_.clear();
  for (const auto& g : optimizer_.param_groups()) last_lr_.push_back(g.options().get_lr());
}

}  // namespace nabla::optim
