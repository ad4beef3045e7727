// Linear regression on a CSV file. data/regression.csv (made by data/make_regression_csv.py) holds 200 rows of
// price = 3 area - 2 age + 0.5 rooms + 10 + noise, noise ~ N(0, 0.5^2). datasets::CSV reads it, a TensorLambda
// standardizes the features, nn::Linear(3, 1) learns with MSELoss and Adam, and the weights are mapped back to
// the original scale. Exits 1 unless the final MSE is close to the noise variance 0.25.
// Usage: csv_regression [file.csv]   (the last column is the target; true values and the check need the default)
#include <cstdio>
#include <string>

#include "nabla/nabla.h"

int main(int argc, char** argv) try {
  namespace nn = nabla::nn;
  using namespace nabla::data;
  const std::string path = argc > 1 ? argv[1] : NABLA_EXAMPLES_DATA_DIR "/regression.csv";
  nabla::manual_seed(0);
  datasets::CSV csv(path);
  const int64_t rows = csv.features().size(0), features = csv.features().size(1);
  std::printf("%s: %lld rows, target %s, features", path.c_str(), (long long)rows, csv.target_name().c_str());
  for (const std::string& name : csv.feature_names()) std::printf(" %s", name.c_str());
  std::printf("\n");

  // x' = (x - mean) / std per column, so that one learning rate suits features of every scale.
  const nabla::Tensor mean = csv.features().mean({0}), stddev = csv.features().std({0});
  auto standardize = [mean, stddev](nabla::Tensor x) { return (x - mean) / stddev; };
  auto loader = make_data_loader(
      datasets::CSV(csv).map(transforms::TensorLambda<>(standardize)).map(transforms::Stack<>()),
      DataLoaderOptions().batch_size(20));

  nn::Linear model(features, 1);
  nn::MSELoss criterion;
  nabla::optim::Adam optimizer(model->parameters(), nabla::optim::AdamOptions(0.05));
  for (int epoch = 1; epoch <= 60; ++epoch) {
    double total = 0;
    for (auto& batch : *loader) {
      optimizer.zero_grad();
      nabla::Tensor loss = criterion(model(batch.data).view({-1}), batch.target);  // (B, 1) -> (B) vs (B)
      loss.backward();
      optimizer.step();
      total += loss.item<double>() * double(batch.data.size(0));
    }
    if (epoch % 10 == 0) std::printf("epoch %2d  train loss %.4f\n", epoch, total / double(rows));
  }

  nabla::NoGradGuard no_grad;
  const double mse = criterion(model(standardize(csv.features())).view({-1}), csv.targets()).item<double>();
  const bool own_file = argc > 1;
  std::printf("final MSE %.4f%s\n", mse, own_file ? "" : " (noise variance 0.25)");
  // y = w' . (x - mean) / std + b  =>  w = w' / std,  b = b - sum(w' * mean / std).
  const nabla::Tensor w = model->weight.view({-1}) / stddev;
  const double b = model->bias.item<double>() - (w * mean).sum().item<double>();
  const double truth[] = {3.0, -2.0, 0.5, 10.0};  // area, age, rooms, bias of data/regression.csv
  for (int64_t j = 0; j <= features; ++j) {
    const std::string name = j < features ? csv.feature_names()[j] : "bias";
    std::printf("  %-6s learned %7.3f", name.c_str(), j < features ? w[j].item<double>() : b);
    if (!own_file) std::printf("  true %7.3f", truth[j]);
    std::printf("\n");
  }
  if (own_file) return 0;
  const bool learned = mse < 0.35;
  std::printf("%s\n", learned ? "learned: the MSE is within 40% of the noise variance" : "FAILED to learn");
  return learned ? 0 : 1;
} catch (const nabla::Error& e) {
  std::fprintf(stderr, "csv_regression: %s\n", e.what());
  return 2;
}
