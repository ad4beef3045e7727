#pragma once
// nabla::nn::Module: the base of every layer (parameters, buffers, submodules, train/eval, state_dict),
// and ModuleHolder / NABLA_MODULE, the shared-pointer handles (`nn::Linear` wraps `LinearImpl`) as in LibTorch.
#include <concepts>
#include <memory>
#include <new>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "nabla/core/error.h"
#include "nabla/core/hooks.h"
#include "nabla/core/std_function.h"
#include "nabla/core/tensor.h"
#include "nabla/nn/ordered_dict.h"

namespace nabla::nn {
class Module;
}  // namespace nabla::nn

namespace nabla {
// The two OrderedDicts of every module, compiled once in the library (src/nn/module.cpp), not in every file.
extern template class OrderedDict<std::string, Tensor>;
extern template class OrderedDict<std::string, std::shared_ptr<nn::Module>>;
}  // namespace nabla

namespace nabla::nn {

using nabla::RemovableHandle;
/// hook(module, input) -> Tensor: a defined result replaces forward's input (PyTorch: returning None keeps it).
using ForwardPreHook = std::function<Tensor(Module&, const Tensor&)>;
/// hook(module, input, output) -> Tensor: a defined result replaces forward's output.
using ForwardHook = std::function<Tensor(Module&, const Tensor&, const Tensor&)>;

namespace detail {
/// A module whose forward takes one tensor and returns a Tensor: `model(x)` runs its forward hooks.
template <typename M, typename... Args>
concept HookableForward = sizeof...(Args) == 1 && (std::is_convertible_v<Args, const Tensor&> && ...) &&
                          requires(M& m, const Tensor& x) {
                            { m.forward(x) } -> std::same_as<Tensor>;
                          };
/// forward(x) of the M that m is, without hooks (what forward_with_hooks calls in between).
template <typename M>
Tensor call_forward_unhooked(Module& m, const Tensor& x);
/// model(x) for the M that m is: forward(x), through the hooks when m has any (one branch when it has none).
template <typename M>
Tensor call_forward(Module& m, const Tensor& x);

/// Throws the error of an empty holder's access (`nn::Linear fc{nullptr}; fc->weight`).
[[noreturn]] void empty_module_holder();

/// A module's forward hooks; handles point at it weakly, so they may outlive the module.
struct ForwardHookSet final : ::nabla::detail::HookRemover {
  HookList<ForwardPreHook> pre;
  HookList<ForwardHook> post;
  void remove_hook(unsigned id) override;  // in the .cpp: HookList's members are instantiated there, once
};
}  // namespace detail

/// A handle to a shared module: copies share the same module. `nn::Linear l(2, 3); l->weight; l(x);`
template <typename Contained>
class ModuleHolder {
 public:
  using ContainedType = Contained;

  /// Constructs a default module when Contained has a default constructor, else an empty holder.
  ModuleHolder() {
    if constexpr (std::is_default_constructible_v<Contained>)
      new (storage_) Ptr(std::make_shared<Contained>());
    else
      new (storage_) Ptr();
  }
  /// An empty holder, to be assigned later (`nn::Linear fc{nullptr};`).
  ModuleHolder(std::nullptr_t) { new (storage_) Ptr(); }                                      // NOLINT
  ModuleHolder(std::shared_ptr<Contained> module) { new (storage_) Ptr(std::move(module)); }  // NOLINT
  /// Forwards the arguments to Contained's constructor.
  template <typename Head, typename... Tail>
    requires(!std::is_base_of_v<ModuleHolder, std::decay_t<Head>> &&
             !std::is_same_v<std::decay_t<Head>, std::nullptr_t> &&
             !std::is_same_v<std::decay_t<Head>, std::shared_ptr<Contained>> &&
             std::is_constructible_v<Contained, Head, Tail...>)
  explicit ModuleHolder(Head&& head, Tail&&... tail) {
    new (storage_) Ptr(std::make_shared<Contained>(std::forward<Head>(head), std::forward<Tail>(tail)...));
  }
  ModuleHolder(const ModuleHolder& o) { new (storage_) Ptr(o.ptr()); }
  ModuleHolder(ModuleHolder&& o) noexcept { new (storage_) Ptr(std::move(o.ref())); }
  ModuleHolder& operator=(const ModuleHolder& o) {
    ref() = o.ptr();
    return *this;
  }
  ModuleHolder& operator=(ModuleHolder&& o) noexcept {
    ref() = std::move(o.ref());
    return *this;
  }
  ~ModuleHolder() { ref().~Ptr(); }

  Contained* operator->() { return get(); }
  const Contained* operator->() const { return get(); }
  Contained& operator*() { return *get(); }
  const Contained& operator*() const { return *get(); }
  Contained* get() {
    if (!ptr()) detail::empty_module_holder();
    return ptr().get();
  }
  const Contained* get() const {
    if (!ptr()) detail::empty_module_holder();
    return ptr().get();
  }
  const std::shared_ptr<Contained>& ptr() const {
    static_assert(sizeof(Ptr) == sizeof(storage_) && alignof(Ptr) == alignof(std::shared_ptr<void>));
    return *std::launder(reinterpret_cast<const Ptr*>(storage_));
  }
  bool is_empty() const noexcept { return ptr() == nullptr; }
  explicit operator bool() const noexcept { return !is_empty(); }

  /// Calls the module: `model(x)`. For a `Tensor forward(const Tensor&)` (by value works too) this runs the forward
  /// pre-hooks and hooks around forward, as PyTorch's `module(x)`; a forward of another signature (several
  /// arguments, a non-Tensor result) is called directly, without hooks.
  template <typename... Args>
  decltype(auto) operator()(Args&&... args) {
    if constexpr (detail::HookableForward<Contained, Args...>) {
      Contained* m = get();
      if (m->has_forward_hooks()) [[unlikely]]
        return m->forward_with_hooks(args..., &detail::call_forward_unhooked<Contained>);
      return Tensor(m->forward(std::forward<Args>(args)...));
    } else {
      return get()->forward(std::forward<Args>(args)...);
    }
  }
  /// Forwards indexing to the module (`seq[0]` for a Sequential).
  template <typename Arg>
  decltype(auto) operator[](Arg&& arg) {
    return (*get())[std::forward<Arg>(arg)];
  }

 private:
  // The std::shared_ptr<Contained>, built in place in storage_: as a member of that type it would instantiate
  // shared_ptr's templates for every module type in every file that includes nabla (0.07 s of a one-line program's
  // compile). A shared_ptr has the same size and alignment whatever it points to.
  using Ptr = std::shared_ptr<Contained>;
  Ptr& ref() noexcept { return *std::launder(reinterpret_cast<Ptr*>(storage_)); }
  alignas(std::shared_ptr<void>) unsigned char storage_[sizeof(std::shared_ptr<void>)];
};

template <typename H>
concept IsModuleHolder = requires { typename std::decay_t<H>::ContainedType; } &&
                         std::is_base_of_v<ModuleHolder<typename std::decay_t<H>::ContainedType>, std::decay_t<H>>;

/// Base class of all modules. Subclasses register their tensors and submodules in the constructor.
class Module : public std::enable_shared_from_this<Module> {
 public:
  /// `name` overrides the class name used when printing.
  explicit Module(std::string name);
  Module();
  virtual ~Module();  // in the .cpp: destroying the OrderedDicts is compiled once
  Module(const Module&) = default;
  Module& operator=(const Module&) = default;
  Module(Module&&) = default;
  Module& operator=(Module&&) = default;

  /// The class name without namespace and "Impl" suffix ("Linear", "Net").
  const std::string& name() const;

  /// Registers a parameter (an undefined tensor is allowed, e.g. a disabled bias); returns the stored tensor.
  Tensor& register_parameter(std::string name, Tensor tensor, bool requires_grad = true);
  /// Registers a buffer: state that is saved in state_dict but not trained (running_mean, ...).
  Tensor& register_buffer(std::string name, Tensor tensor);
  /// Registers a submodule; returns the same holder / pointer.
  template <typename M>
  std::shared_ptr<M> register_module(std::string name, std::shared_ptr<M> module) {
    static_assert(std::is_base_of_v<Module, M>, "register_module: M must derive from nabla::nn::Module");
    register_module_impl(std::move(name), module);
    return module;
  }
  template <IsModuleHolder H>
  std::decay_t<H> register_module(std::string name, H&& holder) {
    register_module_impl(std::move(name), holder.ptr());
    return std::forward<H>(holder);
  }
  /// Swaps a registered submodule for another one.
  template <typename M>
  std::shared_ptr<M> replace_module(const std::string& name, std::shared_ptr<M> module) {
    replace_module_impl(name, module);
    return module;
  }
  template <IsModuleHolder H>
  std::decay_t<H> replace_module(const std::string& name, H&& holder) {
    replace_module_impl(name, holder.ptr());
    return std::forward<H>(holder);
  }

  std::vector<Tensor> parameters(bool recurse = true) const;
  /// "weight", "fc1.bias", "0.weight", ... in registration order, depth first.
  OrderedDict<std::string, Tensor> named_parameters(bool recurse = true) const;
  std::vector<Tensor> buffers(bool recurse = true) const;
  OrderedDict<std::string, Tensor> named_buffers(bool recurse = true) const;
  std::vector<std::shared_ptr<Module>> children() const;
  OrderedDict<std::string, std::shared_ptr<Module>> named_children() const;
  /// This module (when include_self and it is owned by a shared_ptr) and all submodules, depth first.
  std::vector<std::shared_ptr<Module>> modules(bool include_self = true);
  OrderedDict<std::string, std::shared_ptr<Module>> named_modules(const std::string& name_prefix = "",
                                                                  bool include_self = true);

  /// Calls fn on this module, then on every submodule depth first (e.g. custom initialisation).
  void apply(const std::function<void(Module&)>& fn);
  /// As apply, with each module's dotted name ("" for this one).
  void apply(const std::function<void(const std::string&, Module&)>& fn, const std::string& name_prefix = "");

  /// Sets training mode here and in every submodule.
  virtual void train(bool on = true);
  void eval() { train(false); }
  virtual bool is_training() const noexcept { return is_training_; }

  /// Drops (set_to_none) or zeroes every parameter's gradient.
  virtual void zero_grad(bool set_to_none = true);
  /// Converts floating parameters and buffers in place (the same Tensor objects keep their identity).
  virtual void to(ScalarType dtype, bool non_blocking = false);
  /// Moves parameters and buffers to `device` (a no-op for the CPU; CUDA: a nabla::Error in a build without it).
  virtual void to(Device device, bool non_blocking = false);
  /// Both: to(device), then to(dtype).
  virtual void to(Device device, ScalarType dtype, bool non_blocking = false);

  /// Parameters then buffers of each module, then its children's, with PyTorch's dotted keys.
  OrderedDict<std::string, Tensor> state_dict() const;
  /// Copies values into the registered tensors (under NoGradGuard). strict: missing or unexpected keys are an
  /// error; shape mismatches are always an error. All problems are listed in one nabla::Error.
  void load_state_dict(const OrderedDict<std::string, Tensor>& state_dict, bool strict = true);

  /// PyTorch's register_forward_pre_hook: hook(*this, input) runs before forward whenever the module is called as
  /// `model(x)`, also as a Sequential's child; a defined result replaces the input. `model->forward(x)` skips hooks.
  RemovableHandle register_forward_pre_hook(ForwardPreHook hook);
  /// Any callable: one returning Tensor may replace the input, one returning void only observes it.
  template <typename F>
  RemovableHandle register_forward_pre_hook(F&& hook) {
    if constexpr (std::is_void_v<std::invoke_result_t<F&, Module&, const Tensor&>>) {
      return register_forward_pre_hook(ForwardPreHook([f = std::forward<F>(hook)](Module& m, const Tensor& x) mutable {
        f(m, x);
        return Tensor();
      }));
    } else {
      return register_forward_pre_hook(ForwardPreHook(std::forward<F>(hook)));
    }
  }
  /// PyTorch's register_forward_hook: hook(*this, input, output) runs after forward (input as the pre-hooks left
  /// it); a defined result replaces the output.
  RemovableHandle register_forward_hook(ForwardHook hook);
  /// Any callable: one returning Tensor may replace the output, one returning void only observes it.
  template <typename F>
  RemovableHandle register_forward_hook(F&& hook) {
    if constexpr (std::is_void_v<std::invoke_result_t<F&, Module&, const Tensor&, const Tensor&>>) {
      return register_forward_hook(
          ForwardHook([f = std::forward<F>(hook)](Module& m, const Tensor& x, const Tensor& y) mutable {
            f(m, x, y);
            return Tensor();
          }));
    } else {
      return register_forward_hook(ForwardHook(std::forward<F>(hook)));
    }
  }
  /// True once a forward hook has been registered: the one check `model(x)` makes.
  bool has_forward_hooks() const noexcept { return forward_hooks_.get() != nullptr; }
  /// What `model(x)` runs when has_forward_hooks(): the pre-hooks, forward(*this, input), then the hooks. Each list
  /// runs as it was when it started (hooks added or removed meanwhile count from the next call).
  Tensor forward_with_hooks(const Tensor& input, Tensor (*forward)(Module&, const Tensor&));

  /// One line of layer settings printed inside the parentheses: "in_features=2, out_features=3, bias=true".
  virtual std::string extra_repr() const { return ""; }
  /// Prints the module tree as PyTorch's repr.
  virtual void pretty_print(std::ostream& os) const;

 protected:
  OrderedDict<std::string, Tensor> parameters_{"Parameter"};
  OrderedDict<std::string, Tensor> buffers_{"Buffer"};
  OrderedDict<std::string, std::shared_ptr<Module>> children_{"Submodule"};

 private:
  void register_module_impl(std::string name, std::shared_ptr<Module> module);
  void replace_module_impl(const std::string& name, std::shared_ptr<Module> module);
  void collect_named_parameters(const std::string& prefix, OrderedDict<std::string, Tensor>& out, bool params) const;
  void collect_state(const std::string& prefix, OrderedDict<std::string, Tensor>& out) const;

  mutable std::string name_;
  bool is_training_ = true;
  HookStore<detail::ForwardHookSet> forward_hooks_;  // null until the first register_forward_*hook
};

namespace detail {
template <typename M>
Tensor call_forward_unhooked(Module& m, const Tensor& x) {
  return static_cast<M&>(m).forward(x);
}
template <typename M>
Tensor call_forward(Module& m, const Tensor& x) {
  if (m.has_forward_hooks()) [[unlikely]]
    return m.forward_with_hooks(x, &call_forward_unhooked<M>);
  return static_cast<M&>(m).forward(x);
}
}  // namespace detail

std::ostream& operator<<(std::ostream& os, const Module& module);
template <typename M>
std::ostream& operator<<(std::ostream& os, const ModuleHolder<M>& holder) {
  return os << static_cast<const Module&>(*holder);
}

}  // namespace nabla::nn

/// Defines the holder `Name` for `NameImpl`, as TORCH_MODULE.
#define NABLA_MODULE(Name)                                     \
  class Name : public ::nabla::nn::ModuleHolder<Name##Impl> {  \
   public:                                                     \
    using ::nabla::nn::ModuleHolder<Name##Impl>::ModuleHolder; \
    using ::nabla::nn::ModuleHolder<Name##Impl>::get;          \
    Name() = default;                                          \
  }
