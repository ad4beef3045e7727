#pragma once
// LibTorch's tensor indexing (torch::indexing): x.index({Slice(), 0}), x.index({"...", None, Slice(1, None, 2)}),
// x.index({idx}) with an int64 index tensor or a bool mask, and x.index_put_({...}, value). The rules are Python's
// x[...]: an integer selects (drops the dim), a Slice keeps it, None inserts a dim of size 1, Ellipsis stands for the
// dims not named, a tensor index gathers along its dim, and a bool mask selects the elements where it is true.
// Several tensor indices are PyTorch's advanced indexing: x.index({rows, cols}) takes x[rows[b], cols[b]] for each b of
// their broadcast shape B, whose dims go where the indexed dims were when those are next to each other, else first.
#include <cstdint>
#include <optional>
#include <string>

#include "nabla/core/tensor.h"

namespace nabla::indexing {

/// None is std::nullopt, as LibTorch's is c10::nullopt: it also leaves out a Slice bound (Slice(1, None, 2)).
inline constexpr std::nullopt_t None = std::nullopt;
struct EllipsisIndexType {};
inline constexpr EllipsisIndexType Ellipsis{};

/// start:stop:step, each optional (Python's defaults: 0, the end, 1).
class Slice {
 public:
  Slice(std::optional<int64_t> start = std::nullopt, std::optional<int64_t> stop = std::nullopt,  // NOLINT
        std::optional<int64_t> step = std::nullopt)
      : start_(start), stop_(stop), step_(step.value_or(1)) {}
  std::optional<int64_t> start() const { return start_; }
  std::optional<int64_t> stop() const { return stop_; }
  int64_t step() const { return step_; }

 private:
  std::optional<int64_t> start_, stop_;
  int64_t step_;
};

/// One entry of an index list: None, Ellipsis ("..."), an integer, a bool, a Slice or a Tensor.
class TensorIndex {
 public:
  enum class Kind { None, Ellipsis, Integer, Boolean, Slice, Tensor };
  TensorIndex(std::nullopt_t) : kind_(Kind::None) {}                       // NOLINT
  TensorIndex(EllipsisIndexType) : kind_(Kind::Ellipsis) {}                // NOLINT
  TensorIndex(const char* text);                                           // NOLINT: "..." is Ellipsis
  TensorIndex(int64_t i) : kind_(Kind::Integer), integer_(i) {}            // NOLINT
  TensorIndex(int i) : kind_(Kind::Integer), integer_(i) {}                // NOLINT
  TensorIndex(bool b) : kind_(Kind::Boolean), boolean_(b) {}               // NOLINT
  TensorIndex(Slice s) : kind_(Kind::Slice), slice_(s) {}                  // NOLINT
  TensorIndex(Tensor t) : kind_(Kind::Tensor), tensor_(std::move(t)) {}    // NOLINT
  Kind kind() const { return kind_; }
  int64_t integer() const { return integer_; }
  bool boolean() const { return boolean_; }
  const Slice& slice() const { return slice_; }
  const Tensor& tensor() const { return tensor_; }

 private:
  Kind kind_;
  int64_t integer_ = 0;
  bool boolean_ = false;
  Slice slice_;
  Tensor tensor_;
};

}  // namespace nabla::indexing
