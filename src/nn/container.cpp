#include "nabla/nn/modules/container.h"
#include "nabla/nn/modules/module_dict.h"

namespace nabla::nn {

std::shared_ptr<Module> ModuleListImpl::ptr(size_t index) const {
  NABLA_CHECK(index < modules_.size(), name(), ": index ", index, " is out of range for a container of ",
              modules_.size(), " modules");
  return modules_[index];
}

Tensor SequentialImpl::forward(const Tensor& input) {
  NABLA_CHECK(!forwards_.empty(), "Sequential: forward called on an empty Sequential; push_back modules first");
  Tensor x = forwards_[0](*modules_[0], input);
  for (size_t i = 1; i < forwards_.size(); ++i) x = forwards_[i](*modules_[i], x);
  return x;
}

void ModuleDictImpl::update(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules) {
  for (const auto& [k, m] : modules) insert(k, m);
}

void ModuleDictImpl::update(const OrderedDict<std::string, std::shared_ptr<Module>>& modules) {
  for (const auto& item : modules) insert(item.key(), item.value());
}

std::shared_ptr<Module> ModuleDictImpl::pop(const std::string& name) {
  std::shared_ptr<Module> m = modules_[name];
  modules_.erase(name);
  children_.erase(name);
  return m;
}

void ModuleDictImpl::clear() {
  for (const std::string& k : modules_.keys()) children_.erase(k);
  modules_.clear();
}

std::vector<std::string> ModuleDictImpl::keys() const { return modules_.keys(); }

std::vector<std::shared_ptr<Module>> ModuleDictImpl::values() const { return modules_.values(); }

bool ModuleDictImpl::contains(const std::string& name) const { return modules_.contains(name); }

std::shared_ptr<Module> ModuleDictImpl::operator[](const std::string& name) const { return modules_[name]; }

}  // namespace nabla::nn
