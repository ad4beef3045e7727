// Every entry that docs/libtorch-compat.md lists as supported, used here as LibTorch's documentation and tutorials
// use it, through <nabla/torch.h>: each COMPAT(entry) block compiles the use and checks its result. ctest's
// docs.libtorch_compat (tests/examples/check_compat_doc.py) checks that the document's supported rows and these
// blocks name the same entries, so the list cannot drift from the code.
#include <nabla/torch.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

// Opens a block that exercises one documented entry.
#define COMPAT(name) if (const char* compat_entry = name; compat_entry != nullptr)

namespace {

using torch::indexing::Slice;

TEST(LibTorchCompat, TensorsAndFactories) {
  COMPAT("torch::Tensor") {
    torch::Tensor t;
    EXPECT_FALSE(t.defined());
  }
  COMPAT("torch::tensor") { EXPECT_EQ(torch::tensor({1.0, 2.0}).numel(), 2); }
  COMPAT("torch::zeros") { EXPECT_EQ(torch::zeros({2, 3}).sum().item<float>(), 0.0f); }
  COMPAT("torch::ones") { EXPECT_EQ(torch::ones({2, 3}).sum().item<float>(), 6.0f); }
  COMPAT("torch::full") { EXPECT_EQ(torch::full({2}, 7).sum().item<float>(), 14.0f); }
  COMPAT("torch::empty") { EXPECT_EQ(torch::empty({4}).numel(), 4); }
  COMPAT("torch::eye") { EXPECT_EQ(torch::eye(3).sum().item<float>(), 3.0f); }
  COMPAT("torch::arange") { EXPECT_EQ(torch::arange(5).sum().item<int64_t>(), 10); }
  COMPAT("torch::linspace") { EXPECT_EQ(torch::linspace(0, 1, 5).numel(), 5); }
  COMPAT("torch::zeros_like") { EXPECT_EQ(torch::zeros_like(torch::ones({3})).sum().item<float>(), 0.0f); }
  COMPAT("torch::ones_like") { EXPECT_EQ(torch::ones_like(torch::zeros({3})).sum().item<float>(), 3.0f); }
  COMPAT("torch::from_blob") {
    float data[] = {1, 2, 3};
    EXPECT_EQ(torch::from_blob(data, {3}).sum().item<float>(), 6.0f);
  }
  COMPAT("torch::cat") { EXPECT_EQ(torch::cat({torch::ones({2}), torch::zeros({3})}).numel(), 5); }
  COMPAT("torch::stack") {
    EXPECT_EQ(torch::stack({torch::ones({2}), torch::zeros({2})}).sizes().vec(), std::vector<int64_t>({2, 2}));
  }
  COMPAT("torch::TensorOptions") {
    auto o = torch::TensorOptions().dtype(torch::kFloat64).requires_grad(true);
    EXPECT_TRUE(torch::zeros({1}, o).requires_grad());
  }
  COMPAT("torch::dtype") { EXPECT_EQ(torch::ones({1}, torch::dtype(torch::kInt64)).dtype(), torch::kLong); }
  COMPAT("torch::kFloat32") { EXPECT_EQ(torch::kFloat32, torch::kFloat); }
  COMPAT("Tensor::options") {
    EXPECT_EQ(torch::zeros({2}, torch::ones({1}, torch::kFloat64).options()).dtype(), torch::kFloat64);
  }
  COMPAT("Tensor::item") { EXPECT_EQ(torch::tensor({2.5}).item().toFloat(), 2.5f); }
  COMPAT("Tensor::accessor") {
    auto eye = torch::eye(2);
    auto a = eye.accessor<float, 2>();
    EXPECT_EQ(a[1][1], 1.0f);
  }
  COMPAT("Tensor::index") { EXPECT_EQ(torch::eye(3).index({Slice(), 0}).sum().item<float>(), 1.0f); }
  COMPAT("Tensor::index_put_") {
    auto t = torch::zeros({3});
    t.index_put_({1}, 4);
    EXPECT_EQ(t.sum().item<float>(), 4.0f);
  }
  COMPAT("Tensor::toType") { EXPECT_EQ(torch::ones({1}).toType(torch::kFloat64).dtype(), torch::kDouble); }
  COMPAT("Tensor::to") { EXPECT_EQ(torch::ones({1}).to(torch::kCPU).device(), torch::Device(torch::kCPU)); }
}

TEST(LibTorchCompat, TensorMath) {
  auto a = torch::tensor({{1.0f, -2.0f}, {3.0f, 4.0f}});
  COMPAT("torch::matmul") { EXPECT_EQ(torch::matmul(a, a).index({0, 0}).item<float>(), -5.0f); }
  COMPAT("torch::where") { EXPECT_EQ(torch::where(a > 0, a, torch::zeros_like(a)).sum().item<float>(), 8.0f); }
  COMPAT("torch::clamp") { EXPECT_EQ(torch::clamp(a, 0, 3).sum().item<float>(), 7.0f); }
  COMPAT("torch::exp") { EXPECT_NEAR(torch::exp(torch::zeros({2})).sum().item<float>(), 2.0f, 1e-6); }
  COMPAT("torch::sum") { EXPECT_EQ(torch::sum(a).item<float>(), 6.0f); }
  COMPAT("torch::argmax") { EXPECT_EQ(torch::argmax(a).item<int64_t>(), 3); }
  COMPAT("torch::allclose") { EXPECT_TRUE(torch::allclose(a, a + 1e-9)); }
}

TEST(LibTorchCompat, RandomNumbers) {
  COMPAT("torch::manual_seed") { torch::manual_seed(0); }
  COMPAT("torch::rand") { EXPECT_EQ(torch::rand({3}).numel(), 3); }
  COMPAT("torch::randn") { EXPECT_EQ(torch::randn({3}).numel(), 3); }
  COMPAT("torch::randint") { EXPECT_LT(torch::randint(0, 5, {10}).max().item<int64_t>(), 5); }
  COMPAT("torch::randperm") { EXPECT_EQ(torch::randperm(6).sum().item<int64_t>(), 15); }
  COMPAT("torch::rand_like") { EXPECT_EQ(torch::rand_like(torch::ones({4})).numel(), 4); }
  COMPAT("torch::randn_like") { EXPECT_EQ(torch::randn_like(torch::ones({4})).numel(), 4); }
  COMPAT("torch::bernoulli") { EXPECT_EQ(torch::bernoulli(torch::ones({4})).sum().item<float>(), 4.0f); }
  COMPAT("torch::Generator") {
    torch::Generator g = torch::make_generator<torch::CPUGeneratorImpl>(3);
    EXPECT_EQ(torch::rand({2}, g).numel(), 2);
  }
  COMPAT("Tensor::uniform_") { EXPECT_LE(torch::empty({5}).uniform_(0, 1).max().item<float>(), 1.0f); }
  COMPAT("Tensor::normal_") { EXPECT_EQ(torch::empty({5}).normal_().numel(), 5); }
}

TEST(LibTorchCompat, Devices) {
  COMPAT("torch::Device") { EXPECT_TRUE(torch::Device("cpu").is_cpu()); }
  COMPAT("torch::cuda::is_available") { EXPECT_FALSE(torch::cuda::is_available()); }
  COMPAT("torch::cuda::device_count") { EXPECT_EQ(torch::cuda::device_count(), 0); }
  COMPAT("torch::set_num_threads") { torch::set_num_threads(torch::get_num_threads()); }
}

TEST(LibTorchCompat, Autograd) {
  COMPAT("torch::NoGradGuard") {
    torch::NoGradGuard no_grad;
    EXPECT_FALSE((torch::ones({1}, torch::requires_grad()) * 2).requires_grad());
  }
  COMPAT("torch::autograd::grad") {
    auto x = torch::tensor({3.0}, torch::requires_grad());
    EXPECT_EQ(torch::autograd::grad({(x * x).sum()}, {x})[0].item<double>(), 6.0);
  }
  COMPAT("torch::autograd::Function") {
    struct Twice : torch::autograd::Function<Twice> {
      static torch::Tensor forward(torch::autograd::AutogradContext*, torch::Tensor x) { return x * 2; }
      static torch::autograd::tensor_list backward(torch::autograd::AutogradContext*, torch::autograd::tensor_list g) {
        return {g[0] * 2};
      }
    };
    auto x = torch::ones({2}, torch::requires_grad());
    Twice::apply(x).sum().backward();
    EXPECT_EQ(x.grad().sum().item<float>(), 4.0f);
  }
}

TEST(LibTorchCompat, AtenFunctions) {
  auto x = torch::randn({4, 3}), y = torch::randint(0, 3, {4});
  COMPAT("torch::relu") { EXPECT_GE(torch::relu(x).min().item<float>(), 0.0f); }
  COMPAT("torch::sigmoid") { EXPECT_LE(torch::sigmoid(x).max().item<float>(), 1.0f); }
  COMPAT("torch::tanh") { EXPECT_LE(torch::tanh(x).max().item<float>(), 1.0f); }
  COMPAT("torch::gelu") { EXPECT_EQ(torch::gelu(x).sizes(), x.sizes()); }
  COMPAT("torch::softmax") { EXPECT_NEAR(torch::softmax(x, 1).sum().item<float>(), 4.0f, 1e-5); }
  COMPAT("torch::log_softmax") { EXPECT_EQ(torch::log_softmax(x, 1).sizes(), x.sizes()); }
  COMPAT("torch::dropout") { EXPECT_TRUE(torch::equal(torch::dropout(x, 0.5, false), x)); }
  COMPAT("torch::nll_loss") {
    EXPECT_EQ(torch::nll_loss(torch::log_softmax(x, 1), y, {}, torch::Reduction::Sum).dim(), 0);
  }
  COMPAT("torch::cross_entropy_loss") { EXPECT_EQ(torch::cross_entropy_loss(x, y).dim(), 0); }
  COMPAT("torch::mse_loss") { EXPECT_EQ(torch::mse_loss(x, x).item<float>(), 0.0f); }
  COMPAT("torch::l1_loss") { EXPECT_EQ(torch::l1_loss(x, x).item<float>(), 0.0f); }
  COMPAT("torch::smooth_l1_loss") { EXPECT_EQ(torch::smooth_l1_loss(x, x).item<float>(), 0.0f); }
  COMPAT("torch::huber_loss") { EXPECT_EQ(torch::huber_loss(x, x).item<float>(), 0.0f); }
  COMPAT("torch::binary_cross_entropy") {
    EXPECT_GT(torch::binary_cross_entropy(torch::sigmoid(x), torch::ones_like(x)).item<float>(), 0.0f);
  }
  COMPAT("torch::binary_cross_entropy_with_logits") {
    EXPECT_GT(torch::binary_cross_entropy_with_logits(x, torch::ones_like(x)).item<float>(), 0.0f);
  }
  COMPAT("torch::kl_div") { EXPECT_EQ(torch::kl_div(torch::log_softmax(x, 1), torch::softmax(x, 1)).dim(), 0); }
  auto img = torch::randn({2, 3, 8, 8});
  COMPAT("torch::max_pool2d") { EXPECT_EQ(torch::max_pool2d(img, 2).size(2), 4); }
  COMPAT("torch::avg_pool2d") { EXPECT_EQ(torch::avg_pool2d(img, 2).size(3), 4); }
  COMPAT("torch::adaptive_avg_pool2d") { EXPECT_EQ(torch::adaptive_avg_pool2d(img, {1, 1}).numel(), 6); }
  COMPAT("torch::conv2d") { EXPECT_EQ(torch::conv2d(img, torch::randn({5, 3, 3, 3})).size(1), 5); }
  COMPAT("torch::conv1d") { EXPECT_EQ(torch::conv1d(torch::randn({1, 2, 9}), torch::randn({4, 2, 3})).size(2), 7); }
  COMPAT("torch::conv_transpose2d") {
    EXPECT_EQ(torch::conv_transpose2d(img, torch::randn({3, 2, 4, 4}), {}, 2, 1).size(2), 16);
  }
  COMPAT("torch::batch_norm") {
    EXPECT_EQ(torch::batch_norm(img, {}, {}, {}, {}, true, 0.1, 1e-5, false).sizes(), img.sizes());
  }
  COMPAT("torch::layer_norm") { EXPECT_EQ(torch::layer_norm(x, {3}).sizes(), x.sizes()); }
  COMPAT("torch::embedding") { EXPECT_EQ(torch::embedding(torch::randn({5, 2}), y).size(1), 2); }
  COMPAT("torch::linear") { EXPECT_EQ(torch::linear(x, torch::randn({2, 3})).size(1), 2); }
  COMPAT("torch::Reduction") {
    int64_t r = at::Reduction::Mean;
    EXPECT_EQ(r, 1);
  }
}

struct TinyImpl : torch::nn::Module {
  TinyImpl() : fc(register_module("fc", torch::nn::Linear(3, 2))) {}
  torch::Tensor forward(torch::Tensor x) { return fc(x); }
  torch::nn::Linear fc;
};
TORCH_MODULE(Tiny);

TEST(LibTorchCompat, Modules) {
  auto x = torch::randn({2, 3}), img = torch::randn({2, 1, 6, 6});
  COMPAT("torch::nn::Module") { EXPECT_EQ(Tiny()->parameters().size(), 2u); }
  COMPAT("TORCH_MODULE") { EXPECT_EQ(Tiny()->forward(x).size(1), 2); }
  COMPAT("torch::nn::Linear") { EXPECT_EQ(torch::nn::Linear(3, 4)(x).size(1), 4); }
  COMPAT("torch::nn::Conv1d") { EXPECT_EQ(torch::nn::Conv1d(3, 2, 1)(x.unsqueeze(2)).size(1), 2); }
  COMPAT("torch::nn::Conv2d") {
    EXPECT_EQ(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 4, 3).padding(1))(img).size(1), 4);
  }
  COMPAT("torch::nn::ConvTranspose2d") { EXPECT_EQ(torch::nn::ConvTranspose2d(1, 2, 2)(img).size(2), 7); }
  COMPAT("torch::nn::BatchNorm2d") { EXPECT_EQ(torch::nn::BatchNorm2d(1)(img).sizes(), img.sizes()); }
  COMPAT("torch::nn::LayerNorm") {
    EXPECT_EQ(torch::nn::LayerNorm(torch::nn::LayerNormOptions({3}))(x).sizes(), x.sizes());
  }
  COMPAT("torch::nn::Embedding") { EXPECT_EQ(torch::nn::Embedding(5, 3)(torch::tensor({1, 4})).size(1), 3); }
  COMPAT("torch::nn::Dropout") { EXPECT_EQ(torch::nn::Dropout(0.5)(x).sizes(), x.sizes()); }
  COMPAT("torch::nn::Dropout2d") { EXPECT_EQ(torch::nn::Dropout2d(0.5)(img).sizes(), img.sizes()); }
  COMPAT("torch::nn::ReLU") { EXPECT_GE(torch::nn::ReLU()(x).min().item<float>(), 0.0f); }
  COMPAT("torch::nn::LeakyReLU") {
    EXPECT_EQ(torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.2))(x).sizes(), x.sizes());
  }
  COMPAT("torch::nn::Sigmoid") { EXPECT_LE(torch::nn::Sigmoid()(x).max().item<float>(), 1.0f); }
  COMPAT("torch::nn::Tanh") { EXPECT_LE(torch::nn::Tanh()(x).max().item<float>(), 1.0f); }
  COMPAT("torch::nn::Flatten") { EXPECT_EQ(torch::nn::Flatten()(img).dim(), 2); }
  COMPAT("torch::nn::MaxPool2d") { EXPECT_EQ(torch::nn::MaxPool2d(2)(img).size(2), 3); }
  COMPAT("torch::nn::AvgPool2d") { EXPECT_EQ(torch::nn::AvgPool2d(2)(img).size(2), 3); }
  COMPAT("torch::nn::AdaptiveAvgPool2d") { EXPECT_EQ(torch::nn::AdaptiveAvgPool2d(1)(img).size(3), 1); }
  COMPAT("torch::nn::Sequential") {
    torch::nn::Sequential seq(torch::nn::Linear(3, 4), torch::nn::ReLU(), torch::nn::Linear(4, 1));
    EXPECT_EQ(seq->forward(x).size(1), 1);
  }
  COMPAT("torch::nn::ModuleList") {
    torch::nn::ModuleList list(torch::nn::Linear(3, 3), torch::nn::Linear(3, 3));
    EXPECT_EQ(list->size(), 2u);
  }
  COMPAT("torch::nn::MSELoss") { EXPECT_EQ(torch::nn::MSELoss()(x, x).item<float>(), 0.0f); }
  COMPAT("torch::nn::CrossEntropyLoss") { EXPECT_EQ(torch::nn::CrossEntropyLoss()(x, torch::tensor({0, 2})).dim(), 0); }
  COMPAT("torch::nn::functional") {
    namespace F = torch::nn::functional;
    EXPECT_EQ(F::relu(x).sizes(), x.sizes());
  }
  COMPAT("torch::nn::init") {
    auto w = torch::empty({3, 3});
    torch::nn::init::xavier_uniform_(w);
    EXPECT_LE(w.abs().max().item<float>(), 1.0f);
  }
  COMPAT("torch::nn::utils::clip_grad_norm_") {
    torch::nn::Linear lin(3, 1);
    lin(x).sum().backward();
    torch::nn::utils::clip_grad_norm_(lin->parameters(), 0.1);
    EXPECT_LE(lin->weight.grad().norm().item<float>(), 0.1001f);
  }
}

TEST(LibTorchCompat, Optimizers) {
  torch::nn::Linear lin(3, 1);
  auto step = [&](torch::optim::Optimizer& opt) {
    opt.zero_grad();
    lin(torch::ones({1, 3})).sum().backward();
    opt.step();
  };
  COMPAT("torch::optim::SGD") {
    torch::optim::SGD opt(lin->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
    step(opt);
  }
  COMPAT("torch::optim::Adam") {
    torch::optim::Adam opt(lin->parameters(), torch::optim::AdamOptions(1e-3).betas(std::make_tuple(0.5, 0.999)));
    step(opt);
  }
  COMPAT("torch::optim::AdamW") {
    torch::optim::AdamW opt(lin->parameters(), torch::optim::AdamWOptions(1e-3));
    step(opt);
  }
  COMPAT("torch::optim::RMSprop") {
    torch::optim::RMSprop opt(lin->parameters(), torch::optim::RMSpropOptions(1e-3));
    step(opt);
  }
  COMPAT("torch::optim::Adagrad") {
    torch::optim::Adagrad opt(lin->parameters(), torch::optim::AdagradOptions(1e-2));
    step(opt);
  }
  COMPAT("torch::optim::StepLR") {
    torch::optim::SGD opt(lin->parameters(), torch::optim::SGDOptions(0.1));
    torch::optim::StepLR sched(opt, 1, 0.5);
    sched.step();
    EXPECT_DOUBLE_EQ(opt.param_groups()[0].options().get_lr(), 0.05);
  }
}

TEST(LibTorchCompat, Data) {
  auto data = torch::randn({10, 2}), target = torch::randint(0, 2, {10});
  COMPAT("torch::data::datasets::TensorDataset") {
    EXPECT_EQ(torch::data::datasets::TensorDataset(data).size().value(), 10u);
    std::vector<torch::Tensor> two{data, data};
    EXPECT_EQ(torch::data::datasets::TensorDataset(two).size().value(), 2u);  // the tensors stacked
  }
  COMPAT("torch::data::datasets::Dataset") {
    struct Pairs : torch::data::datasets::Dataset<Pairs> {
      torch::data::Example<> get(size_t i) override { return {torch::full({1}, double(i)), torch::tensor(int64_t(i))}; }
      torch::optional<size_t> size() const override { return 5; }
    };
    EXPECT_EQ(Pairs().get(3).data.item<float>(), 3.0f);
  }
  COMPAT("torch::data::transforms::Stack") {
    auto ds = torch::data::datasets::TensorDataset(data, target).map(torch::data::transforms::Stack<>());
    EXPECT_EQ(ds.get_batch({0, 1, 2}).data.size(0), 3);
  }
  COMPAT("torch::data::transforms::Normalize") {
    auto ds = torch::data::datasets::TensorDataset(data, target)
                  .map(torch::data::transforms::Normalize<>(0.5, 2.0))
                  .map(torch::data::transforms::Stack<>());
    EXPECT_EQ(ds.get_batch({0}).data.size(0), 1);
  }
  COMPAT("torch::data::make_data_loader") {
    auto loader = torch::data::make_data_loader(
        torch::data::datasets::TensorDataset(data, target).map(torch::data::transforms::Stack<>()),
        torch::data::DataLoaderOptions().batch_size(4));
    int batches = 0;
    for (auto& batch : *loader) batches += batch.data.size(0) > 0;
    EXPECT_EQ(batches, 3);
  }
  COMPAT("torch::data::samplers::SequentialSampler") {
    auto loader = torch::data::make_data_loader<torch::data::samplers::SequentialSampler>(
        torch::data::datasets::TensorDataset(data, target).map(torch::data::transforms::Stack<>()), 5);
    EXPECT_TRUE(torch::equal(loader->begin()->data, data.slice(0, 0, 5)));
  }
  COMPAT("torch::data::datasets::MNIST") {
    auto mnist =
        torch::data::datasets::MNIST("/usr/share/datasets/fashion-mnist", torch::data::datasets::MNIST::Mode::kTest);
    EXPECT_EQ(mnist.size().value(), 10000u);
  }
}

TEST(LibTorchCompat, SaveLoadAndMacros) {
  COMPAT("torch::save") {
    torch::nn::Linear lin(2, 2);
    const std::string path = (std::filesystem::temp_directory_path() / "nabla_compat_test.safetensors").string();
    torch::save(lin, path);
    torch::nn::Linear back(2, 2);
    COMPAT("torch::load") { torch::load(back, path); }
    EXPECT_TRUE(torch::equal(back->weight, lin->weight));
    std::remove(path.c_str());
  }
  COMPAT("TORCH_CHECK") { EXPECT_THROW(TORCH_CHECK(false, "no"), c10::Error); }
  COMPAT("torch::str") { EXPECT_EQ(torch::str(1, "a"), "1a"); }
}

}  // namespace
