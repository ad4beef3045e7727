#include "nabla/nn/module.h"

#include <cxxabi.h>

#include <cstdlib>
#include <sstream>
#include <typeinfo>

#include "nabla/autograd/grad_mode.h"

namespace nabla {
template class OrderedDict<std::string, Tensor>;
template class OrderedDict<std::string, std::shared_ptr<nn::Module>>;
}  // namespace nabla

namespace nabla::nn {

namespace {

// "nabla::nn::LinearImpl" -> "Linear"; "Net" -> "Net".
std::string demangled_class_name(const std::type_info& info) {
  int status = 0;
  char* raw = abi::__cxa_demangle(info.name(), nullptr, nullptr, &status);
  std::string name = (status == 0 && raw) ? raw : info.name();
  std::free(raw);
  if (auto lt = name.find('<'); lt != std::string::npos) {
    // Keep template arguments but strip the namespace of the class itself.
    auto colon = name.rfind("::", lt);
    if (colon != std::string::npos) name = name.substr(colon + 2);
  } else if (auto colon = name.rfind("::"); colon != std::string::npos) {
    name = name.substr(colon + 2);
  }
  const std::string suffix = "Impl";
  if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
    name.resize(name.size() - suffix.size());
  return name;
}

void check_name(const std::string& name, const char* what) {
  NABLA_CHECK(!name.empty(), "register_", what, ": the name must not be empty");
  NABLA_CHECK(name.find('.') == std::string::npos, "register_", what, ": name '", name,
              "' must not contain a dot ('.' separates submodule names in state_dict keys)");
}

std::string shape_string(const Tensor& t) {
  if (!t.defined()) return "undefined";
  return nabla::detail::concat(t.sizes().vec());
}

// PyTorch's _addindent: indent every line after the first by `n` spaces.
std::string add_indent(const std::string& s, int n) {
  std::string out;
  std::string pad(static_cast<size_t>(n), ' ');
  for (char c : s) {
    out += c;
    if (c == '\n') out += pad;
  }
  return out;
}

// Replaces the tensor's data in place by `src` (same TensorImpl, so holders of the Tensor see the change).
void set_data(Tensor& dst, const Tensor& src) {
  TensorImpl& d = dst.impl();
  const TensorImpl& s = src.impl();
  d.storage = s.storage;
  d.sizes = s.sizes;
  d.strides = s.strides;
  d.offset = s.offset;
  d.dtype = s.dtype;
  d.device = s.device;
  // A counter of its own, one step on: dst's old counter shares an allocation with its old storage
  // (detail::make_empty) and would keep that memory alive.
  d.version = std::make_shared<VersionCounter>(VersionCounter{d.version->version});
  dst.bump_version();
}

}  // namespace

Module::Module(std::string name) : name_(std::move(name)) {}
Module::Module() = default;

RemovableHandle Module::register_forward_pre_hook(ForwardPreHook hook) {
  NABLA_CHECK(hook, "register_forward_pre_hook: the hook is empty; pass a callable hook(module, input)");
  return forward_hooks_.add(&detail::ForwardHookSet::pre, std::move(hook));
}

RemovableHandle Module::register_forward_hook(ForwardHook hook) {
  NABLA_CHECK(hook, "register_forward_hook: the hook is empty; pass a callable hook(module, input, output)");
  return forward_hooks_.add(&detail::ForwardHookSet::post, std::move(hook));
}

Tensor Module::forward_with_hooks(const Tensor& input, Tensor (*forward)(Module&, const Tensor&)) {
  // Each list is copied (a shared_ptr) before it runs, so that hooks may add or remove hooks. As in PyTorch's
  // _call_impl, the forward hooks are read after forward: a pre-hook may register one for this very call.
  Tensor replaced;
  const Tensor* x = &input;
  if (auto pre = forward_hooks_.get()->pre.snapshot()) {
    for (const auto& h : *pre) {
      Tensor r = h.fn(*this, *x);
      if (r.defined()) x = &(replaced = std::move(r));
    }
  }
  Tensor out = forward(*this, *x);
  if (auto post = forward_hooks_.get()->post.snapshot()) {
    for (const auto& h : *post) {
      Tensor r = h.fn(*this, *x, out);
      if (r.defined()) out = std::move(r);
    }
  }
  return out;
}

const std::string& Module::name() const {
  if (name_.empty()) name_ = demangled_class_name(typeid(*this));
  return name_;
}

Tensor& Module::register_parameter(std::string name, Tensor tensor, bool requires_grad) {
  check_name(name, "parameter");
  NABLA_CHECK(!buffers_.contains(name) && !children_.contains(name), "register_parameter: '", name,
              "' is already registered as a buffer or submodule of ", this->name());
  NABLA_CHECK(!parameters_.contains(name), "register_parameter: parameter '", name, "' is already registered in ",
              this->name());
  if (tensor.defined()) {
    NABLA_CHECK(!requires_grad || tensor.is_floating_point(), "register_parameter: parameter '", name,
                "' has dtype ", tensor.dtype(),
                "; only floating-point tensors can require gradients (pass requires_grad=false or convert it)");
    NABLA_CHECK(tensor.is_leaf(), "register_parameter: parameter '", name,
                "' is not a leaf (it is the result of an op that records a graph, so its .grad() would never be ",
                "filled); register t.detach() instead, or create it under NoGradGuard");
    if (tensor.requires_grad() != requires_grad) tensor.requires_grad_(requires_grad);
  }
  return parameters_.insert(std::move(name), std::move(tensor));
}

Tensor& Module::register_buffer(std::string name, Tensor tensor) {
  check_name(name, "buffer");
  NABLA_CHECK(!parameters_.contains(name) && !children_.contains(name), "register_buffer: '", name,
              "' is already registered as a parameter or submodule of ", this->name());
  NABLA_CHECK(!buffers_.contains(name), "register_buffer: buffer '", name, "' is already registered in ",
              this->name());
  return buffers_.insert(std::move(name), std::move(tensor));
}

void Module::register_module_impl(std::string name, std::shared_ptr<Module> module) {
  check_name(name, "module");
  NABLA_CHECK(module, "register_module: submodule '", name, "' is null (an empty holder); construct it first");
  NABLA_CHECK(module.get() != this, "register_module: a module cannot be its own submodule ('", name, "')");
  NABLA_CHECK(!parameters_.contains(name) && !buffers_.contains(name), "register_module: '", name,
              "' is already registered as a parameter or buffer of ", this->name());
  NABLA_CHECK(!children_.contains(name), "register_module: submodule '", name, "' is already registered in ",
              this->name(), "; use replace_module to swap it");
  children_.insert(std::move(name), std::move(module));
}

void Module::replace_module_impl(const std::string& name, std::shared_ptr<Module> module) {
  NABLA_CHECK(children_.contains(name), "replace_module: no submodule named '", name, "' in ", this->name());
  NABLA_CHECK(module, "replace_module: the new submodule '", name, "' is null");
  children_[name] = std::move(module);
}

void Module::collect_named_parameters(const std::string& prefix, OrderedDict<std::string, Tensor>& out,
                                      bool params) const {
  // A tensor shared by two submodules is listed once, under its first name (PyTorch's remove_duplicate).
  auto seen = [&](const Tensor& t) {
    for (const auto& item : out)
      if (item.value().is_same(t)) return true;
    return false;
  };
  for (const auto& item : params ? parameters_ : buffers_)
    if (item.value().defined() && !out.contains(prefix + item.key()) && !seen(item.value()))
      out.insert(prefix + item.key(), item.value());
  for (const auto& child : children_) child.value()->collect_named_parameters(prefix + child.key() + ".", out, params);
}

std::vector<Tensor> Module::parameters(bool recurse) const { return named_parameters(recurse).values(); }

OrderedDict<std::string, Tensor> Module::named_parameters(bool recurse) const {
  OrderedDict<std::string, Tensor> out("Parameter");
  if (!recurse) {
    for (const auto& item : parameters_)
      if (item.value().defined()) out.insert(item.key(), item.value());
    return out;
  }
  collect_named_parameters("", out, true);
  return out;
}

std::vector<Tensor> Module::buffers(bool recurse) const { return named_buffers(recurse).values(); }

OrderedDict<std::string, Tensor> Module::named_buffers(bool recurse) const {
  OrderedDict<std::string, Tensor> out("Buffer");
  if (!recurse) {
    for (const auto& item : buffers_)
      if (item.value().defined()) out.insert(item.key(), item.value());
    return out;
  }
  collect_named_parameters("", out, false);
  return out;
}

std::vector<std::shared_ptr<Module>> Module::children() const { return children_.values(); }

OrderedDict<std::string, std::shared_ptr<Module>> Module::named_children() const { return children_; }

std::vector<std::shared_ptr<Module>> Module::modules(bool include_self) {
  return named_modules("", include_self).values();
}

OrderedDict<std::string, std::shared_ptr<Module>> Module::named_modules(const std::string& name_prefix,
                                                                        bool include_self) {
  OrderedDict<std::string, std::shared_ptr<Module>> out("Module");
  if (include_self) {
    std::shared_ptr<Module> self = weak_from_this().lock();
    NABLA_CHECK(self, "modules: this module is not owned by a std::shared_ptr, so it cannot list itself; hold it in ",
                "a module holder or std::make_shared, or call modules(/*include_self=*/false)");
    out.insert(name_prefix, self);
  }
  for (const auto& child : children_) {
    std::string key = name_prefix.empty() ? child.key() : name_prefix + "." + child.key();
    for (auto& item : child.value()->named_modules(key, true)) {
      bool seen = false;  // a module registered twice is listed once
      for (const auto& o : out) seen = seen || o.value() == item.value();
      if (!seen && !out.contains(item.key())) out.insert(item.key(), item.value());
    }
  }
  return out;
}

void Module::apply(const std::function<void(Module&)>& fn) {
  fn(*this);
  for (auto& child : children_) child.value()->apply(fn);
}

void Module::apply(const std::function<void(const std::string&, Module&)>& fn, const std::string& name_prefix) {
  fn(name_prefix, *this);
  for (auto& child : children_)
    child.value()->apply(fn, name_prefix.empty() ? child.key() : name_prefix + "." + child.key());
}

void Module::train(bool on) {
  is_training_ = on;
  for (auto& child : children_) child.value()->train(on);
}

void Module::zero_grad(bool set_to_none) {
  for (Tensor& p : parameters()) {
    if (!p.grad().defined()) continue;
    if (set_to_none) {
      p.set_grad(Tensor());
    } else {
      NoGradGuard guard;
      p.mutable_grad() = p.grad().detach();
      p.mutable_grad().zero_();
    }
  }
}

void Module::to(ScalarType dtype, bool /*non_blocking*/) {
  NABLA_CHECK(is_floating_point(dtype), "Module::to: nn.Module.to only accepts floating point dtypes, but got ",
              dtype);
  NoGradGuard guard;
  auto convert = [&](Tensor& t) {
    if (!t.defined() || !t.is_floating_point() || t.dtype() == dtype) return;
    Tensor converted = t.detach().to(dtype).contiguous();
    set_data(t, converted);
    if (t.grad().defined()) t.set_grad(t.grad().detach().to(dtype).contiguous());
  };
  for (Tensor& p : parameters()) convert(p);
  for (Tensor& b : buffers()) convert(b);
}

void Module::to(Device device, bool /*non_blocking*/) {
  check_device_available(device, "Module::to");
  NoGradGuard guard;
  auto move = [&](Tensor& t) {
    if (!t.defined() || t.device().type() == device.type()) return;
    set_data(t, t.detach().to(device));
    if (t.grad().defined()) t.set_grad(t.grad().detach().to(device));
  };
  for (Tensor& p : parameters()) move(p);
  for (Tensor& b : buffers()) move(b);
}

void Module::to(Device device, ScalarType dtype, bool non_blocking) {
  to(device, non_blocking);
  to(dtype, non_blocking);
}

void Module::collect_state(const std::string& prefix, OrderedDict<std::string, Tensor>& out) const {
  for (const auto& item : parameters_)
    if (item.value().defined()) out.insert_or_assign(prefix + item.key(), item.value());
  for (const auto& item : buffers_)
    if (item.value().defined()) out.insert_or_assign(prefix + item.key(), item.value());
  for (const auto& child : children_) child.value()->collect_state(prefix + child.key() + ".", out);
}

OrderedDict<std::string, Tensor> Module::state_dict() const {
  OrderedDict<std::string, Tensor> out("Key");
  collect_state("", out);
  return out;
}

void Module::load_state_dict(const OrderedDict<std::string, Tensor>& dict, bool strict) {
  OrderedDict<std::string, Tensor> own = state_dict();
  std::vector<std::string> missing, unexpected, mismatched;
  for (const auto& item : own) {
    const Tensor* src = dict.find(item.key());
    if (!src) {
      missing.push_back(item.key());
    } else if (!src->defined() || src->sizes().vec() != item.value().sizes().vec()) {
      mismatched.push_back(nabla::detail::concat("size mismatch for ", item.key(), ": copying a param with shape ",
                                                 shape_string(*src), ", the shape in current model is ",
                                                 shape_string(item.value())));
    }
  }
  for (const auto& item : dict)
    if (!own.contains(item.key())) unexpected.push_back(item.key());
  bool fail = !mismatched.empty() || (strict && (!missing.empty() || !unexpected.empty()));
  if (fail) {
    std::ostringstream os;
    os << "load_state_dict: error(s) in loading state_dict for " << name() << ":";
    auto quoted = [](const std::vector<std::string>& keys) {
      std::string s;
      for (size_t i = 0; i < keys.size(); ++i) s += (i ? ", \"" : "\"") + keys[i] + "\"";
      return s;
    };
    if (strict && !missing.empty()) os << "\n\tMissing key(s) in state_dict: " << quoted(missing) << ".";
    if (strict && !unexpected.empty()) os << "\n\tUnexpected key(s) in state_dict: " << quoted(unexpected) << ".";
    for (const auto& m : mismatched) os << "\n\t" << m << ".";
    if (strict && (!missing.empty() || !unexpected.empty()))
      os << "\n\t(pass strict=false to load only the matching keys)";
    throw Error(os.str());
  }
  NoGradGuard guard;
  for (auto& item : own) {
    const Tensor* src = dict.find(item.key());
    if (src) item.value().copy_(*src);
  }
}

void Module::pretty_print(std::ostream& os) const {
  std::string extra = extra_repr();
  std::vector<std::string> lines;
  if (!extra.empty()) {
    std::istringstream is(extra);
    for (std::string line; std::getline(is, line);) lines.push_back(line);
  }
  size_t extra_lines = lines.size();
  for (const auto& child : children_) {
    std::ostringstream cs;
    child.value()->pretty_print(cs);
    lines.push_back("(" + child.key() + "): " + add_indent(cs.str(), 2));
  }
  os << name() << "(";
  if (!lines.empty()) {
    if (extra_lines == 1 && children_.is_empty()) {
      os << lines[0];
    } else {
      os << "\n";
      for (const auto& l : lines) os << "  " << l << "\n";
    }
  }
  os << ")";
}

std::ostream& operator<<(std::ostream& os, const Module& module) {
  module.pretty_print(os);
  return os;
}

Module::~Module() = default;

void detail::empty_module_holder() {
  NABLA_FAIL("ModuleHolder: accessing an empty module holder; construct it first (e.g. nn::Linear(2, 3))");
}

void detail::ForwardHookSet::remove_hook(unsigned id) {
  if (!pre.remove(id)) post.remove(id);
}

}  // namespace nabla::nn
