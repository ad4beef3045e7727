#pragma once
// ModuleDict: submodules held under names, in insertion order; the names are their state-dict prefixes.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "nabla/nn/module.h"

namespace nabla::nn {

class ModuleDictImpl : public Module {
 public:
  ModuleDictImpl() = default;
  /// From (name, module) pairs, kept in the given order.
  explicit ModuleDictImpl(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules) {
    update(modules);
  }
  explicit ModuleDictImpl(const OrderedDict<std::string, std::shared_ptr<Module>>& modules) { update(modules); }

  /// Adds `name`, or replaces the module already held under it (its position is kept).
  template <typename M>
  std::shared_ptr<M> insert(const std::string& name, std::shared_ptr<M> module) {
    static_assert(std::is_base_of_v<Module, M>, "ModuleDict::insert: expected a module");
    if (modules_.contains(name)) {
      replace_module(name, module);
      modules_[name] = module;
    } else {
      register_module(name, module);
      modules_.insert(name, module);
    }
    return module;
  }
  template <IsModuleHolder H>
  void insert(const std::string& name, H&& holder) {
    insert(name, holder.ptr());
  }
  void update(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules);
  void update(const OrderedDict<std::string, std::shared_ptr<Module>>& modules);

  /// By name; throws nabla::Error naming the key when absent.
  std::shared_ptr<Module> operator[](const std::string& name) const;
  /// The module under `name` as T; throws nabla::Error when absent or not a T.
  template <typename T>
  std::shared_ptr<T> at(const std::string& name) const {
    auto p = std::dynamic_pointer_cast<T>(modules_[name]);
    NABLA_CHECK(p, "ModuleDict::at: module '", name, "' (", modules_[name]->name(), ") is not of the requested type");
    return p;
  }
  bool contains(const std::string& name) const;
  /// Removes and returns the module under `name`.
  std::shared_ptr<Module> pop(const std::string& name);
  void clear();
  std::vector<std::string> keys() const;
  std::vector<std::shared_ptr<Module>> values() const;
  const std::vector<OrderedDict<std::string, std::shared_ptr<Module>>::Item>& items() const {
    return modules_.items();
  }
  size_t size() const noexcept { return modules_.size(); }
  bool empty() const noexcept { return modules_.is_empty(); }
  auto begin() const { return modules_.begin(); }
  auto end() const { return modules_.end(); }

 private:
  OrderedDict<std::string, std::shared_ptr<Module>> modules_{"Module"};
};
NABLA_MODULE(ModuleDict);

}  // namespace nabla::nn
