// OneCycleLR (PyTorch 1.13): per group, anneal lr (and momentum or beta1) between phase end points, with pct the
// fraction of the current phase done; operation order as in PyTorch so the lrs match bit for bit.
#include <cmath>
#include <numbers>
#include <tuple>

#include "nabla/core/error.h"
#include "nabla/optim/adam.h"
#include "nabla/optim/adamw.h"
#include "nabla/optim/lr_scheduler.h"
#include "nabla/optim/rmsprop.h"
#include "nabla/optim/sgd.h"

namespace nabla::optim {
namespace {

// Which momentum-like option an optimizer's options have: PyTorch checks 'momentum' first, then 'betas'.
enum class MomentumKind { none, momentum, beta1 };

MomentumKind momentum_kind(const OptimizerOptions& o) {
  if (dynamic_cast<const SGDOptions*>(&o) || dynamic_cast<const RMSpropOptions*>(&o)) return MomentumKind::momentum;
  if (dynamic_cast<const AdamOptions*>(&o) || dynamic_cast<const AdamWOptions*>(&o)) return MomentumKind::beta1;
  return MomentumKind::none;
}

void set_momentum(OptimizerOptions& o, double m) {
  if (auto* s = dynamic_cast<SGDOptions*>(&o)) {
    s->momentum(m);
  } else if (auto* r = dynamic_cast<RMSpropOptions*>(&o)) {
    r->momentum(m);
  } else if (auto* a = dynamic_cast<AdamOptions*>(&o)) {
    std::get<0>(a->betas()) = m;
  } else if (auto* w = dynamic_cast<AdamWOptions*>(&o)) {
    std::get<0>(w->betas()) = m;
  }
}

}  // namespace

double OneCycleLR::GroupValues::get(Point p) const {
  switch (p) {
    case Point::initial_lr:
      return initial_lr;
    case Point::max_lr:
      return max_lr;
    case Point::min_lr:
      return min_lr;
    case Point::max_momentum:
      return max_momentum;
    case Point::base_momentum:
      return base_momentum;
  }
  return 0;
}

OneCycleLR::OneCycleLR(Optimizer& optimizer, double max_lr, int64_t total_steps, double pct_start,
                       AnnealStrategy anneal_strategy, bool cycle_momentum, double base_momentum, double max_momentum,
                       double div_factor, double final_div_factor, bool three_phase)
    : OneCycleLR(optimizer, std::vector<double>(optimizer.param_groups().size(), max_lr), total_steps, pct_start,
                 anneal_strategy, cycle_momentum, base_momentum, max_momentum, div_factor, final_div_factor,
                 three_phase) {}

OneCycleLR::OneCycleLR(Optimizer& optimizer, std::vector<double> max_lr, int64_t total_steps, double pct_start,
                       AnnealStrategy anneal_strategy, bool cycle_momentum, double base_momentum, double max_momentum,
                       double div_factor, double final_div_factor, bool three_phase)
    : LRScheduler(optimizer),
      total_steps_(total_steps),
      anneal_strategy_(anneal_strategy),
      cycle_momentum_(cycle_momentum) {
  NABLA_CHECK(total_steps > 0, "OneCycleLR: expected a positive total_steps, got ", total_steps,
              " (for epochs and steps_per_epoch pass epochs * steps_per_epoch)");
  NABLA_CHECK(pct_start >= 0 && pct_start <= 1, "OneCycleLR: expected pct_start between 0 and 1, got ", pct_start);
  NABLA_CHECK(div_factor > 0 && final_div_factor > 0, "OneCycleLR: div_factor and final_div_factor must be > 0, got ",
              div_factor, " and ", final_div_factor);
  auto& groups = optimizer.param_groups();
  NABLA_CHECK(max_lr.size() == groups.size(), "OneCycleLR: expected ", groups.size(), " values for max_lr (one per ",
              "param group), got ", max_lr.size());

  const double total = static_cast<double>(total_steps);
  if (three_phase) {
    phases_ = {{pct_start * total - 1, Point::initial_lr, Point::max_lr, Point::max_momentum, Point::base_momentum},
               {2 * pct_start * total - 2, Point::max_lr, Point::initial_lr, Point::base_momentum, Point::max_momentum},
               {total - 1, Point::initial_lr, Point::min_lr, Point::max_momentum, Point::max_momentum}};
  } else {
    phases_ = {{pct_start * total - 1, Point::initial_lr, Point::max_lr, Point::max_momentum, Point::base_momentum},
               {total - 1, Point::max_lr, Point::min_lr, Point::base_momentum, Point::max_momentum}};
  }
  // PyTorch divides by each phase's length; a zero-length phase would divide by zero when reached.
  double start = 0;
  for (size_t i = 0; i < phases_.size(); ++i) {
    NABLA_CHECK(phases_[i].end_step != start, "OneCycleLR: phase ", i, " has zero length (pct_start ", pct_start,
                " * total_steps ", total_steps, "); change pct_start or total_steps");
    start = phases_[i].end_step;
  }

  if (cycle_momentum) {
    NABLA_CHECK(momentum_kind(optimizer.defaults()) != MomentumKind::none,
                "OneCycleLR: optimizer must support momentum (SGD, RMSprop) or betas (Adam, AdamW) with "
                "cycle_momentum enabled; pass cycle_momentum = false");
  }
  for (size_t i = 0; i < groups.size(); ++i) {
    GroupValues v{};
    v.initial_lr = max_lr[i] / div_factor;
    v.max_lr = max_lr[i];
    v.min_lr = v.initial_lr / final_div_factor;
    v.max_momentum = max_momentum;
    v.base_momentum = base_momentum;
    groups_.push_back(v);
    if (cycle_momentum) set_momentum(groups[i].options(), max_momentum);
  }
  for (size_t i = 0; i < groups.size(); ++i) base_lrs_[i] = groups_[i].initial_lr;
  initial_step();
}

double OneCycleLR::anneal(double start, double end, double pct) const {
  if (anneal_strategy_ == AnnealStrategy::cos) {
    const double cos_out = std::cos(std::numbers::pi * pct) + 1;
    return end + (start - end) / 2.0 * cos_out;
  }
  return (end - start) * pct + start;
}

std::vector<double> OneCycleLR::get_lr() {
  NABLA_CHECK(last_epoch_ <= total_steps_, "OneCycleLR: Tried to step ", last_epoch_ + 1,
              " times. The specified number of total steps is ", total_steps_,
              "; make total_steps at least the number of scheduler.step() calls + 1");
  auto& groups = optimizer_.param_groups();
  NABLA_CHECK(groups.size() == groups_.size(), "OneCycleLR: the optimizer has ", groups.size(),
              " param groups but the scheduler was made for ", groups_.size(),
              "; make the scheduler after adding every param group");
  const auto step_num = static_cast<double>(last_epoch_);
  std::vector<double> lrs;
  for (size_t g = 0; g < groups.size(); ++g) {
    const GroupValues& v = groups_[g];
    double start_step = 0, lr = 0, momentum = 0;
    for (size_t i = 0; i < phases_.size(); ++i) {
      const Phase& p = phases_[i];
      if (step_num <= p.end_step || i == phases_.size() - 1) {
        const double pct = (step_num - start_step) / (p.end_step - start_step);
        lr = anneal(v.get(p.start_lr), v.get(p.end_lr), pct);
        if (cycle_momentum_) momentum = anneal(v.get(p.start_momentum), v.get(p.end_momentum), pct);
        break;
      }
      start_step = p.end_step;
    }
    lrs.push_back(lr);
    if (cycle_momentum_) set_momentum(groups[g].options(), momentum);
  }
  return lrs;
}

}  // namespace nabla::optim
