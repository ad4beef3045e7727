#!/usr/bin/python3
"""PyTorch reference values for nabla's conv2d and pooling (tests/nn/conv_fixture_test.cpp).

Run: /usr/bin/python3 tests/reference/make_conv_fixtures.py   (Debian's python3-torch 1.13)
Writes fixtures/conv.json: a list of cases {name, fn, dtype, args, inputs {input, weight?, bias?, w}, out, grads}
where grads are d/d (input, weight, bias) of sum(out * w). Deterministic: each case seeds from its name.
"""
import json
import os

import torch
import torch.nn.functional as F

from fixture_common import enc, generator

HERE = os.path.dirname(os.path.abspath(__file__))


CONV = [
    ("plain", (2, 3, 7, 6), (4, 3, 3, 3), True, dict(stride=1, padding=0, dilation=1, groups=1)),
    ("stride2_pad1", (2, 3, 8, 7), (5, 3, 3, 2), True, dict(stride=2, padding=1, dilation=1, groups=1)),
    ("dilation2", (1, 2, 9, 9), (3, 2, 3, 3), True, dict(stride=1, padding=2, dilation=2, groups=1)),
    ("groups2", (2, 4, 6, 6), (6, 2, 3, 3), False, dict(stride=1, padding=1, dilation=1, groups=2)),
    ("mixed", (1, 4, 10, 9), (4, 2, 2, 3), True, dict(stride=(2, 3), padding=(1, 0), dilation=(1, 2), groups=2)),
]

POOL = [
    ("max_k3_s2_p1", "max_pool2d", (2, 3, 7, 8), dict(kernel_size=3, stride=2, padding=1)),
    ("max_k2", "max_pool2d", (1, 2, 6, 6), dict(kernel_size=2)),
    ("max_dil2_ceil", "max_pool2d", (1, 2, 9, 8), dict(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True)),
    ("avg_k3_s2_p1", "avg_pool2d", (2, 3, 7, 8), dict(kernel_size=3, stride=2, padding=1)),
    ("avg_nopad_count", "avg_pool2d", (2, 3, 7, 8), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
    ("avg_ceil", "avg_pool2d", (1, 2, 7, 7), dict(kernel_size=2, stride=2, ceil_mode=True)),
    ("adaptive_3x2", "adaptive_avg_pool2d", (2, 3, 7, 5), dict(output_size=(3, 2))),
    ("adaptive_1", "adaptive_avg_pool2d", (2, 3, 4, 6), dict(output_size=1)),
]


def norm_args(a):
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in a.items()}


def main():
    cases = []
    for dtype in (torch.float64, torch.float32):
        dn = str(dtype).replace("torch.", "")
        for name, xs, ws, has_b, args in CONV:
            g = generator(name)
            x = torch.randn(xs, generator=g, dtype=torch.float64).to(dtype).requires_grad_()
            w = torch.randn(ws, generator=g, dtype=torch.float64).to(dtype).requires_grad_()
            b = torch.randn(ws[0], generator=g, dtype=torch.float64).to(dtype).requires_grad_() if has_b else None
            out = F.conv2d(x, w, b, **args)
            wt = torch.randn(out.shape, generator=g, dtype=torch.float64).to(dtype)
            (out * wt).sum().backward()
            inputs = {"input": enc(x), "weight": enc(w), "w": enc(wt)}
            grads = {"input": enc(x.grad), "weight": enc(w.grad)}
            if has_b:
                inputs["bias"] = enc(b)
                grads["bias"] = enc(b.grad)
            cases.append({"name": f"conv2d/{name}/{dn}", "fn": "conv2d", "dtype": dn, "args": norm_args(args),
                          "inputs": inputs, "out": enc(out), "grads": grads})
        for name, fn, xs, args in POOL:
            g = generator(name)
            x = torch.randn(xs, generator=g, dtype=torch.float64).to(dtype).requires_grad_()
            out = getattr(F, fn)(x, **args)
            wt = torch.randn(out.shape, generator=g, dtype=torch.float64).to(dtype)
            (out * wt).sum().backward()
            cases.append({"name": f"{fn}/{name}/{dn}", "fn": fn, "dtype": dn, "args": norm_args(args),
                          "inputs": {"input": enc(x), "w": enc(wt)}, "out": enc(out),
                          "grads": {"input": enc(x.grad)}})
    os.makedirs(os.path.join(HERE, "fixtures"), exist_ok=True)
    with open(os.path.join(HERE, "fixtures", "conv.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f)
    print(f"wrote {len(cases)} cases")


if __name__ == "__main__":
    main()
