// The schedulers' state_dict / load_state_dict: the counters a schedule has advanced (PyTorch's names); the
// settings come from the constructor and the lrs from the optimizer's own state dict.
#include "nabla/ops/factory.h"
#include "nabla/optim/lr_scheduler.h"
#include "optim/state_dict_util.h"

namespace nabla::optim {
namespace {
Tensor count_tensor(int64_t v) { return scalar_tensor(v, TensorOptions().dtype(kInt64)); }
}  // namespace

OrderedDict<std::string, Tensor> LRScheduler::state_dict() const {
  OrderedDict<std::string, Tensor> sd("Key");
  sd.insert("last_epoch", count_tensor(last_epoch_));
  sd.insert("base_lrs", detail::doubles_tensor(base_lrs_));
  sd.insert("last_lr", detail::doubles_tensor(last_lr_));
  return sd;
}

void LRScheduler::load_state_dict(const OrderedDict<std::string, Tensor>& sd) {
  constexpr const char* op = "LRScheduler::load_state_dict";
  detail::check_no_unknown_keys(sd, {"last_epoch", "base_lrs", "last_lr"}, op);
  const size_t n = base_lrs_.size();  // one per param group
  const int64_t last_epoch = detail::read_count(detail::require(sd, "last_epoch", op), "last_epoch", op);
  auto base_lrs = detail::read_doubles(detail::require(sd, "base_lrs", op), "base_lrs", n, op);
  auto last_lr = detail::read_doubles(detail::require(sd, "last_lr", op), "last_lr", n, op);
  last_epoch_ = last_epoch;
  base_lrs_ = std::move(base_lrs);
  last_lr_ = std::move(last_lr);
}

OrderedDict<std::string, Tensor> ReduceLROnPlateauScheduler::state_dict() const {
  OrderedDict<std::string, Tensor> sd("Key");
  sd.insert("best", scalar_tensor(best_, TensorOptions().dtype(kFloat64)));
  sd.insert("num_bad_epochs", count_tensor(num_bad_epochs_));
  sd.insert("cooldown_counter", count_tensor(cooldown_counter_));
  sd.insert("last_epoch", count_tensor(last_epoch_));
  sd.insert("last_lr", detail::doubles_tensor(last_lr_));
  return sd;
}

void ReduceLROnPlateauScheduler::load_state_dict(const OrderedDict<std::string, Tensor>& sd) {
  constexpr const char* op = "ReduceLROnPlateau::load_state_dict";
  detail::check_no_unknown_keys(sd, {"best", "num_bad_epochs", "cooldown_counter", "last_epoch", "last_lr"}, op);
  const double best = detail::read_double(detail::require(sd, "best", op), "best", op);
  const int64_t bad = detail::read_count(detail::require(sd, "num_bad_epochs", op), "num_bad_epochs", op);
  const int64_t cooldown = detail::read_count(detail::require(sd, "cooldown_counter", op), "cooldown_counter", op);
  const int64_t last_epoch = detail::read_count(detail::require(sd, "last_epoch", op), "last_epoch", op);
  auto last_lr =
      detail::read_doubles(detail::require(sd, "last_lr", op), "last_lr", optimizer_.param_groups().size(), op);
  best_ = best;
  num_bad_epochs_ = bad;
  cooldown_counter_ = cooldown;
  last_epoch_ = last_epoch;
  last_lr_ = std::move(last_lr);
}

}  // namespace nabla::optim
