#!/usr/bin/python3
"""PyTorch reference values and input gradients for nabla's losses (tests/nn/loss_fixture_test.cpp).

Run: /usr/bin/python3 tests/reference/make_loss_fixtures.py   (Debian's python3-torch 1.13)
Writes fixtures/loss_{regression,bce,class,kl}.json. Each case is named fn/label/dtype and holds
`inputs` (input, target and the optional weight / pos_weight), `args` (reduction and the loss's options),
`out` (the loss) and `grad` (d/d input of sum(out * w); `w` is stored for kNone, 1 otherwise).
Deterministic: each case seeds its own generator from its name.
"""
import json
import os

import torch
import torch.nn.functional as F

from fixture_common import enc, generator

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = {}


def call(fn, x, t, extra, args):
    red = args["reduction"]
    if fn == "l1_loss":
        return F.l1_loss(x, t, reduction=red)
    if fn == "smooth_l1_loss":
        return F.smooth_l1_loss(x, t, reduction=red, beta=args["beta"])
    if fn == "huber_loss":
        return F.huber_loss(x, t, reduction=red, delta=args["delta"])
    if fn == "binary_cross_entropy":
        return F.binary_cross_entropy(x, t, weight=extra.get("weight"), reduction=red)
    if fn == "binary_cross_entropy_with_logits":
        return F.binary_cross_entropy_with_logits(x, t, weight=extra.get("weight"), reduction=red,
                                                  pos_weight=extra.get("pos_weight"))
    if fn == "nll_loss":
        return F.nll_loss(x, t, weight=extra.get("weight"), ignore_index=args.get("ignore_index", -100),
                          reduction=red)
    if fn == "cross_entropy":
        return F.cross_entropy(x, t, weight=extra.get("weight"), ignore_index=args.get("ignore_index", -100),
                               reduction=red, label_smoothing=args.get("label_smoothing", 0.0))
    if fn == "kl_div":
        return F.kl_div(x, t, reduction=red, log_target=args.get("log_target", False))
    raise ValueError(fn)


def case(family, fn, label, make, args):
    """make(gen) -> (input, target, extra dict) in float64."""
    for dtype in (torch.float64, torch.float32):
        name = f"{fn}/{label}/{str(dtype).replace('torch.', '')}"
        gen = generator(f"{fn}/{label}")
        x, t, extra = make(gen)
        x = x.to(dtype).requires_grad_(True)
        if t.is_floating_point():
            t = t.to(dtype)
        extra = {k: v.to(dtype) for k, v in extra.items()}
        out = call(fn, x, t, extra, args)
        w = torch.rand(out.shape, generator=gen, dtype=torch.float64).to(dtype) + 0.5 if out.dim() > 0 \
            else torch.ones((), dtype=dtype)
        (g,) = torch.autograd.grad((out * w).sum(), [x])
        c = {"name": name, "fn": fn, "args": args, "inputs": {"input": enc(x), "target": enc(t)},
             "out": enc(out), "w": enc(w), "grad": enc(g)}
        for k, v in extra.items():
            c["inputs"][k] = enc(v)
        FILES.setdefault(family, []).append(c)


def randn(g, *shape, scale=1.0):
    return torch.randn(*shape, generator=g, dtype=torch.float64) * scale


def rand(g, *shape, lo=0.0, hi=1.0):
    return lo + (hi - lo) * torch.rand(*shape, generator=g, dtype=torch.float64)


REDS = ("none", "mean", "sum")

# Regression losses: both branches of smooth_l1 / huber are hit (|d| up to ~4).
for red in REDS:
    case("regression", "l1_loss", red, lambda g: (randn(g, 3, 4), randn(g, 3, 4), {}), {"reduction": red})
    for beta in (1.0, 0.5, 0.0):
        case("regression", "smooth_l1_loss", f"beta{beta}_{red}",
             lambda g: (randn(g, 3, 5, scale=1.5), randn(g, 3, 5), {}), {"reduction": red, "beta": beta})
    for delta in (1.0, 0.3, 2.5):
        case("regression", "huber_loss", f"delta{delta}_{red}",
             lambda g: (randn(g, 4, 3, scale=1.5), randn(g, 4, 3), {}), {"reduction": red, "delta": delta})
case("regression", "l1_loss", "broadcast_target", lambda g: (randn(g, 3, 4), randn(g, 4), {}), {"reduction": "mean"})

# Binary cross-entropy.
for red in REDS:
    case("bce", "binary_cross_entropy", red, lambda g: (rand(g, 3, 4, lo=0.02, hi=0.98), rand(g, 3, 4), {}),
         {"reduction": red})
    case("bce", "binary_cross_entropy", f"weight_{red}",
         lambda g: (rand(g, 3, 4, lo=0.02, hi=0.98), rand(g, 3, 4), {"weight": rand(g, 4, lo=0.5, hi=2.0)}),
         {"reduction": red})
    case("bce", "binary_cross_entropy_with_logits", red, lambda g: (randn(g, 3, 4, scale=3.0), rand(g, 3, 4), {}),
         {"reduction": red})
    case("bce", "binary_cross_entropy_with_logits", f"weights_{red}",
         lambda g: (randn(g, 3, 4, scale=3.0), rand(g, 3, 4),
                    {"weight": rand(g, 3, 1, lo=0.5, hi=2.0), "pos_weight": rand(g, 4, lo=0.5, hi=3.0)}),
         {"reduction": red})
# Endpoints: log clamped at -100 (x = 0 or 1 with the matching target), huge and zero logits.
case("bce", "binary_cross_entropy", "endpoints",
     lambda g: (torch.tensor([0.0, 1.0, 0.5, 1e-300, 0.3], dtype=torch.float64),
                torch.tensor([0.0, 1.0, 1.0, 0.0, 0.7], dtype=torch.float64), {}), {"reduction": "none"})
# Mismatched endpoints: loss 100 (the clamp), gradient (x - y) / 1e-12 as PyTorch.
case("bce", "binary_cross_entropy", "endpoints_mismatched",
     lambda g: (torch.tensor([0.0, 1.0, 0.25], dtype=torch.float64),
                torch.tensor([1.0, 0.0, 0.5], dtype=torch.float64), {}), {"reduction": "sum"})
case("bce", "binary_cross_entropy_with_logits", "extreme_logits",
     lambda g: (torch.tensor([-800.0, -50.0, -1e-3, 0.0, 1e-3, 50.0, 800.0], dtype=torch.float64),
                rand(g, 7), {"pos_weight": torch.tensor([2.0], dtype=torch.float64)}), {"reduction": "none"})


def targets(g, n, c, ignore=None):
    t = torch.randint(0, c, (n,), generator=g)
    if ignore is not None:
        t[1] = ignore
    return t


# nll_loss and cross_entropy with class indices.
for red in REDS:
    case("class", "nll_loss", red, lambda g: (torch.log_softmax(randn(g, 5, 3), 1), targets(g, 5, 3), {}),
         {"reduction": red})
    case("class", "nll_loss", f"weight_ignore_{red}",
         lambda g: (torch.log_softmax(randn(g, 6, 4), 1), targets(g, 6, 4, ignore=-100),
                    {"weight": rand(g, 4, lo=0.2, hi=2.0)}), {"reduction": red, "ignore_index": -100})
    case("class", "nll_loss", f"kdim_{red}",
         lambda g: (randn(g, 2, 3, 4), torch.randint(0, 3, (2, 4), generator=g), {"weight": rand(g, 3, lo=0.2, hi=2)}),
         {"reduction": red})
    case("class", "cross_entropy", red, lambda g: (randn(g, 5, 4, scale=2.0), targets(g, 5, 4), {}),
         {"reduction": red})
    case("class", "cross_entropy", f"ignore_{red}",  # nabla's fused path, with a line ignored
         lambda g: (randn(g, 6, 5, scale=2.0), targets(g, 6, 5, ignore=-100), {}), {"reduction": red})
    case("class", "cross_entropy", f"weight_ignore_smooth_{red}",
         lambda g: (randn(g, 6, 4, scale=2.0), targets(g, 6, 4, ignore=2), {"weight": rand(g, 4, lo=0.2, hi=2.0)}),
         {"reduction": red, "ignore_index": 2, "label_smoothing": 0.1})
    case("class", "cross_entropy", f"smooth_{red}",
         lambda g: (randn(g, 5, 3, scale=2.0), targets(g, 5, 3, ignore=-100), {}),
         {"reduction": red, "label_smoothing": 0.25})
    case("class", "cross_entropy", f"kdim_{red}",
         lambda g: (randn(g, 2, 3, 2, 2), torch.randint(0, 3, (2, 2, 2), generator=g),
                    {"weight": rand(g, 3, lo=0.2, hi=2)}), {"reduction": red, "label_smoothing": 0.05})
    case("class", "cross_entropy", f"probs_{red}",
         lambda g: (randn(g, 4, 3, scale=2.0), torch.softmax(randn(g, 4, 3), 1), {"weight": rand(g, 3, lo=0.2, hi=2)}),
         {"reduction": red, "label_smoothing": 0.1})
    case("class", "cross_entropy", f"probs_kdim_{red}",
         lambda g: (randn(g, 2, 3, 4), torch.softmax(randn(g, 2, 3, 4), 1), {}), {"reduction": red})
case("class", "cross_entropy", "unbatched", lambda g: (randn(g, 5), torch.tensor(3), {}), {"reduction": "mean"})
case("class", "nll_loss", "unbatched", lambda g: (randn(g, 5), torch.tensor(1), {}), {"reduction": "none"})
case("class", "cross_entropy", "huge_logits",
     lambda g: (torch.tensor([[1000.0, -1000.0, 0.0], [-500.0, 500.0, 499.0]], dtype=torch.float64),
                torch.tensor([1, 2]), {}), {"reduction": "none"})

# kl_div (a zero target probability included).
for red in REDS + ("batchmean",):
    def kl(g):
        t = torch.softmax(randn(g, 3, 4), 1)
        t[0, 1] = 0.0
        return torch.log_softmax(randn(g, 3, 4), 1), t, {}
    case("kl", "kl_div", red, kl, {"reduction": red})
    case("kl", "kl_div", f"log_target_{red}",
         lambda g: (torch.log_softmax(randn(g, 3, 4), 1), torch.log_softmax(randn(g, 3, 4), 1), {}),
         {"reduction": red, "log_target": True})

for family, cases in FILES.items():
    path = os.path.join(HERE, "fixtures", f"loss_{family}.json")
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
    print(f"{path}: {len(cases)} cases, {os.path.getsize(path)} bytes")
