#pragma once
// Helpers shared by the test binaries: flatten a tensor to doubles, compare, capture an error message.
#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <string>
#include <vector>

#include "nabla/nabla.h"

namespace nabla::testing {

using Shape = std::vector<int64_t>;

/// All elements of t (any dtype, any strides) as doubles in row-major order.
inline std::vector<double> values(const Tensor& t) {
  Tensor c = t.detach().to(kFloat64).contiguous();
  const double* p = c.data_ptr<double>();
  return std::vector<double>(p, p + c.numel());
}

/// Element-wise |got - want| <= tol, reporting the flat index of each mismatch.
inline void expect_close(const Tensor& got, const std::vector<double>& want, double tol = 1e-12) {
  auto g = values(got);
  ASSERT_EQ(g.size(), want.size());
  for (size_t i = 0; i < g.size(); ++i) EXPECT_NEAR(g[i], want[i], tol) << "at flat index " << i;
}

/// Like expect_close on plain vectors, but NaN must match NaN and infinities must match exactly.
inline void expect_near(const std::vector<double>& got, const std::vector<double>& want, double tol = 1e-12) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << "at " << i;
    } else if (std::isinf(want[i])) {
      EXPECT_EQ(got[i], want[i]) << "at " << i;
    } else {
      EXPECT_NEAR(got[i], want[i], tol) << "at " << i;
    }
  }
}

/// Runs f and expects a nabla::Error whose message contains every piece.
template <typename F>
void expect_error(F f, std::initializer_list<const char*> pieces) {
  try {
    f();
    ADD_FAILURE() << "expected nabla::Error";
  } catch (const nabla::Error& e) {
    std::string msg = e.what();
    for (const char* p : pieces) EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' not in: " << msg;
  }
}

/// The message of the nabla::Error that f throws, or a marker text when it throws none.
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const nabla::Error& e) {
    return e.what();
  }
  return "<no nabla::Error thrown>";
}

/// A float64 tensor from nested lists.
inline Tensor f64(std::initializer_list<NestedList> v) { return tensor(v, TensorOptions().dtype(kFloat64)); }

/// 0, 1, ..., n-1 as float64 in `shape`.
inline Tensor iota(const Shape& shape) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  return arange(n, kFloat64).reshape(shape);
}
/// iota(shape) as a leaf that requires grad.
inline Tensor leaf(const Shape& shape) { return iota(shape).requires_grad_(true); }
/// Sum of (out * weights) so that every output element gets a distinct gradient weight.
inline Tensor weighted(const Tensor& out) { return (out * (iota(out.sizes().vec()) + 1.0)).sum(); }
/// Copies of outputs, for gradcheck cases whose outputs are views of their inputs.
inline std::vector<Tensor> copied(const std::vector<Tensor>& outs) {
  std::vector<Tensor> r;
  for (const Tensor& o : outs) r.push_back(o.clone());
  return r;
}

}  // namespace nabla::testing
