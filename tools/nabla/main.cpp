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

// Range checks that read like nabla's other errors ("--batch-size must be at least 1, got 0"); CLI11's own print
// "Value 0 not in range 0.000000 to 1797693134862315708...", the largest double in 300 digits. A value that is not a
// number passes here and fails CLI11's conversion with its own message.
CLI::Validator number_check(const std::string& description, bool (*ok)(double), const std::string& rule) {
  return CLI::Validator(
      [ok, rule](std::string& text) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (end == text.c_str() || *end != '\0') return "";
        return ok(v) ? "" : rule + ", got " + text;
      },
      description);
}
const CLI::Validator kAtLeastOne = number_check(
    "POSITIVE", [](double v) { return v >= 1; }, "must be at least 1");
const CLI::Validator kPositive = number_check(
    "POSITIVE", [](double v) { return v > 0; }, "must be greater than 0");
const CLI::Validator kNonNegative = number_check(
    "NONNEGATIVE", [](double v) { return v >= 0; }, "must be at least 0");
const CLI::Validator kUnitInterval = number_check(
    "in [0, 1]", [](double v) { return v >= 0 && v <= 1; }, "must be between 0 and 1");

void add_train_options(CLI::App& cmd, TrainConfig& c) {
  cmd.add_option("--data", c.data, "directory with the four (Fashion-)MNIST IDX files, raw or .gz")
      ->capture_default_str();
  cmd.add_option("--model", c.model, "network: mlp (784-256-128-10) or cnn (conv32-pool-conv64-pool-fc128-fc10)")
      ->check(CLI::IsMember({"mlp", "cnn"}))
      ->capture_default_str();
  cmd.add_option("--epochs", c.epochs, "number of epochs (in all, counting those of a resumed run)")
      ->check(kAtLeastOne)
      ->capture_default_str();
  cmd.add_option("--batch-size", c.batch_size, "examples per batch")->check(kAtLeastOne)->capture_default_str();
  cmd.add_option("--optimizer", c.optimizer, "sgd, adam or adamw")
      ->check(CLI::IsMember({"sgd", "adam", "adamw"}))
      ->capture_default_str();
  cmd.add_option("--lr", c.lr, "learning rate (the peak rate for --scheduler onecycle)")
      ->check(kPositive)
      ->capture_default_str();
  cmd.add_option("--momentum", c.momentum, "momentum of --optimizer sgd")->check(kUnitInterval)->capture_default_str();
  cmd.add_option("--weight-decay", c.weight_decay, "weight decay (L2 for sgd and adam, decoupled for adamw)")
      ->check(kNonNegative)
      ->capture_default_str();
  cmd.add_option("--clip-grad-norm", c.clip_grad_norm, "clip the gradients' total 2-norm to this value (0: off)")
      ->check(kNonNegative)
      ->capture_default_str();
  cmd.add_option("--scheduler", c.scheduler,
                 "lr schedule: none, step (x0.1 every --step-size epochs), cosine, onecycle (per batch) or plateau "
                 "(x0.1 when the test loss stalls 2 epochs)")
      ->check(CLI::IsMember({"none", "step", "cosine", "onecycle", "plateau"}))
      ->capture_default_str();
  cmd.add_option("--step-size", c.step_size, "epochs between lr reductions of --scheduler step")
      ->check(kAtLeastOne)
      ->capture_default_str();
  cmd.add_option("--seed", c.seed, "seed of the initial weights and the shuffling")->capture_default_str();
  cmd.add_option("--threads", c.threads, "CPU threads (0: all cores)")->check(kNonNegative)->capture_default_str();
  cmd.add_option("--out", c.out, "directory for the checkpoints, metrics.csv and metrics.svg")->capture_default_str();
  cmd.add_flag("--resume", c.resume, "continue the run saved in --out (its settings are reused)");
  cmd.add_flag("--overwrite", c.overwrite, "start again even if --out already holds a run (its files are replaced)")
      ->excludes("--resume");
  cmd.add_option("--train-limit", c.train_limit, "use only the first N training examples (0: all)")
      ->check(kNonNegative)
      ->capture_default_str();
  cmd.add_option("--test-limit", c.test_limit, "use only the first N test examples (0: all)")
      ->check(kNonNegative)
      ->capture_default_str();
  cmd.add_flag("!--no-progress", c.progress, "no live progress bar (it is only drawn on a terminal anyway)");
}

void add_eval_options(CLI::App& cmd, EvalConfig& c) {
  cmd.add_option("--checkpoint", c.checkpoint, "a .safetensors file written by nabla train (best or last)")->required();
  cmd.add_option("--data", c.data, "directory with the (Fashion-)MNIST IDX files")->capture_default_str();
  cmd.add_option("--model", c.model, "mlp or cnn; needed only for checkpoints without nabla's metadata")
      ->check(CLI::IsMember({"mlp", "cnn"}));
  cmd.add_option("--batch-size", c.batch_size, "examples per forward pass")->check(kAtLeastOne)->capture_default_str();
  cmd.add_option("--limit", c.limit, "use only the first N test examples (0: all)")
      ->check(kNonNegative)
      ->capture_default_str();
  cmd.add_option("--threads", c.threads, "CPU threads (0: all cores)")->check(kNonNegative)->capture_default_str();
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
    std::string what = e.what();
    // "--lr: must be greater than 0, got -1" (CLI11 puts the option's name first) -> "--lr must be ...".
    if (dynamic_cast<const CLI::ValidationError*>(&e) != nullptr && what.find(": must be ") != std::string::npos)
      what.replace(what.find(": must be "), 2, " ");
    std::cerr << "nabla: error: " << what << "\n\n" << cmd->help();
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
