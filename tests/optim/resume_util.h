#pragma once
// Helpers of the state_dict resume tests: a two-layer model as four float64 leaves, one training step, and bitwise
// comparisons of parameters and state dicts.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "nabla/optim.h"
#include "test_util.h"

namespace nabla::testing {

/// w1 (3, 4), b1 (4), w2 (4, 2), b2 (2): the same values on every call.
inline std::vector<Tensor> make_params() {
  manual_seed(11);
  const auto f = TensorOptions().dtype(kFloat64);
  return {randn({3, 4}, f).requires_grad_(true), randn({4}, f).requires_grad_(true),
          randn({4, 2}, f).requires_grad_(true), randn({2}, f).requires_grad_(true)};
}

/// Detached copies that require grad: the "fresh model" a resumed run loads its weights into.
inline std::vector<Tensor> copy_params(const std::vector<Tensor>& p) {
  std::vector<Tensor> r;
  for (const Tensor& t : p) r.push_back(t.detach().clone().requires_grad_(true));
  return r;
}

/// One step on a fixed batch; the step number t varies the batch so that every step sees a new gradient.
inline void train_step(optim::Optimizer& opt, const std::vector<Tensor>& p, int t) {
  const auto f = TensorOptions().dtype(kFloat64);
  Tensor x = arange(15, f).reshape({5, 3}) * 0.1 + (0.05 * t - 0.7);
  opt.zero_grad();
  Tensor h = (x.matmul(p[0]) + p[1]).tanh();
  Tensor loss = (h.matmul(p[2]) + p[3] - 0.5).pow(2).sum();
  loss.backward();
  opt.step();
}

inline void expect_bit_equal(const Tensor& a, const Tensor& b, const std::string& what) {
  ASSERT_EQ(a.scalar_type(), b.scalar_type()) << what;
  ASSERT_EQ(a.sizes().vec(), b.sizes().vec()) << what;
  Tensor ca = a.contiguous(), cb = b.contiguous();
  EXPECT_EQ(std::memcmp(ca.data_ptr(), cb.data_ptr(), static_cast<size_t>(ca.numel()) * ca.element_size()), 0)
      << what << ": " << ::testing::PrintToString(values(a)) << " vs " << ::testing::PrintToString(values(b));
}

inline void expect_params_equal(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) expect_bit_equal(a[i], b[i], "parameter " + std::to_string(i));
}

inline void expect_same_dict(const OrderedDict<std::string, Tensor>& a, const OrderedDict<std::string, Tensor>& b) {
  ASSERT_EQ(a.keys(), b.keys());
  for (const auto& item : a) expect_bit_equal(item.value(), b[item.key()], item.key());
}

}  // namespace nabla::testing
