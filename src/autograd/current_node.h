#pragma once
// The node the engine is running on this thread (null outside backward): lets saved outputs rejoin
// the graph when backward builds a higher-order graph, and names the node in error messages.
#include <memory>
#include <string>

#include "nabla/autograd/node.h"

namespace nabla::autograd {
/// The running node (a new owning reference), or null.
std::shared_ptr<Node> current_node();
std::string current_node_name();
/// Sets the running node for its scope. The caller keeps `n` alive for that scope (no refcount traffic).
class CurrentNodeGuard {
 public:
  explicit CurrentNodeGuard(Node* n);
  ~CurrentNodeGuard();
  CurrentNodeGuard(const CurrentNodeGuard&) = delete;
  CurrentNodeGuard& operator=(const CurrentNodeGuard&) = delete;

 private:
  Node* prev_;
};
}  // namespace nabla::autograd
