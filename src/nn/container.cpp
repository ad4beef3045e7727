#include "nabla/nn/modules/container.h"

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

}  // namespace nabla::nn
