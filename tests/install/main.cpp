// Consumer of an installed nabla: includes only <nabla/nabla.h> and checks one gradient.
#include <nabla/nabla.h>

#include <cmath>
#include <cstdio>

int main() {
  auto x = nabla::tensor({1.0, 2.0, 3.0}, nabla::TensorOptions().dtype(nabla::kFloat64).requires_grad(true));
  auto loss = (x * x).sum();  // d/dx sum(x^2) = 2x
  loss.backward();
  const double* g = x.grad().contiguous().data_ptr<double>();
  for (int i = 0; i < 3; ++i) {
    if (std::fabs(g[i] - 2.0 * (i + 1)) > 1e-12) {
      std::fprintf(stderr, "consumer: wrong gradient %g at %d\n", g[i], i);
      return 1;
    }
  }
  std::printf("consumer: ok, loss = %g\n", loss.item<double>());
  return 0;
}
