// Tensor metadata, element access and the autograd accessors.
#include "nabla/core/tensor.h"

#include "autograd/record.h"
#include "backend/kernels.h"
#include "core/make.h"
#include "nabla/autograd/engine.h"
#include "nabla/ops/shape.h"

namespace nabla {

void AutogradMetaDeleter::operator()(autograd::AutogradMeta* m) const { delete m; }

int64_t Tensor::size(int64_t d) const { return impl().sizes[size_t(wrap_dim(d, dim(), "size"))]; }
int64_t Tensor::stride(int64_t d) const { return impl().strides[size_t(wrap_dim(d, dim(), "stride"))]; }

void Tensor::throw_undefined() {
  NABLA_FAIL("Tensor: this tensor is undefined (default-constructed); create it with a factory first");
}

Scalar Tensor::item() const {
  NABLA_CHECK(numel() == 1, "item: a Tensor with ", numel(), " elements cannot be converted to a scalar (shape ",
              sizes().vec(), ")");
  return NABLA_DISPATCH_ALL(dtype(), "item", [&]() -> Scalar { return Scalar(*static_cast<scalar_t*>(data_ptr())); });
}

std::string Tensor::toString() const { return "CPU" + std::string(dtype_name(dtype())) + "Type"; }

// ---- autograd ----

bool Tensor::requires_grad() const {
  auto* m = impl().autograd.get();
  return m && (m->requires_grad || m->grad_fn);
}

Tensor& Tensor::requires_grad_(bool r) {
  if (r && !is_leaf()) return *this;  // a non-leaf already requires grad (as in PyTorch, a no-op)
  NABLA_CHECK(is_leaf(),
              "requires_grad_: you can only change requires_grad flags of leaf variables. If you want "
              "to use a computed variable in a subgraph that doesn't require differentiation use detach()");
  NABLA_CHECK(!r || is_floating_point(),
              "requires_grad_: only Tensors of floating point dtype can require "
              "gradients (got ",
              dtype(), ")");
  autograd::autograd_meta(*this).requires_grad = r;
  return *this;
}

bool Tensor::is_leaf() const {
  auto* m = impl().autograd.get();
  return !m || !m->grad_fn;
}

const Tensor& Tensor::grad() const {
  static const Tensor undefined;
  auto* m = impl().autograd.get();
  return m ? m->grad : undefined;
}

Tensor& Tensor::mutable_grad() { return autograd::autograd_meta(*this).grad; }
void Tensor::set_grad(const Tensor& g) { autograd::autograd_meta(*this).grad = g; }

void Tensor::retain_grad() const {
  NABLA_CHECK(requires_grad(), "retain_grad: can't retain_grad on a Tensor that has requires_grad=False");
  if (is_leaf()) return;  // leaves keep their grad anyway
  auto& m = autograd::autograd_meta(*this);
  if (m.retains_grad) return;
  m.retains_grad = true;
  std::weak_ptr<TensorImpl> weak = impl_;
  // Runs after every hook registered on this tensor (before or after this call), as in PyTorch.
  m.grad_fn->set_retain_grad_hook(m.output_nr, [weak](const Tensor& g) -> Tensor {
    if (auto self = weak.lock()) {
      auto& meta = *self->autograd;
      if (!meta.grad.defined())
        meta.grad = GradMode::is_enabled() ? g : g.detach().clone();
      else
        meta.grad = GradMode::is_enabled() ? meta.grad + g : (meta.grad + g).detach();
    }
    return Tensor();
  });
}

bool Tensor::retains_grad() const {
  auto* m = impl().autograd.get();
  return m && m->retains_grad;
}

std::shared_ptr<autograd::Node> Tensor::grad_fn() const {
  auto* m = impl().autograd.get();
  return m ? m->grad_fn : nullptr;
}

uint32_t Tensor::output_nr() const {
  auto* m = impl().autograd.get();
  return m ? m->output_nr : 0;
}

void Tensor::backward(const Tensor& gradient, std::optional<bool> retain_graph, bool create_graph,
                      const TensorList& inputs) const {
  if (inputs.empty()) return autograd::detail::backward_one(*this, gradient, retain_graph, create_graph);
  autograd::backward({*this}, gradient.defined() ? TensorList{gradient} : TensorList{}, retain_graph, create_graph,
                     inputs);
}

Tensor Tensor::detach() const { return detail::make_alias(*this); }

Tensor& Tensor::detach_() {
  if (auto* m = impl().autograd.get()) {
    m->grad_fn.reset();
    m->requires_grad = false;
    m->output_nr = 0;
  }
  return *this;
}

unsigned Tensor::register_hook(std::function<Tensor(const Tensor&)> hook) const {
  NABLA_CHECK(requires_grad(), "register_hook: cannot register a hook on a tensor that doesn't require gradient");
  auto& m = autograd::autograd_meta(*this);
  if (m.grad_fn) return m.grad_fn->add_pre_hook(m.output_nr, std::move(hook));
  unsigned h = autograd::next_hook_handle();
  m.leaf_hooks.emplace_back(h, std::move(hook));
  return h;
}

unsigned Tensor::register_hook(std::function<void(const Tensor&)> hook) const {
  return register_hook(std::function<Tensor(const Tensor&)>([hook = std::move(hook)](const Tensor& g) -> Tensor {
    hook(g);
    return Tensor();
  }));
}

unsigned Tensor::register_post_accumulate_grad_hook(std::function<void(Tensor&)> hook) const {
  NABLA_CHECK(requires_grad(),
              "register_post_accumulate_grad_hook: this tensor does not require grad, so no backward accumulates "
              "into it; call requires_grad_() on it first");
  NABLA_CHECK(is_leaf(), "register_post_accumulate_grad_hook: this tensor is not a leaf (its grad_fn is ",
              grad_fn()->name(),
              "); register the hook on the leaf it was computed from, or use register_hook to see the gradient of "
              "a non-leaf");
  NABLA_CHECK(hook, "register_post_accumulate_grad_hook: the hook is empty; pass a callable hook(param)");
  unsigned h = autograd::next_hook_handle();
  autograd::autograd_meta(*this).post_accumulate_grad_hooks.add(h, std::move(hook));
  return h;
}

void Tensor::remove_hook(unsigned handle) const {
  auto& m = autograd::autograd_meta(*this);
  if (m.grad_fn) m.grad_fn->remove_pre_hook(handle);
  std::erase_if(m.leaf_hooks, [handle](const auto& h) { return h.first == handle; });
  m.post_accumulate_grad_hooks.remove(handle);
}

}  // namespace nabla
