// The seed walkthrough: backpropagation by hand, then by nabla's autograd, on the same numbers.
//
//   (a) one sigmoid neuron, one gradient-descent step, every chain-rule factor printed;
//   (b) a 2-3-1 network with sigmoid and with ReLU: the delta formulas against loss.backward();
//   (c) twenty steps of gradient descent on four points, the loss falling.
//
// The math lives in examples/seed_math.h; tests/examples/seed_test.cpp checks the same functions.
#include <cstdio>
#include <string>

#include "seed_math.h"

namespace {

using seed::Activation;
using seed::Mat;

void heading(const char* title) { std::printf("\n=== %s ===\n\n", title); }

std::string fmt(const Mat& m) {
  std::string s = "[";
  char buf[32];
  for (int64_t i = 0; i < m.rows; ++i) {
    s += i ? "; " : "";
    for (int64_t j = 0; j < m.cols; ++j) {
      std::snprintf(buf, sizeof buf, j ? ", %.6f" : "%.6f", m(i, j) + 0.0);  // + 0.0 prints -0 as 0
      s += buf;
    }
  }
  return s + "]";
}

void print_mat(const char* label, const Mat& m) { std::printf("  %-42s %s\n", label, fmt(m).c_str()); }

void part_a() {
  heading("(a) One neuron: y_hat = sigmoid(w*x + b), loss = (y_hat - y)^2");
  seed::NeuronProblem p;
  std::printf("Example x = %g, target y = %g; start w = %g, b = %g; learning rate lr = %g.\n\n", p.x, p.y, p.w, p.b,
              p.lr);

  seed::NeuronStep h = seed::neuron_by_hand(p);
  std::printf("Step 1, forward pass:\n");
  std::printf("  z      = w*x + b                    = %.12f\n", h.z);
  std::printf("  y_hat  = sigmoid(z)                 = %.12f\n", h.y_hat);
  std::printf("Step 2, loss:\n");
  std::printf("  loss   = (y_hat - y)^2              = %.12f\n", h.loss);
  std::printf("Step 3, backward pass (chain rule, output to input):\n");
  std::printf("  dL/dy_hat = 2*(y_hat - y)           = %.12f\n", h.dL_dyhat);
  std::printf("  dy_hat/dz = y_hat*(1 - y_hat)       = %.12f\n", h.dyhat_dz);
  std::printf("  dL/dz     = dL/dy_hat * dy_hat/dz   = %.12f\n", h.dL_dz);
  std::printf("  dL/dw     = dL/dz * x               = %.12f\n", h.dL_dw);
  std::printf("  dL/db     = dL/dz * 1               = %.12f\n", h.dL_db);
  std::printf("Step 4, update (w -= lr*dL/dw, b -= lr*dL/db):\n");
  std::printf("  w = %.12f\n  b = %.12f\n\n", h.w_new, h.b_new);

  seed::NeuronStep a = seed::neuron_by_autograd(p);
  std::printf("The same step with autograd (float64): loss.backward(), then w -= lr*w.grad() under NoGradGuard:\n");
  std::printf("  loss = %.12f   w.grad() = %.12f   b.grad() = %.12f\n", a.loss, a.dL_dw, a.dL_db);
  std::printf("  w = %.12f\n  b = %.12f\n", a.w_new, a.b_new);
  std::printf("Hand and autograd differ by %.1e in w and %.1e in b.\n", std::fabs(h.w_new - a.w_new),
              std::fabs(h.b_new - a.b_new));
  const double s = seed::sigmoid(1.0), k = s * (1 - s) * (1 - s);
  std::printf("Closed form, s = sigmoid(1): w = 0.5 + 0.4*s*(1-s)^2 = %.16f, b = 0.2*s*(1-s)^2 = %.16f\n",
              0.5 + 0.4 * k, 0.2 * k);
}

void part_b(Activation act) {
  std::string title = std::string("(b) One hidden layer, 2 -> 3 -> 1, f = ") + seed::name(act);
  heading(title.c_str());
  seed::Net n = seed::example_net();
  Mat x = seed::example_x();
  double y = seed::example_y();
  if (act == Activation::Sigmoid) {
    std::printf("z1 = W1 x + b1, a1 = f(z1), z2 = W2 a1 + b2, y_hat = f(z2), loss = (y_hat - y)^2.\n");
    std::printf("Because the loss has no 1/2 in front, dL/dy_hat = 2*(y_hat - y): the factor 2 is in every delta.\n");
    std::printf("Here f = sigmoid, so f'(z) = f(z)*(1 - f(z)).\n\n");
    print_mat("x", x);
    std::printf("  %-42s %g\n", "y", y);
    print_mat("W1 (3x2)", n.W1);
    print_mat("b1", n.b1);
    print_mat("W2 (1x3)", n.W2);
    print_mat("b2", n.b2);
    std::printf("\n");
  }
  if (act == Activation::ReLU)
    std::printf("Same x, y and weights as above; only f changes (f'(z) = 1 if z > 0 else 0).\n\n");
  seed::Backprop h = seed::backprop_by_hand(n, x, y, act);
  std::printf("Forward pass:\n");
  print_mat("z1 = W1 x + b1", h.z1);
  print_mat("a1 = f(z1)", h.a1);
  print_mat("z2 = W2 a1 + b2", h.z2);
  print_mat("y_hat = f(z2)", h.y_hat);
  std::printf("  %-42s %.6f\n", "loss = (y_hat - y)^2", h.loss);
  std::printf("Backward pass by hand:\n");
  print_mat("delta_output = 2(y_hat - y) f'(z2)", h.delta_output);
  print_mat("delta_hidden = (W2^T delta_output)*f'(z1)", h.delta_hidden);
  print_mat("dW2 = delta_output a1^T", h.dW2);
  print_mat("db2 = delta_output", h.db2);
  print_mat("dW1 = delta_hidden x^T", h.dW1);
  print_mat("db1 = delta_hidden", h.db1);
  if (act == Activation::ReLU)
    std::printf(
        "  (hidden unit 3 has z1 < 0, so f'(z1) = 0 there: its row of dW1 is zero and it does not learn\n"
        "   from this example.)\n");

  seed::Grads g = seed::backprop_by_autograd(n, x, y, act);
  std::printf("By autograd (loss.backward(), then each parameter's .grad()):\n");
  print_mat("W2.grad()", g.dW2);
  print_mat("W1.grad()", g.dW1);
  double diff = std::fmax(std::fmax(seed::max_abs_diff(h.dW1, g.dW1), seed::max_abs_diff(h.db1, g.db1)),
                          std::fmax(seed::max_abs_diff(h.dW2, g.dW2), seed::max_abs_diff(h.db2, g.db2)));
  std::printf("Largest difference between hand and autograd gradients: %.1e\n", diff);
}

void part_c() {
  heading("(c) Gradient descent, 20 steps on four points (full batch)");
  auto data = seed::toy_data();
  std::printf("Data (x1, x2 -> y):");
  for (const auto& s : data) std::printf("  (%g, %g -> %g)", s.x1, s.x2, s.y);
  std::printf("\nloss = mean over the four points of (y_hat - y)^2; start from the weights of (b).\n");
  std::printf(
      "Each step: forward, backward (the formulas of (b), averaged over the points; or autograd on\n"
      "all four points at once), then W -= lr*dW with lr = 0.5.\n\n");
  const double lr = 0.5;
  const int steps = 20;
  seed::Net relu_net = seed::example_net(), sig_net = seed::example_net(), auto_net = seed::example_net();
  auto relu_loss = seed::train_by_hand(relu_net, data, Activation::ReLU, lr, steps);
  auto sig_loss = seed::train_by_hand(sig_net, data, Activation::Sigmoid, lr, steps);
  auto auto_loss = seed::train_by_autograd(auto_net, data, Activation::ReLU, lr, steps);
  std::printf("  step   loss (ReLU, by hand)   loss (ReLU, autograd)   loss (sigmoid, by hand)\n");
  for (int s = 0; s <= steps; ++s)
    std::printf("  %4d   %20.6f   %21.6f   %23.6f\n", s, relu_loss[size_t(s)], auto_loss[size_t(s)],
                sig_loss[size_t(s)]);
  std::printf("\nReLU: the loss fell from %.6f to %.6f (%.1f%% of the start).\n", relu_loss.front(), relu_loss.back(),
              100.0 * relu_loss.back() / relu_loss.front());
  std::printf(
      "Sigmoid: only from %.6f to %.6f: sigmoid'(z) <= 0.25 shrinks every gradient that passes\n"
      "through it, so the same learning rate moves the weights much less (slow convergence,\n"
      "and in deep nets the vanishing gradient).\n",
      sig_loss.front(), sig_loss.back());
  std::printf("Hand and autograd training end %.1e apart in W1.\n", seed::max_abs_diff(relu_net.W1, auto_net.W1));
}

}  // namespace

int main() {
  std::printf("nabla seed walkthrough: backpropagation by hand and by autograd\n");
  std::printf("Training = forward pass, loss, backward pass (gradients by the chain rule), update; repeat.\n");
  try {
    part_a();
    part_b(Activation::Sigmoid);
    part_b(Activation::ReLU);
    part_c();
  } catch (const nabla::Error& e) {
    std::fprintf(stderr, "seed_walkthrough: %s\n", e.what());
    return 1;
  }
  return 0;
}
