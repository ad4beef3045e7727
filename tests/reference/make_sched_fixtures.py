#!/usr/bin/python3
"""Writes tests/reference/fixtures/sched.json: the lr of every param group after each scheduler step, made by
PyTorch 1.13's torch.optim.lr_scheduler.

Run with Debian's torch:  /usr/bin/python3 tests/reference/make_sched_fixtures.py
Each case makes an optimizer (SGD or Adam) with two param groups of different lr, then a scheduler, and records
get_last_lr() right after construction (step 0) and after each of `steps` optimizer.step()/scheduler.step()
pairs; OneCycleLR cases also record each group's momentum (SGD) or beta1 (Adam). ReduceLROnPlateau is stepped
with the fixed `metrics` sequence. tests/optim/sched_fixture_test.cpp replays every case and compares within 1e-12.
"""
import json
import os
import warnings

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "sched.json")
STEPS = 30

SGD_GROUPS = [{"lr": 0.1}, {"lr": 0.03}]
SGD_MOM_GROUPS = [{"lr": 0.1, "momentum": 0.9}, {"lr": 0.03, "momentum": 0.5}]
ADAM_GROUPS = [{"lr": 0.01}, {"lr": 0.002, "betas": [0.8, 0.99]}]

# A metric that improves, stalls, wobbles within the threshold and improves again.
METRICS = [1.0, 0.9, 0.8, 0.8, 0.8, 0.8, 0.79995, 0.7, 0.7, 0.71, 0.72, 0.73, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6,
           0.5, 0.55, 0.55, 0.55, 0.55, 0.55, 0.55, 0.4, 0.4, 0.4, 0.4, 0.4]
METRICS_UP = [0.1, 0.2, 0.2, 0.25, 0.26, 0.26, 0.26, 0.4, 0.45, 0.45, 0.45, 0.45, 0.45, 0.5, 0.51, 0.52, 0.52,
              0.52, 0.52, 0.52, 0.52, 0.52, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]

# (name, optimizer, groups, scheduler, kwargs)
CASES = [
    ("step/size3_gamma0.5", "SGD", SGD_GROUPS, "StepLR", {"step_size": 3, "gamma": 0.5}),
    ("step/size7_default", "SGD", SGD_GROUPS, "StepLR", {"step_size": 7}),
    ("multistep/repeated", "SGD", SGD_GROUPS, "MultiStepLR", {"milestones": [2, 5, 5, 11, 20], "gamma": 0.3}),
    ("multistep/default", "SGD", SGD_GROUPS, "MultiStepLR", {"milestones": [10, 25]}),
    ("exponential/0.9", "SGD", SGD_GROUPS, "ExponentialLR", {"gamma": 0.9}),
    ("exponential/1.05", "SGD", SGD_GROUPS, "ExponentialLR", {"gamma": 1.05}),
    ("cosine/tmax10", "SGD", SGD_GROUPS, "CosineAnnealingLR", {"T_max": 10}),
    ("cosine/tmax7_eta", "SGD", SGD_GROUPS, "CosineAnnealingLR", {"T_max": 7, "eta_min": 0.001}),
    ("cosine/tmax1", "SGD", SGD_GROUPS, "CosineAnnealingLR", {"T_max": 1, "eta_min": 0.01}),
    ("linear/default", "SGD", SGD_GROUPS, "LinearLR", {}),
    ("linear/down", "SGD", SGD_GROUPS, "LinearLR", {"start_factor": 0.5, "end_factor": 0.1, "total_iters": 8}),
    ("linear/zero_iters", "SGD", SGD_GROUPS, "LinearLR", {"start_factor": 0.25, "total_iters": 0}),
    ("onecycle/cos_sgd", "SGD", SGD_MOM_GROUPS, "OneCycleLR", {"max_lr": 0.5, "total_steps": 30}),
    ("onecycle/linear_three_phase", "SGD", SGD_MOM_GROUPS, "OneCycleLR",
     {"max_lr": [0.5, 0.2], "total_steps": 30, "pct_start": 0.25, "anneal_strategy": "linear",
      "three_phase": True, "div_factor": 10.0, "final_div_factor": 100.0, "base_momentum": 0.8,
      "max_momentum": 0.9}),
    ("onecycle/no_momentum", "SGD", SGD_GROUPS, "OneCycleLR",
     {"max_lr": [0.3, 0.1], "total_steps": 40, "pct_start": 0.4, "cycle_momentum": False}),
    ("onecycle/adam_beta1", "Adam", ADAM_GROUPS, "OneCycleLR", {"max_lr": 0.01, "total_steps": 31}),
    ("onecycle/short_warmup", "SGD", SGD_MOM_GROUPS, "OneCycleLR",
     {"max_lr": 1.0, "total_steps": 30, "pct_start": 0.02}),
    ("plateau/min_rel", "SGD", SGD_GROUPS, "ReduceLROnPlateau", {"patience": 2, "factor": 0.5}),
    ("plateau/min_abs_cooldown", "SGD", SGD_GROUPS, "ReduceLROnPlateau",
     {"patience": 1, "factor": 0.3, "threshold": 0.05, "threshold_mode": "abs", "cooldown": 2,
      "min_lr": [0.005, 0.001]}),
    ("plateau/max_rel_eps", "SGD", SGD_GROUPS, "ReduceLROnPlateau",
     {"mode": "max", "patience": 0, "factor": 0.5, "threshold": 0.01, "min_lr": 0.01, "eps": 0.003}),
    ("plateau/max_abs_default", "SGD", SGD_GROUPS, "ReduceLROnPlateau",
     {"mode": "max", "patience": 3, "threshold_mode": "abs", "threshold": 0.001}),
]


def make_optimizer(kind, groups):
    params = [torch.zeros(2, dtype=torch.float64, requires_grad=True) for _ in groups]
    gs = []
    for p, g in zip(params, groups):
        g = dict(g)
        if "betas" in g:
            g["betas"] = tuple(g["betas"])
        g["params"] = [p]
        gs.append(g)
    opt = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam}[kind](gs, lr=0.5)
    return opt, params


def momenta(opt):
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]


def run(kind, groups, sched, kwargs):
    opt, params = make_optimizer(kind, groups)
    s = getattr(torch.optim.lr_scheduler, sched)(opt, **kwargs)
    plateau = sched == "ReduceLROnPlateau"
    metrics = (METRICS_UP if kwargs.get("mode") == "max" else METRICS) if plateau else None
    lrs = [[g["lr"] for g in opt.param_groups]]
    moms = [momenta(opt)]
    for i in range(STEPS):
        for p in params:
            p.grad = torch.ones_like(p)
        opt.step()
        if plateau:
            s.step(metrics[i])
        else:
            s.step()
        last = s._last_lr if plateau else s.get_last_lr()  # 1.13's ReduceLROnPlateau has no get_last_lr()
        assert last == [g["lr"] for g in opt.param_groups]
        lrs.append(last)
        moms.append(momenta(opt))
    case = {"lrs": lrs}
    if sched == "OneCycleLR":
        case["momentum"] = moms
    if plateau:
        case["metrics"] = metrics
    return case


def main():
    warnings.simplefilter("ignore")
    cases = []
    for name, kind, groups, sched, kwargs in CASES:
        c = {"name": name, "optimizer": kind, "groups": groups, "scheduler": sched, "args": kwargs}
        c.update(run(kind, groups, sched, kwargs))
        cases.append(c)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"torch": torch.__version__, "steps": STEPS, "cases": cases}, f, indent=1)
        f.write("\n")
    print("wrote", OUT, len(cases), "cases")


if __name__ == "__main__":
    main()
