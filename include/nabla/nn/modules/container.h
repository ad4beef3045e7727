#pragma once
// Sequential (chains forward; each child is called as model(x) is, so its hooks run) and ModuleList (holds
// submodules); children are named "0", "1", ...
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "nabla/nn/module.h"

namespace nabla::nn {

namespace detail {
template <typename M>
concept HasTensorForward = requires(M& m, const Tensor& x) {
  { m.forward(x) } -> std::convertible_to<Tensor>;
};
template <typename T>
concept PlainModule = std::is_base_of_v<Module, std::decay_t<T>> && !IsModuleHolder<T>;
}  // namespace detail

/// Holds submodules in order; a base for Sequential. Indexing checks bounds.
class ModuleListImpl : public Module {
 public:
  ModuleListImpl() = default;
  template <typename... Ms>
    requires(sizeof...(Ms) > 0 && !(sizeof...(Ms) == 1 && (std::is_base_of_v<ModuleListImpl, std::decay_t<Ms>> && ...)))
  explicit ModuleListImpl(Ms&&... modules) {
    (push_back(std::forward<Ms>(modules)), ...);
  }

  /// Appends under the name "<index>", or under `name` (`push_back("fc", nn::Linear(2, 3))`).
  template <typename M>
  void push_back(std::shared_ptr<M> module) {
    push_back(std::to_string(modules_.size()), std::move(module));
  }
  template <typename M>
  void push_back(std::string name, std::shared_ptr<M> module) {
    static_assert(std::is_base_of_v<Module, M>, "ModuleList::push_back: expected a module");
    register_module(std::move(name), module);
    modules_.push_back(std::move(module));
  }
  template <IsModuleHolder H>
  void push_back(H&& holder) {
    push_back(holder.ptr());
  }
  template <IsModuleHolder H>
  void push_back(std::string name, H&& holder) {
    push_back(std::move(name), holder.ptr());
  }
  template <detail::PlainModule M>
  void push_back(M&& module) {
    push_back(std::make_shared<std::decay_t<M>>(std::forward<M>(module)));
  }

  /// The i-th module (bounds-checked).
  std::shared_ptr<Module> operator[](size_t index) const { return ptr(index); }
  std::shared_ptr<Module> ptr(size_t index) const;
  /// The i-th module as T; throws nabla::Error when it is not a T.
  template <typename T>
  std::shared_ptr<T> ptr(size_t index) const {
    auto p = std::dynamic_pointer_cast<T>(ptr(index));
    NABLA_CHECK(p, name(), "::ptr: module ", index, " (", ptr(index)->name(), ") is not of the requested type");
    return p;
  }
  template <typename T>
  T& at(size_t index) const {
    return *ptr<T>(index);
  }
  size_t size() const noexcept { return modules_.size(); }
  bool is_empty() const noexcept { return modules_.empty(); }
  auto begin() const { return modules_.begin(); }
  auto end() const { return modules_.end(); }

 protected:
  std::vector<std::shared_ptr<Module>> modules_;
};
NABLA_MODULE(ModuleList);

/// Calls each module's forward in order: Sequential(Linear(2, 3), ReLU())(x).
class SequentialImpl : public ModuleListImpl {
 public:
  SequentialImpl() = default;
  template <typename... Ms>
    requires(sizeof...(Ms) > 0 && !(sizeof...(Ms) == 1 && (std::is_base_of_v<ModuleListImpl, std::decay_t<Ms>> && ...)))
  explicit SequentialImpl(Ms&&... modules) {
    (push_back(std::forward<Ms>(modules)), ...);
  }

  template <typename M>
  void push_back(std::shared_ptr<M> module) {
    push_back(std::to_string(size()), std::move(module));
  }
  template <typename M>
  void push_back(std::string name, std::shared_ptr<M> module) {
    static_assert(detail::HasTensorForward<M>, "Sequential::push_back: the module needs Tensor forward(Tensor)");
    ModuleListImpl::push_back(std::move(name), module);
    forwards_.push_back(&detail::call_forward<M>);
  }
  template <IsModuleHolder H>
  void push_back(H&& holder) {
    push_back(holder.ptr());
  }
  template <IsModuleHolder H>
  void push_back(std::string name, H&& holder) {
    push_back(std::move(name), holder.ptr());
  }
  template <detail::PlainModule M>
  void push_back(M&& module) {
    push_back(std::make_shared<std::decay_t<M>>(std::forward<M>(module)));
  }

  /// x through every module in order, each called as `module(x)` is: their forward hooks run.
  Tensor forward(const Tensor& input);

 private:
  std::vector<Tensor (*)(Module&, const Tensor&)> forwards_;  // forwards_[i] calls modules_[i]
};
NABLA_MODULE(Sequential);

}  // namespace nabla::nn
