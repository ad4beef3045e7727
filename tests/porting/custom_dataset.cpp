// Porting suite: a custom dataset (torch::data::datasets::Dataset) batched by a DataLoader with a RandomSampler and
// Stack<>, training a small classifier: LibTorch's data API as its documentation teaches it.
#include <torch/torch.h>

#include <iostream>

// Two interleaved spirals, made once from the seeded generator.
class SpiralDataset : public torch::data::datasets::Dataset<SpiralDataset> {
 public:
  explicit SpiralDataset(int64_t n) {
    auto t = torch::rand({n}) * 3.0 + 0.5;
    auto label = torch::randint(0, 2, {n});
    auto angle = t * 2.5 + label.to(torch::kFloat32) * 3.14159f;
    auto noise = 0.05 * torch::randn({n, 2});
    data_ = torch::stack({t * torch::cos(angle), t * torch::sin(angle)}, 1) + noise;
    targets_ = label;
  }
  torch::data::Example<> get(size_t index) override { return {data_[index], targets_[index]}; }
  torch::optional<size_t> size() const override { return data_.size(0); }

 private:
  torch::Tensor data_, targets_;
};

struct NetImpl : torch::nn::Module {
  NetImpl() {
    fc1 = register_module("fc1", torch::nn::Linear(2, 32));
    fc2 = register_module("fc2", torch::nn::Linear(32, 32));
    fc3 = register_module("fc3", torch::nn::Linear(32, 2));
  }
  torch::Tensor forward(torch::Tensor x) {
    x = torch::tanh(fc1->forward(x));
    x = torch::tanh(fc2->forward(x));
    return torch::log_softmax(fc3->forward(x), 1);
  }
  torch::nn::Linear fc1{nullptr}, fc2{nullptr}, fc3{nullptr};
};
TORCH_MODULE(Net);

int main() {
  torch::manual_seed(7);
  auto dataset = SpiralDataset(512).map(torch::data::transforms::Stack<>());
  auto loader = torch::data::make_data_loader(std::move(dataset), torch::data::DataLoaderOptions().batch_size(32));
  Net net;
  torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(0.01));
  int step = 0;
  for (int epoch = 0; epoch < 6; ++epoch) {
    double total = 0;
    int batches = 0;
    for (auto& batch : *loader) {
      optimizer.zero_grad();
      auto loss = torch::nll_loss(net->forward(batch.data), batch.target);
      loss.backward();
      optimizer.step();
      if (step < 30) std::printf("step %d loss %.8g\n", step, loss.item<double>());
      total += loss.item<double>();
      ++batches;
      ++step;
    }
    std::printf("epoch %d mean loss %.6f\n", epoch, total / batches);
  }
}
