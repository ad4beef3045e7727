// LRScheduler and the epoch-driven schedulers, in the recursive (chainable) form of PyTorch 1.13's get_lr(), with
// its operation order kept so that the lrs match PyTorch's bit for bit.
#include <cmath>
#include <numbers>

#include "nabla/core/error.h"
#include "nabla/optim/lr_scheduler.h"

namespace nabla::optim {

LRScheduler::LRScheduler(Optimizer& optimizer) : optimizer_(optimizer) {
  NABLA_CHECK(!optimizer.param_groups().empty(), "LRScheduler: the optimizer has no param groups");
  base_lrs_ = group_lrs();
}

std::vector<double> LRScheduler::group_lrs() const {
  std::vector<double> lrs;
  for (const auto& g : optimizer_.param_groups()) lrs.push_back(g.options().get_lr());
  return lrs;
}

void LRScheduler::initial_step() {
  last_epoch_ = -1;
  step();
}

void LRScheduler::step() {
  ++last_epoch_;
  std::vector<double> lrs;
  try {
    lrs = get_lr();
  } catch (...) {
    --last_epoch_;  // a refused step leaves the scheduler where it was
    throw;
  }
  auto& groups = optimizer_.param_groups();
  NABLA_CHECK(lrs.size() == groups.size(), "LRScheduler: the optimizer has ", groups.size(),
              " param groups but the scheduler was made for ", lrs.size(),
              "; make the scheduler after adding every param group");
  for (size_t i = 0; i < groups.size(); ++i) groups[i].options().set_lr(lrs[i]);
  last_lr_ = group_lrs();
}

// ---- StepLR ----

StepLR::StepLR(Optimizer& optimizer, int64_t step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
  NABLA_CHECK(step_size > 0, "StepLR: step_size must be > 0, got ", step_size);
  NABLA_CHECK(gamma > 0, "StepLR: gamma must be > 0, got ", gamma, " (0.1 divides the lr by 10)");
  initial_step();
}

std::vector<double> StepLR::get_lr() {
  auto lrs = group_lrs();
  if (last_epoch_ == 0 || last_epoch_ % step_size_ != 0) return lrs;
  for (double& lr : lrs) lr = lr * gamma_;
  return lrs;
}

// ---- MultiStepLR ----

MultiStepLR::MultiStepLR(Optimizer& optimizer, const std::vector<int64_t>& milestones, double gamma)
    : LRScheduler(optimizer), gamma_(gamma) {
  NABLA_CHECK(gamma > 0, "MultiStepLR: gamma must be > 0, got ", gamma, " (0.1 divides the lr by 10)");
  for (int64_t m : milestones) {
    NABLA_CHECK(m >= 0, "MultiStepLR: milestones must be >= 0, got ", m);
    ++milestones_[m];
  }
  initial_step();
}

std::vector<double> MultiStepLR::get_lr() {
  auto lrs = group_lrs();
  auto it = milestones_.find(last_epoch_);
  if (it == milestones_.end()) return lrs;
  const double f = std::pow(gamma_, static_cast<double>(it->second));
  for (double& lr : lrs) lr = lr * f;
  return lrs;
}

// ---- ExponentialLR ----

ExponentialLR::ExponentialLR(Optimizer& optimizer, double gamma) : LRScheduler(optimizer), gamma_(gamma) {
  NABLA_CHECK(gamma > 0, "ExponentialLR: gamma must be > 0, got ", gamma);
  initial_step();
}

std::vector<double> ExponentialLR::get_lr() {
  auto lrs = group_lrs();
  if (last_epoch_ == 0) return lrs;
  for (double& lr : lrs) lr = lr * gamma_;
  return lrs;
}

// ---- CosineAnnealingLR ----

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min)  // NOLINT
    : LRScheduler(optimizer), T_max_(T_max), eta_min_(eta_min) {
  NABLA_CHECK(T_max > 0, "CosineAnnealingLR: T_max must be > 0 (the number of epochs of a half cycle), got ", T_max);
  initial_step();
}

std::vector<double> CosineAnnealingLR::get_lr() {
  constexpr double pi = std::numbers::pi;
  auto lrs = group_lrs();
  NABLA_CHECK(lrs.size() == base_lrs_.size(), "CosineAnnealingLR: the optimizer has ", lrs.size(),
              " param groups but the scheduler was made for ", base_lrs_.size(),
              "; make the scheduler after adding every param group");
  const auto e = static_cast<double>(last_epoch_), T = static_cast<double>(T_max_);
  if (last_epoch_ == 0) return lrs;
  if ((last_epoch_ - 1 - T_max_) % (2 * T_max_) == 0) {
    // At the bottom of a cycle the ratio form would divide by zero; PyTorch adds one step's worth instead.
    for (size_t i = 0; i < lrs.size(); ++i) lrs[i] = lrs[i] + (base_lrs_[i] - eta_min_) * (1 - std::cos(pi / T)) / 2;
    return lrs;
  }
  for (double& lr : lrs)
    lr = (1 + std::cos(pi * e / T)) / (1 + std::cos(pi * (e - 1) / T)) * (lr - eta_min_) + eta_min_;
  return lrs;
}

// ---- LinearLR ----

LinearLR::LinearLR(Optimizer& optimizer, double start_factor, double end_factor, int64_t total_iters)
    : LRScheduler(optimizer), start_factor_(start_factor), end_factor_(end_factor), total_iters_(total_iters) {
  NABLA_CHECK(start_factor > 0 && start_factor <= 1, "LinearLR: start_factor must be in (0, 1], got ", start_factor);
  NABLA_CHECK(end_factor >= 0 && end_factor <= 1, "LinearLR: end_factor must be in [0, 1], got ", end_factor);
  NABLA_CHECK(total_iters >= 0, "LinearLR: total_iters must be >= 0, got ", total_iters);
  initial_step();
}

std::vector<double> LinearLR::get_lr() {
  auto lrs = group_lrs();
  if (last_epoch_ == 0) {
    for (double& lr : lrs) lr = lr * start_factor_;
    return lrs;
  }
  if (last_epoch_ > total_iters_) return lrs;
  const double d = end_factor_ - start_factor_;
  const double f =
      1. + d / (static_cast<double>(total_iters_) * start_factor_ + static_cast<double>(last_epoch_ - 1) * d);
  for (double& lr : lrs) lr = lr * f;
  return lrs;
}

}  // namespace nabla::optim
