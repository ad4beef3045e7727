#!/usr/bin/python3
"""Writes tests/reference/fixtures/optim.json: parameters after 20 optimizer steps, made by PyTorch 1.13.

Run with Debian's torch:  /usr/bin/python3 tests/reference/make_optim_fixtures.py
The problem is fixed (no randomness): two float64 parameters w (3, 1) and v (2, 3) and
    loss = sum((A @ w - b)^2) + sum(v^2 * c)
Each case names the optimizer, its default options, the param groups (each with the parameter names it
holds and the options it overrides) and the values of w and v after `steps` of zero_grad/backward/step.
tests/optim/optim_fixture_test.cpp replays every case through nabla::optim and compares within 1e-12.
"""
import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "optim.json")
STEPS = 20

A = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-0.5, 1.0, 0.3], [0.2, -0.4, 1.1]]
B = [[1.0], [-2.0], [0.5], [0.75]]
W0 = [[0.3], [-0.2], [0.8]]
V0 = [[1.0, -2.0, 0.5], [0.05, 3.0, -1.5]]
C = [[0.5, 1.0, 2.0], [0.1, 0.3, 4.0]]

# (name, optimizer, default options, groups: [(param names, overridden options)])
CASES = [
    ("sgd/plain", "SGD", {"lr": 0.01}, [(["w", "v"], {})]),
    ("sgd/momentum_dampening_wd", "SGD", {"lr": 0.01, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01},
     [(["w", "v"], {})]),
    ("sgd/nesterov_wd", "SGD", {"lr": 0.01, "momentum": 0.9, "nesterov": True, "weight_decay": 0.05},
     [(["w", "v"], {})]),
    ("sgd/two_groups", "SGD", {"lr": 0.01, "momentum": 0.5}, [(["w"], {}), (["v"], {"lr": 0.05, "momentum": 0.0})]),
    ("adam/default", "Adam", {"lr": 0.05}, [(["w", "v"], {})]),
    ("adam/betas_wd_amsgrad", "Adam", {"lr": 0.05, "betas": [0.8, 0.99], "weight_decay": 0.1, "amsgrad": True,
                                       "eps": 1e-6}, [(["w", "v"], {})]),
    ("adam/two_groups", "Adam", {"lr": 0.05}, [(["w"], {}), (["v"], {"lr": 0.01, "amsgrad": True})]),
    ("adamw/default", "AdamW", {"lr": 0.05}, [(["w", "v"], {})]),
    ("adamw/wd_amsgrad", "AdamW", {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True, "betas": [0.85, 0.995]},
     [(["w", "v"], {})]),
    ("rmsprop/default", "RMSprop", {"lr": 0.01}, [(["w", "v"], {})]),
    ("rmsprop/centered_momentum_wd", "RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-6, "weight_decay": 0.01,
                                                 "momentum": 0.5, "centered": True}, [(["w", "v"], {})]),
    ("rmsprop/momentum", "RMSprop", {"lr": 0.005, "momentum": 0.9}, [(["w", "v"], {})]),
    ("adagrad/default", "Adagrad", {"lr": 0.1}, [(["w", "v"], {})]),
    ("adagrad/decay_wd_init", "Adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.05,
                                          "initial_accumulator_value": 0.1, "eps": 1e-8}, [(["w", "v"], {})]),
    ("adagrad/two_groups", "Adagrad", {"lr": 0.1}, [(["w"], {}), (["v"], {"lr": 0.3, "lr_decay": 0.1})]),
]


def torch_options(opts):
    o = dict(opts)
    if "betas" in o:
        o["betas"] = tuple(o["betas"])
    return o


def run(optimizer, defaults, groups):
    dt = torch.float64
    a, b, c = torch.tensor(A, dtype=dt), torch.tensor(B, dtype=dt), torch.tensor(C, dtype=dt)
    params = {"w": torch.tensor(W0, dtype=dt, requires_grad=True), "v": torch.tensor(V0, dtype=dt, requires_grad=True)}
    cls = getattr(torch.optim, optimizer)
    pg = [dict({"params": [params[n] for n in names]}, **torch_options(o)) for names, o in groups]
    opt = cls(pg, **torch_options(defaults))
    for _ in range(STEPS):
        opt.zero_grad()
        loss = ((a @ params["w"] - b) ** 2).sum() + (params["v"] ** 2 * c).sum()
        loss.backward()
        opt.step()
    return {n: p.detach().reshape(-1).tolist() for n, p in params.items()}


def main():
    cases = []
    for name, optimizer, defaults, groups in CASES:
        out = run(optimizer, defaults, groups)
        cases.append({"name": name, "optimizer": optimizer, "options": defaults,
                      "groups": [{"params": names, "options": o} for names, o in groups],
                      "steps": STEPS, "w": out["w"], "v": out["v"]})
    doc = {"torch_version": torch.__version__, "problem": {"A": A, "b": B, "w0": W0, "v0": V0, "c": C},
           "cases": cases}
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"{OUT}: {len(cases)} cases, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
