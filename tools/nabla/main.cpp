// nabla: the command line. `nabla train ...` and `nabla eval ...`; `nabla --help` and `nabla <command> --help`
// describe every option. A bad argument prints the usage and exits with status 2; a failure while running (a
// missing data directory, a corrupt checkpoint) prints nabla's error and exits with status 1.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <set>

#include "commands.h"
#include "nabla/core/error.h"

namespace {

using nabla::cli::EvalConfig;
using nabla::cli::TrainConfig;

void add_train_options(CLI::App& cmd, TrainConfig& c) {
  cmd.add_option("--data", c.data, "directory with the four (Fashion-)MNIST IDX files, raw or .gz")
      ->capture_default_str();
  cmd.add_option("--model", c.model, "network: mlp (784-256-128-10) or cnn (conv32-pool-conv64-pool-fc128-fc10)")
      ->check(CLI::IsMember({"mlp", "cnn"}))
      ->capture_default_str();
  cmd.add_option("--epochs", c.epochs, "number of epochs (in all, counting those of a resumed run)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd.add_option("--batch-size", c.batch_size, "examples per batch")->check(CLI::PositiveNumber)->capture_default_str();
  cmd.add_option("--optimizer", c.optimizer, "sgd, adam or adamw")
      ->check(CLI::IsMember({"sgd", "adam", "adamw"}))
      ->capture_default_str();
  cmd.add_option("--lr", c.lr, "learning rate (the peak rate for --scheduler onecycle)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd.add_option("--momentum", c.momentum, "momentum of --optimizer sgd")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd.add_option("--weight-decay", c.weight_decay, "weight decay (L2 for sgd and adam, decoupled for adamw)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd.add_option("--clip-grad-norm", c.clip_grad_norm, "clip the gradients' total 2-norm to this value (0: off)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd.add_option("--scheduler", c.scheduler,
                 "lr schedule: none, step (x0.1 every --step-size epochs), cosine, onecycle (per batch) or plateau "
                 "(x0.1 when the test loss stalls 2 epochs)")
      ->check(CLI::IsMember({"none", "step", "cosine", "onecycle", "plateau"}))
      ->capture_default_str();
  cmd.add_option("--step-size", c.step_size, "epochs between lr reductions of --scheduler step")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd.add_option("--seed", c.seed, "seed of the initial weights and the shuffling")->capture_default_str();
  cmd.add_option("--threads", c.threads, "CPU threads (0: all cores)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd.add_option("--out", c.out, "directory for the checkpoints, metrics.csv and metrics.svg")->capture_default_str();
  cmd.add_flag("--resume", c.resume, "continue the run saved in --out (its settings are reused)");
  cmd.add_flag("--overwrite", c.overwrite, "start again even if --out already holds a run (its files are replaced)")
      ->excludes("--resume");
  cmd.add_option("--train-limit", c.train_limit, "use only the first N training examples (0: all)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd.add_option("--test-limit", c.test_limit, "use only the first N test examples (0: all)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd.add_flag("!--no-progress", c.progress, "no live progress bar (it is only drawn on a terminal anyway)");
}

void add_eval_options(CLI::App& cmd, EvalConfig& c) {
  cmd.add_option("--checkpoint", c.checkpoint, "a .safetensors file written by nabla train (best or last)")->required();
  cmd.add_option("--data", c.data, "directory with the (Fashion-)MNIST IDX files")->capture_default_str();
  cmd.add_option("--model", c.model, "mlp or cnn; needed only for checkpoints without nabla's metadata")
      ->check(CLI::IsMember({"mlp", "cnn"}));
  cmd.add_option("--batch-size", c.batch_size, "examples per forward pass")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd.add_option("--limit", c.limit, "use only the first N test examples (0: all)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd.add_option("--threads", c.threads, "CPU threads (0: all cores)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
}

// The long names (without "--") of the options given on the command line.
std::set<std::string> given_options(const CLI::App& cmd) {
  std::set<std::string> names;
  for (const CLI::Option* opt : cmd.get_options())
    if (opt->count() > 0 && !opt->get_lnames().empty()) names.insert(opt->get_lnames().front());
  return names;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nabla: train and evaluate networks on (Fashion-)MNIST with the nabla library", "nabla"};
  app.require_subcommand(1);
  TrainConfig train_cfg;
  EvalConfig eval_cfg;
  CLI::App* train = app.add_subcommand("train", "train a network, evaluating on the test set after every epoch");
  CLI::App* eval = app.add_subcommand("eval", "accuracy, per-class accuracy and confusion matrix of a checkpoint");
  add_train_options(*train, train_cfg);
  add_eval_options(*eval, eval_cfg);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    const CLI::App* cmd = train->parsed() ? train : eval->parsed() ? eval : &app;
    std::cerr << "nabla: error: " << e.what() << "\n\n" << cmd->help();
    return 2;
  }
  const char* name = train->parsed() ? "train" : "eval";
  try {
    return train->parsed() ? nabla::cli::run_train(train_cfg, given_options(*train)) : nabla::cli::run_eval(eval_cfg);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "\nnabla %s: error: %s\n", name, e.what());
    return 1;
  }
}
