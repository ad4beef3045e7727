#pragma once
// The LibTorch drop-in: a program written for LibTorch compiles against nabla when `#include <torch/torch.h>` becomes
// `#include <nabla/torch.h>`. It adds what LibTorch programs take for granted and <nabla/nabla.h> leaves out:
// - the namespaces `torch`, `at` and `c10`, all three naming nabla (torch::nn::Linear, at::Tensor, c10::IntArrayRef);
// - c10's vocabulary nabla spells with std: c10::optional, c10::nullopt, c10::irange, c10::str / torch::str;
// - the macros TORCH_CHECK (and _EQ, _NE, _LT, _LE, _GT, _GE, _INDEX, _VALUE, _TYPE), TORCH_INTERNAL_ASSERT,
//   AT_ASSERT, AT_ERROR, TORCH_WARN, TORCH_WARN_ONCE and TORCH_MODULE; their errors are nabla::Error (c10::Error);
// - the standard headers that <torch/torch.h> brings in (std::isnan without <cmath>, std::cout without <iostream>).
// <nabla/nabla.h> stays free of all of it; docs/libtorch-compat.md lists what a LibTorch program can use.

// The standard headers that LibTorch programs in the style of its documentation use without including them (I/O,
// strings and streams, math, <vector>, <map>, <array>, <tuple>, std::function, std::min and std::max). The
// slow-to-compile rest, which <torch/torch.h> also happens to bring in (<algorithm>, <numeric>, <unordered_map>, the
// rest of <functional>, <random>, <thread>, <mutex>, <chrono>, <atomic>, <deque>, <list>, <set>, <unordered_set>), a
// program includes itself: each costs every file that includes this header 0.05 to 0.3 s (docs/benchmarks.md).
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "nabla/nabla.h"

namespace nabla {

// c10's names for std's vocabulary.
template <typename T>
using optional = std::optional<T>;
using std::make_optional;
using std::nullopt;
using nullopt_t = std::nullopt_t;

/// c10::str / torch::str: the arguments streamed into one string.
template <typename... Args>
std::string str(const Args&... args) {
  return detail::concat(args...);
}

/// c10::irange(end) and irange(begin, end): the integers of [begin, end), for range-for loops.
template <typename I>
class IntegerRange {
 public:
  class iterator {
   public:
    explicit iterator(I v) : v_(v) {}
    I operator*() const { return v_; }
    iterator& operator++() {
      ++v_;
      return *this;
    }
    bool operator!=(const iterator& o) const { return v_ != o.v_; }
    bool operator==(const iterator& o) const { return v_ == o.v_; }

   private:
    I v_;
  };
  IntegerRange(I begin, I end) : begin_(begin), end_(end < begin ? begin : end) {}
  iterator begin() const { return iterator(begin_); }
  iterator end() const { return iterator(end_); }

 private:
  I begin_, end_;
};
template <typename I>
IntegerRange<I> irange(I end) {
  return IntegerRange<I>(I(0), end);
}
template <typename I, typename J>
IntegerRange<std::common_type_t<I, J>> irange(I begin, J end) {
  using T = std::common_type_t<I, J>;
  return IntegerRange<T>(T(begin), T(end));
}

namespace detail {
/// TORCH_CHECK's message: the caller's, or LibTorch's default when it gave none.
inline std::string check_message(const char* condition, std::string message) {
  if (!message.empty()) return message;
  return std::string("Expected ") + condition + " to be true, but got false.";
}
/// TORCH_WARN: "Warning: <message>" on stderr (LibTorch's default warning handler prints the same).
inline void warn(const std::string& message) { std::cerr << "Warning: " << message << "\n"; }
}  // namespace detail

}  // namespace nabla

namespace torch = ::nabla;
namespace at = ::nabla;
namespace c10 = ::nabla;

/// TORCH_CHECK(cond, message parts...): throws c10::Error (nabla::Error) with the parts concatenated.
#define TORCH_CHECK(cond, ...)                                                                          \
  do {                                                                                                  \
    if (!(cond)) [[unlikely]] {                                                                         \
      throw ::nabla::Error(::nabla::detail::check_message(#cond, ::nabla::detail::concat(__VA_ARGS__))); \
    }                                                                                                   \
  } while (0)
#define TORCH_CHECK_INDEX(cond, ...) TORCH_CHECK(cond, __VA_ARGS__)
#define TORCH_CHECK_VALUE(cond, ...) TORCH_CHECK(cond, __VA_ARGS__)
#define TORCH_CHECK_TYPE(cond, ...) TORCH_CHECK(cond, __VA_ARGS__)
#define TORCH_CHECK_NOT_IMPLEMENTED(cond, ...) TORCH_CHECK(cond, __VA_ARGS__)
#define TORCH_INTERNAL_ASSERT(cond, ...) TORCH_CHECK(cond, __VA_ARGS__)
#define TORCH_INTERNAL_ASSERT_DEBUG_ONLY(cond, ...) TORCH_CHECK(cond, __VA_ARGS__)
#define AT_ASSERT(cond, ...) TORCH_CHECK(cond, __VA_ARGS__)
#define AT_ERROR(...) throw ::nabla::Error(::nabla::detail::concat(__VA_ARGS__))

/// TORCH_CHECK_EQ(a, b) and friends: "Check failed: a == b (1 vs. 2)", as LibTorch's.
#define NABLA_TORCH_CHECK_OP(a, b, op)                                                                        \
  do {                                                                                                        \
    const auto& nabla_check_a = (a);                                                                          \
    const auto& nabla_check_b = (b);                                                                          \
    if (!(nabla_check_a op nabla_check_b)) [[unlikely]] {                                                     \
      throw ::nabla::Error(::nabla::detail::concat("Check failed: " #a " " #op " " #b " (", nabla_check_a, \
                                                   " vs. ", nabla_check_b, ")"));                            \
    }                                                                                                         \
  } while (0)
#define TORCH_CHECK_EQ(a, b) NABLA_TORCH_CHECK_OP(a, b, ==)
#define TORCH_CHECK_NE(a, b) NABLA_TORCH_CHECK_OP(a, b, !=)
#define TORCH_CHECK_LT(a, b) NABLA_TORCH_CHECK_OP(a, b, <)
#define TORCH_CHECK_LE(a, b) NABLA_TORCH_CHECK_OP(a, b, <=)
#define TORCH_CHECK_GT(a, b) NABLA_TORCH_CHECK_OP(a, b, >)
#define TORCH_CHECK_GE(a, b) NABLA_TORCH_CHECK_OP(a, b, >=)

/// TORCH_WARN(message parts...): "Warning: ..." on stderr; TORCH_WARN_ONCE: the first time only, per call site.
#define TORCH_WARN(...) ::nabla::detail::warn(::nabla::detail::concat(__VA_ARGS__))
#define TORCH_WARN_ONCE(...)                                              \
  do {                                                                    \
    static const bool nabla_warned_once = [&] {                           \
      ::nabla::detail::warn(::nabla::detail::concat(__VA_ARGS__));        \
      return true;                                                        \
    }();                                                                  \
    (void)nabla_warned_once;                                              \
  } while (0)

/// TORCH_MODULE(Name): the holder class Name for NameImpl (nabla's NABLA_MODULE).
#define TORCH_MODULE(Name) NABLA_MODULE(Name)
