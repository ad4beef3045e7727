#pragma once
// nabla::optim::Optimizer: parameter groups with their own options, per-parameter state, zero_grad and step.
#include <map>
#include <memory>
#include <tuple>
#include <utility>
#include <vector>

#include "nabla/core/hooks.h"
#include "nabla/core/std_function.h"
#include "nabla/core/tensor.h"
#include "nabla/nn/ordered_dict.h"

/// LibTorch's TORCH_ARG: `Options& name(T)` setter (chainable), `const T& name() const` and `T& name()` getters.
#define NABLA_OPTIM_ARG(T, name)                                  \
 public:                                                          \
  inline auto name(const T& new_##name)->decltype(*this) {        \
    this->name##_ = new_##name;                                   \
    return *this;                                                 \
  }                                                               \
  inline const T& name() const noexcept { return this->name##_; } \
  inline T& name() noexcept { return this->name##_; }             \
                                                                  \
 private:                                                         \
  T name##_

namespace nabla::optim {

/// A group option under its PyTorch name, for state_dict(): a double, a bool or a pair (betas); exactly one of the
/// three pointers is set. (Not a std::variant: its templates would cost every file that includes nabla.h.)
struct OptionField {
  OptionField(const char* n, double* v) : name(n), number(v) {}
  OptionField(const char* n, bool* v) : name(n), flag(v) {}
  OptionField(const char* n, std::tuple<double, double>* v) : name(n), pair(v) {}
  const char* name;
  double* number = nullptr;
  bool* flag = nullptr;
  std::tuple<double, double>* pair = nullptr;
};
/// A per-parameter state field under its PyTorch name, for state_dict(): a step count or a tensor (one is set).
struct StateField {
  StateField(const char* n, int64_t* v) : name(n), count(v) {}
  StateField(const char* n, Tensor* v) : name(n), tensor(v) {}
  const char* name;
  int64_t* count = nullptr;
  Tensor* tensor = nullptr;
};

/// Base of every optimizer's options; a param group holds its own copy.
class OptimizerOptions {
 public:
  virtual ~OptimizerOptions() = default;
  virtual std::unique_ptr<OptimizerOptions> clone() const = 0;
  virtual double get_lr() const = 0;
  virtual void set_lr(double lr) = 0;
  /// Every option, by PyTorch's name: the one list state_dict() and load_state_dict() read and write.
  virtual std::vector<OptionField> fields() = 0;
};

/// Per-parameter state (momentum buffers, moments, step counts).
class OptimizerParamState {
 public:
  virtual ~OptimizerParamState() = default;
  virtual std::unique_ptr<OptimizerParamState> clone() const = 0;
  /// Every field, by PyTorch's name (an undefined tensor is a buffer not created yet).
  virtual std::vector<StateField> fields() = 0;
};

/// Optimizer::state(): each parameter's state, keyed by its TensorImpl.
using ParamStateMap = std::map<void*, std::unique_ptr<OptimizerParamState>>;

/// A list of parameters and, optionally, options that override the optimizer's defaults.
class OptimizerParamGroup {
 public:
  OptimizerParamGroup(const OptimizerParamGroup& o);
  OptimizerParamGroup& operator=(const OptimizerParamGroup& o);
  OptimizerParamGroup(OptimizerParamGroup&&) = default;
  OptimizerParamGroup& operator=(OptimizerParamGroup&&) = default;
  OptimizerParamGroup(std::vector<Tensor> params) : params_(std::move(params)) {}  // NOLINT: implicit as in LibTorch
  OptimizerParamGroup(std::vector<Tensor> params, std::unique_ptr<OptimizerOptions> options)
      : params_(std::move(params)), options_(std::move(options)) {}

  bool has_options() const { return options_ != nullptr; }
  OptimizerOptions& options();
  const OptimizerOptions& options() const;
  void set_options(std::unique_ptr<OptimizerOptions> options) { options_ = std::move(options); }
  std::vector<Tensor>& params() { return params_; }
  const std::vector<Tensor>& params() const { return params_; }

 private:
  std::vector<Tensor> params_;
  std::unique_ptr<OptimizerOptions> options_;
};

/// Evaluates the loss again (with grad mode on) for optimizers that need it; step() returns its result.
using LossClosure = std::function<Tensor()>;

class Optimizer;
using nabla::RemovableHandle;
/// hook(optimizer), run around every step() (PyTorch's step hooks, without their args and kwargs).
using OptimizerHook = std::function<void(Optimizer&)>;

namespace detail {
/// An optimizer's step hooks; handles point at it weakly, so they may outlive the optimizer.
struct StepHookSet final : ::nabla::detail::HookRemover {
  HookList<OptimizerHook> pre;
  HookList<OptimizerHook> post;
  void remove_hook(unsigned id) override;  // in the .cpp: HookList's members are instantiated there, once
};
}  // namespace detail

class Optimizer {
 public:
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;
  Optimizer(Optimizer&&) = default;
  virtual ~Optimizer();  // in the .cpp: destroying the state map is compiled once

  /// Appends a group; a group without options gets a copy of the defaults.
  void add_param_group(const OptimizerParamGroup& param_group);
  /// Sets every parameter's grad to undefined (set_to_none) or to zeros.
  void zero_grad(bool set_to_none = true);
  /// One update of every parameter that has a grad, between the step pre-hooks and post-hooks; returns closure()'s
  /// loss when a closure is given. Optimizers implement step_impl.
  Tensor step(LossClosure closure = nullptr);
  /// PyTorch's register_step_pre_hook: hook(*this) runs at the start of every step(), before the closure and the
  /// update (it may read or rewrite the gradients, e.g. to all-reduce them). Returns a handle to remove it.
  RemovableHandle register_step_pre_hook(OptimizerHook hook);
  /// PyTorch's register_step_post_hook: hook(*this) runs at the end of every step(), after the update.
  RemovableHandle register_step_post_hook(OptimizerHook hook);

  /// All parameters of all groups, in order.
  const std::vector<Tensor>& parameters() const noexcept { return all_params_; }
  std::vector<OptimizerParamGroup>& param_groups() noexcept { return param_groups_; }
  const std::vector<OptimizerParamGroup>& param_groups() const noexcept { return param_groups_; }
  /// Per-parameter state keyed by the parameter's TensorImpl (LibTorch's is a hash map with the same find, at,
  /// count, operator[], erase, size and iteration; a std::map here keeps <unordered_map>'s compile time out).
  ParamStateMap& state() noexcept { return state_; }
  const ParamStateMap& state() const noexcept { return state_; }
  OptimizerOptions& defaults() noexcept { return *defaults_; }
  const OptimizerOptions& defaults() const noexcept { return *defaults_; }
  /// Number of parameters over all groups.
  size_t size() const noexcept { return all_params_.size(); }

  /// PyTorch's optimizer.state_dict() flattened to named tensors (copies; later steps leave them alone):
  /// "state.<i>.<field>" (i numbers the parameters over all groups; step counts 0-dim int64) for parameters that
  /// have state, then per group "param_groups.<g>.params" (1-d int64 indices) and "param_groups.<g>.<option>"
  /// (0-dim float64; bools 0/1; betas a 1-d float64 tensor of 2).
  OrderedDict<std::string, Tensor> state_dict() const;
  /// Replaces the state and every group's options with copies of a state_dict() of an optimizer of the same kind
  /// over parameters of the same shapes. Checks everything first (group count, parameters per group, state shapes
  /// and dtypes, unknown or missing keys) and throws nabla::Error leaving the optimizer unchanged. A dict without
  /// "param_groups." keys (an older nabla checkpoint) restores the state only and keeps the options.
  void load_state_dict(const OrderedDict<std::string, Tensor>& state_dict);

 protected:
  Optimizer(std::vector<OptimizerParamGroup> param_groups, std::unique_ptr<OptimizerOptions> defaults);
  /// The update of step(), without the hooks: what each optimizer implements.
  virtual Tensor step_impl(LossClosure closure) = 0;
  /// Runs the closure (if any) with grad mode on; returns its loss or an undefined tensor.
  static Tensor run_closure(const LossClosure& closure);
  /// An empty state of this optimizer's kind, which load_state_dict() fills.
  virtual std::unique_ptr<OptimizerParamState> make_param_state() const = 0;
  /// The state of p, created by make() on first use.
  template <typename S, typename Make>
  S& state_for(const Tensor& p, Make make) {
    auto& slot = state_[p.impl_ptr().get()];
    if (!slot) slot = make();
    return static_cast<S&>(*slot);
  }

  std::vector<OptimizerParamGroup> param_groups_;
  ParamStateMap state_;
  std::unique_ptr<OptimizerOptions> defaults_;
  std::vector<Tensor> all_params_;

 private:
  HookStore<detail::StepHookSet> step_hooks_;  // null until the first register_step_*_hook
};

namespace detail {
/// Contiguous data of p and of its grad (as p's dtype) for the fused update loops; write back with finish().
struct ParamView {
  Tensor param;  // p itself, or a contiguous copy when p is strided
  Tensor grad;   // contiguous grad in p's dtype
  Tensor original;
  void finish();
};
ParamView param_view(const Tensor& p, const char* op);
}  // namespace detail

}  // namespace nabla::optim
