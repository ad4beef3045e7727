// `nabla train`: the training loop with a progress bar, per-epoch test evaluation, checkpoints and --resume.
//
// Files in --out: last.safetensors and best.safetensors (the model's state_dict with PyTorch's keys, loadable by
// PyTorch's load_state_dict), resume.safetensors (model, optimizer and scheduler state; the run's settings in its
// metadata and the generator's state), metrics.csv and metrics.svg. The run seeds the generator once, as a PyTorch
// script does (manual_seed(seed), then the model, then the loader's shuffles), and a resumed run restores the
// generator's state, so it repeats exactly what an uninterrupted run would have done.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>

#include "commands.h"
#include "dataset.h"
#include "models.h"
#include "progress.h"
#include "report.h"
#include "run_state.h"
#include "nabla/core/parallel.h"
#include "nabla/data.h"
#include "nabla/io.h"
#include "nabla/nn/functional.h"
#include "nabla/nn/utils.h"
#include "nabla/ops/factory.h"
#include "nabla/ops/reduce.h"

namespace nabla::cli {
namespace {

namespace fs = std::filesystem;
namespace F = nn::functional;

void print_epoch(const TrainConfig& cfg, const EpochMetrics& m, double eval_seconds, int64_t samples, bool best) {
  std::printf("epoch %lld/%lld  train loss %.4f acc %.4f  test loss %.4f acc %.4f  lr %.3g  %.1f s (%.0f samples/s)"
              " + eval %.1f s%s\n",
              static_cast<long long>(m.epoch), static_cast<long long>(cfg.epochs), m.train_loss, m.train_accuracy,
              m.test_loss, m.test_accuracy, m.lr, m.seconds, m.seconds > 0 ? samples / m.seconds : 0.0,
              eval_seconds, best ? "  (best)" : "");
  std::fflush(stdout);
}

}  // namespace

int run_train(TrainConfig cfg, const std::set<std::string>& given) {
  const fs::path out(cfg.out);
  const std::string resume_path = (out / "resume.safetensors").string();
  RunState state;
  if (cfg.resume) {
    NABLA_CHECK(fs::exists(resume_path), "train --resume: '", resume_path, "' does not exist; start the run without ",
                "--resume, or pass the --out directory of the run to continue");
    state = read_run_state(resume_path);
    adopt_settings(cfg, state.settings, given);
    if (state.epoch >= cfg.epochs) {
      std::printf("train --resume: '%s' already finished %lld of %lld epochs; pass a larger --epochs to go on\n",
                  cfg.out.c_str(), static_cast<long long>(state.epoch), static_cast<long long>(cfg.epochs));
      return 0;
    }
  }
  NABLA_CHECK(cfg.resume || cfg.overwrite || !fs::exists(resume_path), "train: '", cfg.out,
              "' already holds a run; pass --resume to continue it, --overwrite to replace it, or another --out");
  if (cfg.threads > 0) set_num_threads(cfg.threads);
  std::error_code ec;
  fs::create_directories(out, ec);
  NABLA_CHECK(!ec && fs::is_directory(out), "train: cannot create the output directory '", cfg.out, "': ",
              ec.message());

  const Split train = load_split(cfg.data, /*train=*/true, cfg.train_limit);
  const Split test = load_split(cfg.data, /*train=*/false, cfg.test_limit);
  manual_seed(cfg.seed);
  nn::Sequential model = make_model(cfg.model);
  const int64_t batches = (train.size() + cfg.batch_size - 1) / cfg.batch_size;
  auto optimizer = make_optimizer(cfg, model->parameters());
  Scheduler scheduler(cfg, *optimizer, batches);
  std::vector<EpochMetrics> history;
  if (cfg.resume) {
    restore(state, *model, *optimizer, scheduler);
    if (fs::exists(out / "metrics.csv"))
      for (const EpochMetrics& m : read_metrics_csv((out / "metrics.csv").string()))
        if (m.epoch <= state.epoch) history.push_back(m);
    std::printf("resuming '%s' after epoch %lld of %lld (best test accuracy so far %.4f)\n", cfg.out.c_str(),
                static_cast<long long>(state.epoch), static_cast<long long>(cfg.epochs), state.best_accuracy);
  }
  std::printf("training %s on %s: %lld train / %lld test examples, %lld batches of %lld, %s lr %g, %d threads\n",
              cfg.model.c_str(), cfg.data.c_str(), static_cast<long long>(train.size()),
              static_cast<long long>(test.size()), static_cast<long long>(batches),
              static_cast<long long>(cfg.batch_size), cfg.optimizer.c_str(), cfg.lr, get_num_threads());
  std::fflush(stdout);

  auto loader = data::make_data_loader(
      data::datasets::TensorDataset(train.images, train.targets).map(data::transforms::Stack<>()),
      data::DataLoaderOptions(cfg.batch_size).workers(1));
  if (cfg.resume) {
    // After the model and the loader took their draws, as in the uninterrupted run: the next shuffle is its.
    auto rng = state.tensors.find("rng.cpu");
    NABLA_CHECK(rng != nullptr, "train --resume: '", resume_path,
                "' has no generator state (it was written by an older nabla); start the run again with --overwrite");
    set_rng_state(*rng);
  }
  const bool live = cfg.progress && ::isatty(STDERR_FILENO);
  for (int64_t epoch = state.epoch + 1; epoch <= cfg.epochs; ++epoch) {
    model->train();
    EpochMetrics m;
    m.epoch = epoch;
    m.lr = optimizer->param_groups()[0].options().get_lr();
    ProgressBar bar(epoch, cfg.epochs, batches, live);
    double loss_sum = 0;
    int64_t correct = 0, seen = 0, batch_index = 0;
    const auto start = std::chrono::steady_clock::now();
    for (auto& batch : *loader) {
      optimizer->zero_grad();
      Tensor logits = model->forward(batch.data);
      Tensor loss = F::cross_entropy(logits, batch.target);
      loss.backward();
      if (cfg.clip_grad_norm > 0) nn::utils::clip_grad_norm_(model->parameters(), cfg.clip_grad_norm);
      optimizer->step();
      scheduler.batch_done();
      const int64_t n = batch.target.size(0);
      loss_sum += loss.item<double>() * n;
      correct += logits.argmax(1).eq(batch.target).sum().item<int64_t>();
      seen += n;
      bar.update(++batch_index, n, loss_sum / seen);
    }
    bar.finish();
    m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    m.train_loss = loss_sum / seen;
    m.train_accuracy = static_cast<double>(correct) / seen;
    const auto eval_start = std::chrono::steady_clock::now();
    const EvalResult ev = evaluate(model, test);
    const double eval_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - eval_start).count();
    m.test_loss = ev.loss;
    m.test_accuracy = ev.accuracy;
    scheduler.epoch_done(ev.loss);
    history.push_back(m);

    // Checkpoints first, then the metrics, then the resume state: a run stopped anywhere in between resumes
    // from the previous complete epoch and rewrites the same files.
    const bool best = state.best_epoch == 0 || ev.accuracy > state.best_accuracy;
    const SafetensorsMetadata meta = model_metadata(cfg, epoch, ev.accuracy);
    save(model, (out / "last.safetensors").string(), meta);
    if (best) {
      save(model, (out / "best.safetensors").string(), meta);
      state.best_accuracy = ev.accuracy;
      state.best_epoch = epoch;
    }
    write_metrics_csv((out / "metrics.csv").string(), history);
    write_plot_svg((out / "metrics.svg").string(), history,
                   "nabla train --model " + cfg.model + ": train loss and test accuracy");
    state.epoch = epoch;
    write_run_state(resume_path, cfg, state, *model, *optimizer, scheduler);
    print_epoch(cfg, m, eval_seconds, seen, best);
  }
  const EpochMetrics& last = history.back();
  std::printf("test accuracy %.4f after epoch %lld (best %.4f at epoch %lld)\n", last.test_accuracy,
              static_cast<long long>(last.epoch), state.best_accuracy, static_cast<long long>(state.best_epoch));
  std::printf("checkpoints: %s, %s\nmetrics: %s\nplot: %s\n", (out / "best.safetensors").c_str(),
              (out / "last.safetensors").c_str(), (out / "metrics.csv").c_str(), (out / "metrics.svg").c_str());
  return 0;
}

}  // namespace nabla::cli
