#pragma once
// The math of the seed walkthrough, shared by examples/seed_walkthrough.cpp (which prints it) and
// tests/examples/seed_test.cpp (which checks it), so the test checks the very code the example runs.
//
// Conventions used throughout:
//   * column vectors: x (2, 1), W1 (3, 2), b1 (3, 1), W2 (1, 3), b2 (1, 1);
//   * the loss of one example is L = (y_hat - y)^2, with NO 1/2 in front, so dL/dy_hat = 2 (y_hat - y)
//     and every delta below carries that factor 2;
//   * the same activation f is used in both layers (sigmoid or ReLU), as in the textbook formulas;
//   * everything is float64, so the hand results and autograd's agree to rounding (1e-12 or better).
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "nabla/nabla.h"

namespace seed {

// ---------------------------------------------------------------------------------------------------------
// Activations and their derivatives (the derivative is what backprop needs).

enum class Activation { Sigmoid, ReLU };

inline const char* name(Activation a) { return a == Activation::Sigmoid ? "sigmoid" : "ReLU"; }

inline double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }
/// sigmoid'(z) = sigmoid(z) (1 - sigmoid(z)): at most 0.25, which is why deep sigmoid nets learn slowly.
inline double sigmoid_prime(double z) {
  double s = sigmoid(z);
  return s * (1.0 - s);
}
inline double relu(double z) { return z > 0.0 ? z : 0.0; }
/// ReLU'(z) = 1 for z > 0, else 0 (0 at the kink, as PyTorch does).
inline double relu_prime(double z) { return z > 0.0 ? 1.0 : 0.0; }

inline double f(Activation a, double z) { return a == Activation::Sigmoid ? sigmoid(z) : relu(z); }
inline double f_prime(Activation a, double z) { return a == Activation::Sigmoid ? sigmoid_prime(z) : relu_prime(z); }
inline nabla::Tensor f(Activation a, const nabla::Tensor& z) {
  return a == Activation::Sigmoid ? nabla::sigmoid(z) : nabla::relu(z);
}

inline nabla::TensorOptions f64() { return nabla::TensorOptions().dtype(nabla::kFloat64); }

// ---------------------------------------------------------------------------------------------------------
// (a) One neuron: y_hat = sigmoid(w x + b), L = (y_hat - y)^2, one gradient-descent step.

struct NeuronProblem {
  double x = 2.0, y = 1.0;  // one training example
  double w = 0.5, b = 0.0;  // starting parameters
  double lr = 0.1;          // learning rate
};

/// Every intermediate quantity of one step by the chain rule.
struct NeuronStep {
  double z = 0, y_hat = 0, loss = 0;
  double dL_dyhat = 0;  // 2 (y_hat - y)
  double dyhat_dz = 0;  // sigmoid'(z)
  double dL_dz = 0;     // dL/dy_hat * dy_hat/dz
  double dL_dw = 0;     // dL/dz * dz/dw = dL/dz * x
  double dL_db = 0;     // dL/dz * dz/db = dL/dz * 1
  double w_new = 0, b_new = 0;
};

inline NeuronStep neuron_by_hand(const NeuronProblem& p) {
  NeuronStep s;
  s.z = p.w * p.x + p.b;  // forward
  s.y_hat = sigmoid(s.z);
  s.loss = (s.y_hat - p.y) * (s.y_hat - p.y);
  s.dL_dyhat = 2.0 * (s.y_hat - p.y);  // backward, one factor per arrow of the chain
  s.dyhat_dz = sigmoid_prime(s.z);
  s.dL_dz = s.dL_dyhat * s.dyhat_dz;
  s.dL_dw = s.dL_dz * p.x;
  s.dL_db = s.dL_dz;
  s.w_new = p.w - p.lr * s.dL_dw;  // update
  s.b_new = p.b - p.lr * s.dL_db;
  return s;
}

/// The same step by nabla's autograd: build the expression, call backward(), read .grad().
inline NeuronStep neuron_by_autograd(const NeuronProblem& p) {
  auto x = nabla::tensor(p.x, f64());
  auto y = nabla::tensor(p.y, f64());
  auto w = nabla::tensor(p.w, f64().requires_grad(true));
  auto b = nabla::tensor(p.b, f64().requires_grad(true));

  auto z = w * x + b;
  auto y_hat = nabla::sigmoid(z);
  auto loss = (y_hat - y).pow(2);
  loss.backward();  // fills w.grad() and b.grad()

  NeuronStep s;
  s.z = z.item<double>();
  s.y_hat = y_hat.item<double>();
  s.loss = loss.item<double>();
  s.dL_dw = w.grad().item<double>();
  s.dL_db = b.grad().item<double>();
  {
    nabla::NoGradGuard no_grad;  // the update itself must not be recorded in the graph
    w -= p.lr * w.grad();
    b -= p.lr * b.grad();
  }
  s.w_new = w.item<double>();
  s.b_new = b.item<double>();
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// A tiny dense matrix for the hand computations (row-major).

struct Mat {
  int64_t rows = 0, cols = 0;
  std::vector<double> v;
  Mat() = default;
  Mat(int64_t r, int64_t c, std::vector<double> values = {}) : rows(r), cols(c), v(std::move(values)) {
    if (v.empty()) v.assign(size_t(r * c), 0.0);
  }
  double& operator()(int64_t r, int64_t c) { return v[size_t(r * cols + c)]; }
  double operator()(int64_t r, int64_t c) const { return v[size_t(r * cols + c)]; }
};

/// (n, k) x (k, m) -> (n, m)
inline Mat matmul(const Mat& a, const Mat& b) {
  Mat out(a.rows, b.cols);
  for (int64_t i = 0; i < a.rows; ++i)
    for (int64_t j = 0; j < b.cols; ++j)
      for (int64_t k = 0; k < a.cols; ++k) out(i, j) += a(i, k) * b(k, j);
  return out;
}
inline Mat transpose(const Mat& a) {
  Mat out(a.cols, a.rows);
  for (int64_t i = 0; i < a.rows; ++i)
    for (int64_t j = 0; j < a.cols; ++j) out(j, i) = a(i, j);
  return out;
}
/// Elementwise a + b (same shapes).
inline Mat plus(const Mat& a, const Mat& b) {
  Mat out = a;
  for (size_t i = 0; i < out.v.size(); ++i) out.v[i] += b.v[i];
  return out;
}
/// Elementwise product a * b (the "Hadamard" product written * in the delta formulas).
inline Mat hadamard(const Mat& a, const Mat& b) {
  Mat out = a;
  for (size_t i = 0; i < out.v.size(); ++i) out.v[i] *= b.v[i];
  return out;
}
inline Mat scaled(const Mat& a, double s) {
  Mat out = a;
  for (double& e : out.v) e *= s;
  return out;
}
template <typename Fn>
Mat map(const Mat& a, Fn fn) {
  Mat out = a;
  for (double& e : out.v) e = fn(e);
  return out;
}

inline nabla::Tensor to_tensor(const Mat& m, bool requires_grad = false) {
  auto t = nabla::tensor(m.v, f64()).view({m.rows, m.cols});
  t.requires_grad_(requires_grad);
  return t;
}
inline Mat to_mat(const nabla::Tensor& t) {
  NABLA_CHECK(t.dim() == 2, "to_mat: expected a matrix, got ", t.dim(), " dims");
  nabla::Tensor c = t.detach().to(nabla::kFloat64).contiguous();
  const double* p = c.data_ptr<double>();
  return Mat(t.size(0), t.size(1), std::vector<double>(p, p + c.numel()));
}
/// Largest |a - b| over all elements (shapes must agree).
inline double max_abs_diff(const Mat& a, const Mat& b) {
  if (a.rows != b.rows || a.cols != b.cols) return INFINITY;
  double d = 0;
  for (size_t i = 0; i < a.v.size(); ++i) d = std::fmax(d, std::fabs(a.v[i] - b.v[i]));
  return d;
}

// ---------------------------------------------------------------------------------------------------------
// (b) One hidden layer: 2 inputs -> 3 hidden -> 1 output.
//   z1 = W1 x + b1,  a1 = f(z1),  z2 = W2 a1 + b2,  y_hat = f(z2),  L = (y_hat - y)^2

struct Net {
  Mat W1, b1, W2, b2;
};

/// Fixed starting weights. Chosen so that with ReLU one hidden unit is off (z1 < 0), so the
/// example shows a zero derivative cutting a path, while the output unit stays on.
inline Net example_net() {
  Net n;
  n.W1 = Mat(3, 2,
             {0.1, -0.4,  //
              0.3, 0.2,   //
              -0.5, 0.6});
  n.b1 = Mat(3, 1, {0.1, 0.1, 0.1});
  n.W2 = Mat(1, 3, {0.7, -0.3, 0.5});
  n.b2 = Mat(1, 1, {0.2});
  return n;
}
inline Mat example_x() { return Mat(2, 1, {0.5, -1.0}); }
inline double example_y() { return 1.0; }

struct Backprop {
  Mat z1, a1, z2, y_hat;
  double loss = 0;
  Mat delta_output;  // dL/dz2 = 2 (y_hat - y) * f'(z2)                 (1, 1)
  Mat delta_hidden;  // dL/dz1 = (W2^T delta_output) * f'(z1)          (3, 1)
  Mat dW2, db2;      // delta_output a1^T (1, 3), delta_output (1, 1)
  Mat dW1, db1;      // delta_hidden x^T (3, 2),  delta_hidden (3, 1)
};

/// Forward and backward by the textbook formulas, for one example x (2, 1) with target y.
inline Backprop backprop_by_hand(const Net& n, const Mat& x, double y, Activation act) {
  auto fa = [act](double z) { return f(act, z); };
  auto fpa = [act](double z) { return f_prime(act, z); };
  Backprop r;
  r.z1 = plus(matmul(n.W1, x), n.b1);
  r.a1 = map(r.z1, fa);
  r.z2 = plus(matmul(n.W2, r.a1), n.b2);
  r.y_hat = map(r.z2, fa);
  double err = r.y_hat(0, 0) - y;
  r.loss = err * err;
  r.delta_output = scaled(map(r.z2, fpa), 2.0 * err);  // the 2 comes from d/dy_hat (y_hat - y)^2
  r.delta_hidden = hadamard(matmul(transpose(n.W2), r.delta_output), map(r.z1, fpa));
  r.dW2 = matmul(r.delta_output, transpose(r.a1));
  r.db2 = r.delta_output;
  r.dW1 = matmul(r.delta_hidden, transpose(x));
  r.db1 = r.delta_hidden;
  return r;
}

struct Grads {
  double loss = 0;
  Mat dW1, db1, dW2, db2;
};

/// The same gradients from autograd: the forward pass written with tensors, then loss.backward().
inline Grads backprop_by_autograd(const Net& n, const Mat& x_m, double y_v, Activation act) {
  auto W1 = to_tensor(n.W1, true), b1 = to_tensor(n.b1, true);
  auto W2 = to_tensor(n.W2, true), b2 = to_tensor(n.b2, true);
  auto x = to_tensor(x_m);
  auto y = nabla::full({1, 1}, y_v, f64());

  auto a1 = f(act, nabla::matmul(W1, x) + b1);      // (3, 1)
  auto y_hat = f(act, nabla::matmul(W2, a1) + b2);  // (1, 1)
  auto loss = (y_hat - y).pow(2).sum();
  loss.backward();

  return Grads{loss.item<double>(), to_mat(W1.grad()), to_mat(b1.grad()), to_mat(W2.grad()), to_mat(b2.grad())};
}

// ---------------------------------------------------------------------------------------------------------
// (c) Gradient descent on a small data set: four points, loss = mean over them of (y_hat - y)^2.

struct Sample {
  double x1, x2, y;
};

/// A soft "OR": the target grows with each input that is on.
inline std::vector<Sample> toy_data() { return {{0, 0, 0.2}, {0, 1, 0.6}, {1, 0, 0.6}, {1, 1, 0.9}}; }

/// Mean loss over the data and its gradient: the per-example hand gradients, averaged.
inline Grads full_batch_by_hand(const Net& n, const std::vector<Sample>& data, Activation act) {
  const double inv = 1.0 / double(data.size());
  Grads g{0, Mat(3, 2), Mat(3, 1), Mat(1, 3), Mat(1, 1)};
  for (const Sample& s : data) {
    Backprop r = backprop_by_hand(n, Mat(2, 1, {s.x1, s.x2}), s.y, act);
    g.loss += inv * r.loss;
    g.dW1 = plus(g.dW1, scaled(r.dW1, inv));
    g.db1 = plus(g.db1, scaled(r.db1, inv));
    g.dW2 = plus(g.dW2, scaled(r.dW2, inv));
    g.db2 = plus(g.db2, scaled(r.db2, inv));
  }
  return g;
}

/// W <- W - lr dW for every parameter.
inline void sgd_step(Net& n, const Grads& g, double lr) {
  n.W1 = plus(n.W1, scaled(g.dW1, -lr));
  n.b1 = plus(n.b1, scaled(g.db1, -lr));
  n.W2 = plus(n.W2, scaled(g.dW2, -lr));
  n.b2 = plus(n.b2, scaled(g.db2, -lr));
}

/// `steps` steps of full-batch gradient descent by hand; returns the loss before each step and after the
/// last one (steps + 1 values). `n` ends at the trained weights.
inline std::vector<double> train_by_hand(Net& n, const std::vector<Sample>& data, Activation act, double lr,
                                         int steps) {
  std::vector<double> losses;
  for (int step = 0; step < steps; ++step) {
    Grads g = full_batch_by_hand(n, data, act);
    losses.push_back(g.loss);
    sgd_step(n, g, lr);
  }
  losses.push_back(full_batch_by_hand(n, data, act).loss);
  return losses;
}

/// The same training with autograd, all four examples at once: each column of X (2, 4) is one example,
/// so the formulas are the hand ones with x replaced by X (the bias columns broadcast over the batch).
inline std::vector<double> train_by_autograd(Net& n, const std::vector<Sample>& data, Activation act, double lr,
                                             int steps) {
  const int64_t count = int64_t(data.size());
  std::vector<double> xs, ys;
  for (const Sample& s : data) xs.push_back(s.x1);
  for (const Sample& s : data) xs.push_back(s.x2);
  for (const Sample& s : data) ys.push_back(s.y);
  auto X = nabla::tensor(xs, f64()).view({2, count});
  auto Y = nabla::tensor(ys, f64()).view({1, count});
  auto W1 = to_tensor(n.W1, true), b1 = to_tensor(n.b1, true);
  auto W2 = to_tensor(n.W2, true), b2 = to_tensor(n.b2, true);
  std::vector<nabla::Tensor> params = {W1, b1, W2, b2};

  auto loss_fn = [&] {
    auto A1 = f(act, nabla::matmul(W1, X) + b1);      // (3, count)
    auto Y_hat = f(act, nabla::matmul(W2, A1) + b2);  // (1, count)
    return (Y_hat - Y).pow(2).mean();
  };
  std::vector<double> losses;
  for (int step = 0; step < steps; ++step) {
    auto loss = loss_fn();
    losses.push_back(loss.item<double>());
    loss.backward();
    nabla::NoGradGuard no_grad;
    for (auto& p : params) {
      p -= lr * p.grad();
      p.mutable_grad().zero_();  // gradients accumulate across backward calls: clear them
    }
  }
  {
    nabla::NoGradGuard no_grad;
    losses.push_back(loss_fn().item<double>());
  }
  n = Net{to_mat(W1), to_mat(b1), to_mat(W2), to_mat(b2)};
  return losses;
}

}  // namespace seed
