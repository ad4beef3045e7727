#include "run_state.h"

#include <cstdio>
#include <cstdlib>

#include "dataset.h"
#include "nabla/core/error.h"

namespace nabla::cli {
namespace {

// The settings that fix a run, under their command-line names.
template <typename F>
void visit_settings(TrainConfig& c, F&& f) {
  f("model", c.model);
  f("optimizer", c.optimizer);
  f("lr", c.lr);
  f("momentum", c.momentum);
  f("weight-decay", c.weight_decay);
  f("clip-grad-norm", c.clip_grad_norm);
  f("scheduler", c.scheduler);
  f("step-size", c.step_size);
  f("seed", c.seed);
  f("batch-size", c.batch_size);
  f("epochs", c.epochs);
  f("train-limit", c.train_limit);
  f("test-limit", c.test_limit);
}

std::string to_text(const std::string& v) { return v; }
std::string to_text(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}
std::string to_text(int64_t v) { return std::to_string(v); }
std::string to_text(uint64_t v) { return std::to_string(v); }

void from_text(const std::string& s, std::string& v) { v = s; }
void from_text(const std::string& s, double& v) { v = std::strtod(s.c_str(), nullptr); }
void from_text(const std::string& s, int64_t& v) { v = std::strtoll(s.c_str(), nullptr, 10); }
void from_text(const std::string& s, uint64_t& v) { v = std::strtoull(s.c_str(), nullptr, 10); }

OrderedDict<std::string, Tensor> with_prefix(const std::string& prefix, const OrderedDict<std::string, Tensor>& d) {
  OrderedDict<std::string, Tensor> out;
  for (const auto& item : d) out.insert(prefix + item.key(), item.value());
  return out;
}

OrderedDict<std::string, Tensor> strip_prefix(const std::string& prefix, const OrderedDict<std::string, Tensor>& d) {
  OrderedDict<std::string, Tensor> out;
  for (const auto& item : d)
    if (item.key().compare(0, prefix.size(), prefix) == 0) out.insert(item.key().substr(prefix.size()), item.value());
  return out;
}

const std::string& meta_value(const SafetensorsMetadata& meta, const std::string& key, const std::string& path) {
  auto it = meta.find(key);
  NABLA_CHECK(it != meta.end(), "train --resume: '", path, "' has no '", key,
              "' in its metadata; it was not written by nabla train");
  return it->second;
}

}  // namespace

std::unique_ptr<optim::Optimizer> make_optimizer(const TrainConfig& cfg, const std::vector<Tensor>& params) {
  if (cfg.optimizer == "sgd")
    return std::make_unique<optim::SGD>(
        params, optim::SGDOptions(cfg.lr).momentum(cfg.momentum).weight_decay(cfg.weight_decay));
  if (cfg.optimizer == "adam")
    return std::make_unique<optim::Adam>(params, optim::AdamOptions(cfg.lr).weight_decay(cfg.weight_decay));
  if (cfg.optimizer == "adamw")
    return std::make_unique<optim::AdamW>(params, optim::AdamWOptions(cfg.lr).weight_decay(cfg.weight_decay));
  NABLA_FAIL("train: unknown optimizer '", cfg.optimizer, "'; choose sgd, adam or adamw");
}

Scheduler::Scheduler(const TrainConfig& cfg, optim::Optimizer& optimizer, int64_t batches_per_epoch) {
  if (cfg.scheduler == "step")
    per_epoch_ = std::make_unique<optim::StepLR>(optimizer, cfg.step_size, 0.1);
  else if (cfg.scheduler == "cosine")
    per_epoch_ = std::make_unique<optim::CosineAnnealingLR>(optimizer, cfg.epochs);
  else if (cfg.scheduler == "onecycle")
    per_batch_ = std::make_unique<optim::OneCycleLR>(optimizer, cfg.lr, cfg.epochs * batches_per_epoch);
  else if (cfg.scheduler == "plateau")
    plateau_ = std::make_unique<optim::ReduceLROnPlateau>(optimizer, optim::ReduceLROnPlateau::min, 0.1, 2);
  else
    NABLA_CHECK(cfg.scheduler == "none", "train: unknown scheduler '", cfg.scheduler,
                "'; choose none, step, cosine, onecycle or plateau");
}

void Scheduler::batch_done() {
  if (per_batch_) per_batch_->step();
}

void Scheduler::epoch_done(double test_loss) {
  if (per_epoch_) per_epoch_->step();
  if (plateau_) plateau_->step(test_loss);
}

OrderedDict<std::string, Tensor> Scheduler::state_dict() const {
  if (per_epoch_) return per_epoch_->state_dict();
  if (per_batch_) return per_batch_->state_dict();
  if (plateau_) return plateau_->state_dict();
  return OrderedDict<std::string, Tensor>();
}

void Scheduler::load_state_dict(const OrderedDict<std::string, Tensor>& state) {
  if (per_epoch_) per_epoch_->load_state_dict(state);
  if (per_batch_) per_batch_->load_state_dict(state);
  if (plateau_) plateau_->load_state_dict(state);
}

std::map<std::string, std::string> settings_of(const TrainConfig& cfg) {
  std::map<std::string, std::string> out;
  TrainConfig copy = cfg;
  visit_settings(copy, [&](const char* name, auto& field) { out[name] = to_text(field); });
  return out;
}

void adopt_settings(TrainConfig& cfg, const std::map<std::string, std::string>& settings,
                    const std::set<std::string>& given) {
  // The cosine and onecycle schedules are laid out over --epochs, so their length cannot change.
  auto stored_scheduler = settings.find("scheduler");
  const bool fixed_length = stored_scheduler != settings.end() &&
                            (stored_scheduler->second == "cosine" || stored_scheduler->second == "onecycle");
  visit_settings(cfg, [&](const char* name, auto& field) {
    auto it = settings.find(name);
    NABLA_CHECK(it != settings.end(), "train --resume: the run's settings lack '", name,
                "'; its resume.safetensors was not written by this version of nabla train");
    if (given.count(name) && to_text(field) != it->second) {
      const bool may_change = std::string(name) == "epochs" && !fixed_length;
      NABLA_CHECK(may_change, "train --resume: --", name, " ", to_text(field), " differs from the run being resumed (",
                  it->second, "); drop the option to keep the run's value",
                  std::string(name) == "epochs" ? " (the cosine and onecycle schedules are fixed by --epochs)" : "");
      return;
    }
    from_text(it->second, field);
  });
}

SafetensorsMetadata model_metadata(const TrainConfig& cfg, int64_t epoch, double test_accuracy) {
  return {{"format", "nabla.model"},          {"model", cfg.model},
          {"epoch", std::to_string(epoch)},   {"test_accuracy", to_text(test_accuracy)},
          {"pixel_mean", to_text(kPixelMean)}, {"pixel_std", to_text(kPixelStd)}};
}

void write_run_state(const std::string& path, const TrainConfig& cfg, const RunState& state, const nn::Module& model,
                     const optim::Optimizer& optimizer, const Scheduler& scheduler) {
  OrderedDict<std::string, Tensor> tensors = with_prefix("model.", model.state_dict());
  tensors.update(with_prefix("optimizer.", optimizer.state_dict()));
  tensors.update(with_prefix("scheduler.", scheduler.state_dict()));
  tensors.insert("rng.cpu", get_rng_state());
  SafetensorsMetadata meta;
  for (const auto& [k, v] : settings_of(cfg)) meta["setting." + k] = v;
  meta["format"] = "nabla.train_state";
  meta["epoch"] = std::to_string(state.epoch);
  meta["best_epoch"] = std::to_string(state.best_epoch);
  meta["best_accuracy"] = to_text(state.best_accuracy);
  save(tensors, path, meta);
}

RunState read_run_state(const std::string& path) {
  const SafetensorsMetadata meta = load_metadata(path);
  NABLA_CHECK(meta_value(meta, "format", path) == "nabla.train_state", "train --resume: '", path,
              "' is not a nabla train state (format '", meta.at("format"), "')");
  RunState state;
  state.epoch = std::strtoll(meta_value(meta, "epoch", path).c_str(), nullptr, 10);
  state.best_epoch = std::strtoll(meta_value(meta, "best_epoch", path).c_str(), nullptr, 10);
  state.best_accuracy = std::strtod(meta_value(meta, "best_accuracy", path).c_str(), nullptr);
  for (const auto& [k, v] : meta)
    if (k.compare(0, 8, "setting.") == 0) state.settings[k.substr(8)] = v;
  state.tensors = load(path);
  return state;
}

void restore(const RunState& state, nn::Module& model, optim::Optimizer& optimizer, Scheduler& scheduler) {
  model.load_state_dict(strip_prefix("model.", state.tensors));
  optimizer.load_state_dict(strip_prefix("optimizer.", state.tensors));
  scheduler.load_state_dict(strip_prefix("scheduler.", state.tensors));
}

}  // namespace nabla::cli
