// The code of docs/api-tour.md, section by section, compiled and run by ctest (example.api_tour); the check
// example.api_tour_matches keeps every C++ block of the tour identical to lines of this file.
#include <cstdio>
#include <iostream>

#include "nabla/nabla.h"   // everything; or nabla/nn.h, nabla/optim.h, nabla/data.h, nabla/io.h
using namespace nabla;
namespace F = nabla::nn::functional;

// [modules]
struct NetImpl : nn::Module {
  NetImpl(int64_t in, int64_t hidden, int64_t out) {
    fc1 = register_module("fc1", nn::Linear(in, hidden));
    fc2 = register_module("fc2", nn::Linear(hidden, out));
    register_buffer("calls", zeros({}, kInt64));
  }
  Tensor forward(const Tensor& x) { return fc2(relu(fc1(x))); }
  nn::Linear fc1{nullptr}, fc2{nullptr};
};
NABLA_MODULE(Net);

// [function]
struct Square : autograd::Function<Square> {
  static Tensor forward(autograd::AutogradContext* ctx, Tensor x) {
    ctx->save_for_backward({x});
    return x * x;
  }
  static autograd::tensor_list backward(autograd::AutogradContext* ctx, autograd::tensor_list grad_outputs) {
    Tensor x = ctx->get_saved_variables()[0];
    return {2 * x * grad_outputs[0]};
  }
};

int main() {
  manual_seed(0);
  {
    // [tensors]
    Tensor a = tensor({{1.0, 2.0}, {3.0, 4.0}});                 // float32, like torch.tensor
    Tensor b = ones({2, 2}, TensorOptions().dtype(kFloat64));     // float64
    Tensor c = a + b;                                             // promotes to float64, as PyTorch
    Tensor v = a.t().contiguous().view({4});                      // views share storage
    std::cout << c << "\n" << v.sizes() << " " << a.sum().item<float>() << "\n";
    Tensor r = randn({3, 4}).slice(1, 0, 2).unsqueeze(0);         // (1, 3, 2)
    std::cout << r.sizes() << " " << r.dtype() << "\n";
  }
  {
    // [autograd]
    Tensor w = tensor({0.5}, TensorOptions().requires_grad(true));
    Tensor x = tensor({2.0});
    Tensor loss = (sigmoid(w * x) - 1).pow(2).sum();
    loss.backward();                                   // w.grad() = 2 (s - 1) s (1 - s) x
    std::cout << "dL/dw " << w.grad() << "\n";
    Tensor g = autograd::grad({w.pow(3).sum()}, {w}, {}, /*retain_graph=*/true,
                              /*create_graph=*/true)[0];  // 3 w^2, itself differentiable
    std::cout << "d2/dw2 " << autograd::grad({g.sum()}, {w})[0] << "\n";   // 6 w
    {
      NoGradGuard no_grad;                             // torch.no_grad()
      w -= 0.1 * w.grad();
    }
  }
  {
    // [modules-use]
    Net net(4, 8, 3);
    std::cout << net << "\n";                          // Net( (fc1): Linear(in_features=4, ...) ... )
    for (const auto& p : net->named_parameters()) std::cout << p.key() << " " << p.value().sizes() << "\n";
    nn::Sequential seq(nn::Linear(4, 8), nn::ReLU(), nn::Dropout(0.1), nn::Linear(8, 3));
    seq->eval();                                       // dropout off, batch norm uses running stats
    Tensor y = seq->forward(randn({5, 4}));
    std::cout << y.sizes() << " " << net(randn({5, 4})).sizes() << "\n";
  }
  {
    // [losses]
    Tensor logits = randn({4, 10}, TensorOptions().requires_grad(true));
    Tensor target = tensor({1, 0, 9, 3}, TensorOptions().dtype(kInt64));
    Tensor ce = F::cross_entropy(logits, target, F::CrossEntropyFuncOptions().label_smoothing(0.1));
    Tensor mse = nn::MSELoss()(logits.sigmoid(), zeros({4, 10}));
    (ce + mse).backward();
    std::cout << ce.item<double>() << " " << mse.item<double>() << "\n";
  }
  {
    // [optim]
    nn::Linear model(3, 1);
    optim::Adam optimizer(model->parameters(), optim::AdamOptions(0.1).weight_decay(1e-4));
    optim::StepLR scheduler(optimizer, /*step_size=*/50, /*gamma=*/0.5);
    Tensor x = randn({32, 3}), y = x.matmul(tensor({{1.0}, {-2.0}, {0.5}}));
    for (int epoch = 0; epoch < 150; ++epoch) {
      optimizer.zero_grad();
      Tensor loss = F::mse_loss(model(x), y);
      loss.backward();
      nn::utils::clip_grad_norm_(model->parameters(), /*max_norm=*/1.0);
      optimizer.step();
      scheduler.step();
    }
    std::cout << "lr " << scheduler.get_last_lr()[0] << " weight " << model->weight << "\n";
    // [checkpoint]
    save(model, "/tmp/nabla_tour_model.safetensors");          // keys "weight", "bias", as PyTorch
    save(optimizer.state_dict(), "/tmp/nabla_tour_adam.safetensors");
    nn::Linear restored(3, 1);
    load(restored, "/tmp/nabla_tour_model.safetensors");
    optim::Adam resumed(restored->parameters(), optim::AdamOptions(0.1));
    resumed.load_state_dict(load("/tmp/nabla_tour_adam.safetensors"));  // moments, step, lr, betas
    std::cout << equal(restored->weight, model->weight) << "\n";
  }
  {
    // [data]
    auto dataset = data::datasets::TensorDataset(randn({100, 3}), randint(0, 2, {100}))
                       .map(data::transforms::Stack<>());
    auto loader = data::make_data_loader(std::move(dataset), data::DataLoaderOptions(32).drop_last(true));
    for (auto& batch : *loader) std::cout << batch.data.sizes() << " " << batch.target.sizes() << "\n";
  }
  {
    // [hooks]
    nn::Sequential net(nn::Linear(4, 8), nn::ReLU(), nn::Linear(8, 2));
    auto handle = net[0]->register_forward_hook([](nn::Module& m, const Tensor& in, const Tensor& out) {
      std::cout << m.name() << " " << in.sizes() << " -> " << out.sizes() << "\n";  // Linear [5, 4] -> [5, 8]
    });
    net(randn({5, 4}));                                // runs the hook: Sequential calls each child as model(x)
    handle.remove();
    optim::SGD sgd(net->parameters(), optim::SGDOptions(0.01));
    sgd.register_step_pre_hook([](optim::Optimizer& o) { nn::utils::clip_grad_norm_(o.parameters(), 1.0); });
    for (const Tensor& p : net->parameters()) {
      p.register_post_accumulate_grad_hook([](Tensor& param) {    // PyTorch 2.1's name
        std::cout << "grad norm " << param.grad().norm().item<float>() << "\n";
      });
    }
    net(randn({5, 4})).sum().backward();               // each parameter's hook runs once, .grad() complete
    sgd.step();                                        // pre-hooks, the update, post-hooks
  }
  {
    // [function-use]
    Tensor x = tensor({3.0}, TensorOptions().requires_grad(true));
    Tensor y = Square::apply(x);
    y.backward();
    std::cout << y.grad_fn()->name() << " " << x.grad() << "\n";   // CppNode<Square>, 6
  }
  return 0;
}
