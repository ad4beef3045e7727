// Recording ops into the graph, saved tensors and the built-in op node.
#include "autograd/record.h"

#include "autograd/current_node.h"
#include "core/make.h"
#include "nabla/ops/reduce.h"
#include "nabla/ops/shape.h"

namespace nabla::autograd {

SavedVariable::SavedVariable(const Tensor& t, bool is_output) : SavedVariable(t, is_output, t.defined() ? t.output_nr() : 0) {}

SavedVariable::SavedVariable(const Tensor& t, bool is_output, uint32_t output_nr) : is_output_(is_output) {
  if (!t.defined()) return;
  saved_version_ = t._version();
  if (is_output) {
    data_ = detail::make_alias(t);  // no grad_fn: the node does not own itself
    output_nr_ = output_nr;
  } else {
    data_ = t;
  }
}

Tensor SavedVariable::unpack() const {
  if (!data_.defined()) return Tensor();
  NABLA_CHECK(data_._version() == saved_version_,
              "backward: one of the variables needed for gradient computation has been modified by an inplace "
              "operation: [", data_.toString(), " ", data_.sizes().vec(), "] is at version ", data_._version(),
              "; expected version ", saved_version_, " instead (in ", current_node_name(),
              "). Use an out-of-place op (e.g. x = x.mul(2) instead of x.mul_(2)) on tensors that are saved for "
              "backward.");
  if (!is_output_) return data_;
  Tensor t = detail::make_alias(data_);
  if (auto node = current_node()) {
    if (GradMode::is_enabled()) set_history(t, node, output_nr_);
  }
  return t;
}

std::string OpNode::name() const { return std::string(ops::op_info(op_).backward_name); }
std::string OpNode::forward_name() const { return std::string(ops::op_info(op_).forward_name); }

variable_list OpNode::apply(variable_list&& grads) {
  NABLA_CHECK(!released_, "backward: trying to backward through the graph a second time (or directly access saved "
              "tensors after they have already been freed) at ", name(), ". Saved intermediate values of the graph "
              "are freed when you call .backward() or autograd::grad(). Specify retain_graph=true if you need to "
              "backward through the graph a second time.");
  // Missing output gradients become zeros so closures can assume defined inputs.
  for (uint32_t i = 0; i < grads.size(); ++i) {
    if (!grads[i].defined()) {
      const auto& m = output_meta(i);
      grads[i] = detail::make_empty(m.sizes, m.dtype);
      grads[i].zero_();
    }
  }
  variable_list out = call(grads);
  NABLA_CHECK(out.size() == next_edges_.size(), "autograd: ", name(), " returned ", out.size(),
              " gradients but the op has ", next_edges_.size(), " inputs");
  return out;
}

void OpNode::release_variables() {
  free_closure();
  released_ = true;
}

bool needs_grad(std::initializer_list<const Tensor*> inputs) {
  if (!GradMode::is_enabled()) return false;
  for (const Tensor* t : inputs)
    if (t->defined() && t->requires_grad()) return true;
  return false;
}

bool needs_grad(const std::vector<Tensor>& inputs) {
  if (!GradMode::is_enabled()) return false;
  for (const Tensor& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

void set_history(const Tensor& t, const std::shared_ptr<Node>& node, uint32_t output_nr) {
  auto& m = autograd_meta(t);
  // An in-place op rebases t's history: its retain_grad() hook follows it to the new node.
  if (m.retains_grad && m.grad_fn && node && (m.grad_fn != node || m.output_nr != output_nr)) {
    if (GradHook h = m.grad_fn->take_retain_grad_hook(m.output_nr)) node->set_retain_grad_hook(output_nr, std::move(h));
  }
  m.grad_fn = node;
  m.output_nr = output_nr;
  m.requires_grad = false;
}

void connect(const std::shared_ptr<Node>& node, ops::OpId op, std::span<const Tensor> inputs,
             std::span<const Tensor> outputs) {
  auto& edges = node->mutable_next_edges();
  edges.reserve(inputs.size());
  for (const Tensor& in : inputs) edges.push_back(in.defined() ? gradient_edge(in) : Edge{});
  if (AnomalyMode::is_enabled()) node->anomaly_trace = std::string(ops::op_info(op).forward_name);
  for (const Tensor& out : outputs) set_history(out, node, node->add_output(out));
}

Tensor sum_to(const Tensor& grad, IntArrayRef shape) {
  if (!grad.defined()) return grad;
  auto gs = grad.sizes();
  if (gs == shape) return grad;
  const int64_t lead = int64_t(gs.size()) - int64_t(shape.size());
  std::vector<int64_t> dims;
  for (int64_t i = 0; i < lead; ++i) dims.push_back(i);
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] == 1 && gs[size_t(lead) + i] != 1) dims.push_back(lead + int64_t(i));
  Tensor r = dims.empty() ? grad : sum(grad, dims, /*keepdim=*/true);
  if (lead > 0 || r.sizes().size() != shape.size()) r = r.view(shape);
  return r;
}

void check_inplace(const Tensor& self, const char* op) {
  if (!GradMode::is_enabled()) return;
  auto* m = autograd_meta_or_null(self);
  if (!m) return;
  NABLA_CHECK(!(m->requires_grad && !m->grad_fn), op, ": a leaf Variable that requires grad is being used in an "
              "in-place operation. Wrap the update in a nabla::NoGradGuard or use an out-of-place op.");
  NABLA_CHECK(!(m->is_view && self.requires_grad()), op, ": in-place modification of a view of a tensor that is "
              "part of an autograd graph is not supported; use the out-of-place op.");
}

}  // namespace nabla::autograd
