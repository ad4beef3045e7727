#pragma once
// The node the engine is running on this thread (null outside backward): lets saved outputs rejoin
// the graph when backward builds a higher-order graph.
#include <memory>
#include <string>

#include "nabla/autograd/node.h"

namespace nabla::autograd {
std::shared_ptr<Node> current_node();
std::string current_node_name();
class CurrentNodeGuard {
 public:
  explicit CurrentNodeGuard(std::shared_ptr<Node> n);
  ~CurrentNodeGuard();

 private:
  std::shared_ptr<Node> prev_;
};
}  // namespace nabla::autograd
