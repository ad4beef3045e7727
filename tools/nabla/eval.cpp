// `nabla eval`: a checkpoint's accuracy on the test split, per class, and its confusion matrix.
#include <cstdio>

#include "commands.h"
#include "dataset.h"
#include "models.h"
#include "nabla/core/error.h"
#include "nabla/core/parallel.h"
#include "nabla/io.h"

namespace nabla::cli {

int run_eval(const EvalConfig& cfg) {
  if (cfg.threads > 0) set_num_threads(cfg.threads);
  const SafetensorsMetadata meta = load_metadata(cfg.checkpoint);
  std::string name = cfg.model;
  if (name.empty()) {
    auto it = meta.find("model");
    NABLA_CHECK(it != meta.end(), "eval: '", cfg.checkpoint, "' does not say which model it holds (no 'model' in ",
                "its metadata, so nabla train did not write it); pass --model mlp or --model cnn");
    name = it->second;
  }
  nn::Sequential model = make_model(name);
  load(model, cfg.checkpoint);
  const Split test = load_split(cfg.data, /*train=*/false, cfg.limit);
  const EvalResult r = evaluate(model, test, cfg.batch_size);

  auto epoch = meta.find("epoch");
  std::printf("checkpoint %s: model %s%s%s\n", cfg.checkpoint.c_str(), name.c_str(),
              epoch != meta.end() ? ", epoch " : "", epoch != meta.end() ? epoch->second.c_str() : "");
  int64_t correct = 0;
  for (int64_t c = 0; c < kClasses; ++c) correct += r.confusion[c * kClasses + c];
  std::printf("test set %s: %lld examples\naccuracy %.4f (%lld/%lld), mean loss %.4f\n\nper-class accuracy:\n",
              cfg.data.c_str(), static_cast<long long>(r.count), r.accuracy, static_cast<long long>(correct),
              static_cast<long long>(r.count), r.loss);
  for (int64_t c = 0; c < kClasses; ++c) {
    int64_t total = 0;
    for (int64_t p = 0; p < kClasses; ++p) total += r.confusion[c * kClasses + p];
    const int64_t hit = r.confusion[c * kClasses + c];
    std::printf("  %lld %-12s %.4f (%lld/%lld)\n", static_cast<long long>(c), class_names()[c],
                total ? static_cast<double>(hit) / total : 0.0, static_cast<long long>(hit),
                static_cast<long long>(total));
  }
  std::printf("\nconfusion matrix (rows: true label, columns: predicted label):\n     ");
  for (int64_t p = 0; p < kClasses; ++p) std::printf("%6lld", static_cast<long long>(p));
  std::printf("\n");
  for (int64_t c = 0; c < kClasses; ++c) {
    std::printf("  %lld  ", static_cast<long long>(c));
    for (int64_t p = 0; p < kClasses; ++p) std::printf("%6lld", static_cast<long long>(r.confusion[c * kClasses + p]));
    std::printf("\n");
  }
  return 0;
}

}  // namespace nabla::cli
