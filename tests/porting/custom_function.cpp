// Porting suite: custom autograd functions from LibTorch's autograd tutorial (LinearFunction with an optional bias,
// MulConstant with a non-tensor argument), trained for a few steps and checked with gradients printed.
#include <torch/torch.h>

#include <iostream>

using namespace torch::autograd;

class LinearFunction : public Function<LinearFunction> {
 public:
  static torch::Tensor forward(AutogradContext* ctx, torch::Tensor input, torch::Tensor weight,
                               torch::Tensor bias = torch::Tensor()) {
    ctx->save_for_backward({input, weight, bias});
    auto output = input.mm(weight.t());
    if (bias.defined()) {
      output += bias.unsqueeze(0).expand_as(output);
    }
    return output;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    auto saved = ctx->get_saved_variables();
    auto input = saved[0];
    auto weight = saved[1];
    auto bias = saved[2];
    auto grad_output = grad_outputs[0];
    auto grad_input = grad_output.mm(weight);
    auto grad_weight = grad_output.t().mm(input);
    auto grad_bias = torch::Tensor();
    if (bias.defined()) {
      grad_bias = grad_output.sum(0);
    }
    return {grad_input, grad_weight, grad_bias};
  }
};

class MulConstant : public Function<MulConstant> {
 public:
  static torch::Tensor forward(AutogradContext* ctx, torch::Tensor tensor, double constant) {
    ctx->saved_data["constant"] = constant;
    return tensor * constant;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    return {grad_outputs[0] * ctx->saved_data["constant"].toDouble(), torch::Tensor()};
  }
};

int main() {
  torch::manual_seed(0);
  auto x = torch::randn({2, 3}).requires_grad_();
  auto weight = torch::randn({4, 3}).requires_grad_();
  auto y = LinearFunction::apply(x, weight);
  y.sum().backward();
  std::cout << "x.grad " << x.grad() << "\nweight.grad " << weight.grad() << "\n";

  auto a = torch::randn({2}).requires_grad_();
  auto b = MulConstant::apply(a, 5.5);
  b.sum().backward();
  std::cout << "a.grad " << a.grad() << "\n";

  // A small fit through the custom function: y = x W^T + b.
  auto data = torch::randn({64, 3});
  auto target = data.mm(torch::tensor({{1.0f, -1.0f, 2.0f}}).t()) + 0.25;
  auto w = torch::zeros({1, 3}, torch::requires_grad());
  auto bias = torch::zeros({1}, torch::requires_grad());
  torch::optim::Adam opt({w, bias}, torch::optim::AdamOptions(0.1));
  for (int step = 0; step < 40; ++step) {
    opt.zero_grad();
    auto loss = (LinearFunction::apply(data, w, bias) - target).pow(2).mean();
    loss.backward();
    opt.step();
    std::printf("step %d loss %.8g\n", step, loss.item<double>());
  }
  std::printf("final w %.5f %.5f %.5f b %.5f\n", w[0][0].item<float>(), w[0][1].item<float>(),
              w[0][2].item<float>(), bias[0].item<float>());
}
