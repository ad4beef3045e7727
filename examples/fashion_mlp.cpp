// A 784-256-128-10 MLP on Fashion-MNIST with Adam: the model and main(); loading, the training loop and the
// accuracy are in fashion_mnist.h. `fashion_mlp [epochs=10] [train examples=all]`; 10 epochs reach about 0.89.
#include "fashion_mnist.h"

int main(int argc, char** argv) {
  using namespace nabla;
  const fashion::Args args = fashion::parse_args(argc, argv, 10);
  const fashion::Data data = fashion::load(args.limit);

  manual_seed(0);
  nn::Sequential model(nn::Flatten(), nn::Linear(784, 256), nn::ReLU(), nn::Linear(256, 128), nn::ReLU(),
                       nn::Linear(128, 10));
  optim::Adam optimizer(model->parameters(), optim::AdamOptions(1e-3));
  std::cout << model << "\n";

  const double acc = fashion::fit(model, optimizer, data, args.epochs);
  save(model, "fashion_mlp.safetensors");  // PyTorch: model.load_state_dict(safetensors.torch.load_file(...))
  std::printf("saved fashion_mlp.safetensors\n");
  // With 2000 examples and 1 epoch (the ctest run) the MLP is past 0.65 (0.72 measured); the full run passes 0.88.
  return acc > (args.limit > 0 ? 0.65 : 0.88) ? 0 : 1;
}
