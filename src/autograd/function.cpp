// Custom Functions: the non-template half of Function<T>::apply and of CppNode<T>.
#include "nabla/autograd/function.h"

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <unordered_map>

#include "autograd/record.h"
#include "nabla/ops/factory.h"

namespace nabla::autograd {

std::string demangle_type_name(const std::type_info& t) {
  int status = 0;
  char* s = abi::__cxa_demangle(t.name(), nullptr, nullptr, &status);
  std::string out = (status == 0 && s) ? std::string(s) : std::string(t.name());
  std::free(s);
  // "(anonymous namespace)::Foo" reads as "Foo" in node names and messages.
  const std::string anon = "(anonymous namespace)::";
  for (size_t p; (p = out.find(anon)) != std::string::npos;) out.erase(p, anon.size());
  return out;
}

void detail::add_arg_count(std::vector<int>& counts, int n) { counts.push_back(n); }

// ---- IValue, SavedData ----

IValue::IValue(std::string v) : tag_(Tag::String), s_(std::move(v)) {}
IValue::IValue(const char* v) : tag_(Tag::String), s_(v) {}
IValue::IValue(Tensor v) : tag_(Tag::Tensor), t_(std::move(v)) {}
IValue::IValue(std::vector<int64_t> v) : tag_(Tag::IntList), l_(std::move(v)) {}
IValue::IValue(IntArrayRef v) : tag_(Tag::IntList), l_(v.vec()) {}

namespace {
const char* tag_name(int tag) {
  static const char* kNames[] = {"None", "Bool", "Int", "Double", "String", "Tensor", "IntList"};
  return kNames[tag];
}
const char* tag_want(int tag) {
  static const char* kWant[] = {"none", "bool", "int", "double", "string", "Tensor", "int list"};
  return kWant[tag];
}
}  // namespace

const char* IValue::tagKind() const { return tag_name(int(tag_)); }

void IValue::wrong_kind(Tag want, const char* fn) const {
  NABLA_FAIL("IValue::", fn, ": the value holds ", tagKind(), ", not ", tag_want(int(want)));
}

struct SavedData::Map {
  std::unordered_map<std::string, IValue> values;
};

SavedData::SavedData() : map_(std::make_unique<Map>()) {}
SavedData::~SavedData() = default;
IValue& SavedData::operator[](const std::string& key) { return map_->values[key]; }
IValue& SavedData::at(const std::string& key) {
  return const_cast<IValue&>(static_cast<const SavedData&>(*this).at(key));
}
const IValue& SavedData::at(const std::string& key) const {
  auto it = map_->values.find(key);
  NABLA_CHECK(it != map_->values.end(), "saved_data.at: no value saved under \"", key,
              "\"; save it in forward with ctx->saved_data[\"", key, "\"] = value");
  return it->second;
}
size_t SavedData::count(const std::string& key) const { return map_->values.count(key); }
size_t SavedData::erase(const std::string& key) { return map_->values.erase(key); }
void SavedData::clear() { map_->values.clear(); }
size_t SavedData::size() const { return map_->values.size(); }
void SavedData::take_tensors(std::vector<Tensor>& out) {
  for (auto& [k, v] : map_->values)
    if (v.isTensor()) out.push_back(v.toTensor());
  map_->values.clear();
}

// ---- AutogradContext ----

void AutogradContext::save_for_backward(tensor_list to_save) {
  to_save_ = std::move(to_save);
  saved_called_ = true;
}

tensor_list AutogradContext::get_saved_variables() const {
  NABLA_CHECK(!released_, "get_saved_variables: trying to backward through the graph a second time (or directly "
              "access saved tensors after they have already been freed). Saved intermediate values of the graph are "
              "freed when you call .backward() or autograd::grad(). Specify retain_graph=true if you need to "
              "backward through the graph a second time.");
  tensor_list out;
  if (!saved_.empty() || to_save_.empty()) {
    out.reserve(saved_.size());
    for (const auto& s : saved_) out.push_back(s.unpack());
  } else {
    out = to_save_;  // called in forward, or the call was not recorded
  }
  return out;
}

void AutogradContext::mark_non_differentiable(const tensor_list& outputs) {
  for (const auto& t : outputs)
    if (t.defined()) non_differentiable_.push_back(t.impl_ptr().get());
}

void AutogradContext::mark_dirty(const tensor_list& inputs) {
  for (const auto& t : inputs)
    if (t.defined()) dirty_.push_back(t.impl_ptr().get());
}

bool AutogradContext::needs_input_grad(size_t i) const {
  NABLA_CHECK(i < needs_input_grad_.size(), "needs_input_grad: index ", i, " is out of range; forward got ",
              needs_input_grad_.size(), " Tensor inputs");
  return needs_input_grad_[i];
}

// ---- CustomNodeBase ----

CustomNodeBase::~CustomNodeBase() {
  // Saved tensors may own long graphs: free them without recursion (see defer_release).
  std::vector<Tensor> tensors;
  for (auto& s : ctx_.saved_) tensors.push_back(s.take());
  for (auto& t : ctx_.to_save_) tensors.push_back(std::move(t));
  ctx_.saved_data.take_tensors(tensors);
  defer_release(tensors);
}

bool CustomNodeBase::begin(const tensor_list& inputs, std::vector<int> arg_tensor_counts) {
  arg_tensor_counts_ = std::move(arg_tensor_counts);
  ctx_.needs_input_grad_.assign(inputs.size(), false);
  bool record = false;
  if (GradMode::is_enabled()) {
    for (const auto& t : inputs) record = record || (t.defined() && t.requires_grad());
  }
  if (!record) return false;
  next_edges_.reserve(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    next_edges_.push_back(inputs[i].defined() ? gradient_edge(inputs[i]) : Edge{});
    ctx_.needs_input_grad_[i] = next_edges_.back().is_valid();
  }
  return true;
}

void CustomNodeBase::finish(const tensor_list& inputs, tensor_list& outputs, bool record) {
  auto is_dirty = [&](const Tensor& t) {
    return std::find(ctx_.dirty_.begin(), ctx_.dirty_.end(), t.impl_ptr().get()) != ctx_.dirty_.end();
  };
  for (const auto& in : inputs) {
    if (!in.defined() || !is_dirty(in)) continue;
    NABLA_CHECK(!(record && in.is_leaf() && in.requires_grad()), "autograd::Function: ", forward_name(),
                " modified (mark_dirty) a leaf Variable that requires grad; wrap the call in a nabla::NoGradGuard "
                "or pass a copy");
    bool returned = false;
    for (const auto& out : outputs) returned = returned || (out.defined() && out.is_same(in));
    NABLA_CHECK(returned, "autograd::Function: ", forward_name(), " marked an input dirty but did not return it; "
                "an input modified in place must be one of the outputs");
  }
  if (!record) return;
  auto self = shared_from_this();
  std::vector<bool> differentiable(outputs.size(), false);
  for (size_t i = 0; i < outputs.size(); ++i) {
    Tensor& out = outputs[i];
    if (!out.defined()) {
      add_output_meta({{}, kFloat32});
      continue;
    }
    const TensorImpl* impl = out.impl_ptr().get();
    bool non_diff = !out.is_floating_point();
    for (const TensorImpl* p : ctx_.non_differentiable_) non_diff = non_diff || p == impl;
    // An output that is an input (or repeats an earlier output, or already has a history) becomes an alias,
    // so that attaching this node does not rewrite the history of a tensor the caller holds.
    // A dirty input keeps its identity: its history is rebased onto this node.
    bool alias = !is_dirty(out) && out.requires_grad();
    for (const auto& in : inputs) alias = alias || (!is_dirty(out) && in.defined() && in.is_same(out));
    for (size_t k = 0; k < i; ++k) alias = alias || (outputs[k].defined() && outputs[k].is_same(out));
    if (alias) out = out.detach();
    uint32_t nr = add_output(out);
    if (!non_diff) {
      set_history(out, self, nr);
      differentiable[i] = true;
    }
  }
  // Saved outputs are kept without their grad_fn (it is this node): no reference cycle.
  ctx_.saved_.reserve(ctx_.to_save_.size());
  for (const auto& t : ctx_.to_save_) {
    bool is_output = false;
    for (size_t i = 0; i < outputs.size() && !is_output; ++i)
      is_output = differentiable[i] && t.defined() && t.is_same(outputs[i]);
    ctx_.saved_.emplace_back(t, is_output);
  }
  ctx_.to_save_.clear();
}

variable_list CustomNodeBase::apply(variable_list&& grads) {
  if (ctx_.materialize_grads_) {
    for (uint32_t i = 0; i < grads.size(); ++i) {
      if (grads[i].defined()) continue;
      const auto& m = output_meta(i);
      grads[i] = zeros(m.sizes, TensorOptions().dtype(m.dtype));
    }
  }
  tensor_list r = call_backward(std::move(grads));
  // LibTorch's positions: one per forward argument, a tensor_list counting one per tensor. backward may return one
  // gradient per position, or (nabla's shorter form) one per Tensor input.
  const size_t n_in = next_edges_.size();
  size_t positions = 0;
  for (int c : arg_tensor_counts_) positions += c == 0 ? 1 : size_t(c);
  // Extra gradients are fine when they are all undefined (an optional input left out, as
  // `forward(ctx, x, w, b = Tensor())` called without b): LibTorch drops them.
  if (r.size() > positions) {
    bool undefined = true;
    for (size_t i = positions; i < r.size(); ++i) undefined = undefined && !r[i].defined();
    if (undefined) r.resize(positions);
  }
  variable_list out;
  if (r.size() == n_in) {
    out = std::move(r);
  } else {
    NABLA_CHECK(r.size() == positions, "autograd::Function: ", name(), "::backward returned an incorrect number of ",
                "gradients (expected ", positions, ", one per argument of forward after ctx, or ", n_in,
                ", one per Tensor input; got ", r.size(), ")");
    out.reserve(n_in);
    size_t at = 0;
    for (size_t a = 0; a < arg_tensor_counts_.size(); ++a) {
      const int c = arg_tensor_counts_[a];
      if (c == 0) {
        NABLA_CHECK(!r[at].defined(), "autograd::Function: ", name(), "::backward returned a gradient different "
                    "than an undefined Tensor at position ", at, ", but the corresponding forward input was not a "
                    "Tensor");
        ++at;
        continue;
      }
      for (int k = 0; k < c; ++k) out.push_back(std::move(r[at++]));
    }
  }
  for (size_t i = 0; i < n_in; ++i)
    if (!next_edges_[i].is_valid()) out[i] = Tensor();
  return out;
}

void CustomNodeBase::release_variables() {
  if (ctx_.saved_.empty() && !ctx_.saved_called_) return;
  std::vector<Tensor> tensors;
  tensors.reserve(ctx_.saved_.size());
  for (auto& s : ctx_.saved_) tensors.push_back(s.take());
  ctx_.saved_.clear();
  ctx_.released_ = ctx_.saved_called_;
  defer_release(tensors);
}

}  // namespace nabla::autograd
