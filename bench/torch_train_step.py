#!/usr/bin/python3
"""PyTorch reference for bench/bench_train_step.cpp: one training step of the two Fashion-MNIST models of
`nabla train` on fixed tensors (zero_grad, forward, cross_entropy, backward, Adam(1e-3).step, batch 64 of float32
(1, 28, 28) inputs and int64 labels).

Run with Debian's /usr/bin/python3 (python3-torch 1.13). Times are in ms per step, measured like Google Benchmark
measures the nabla side: after 5 warm-up steps, REPS timed loops of at least MIN_TIME seconds each, and the median
of their means; the median of single steps is printed too. Lines "torch MLP <ms>" are what compare_train_step.sh
reads. OMP_WAIT_POLICY is taken from the environment (libgomp reads it at start-up).

usage: torch_train_step.py [--threads 2] [--reps 5] [--min-time 0.5] [--models mlp,cnn]
"""
import argparse
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def make_model(name):
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                             nn.Linear(128, 10))
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10))


def measure(name, reps, min_time):
    torch.manual_seed(0)
    model = make_model(name)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(64, 1, 28, 28)
    y = torch.randint(0, 10, (64,), dtype=torch.int64)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(5):
        step()
    means, singles = [], []
    for _ in range(reps):
        n, t0 = 0, time.perf_counter()
        while True:
            t = time.perf_counter()
            step()
            singles.append(time.perf_counter() - t)
            n += 1
            if time.perf_counter() - t0 >= min_time:
                break
        means.append((time.perf_counter() - t0) / n)
    return statistics.median(means) * 1e3, statistics.median(singles) * 1e3, len(singles)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--min-time", type=float, default=0.5)
    ap.add_argument("--models", default="mlp,cnn")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(unset)')}")
    for name in a.models.split(","):
        med_of_means, med_single, steps = measure(name, a.reps, a.min_time)
        print(f"torch {name.upper()} {med_of_means:.3f}   # ms/step, median of {a.reps} loop means; "
              f"median single step {med_single:.3f} ms over {steps} steps")


if __name__ == "__main__":
    main()
