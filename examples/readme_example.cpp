// The example from README.md: one sigmoid neuron, one step of gradient descent, gradients by autograd.
#include <nabla/nabla.h>

#include <iostream>

int main() {
  auto f64 = nabla::TensorOptions().dtype(nabla::kFloat64);
  auto x = nabla::tensor({2.0}, f64), y = nabla::tensor({1.0}, f64);
  auto w = nabla::tensor({0.5}, f64.requires_grad(true));
  auto b = nabla::tensor({0.0}, f64.requires_grad(true));

  auto loss = (nabla::sigmoid(w * x + b) - y).pow(2).sum();  // (y_hat - y)^2
  loss.backward();                                           // fills w.grad() and b.grad()
  std::cout << "dL/dw = " << w.grad().item<double>() << ", dL/db = " << b.grad().item<double>() << "\n";

  nabla::NoGradGuard no_grad;  // the update is not part of the graph
  w -= 0.1 * w.grad();
  b -= 0.1 * b.grad();
  std::cout << "w = " << w.item<double>() << ", b = " << b.item<double>() << "\n";  // 0.521151, 0.0105754
}
