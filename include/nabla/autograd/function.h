#pragma once
// Custom differentiable functions, spelled as in LibTorch:
//
//   struct MulConstant : nabla::autograd::Function<MulConstant> {
//     static Tensor forward(AutogradContext* ctx, Tensor x, double c) {   // runs under NoGradGuard
//       ctx->saved_data["c"] = c;
//       return x * c;
//     }
//     static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
//       return {grad_outputs[0] * ctx->saved_data["c"].toDouble(), Tensor()};
//     }
//   };
//   Tensor y = MulConstant::apply(x, 2.0);   // y.grad_fn()->name() == "CppNode<MulConstant>"
//
// backward returns one gradient per forward Tensor argument (each element of a tensor_list argument counts
// as one), or, as LibTorch requires, one per forward argument with an undefined Tensor for every non-Tensor
// argument. The node is named "CppNode<T>" with T's demangled name (LibTorch: "torch::autograd::CppNode<T>");
// anomaly messages name T as the forward op. backward runs with grad mode on under create_graph, so
// differentiable ops in it give higher-order gradients.
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "nabla/autograd/grad_mode.h"
#include "nabla/autograd/node.h"
#include "nabla/autograd/saved_variable.h"

namespace nabla::autograd {

/// A value kept in AutogradContext::saved_data: none, bool, int64, double, string, Tensor or int list.
/// (A tag and one field per kind rather than a std::variant: the variant's templates cost every file that includes
/// nabla a few hundredths of a second to compile.)
class IValue {
 public:
  IValue() = default;
  IValue(bool v) : tag_(Tag::Bool), b_(v) {}  // NOLINT
  template <typename T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  IValue(T v) : tag_(Tag::Int), i_(int64_t(v)) {}  // NOLINT
  template <typename T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
  IValue(T v) : tag_(Tag::Double), d_(double(v)) {}  // NOLINT
  IValue(std::string v);                             // NOLINT
  IValue(const char* v);                             // NOLINT
  IValue(Tensor v);                                  // NOLINT
  IValue(std::vector<int64_t> v);                    // NOLINT
  IValue(IntArrayRef v);                             // NOLINT

  bool isNone() const { return tag_ == Tag::None; }
  bool isBool() const { return tag_ == Tag::Bool; }
  bool isInt() const { return tag_ == Tag::Int; }
  bool isDouble() const { return tag_ == Tag::Double; }
  bool isString() const { return tag_ == Tag::String; }
  bool isTensor() const { return tag_ == Tag::Tensor; }
  bool isIntList() const { return tag_ == Tag::IntList; }
  bool toBool() const { return check(Tag::Bool, "toBool"), b_; }
  int64_t toInt() const { return check(Tag::Int, "toInt"), i_; }
  /// A double, or an int converted to double.
  double toDouble() const { return isInt() ? double(i_) : (check(Tag::Double, "toDouble"), d_); }
  const std::string& toStringRef() const { return check(Tag::String, "toStringRef"), s_; }
  const Tensor& toTensor() const { return check(Tag::Tensor, "toTensor"), t_; }
  /// A shape or list of dims (e.g. saved from x.sizes()).
  const std::vector<int64_t>& toIntVector() const { return check(Tag::IntList, "toIntVector"), l_; }
  /// "None", "Bool", "Int", "Double", "String", "Tensor" or "IntList".
  const char* tagKind() const;

 private:
  enum class Tag : uint8_t { None, Bool, Int, Double, String, Tensor, IntList };
  void check(Tag want, const char* fn) const {
    if (tag_ != want) wrong_kind(want, fn);
  }
  [[noreturn]] void wrong_kind(Tag want, const char* fn) const;

  Tag tag_ = Tag::None;
  bool b_ = false;
  int64_t i_ = 0;
  double d_ = 0;
  std::string s_;
  Tensor t_;
  std::vector<int64_t> l_;
};

/// AutogradContext::saved_data: IValues by name (`ctx->saved_data["c"] = c;`, `ctx->saved_data["c"].toDouble()`).
class SavedData {
 public:
  SavedData();
  ~SavedData();
  SavedData(const SavedData&) = delete;
  SavedData& operator=(const SavedData&) = delete;
  /// The value under `key`, inserted as None when absent.
  IValue& operator[](const std::string& key);
  /// The value under `key`; nabla::Error when absent.
  IValue& at(const std::string& key);
  const IValue& at(const std::string& key) const;
  size_t count(const std::string& key) const;
  bool contains(const std::string& key) const { return count(key) != 0; }
  size_t erase(const std::string& key);
  void clear();
  size_t size() const;
  bool empty() const { return size() == 0; }

 private:
  friend class CustomNodeBase;
  /// Moves the saved tensors into `out` and empties the map (when the node is freed).
  void take_tensors(std::vector<Tensor>& out);
  struct Map;
  std::unique_ptr<Map> map_;
};

class CustomNodeBase;

/// What forward hands to backward in a custom Function.
class AutogradContext {
 public:
  AutogradContext() = default;
  AutogradContext(const AutogradContext&) = delete;
  AutogradContext& operator=(const AutogradContext&) = delete;

  /// Non-tensor values (and, discouraged, tensors) for backward.
  SavedData saved_data;

  /// Tensors (inputs or outputs of forward) for backward; call once, in forward. Saving through here (not
  /// saved_data) checks for later in-place changes and avoids reference cycles with outputs.
  void save_for_backward(tensor_list to_save);
  /// The tensors given to save_for_backward, in order. Throws after a backward without retain_graph freed them.
  tensor_list get_saved_variables() const;
  /// Outputs that are not differentiable (indices, masks): they get no grad_fn and zero gradients in backward.
  void mark_non_differentiable(const tensor_list& outputs);
  /// Inputs that forward modified in place (and returns): their history moves onto this node, as for a
  /// built-in in-place op; a leaf that requires grad cannot be dirty.
  void mark_dirty(const tensor_list& inputs);
  /// Whether undefined output gradients reach backward as zeros (default) or as undefined tensors.
  void set_materialize_grads(bool value) { materialize_grads_ = value; }
  /// Whether the i-th Tensor input of forward needs a gradient (valid in forward and in backward).
  bool needs_input_grad(size_t i) const;

 private:
  friend class CustomNodeBase;
  tensor_list to_save_;                           // during forward
  std::vector<SavedVariable> saved_;              // after forward
  std::vector<const TensorImpl*> non_differentiable_;
  std::vector<const TensorImpl*> dirty_;
  std::vector<uint8_t> needs_input_grad_;
  bool materialize_grads_ = true;
  bool saved_called_ = false;
  bool released_ = false;
};

/// The graph node of a custom Function (type-independent part; see CppNode<T>).
class CustomNodeBase : public Node {
 public:
  ~CustomNodeBase() override;
  variable_list apply(variable_list&& grads) override;
  void release_variables() override;
  AutogradContext ctx_;

  // Used by Function<T>::apply.
  /// Wires edges to `inputs` and fills needs_input_grad; returns whether the call must be recorded.
  bool begin(const tensor_list& inputs, std::vector<int> arg_tensor_counts);
  /// Attaches the outputs (aliasing ones that are inputs) and turns to_save into saved variables.
  void finish(const tensor_list& inputs, tensor_list& outputs, bool record);

 protected:
  virtual tensor_list call_backward(tensor_list&& grads) = 0;

 private:
  std::vector<int> arg_tensor_counts_;  // per forward argument: 0 (not a tensor), 1 (Tensor) or n (tensor_list)
};

/// Demangled name of a type_info ("MyFunction" for `struct MyFunction`; "(anonymous namespace)::" dropped).
std::string demangle_type_name(const std::type_info& t);

template <class T>
class CppNode final : public CustomNodeBase {
 public:
  std::string name() const override { return "CppNode<" + demangle_type_name(typeid(T)) + ">"; }
  std::string forward_name() const override { return demangle_type_name(typeid(T)); }

 protected:
  tensor_list call_backward(tensor_list&& grads) override { return T::backward(&ctx_, std::move(grads)); }
};

namespace detail {
/// counts.push_back(n), compiled once in the library (in the template below it would be compiled in every file).
void add_arg_count(std::vector<int>& counts, int n);

template <typename A>
void collect_tensor_arg(tensor_list& out, std::vector<int>& counts, const A& a) {
  using D = std::decay_t<A>;
  if constexpr (std::is_same_v<D, Tensor>) {
    out.push_back(a);
    add_arg_count(counts, 1);
  } else if constexpr (std::is_same_v<D, tensor_list>) {
    out.insert(out.end(), a.begin(), a.end());
    add_arg_count(counts, int(a.size()));
  } else {
    add_arg_count(counts, 0);
  }
}
}  // namespace detail

/// Base of a custom differentiable function T (CRTP): T defines static forward and backward; call T::apply.
template <class T>
struct Function {
  /// Runs T::forward under no-grad and, when grad mode is on and a Tensor argument requires grad, records a
  /// CppNode<T> whose backward is T::backward. Returns what forward returns (Tensor or tensor_list).
  template <typename... Args>
  static auto apply(Args&&... args) {
    using Out = decltype(T::forward(static_cast<AutogradContext*>(nullptr), std::forward<Args>(args)...));
    static_assert(std::is_same_v<std::decay_t<Out>, Tensor> || std::is_same_v<std::decay_t<Out>, tensor_list>,
                  "nabla::autograd::Function: forward must return a Tensor or a tensor_list");
    auto node = std::make_shared<CppNode<T>>();
    tensor_list inputs;
    std::vector<int> counts;
    (detail::collect_tensor_arg(inputs, counts, args), ...);
    const bool record = node->begin(inputs, std::move(counts));
    tensor_list outputs;
    {
      AutoGradMode no_grad(false);
      if constexpr (std::is_same_v<std::decay_t<Out>, Tensor>) {
        outputs.push_back(T::forward(&node->ctx_, std::forward<Args>(args)...));
      } else {
        outputs = T::forward(&node->ctx_, std::forward<Args>(args)...);
      }
    }
    node->finish(inputs, outputs, record);
    if constexpr (std::is_same_v<std::decay_t<Out>, Tensor>) {
      return outputs[0];
    } else {
      return outputs;
    }
  }
};

}  // namespace nabla::autograd
