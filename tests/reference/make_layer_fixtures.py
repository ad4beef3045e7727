#!/usr/bin/python3
"""PyTorch reference values for nabla's conv1d, conv_transpose2d and bilinear (tests/nn/layer_fixture_test.cpp).

Run: /usr/bin/python3 tests/reference/make_layer_fixtures.py   (Debian's python3-torch 1.13)
Writes fixtures/layers.json: a list of cases {name, fn, dtype, args, inputs, out, grads, grad2} where
  inputs: the tensors by argument name (input/weight/bias, or input1/input2/weight/bias) and w (out's weight),
  grads:  d/d(each input tensor) of L = sum(out * w),
  grad2:  d/d(each input tensor) of sum_i sum(grads_i * v_i), the grads taken with create_graph (v stored in
          `v`; a gradient torch leaves as None is stored as zeros).
Deterministic: each case seeds its own generator from its name.
"""
import json
import os

import numpy

import torch
import torch.nn.functional as F

from fixture_common import generator

HERE = os.path.dirname(os.path.abspath(__file__))


def enc(t):
    """float64: exact (repr of the double); float32: the shortest decimal that parses back to the same float32."""
    t = t.detach()
    data = t.flatten().tolist()
    if t.dtype == torch.float32:
        data = [float(numpy.format_float_positional(numpy.float32(v), unique=True, trim="-")) for v in data]
    return {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "data": data}


# (label, input shape, weight shape, bias?, kwargs)
CONV1D = [
    ("plain", (2, 3, 7), (4, 3, 3), True, dict()),
    ("stride2_pad1", (2, 2, 8), (3, 2, 4), True, dict(stride=2, padding=1)),
    ("dilation2_pad2_groups2_nobias", (1, 4, 11), (6, 2, 3), False, dict(padding=2, dilation=2, groups=2)),
    ("stride3_dilation3_pad1", (2, 2, 12), (3, 2, 2), True, dict(stride=3, padding=1, dilation=3)),
]

# weight (in, out/groups, kh, kw)
CONV_T = [
    ("plain", (2, 2, 3, 4), (2, 3, 3, 2), True, dict()),
    ("stride2_pad1_outpad1", (1, 3, 3, 3), (3, 2, 3, 3), True, dict(stride=2, padding=1, output_padding=1)),
    ("groups2_dilation2_nobias", (1, 4, 2, 3), (4, 2, 2, 3), False,
     dict(stride=(2, 1), padding=(1, 0), dilation=2, groups=2)),
    ("outpad_ge_stride_lt_dilation", (1, 2, 4, 3), (2, 3, 3, 2), True, dict(dilation=2, output_padding=1)),
    ("mixed", (1, 2, 3, 3), (2, 2, 2, 3), True, dict(stride=(3, 2), padding=(0, 1), output_padding=(2, 1))),
    ("groups3_stride2", (2, 3, 2, 3), (3, 1, 3, 2), True, dict(stride=2, groups=3, padding=(1, 0))),
]

# (label, input1 shape, input2 shape, weight shape, bias?)
BILINEAR = [
    ("plain", (5, 3), (5, 4), (2, 3, 4), True),
    ("nobias", (4, 2), (4, 3), (3, 2, 3), False),
    ("batch_dims", (2, 3, 3), (2, 3, 2), (4, 3, 2), True),
    ("one_sample_1d", (3,), (2,), (2, 3, 2), True),
]


def norm_args(a):
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in a.items()}


def record(name, fn, dtype, args, named, call):
    """named: list of (arg name, shape or None); builds leaves, runs call, records out/grads/grad2."""
    g = generator(name)
    leaves = {k: torch.randn(s, generator=g, dtype=torch.float64).to(dtype).requires_grad_() for k, s in named}
    out = call(leaves)
    wt = torch.randn(out.shape, generator=g, dtype=torch.float64).to(dtype)
    keys = list(leaves)
    grads = torch.autograd.grad((out * wt).sum(), [leaves[k] for k in keys], create_graph=True)
    vs = [torch.randn(leaves[k].shape, generator=g, dtype=torch.float64).to(dtype) for k in keys]
    s = sum((gr * v).sum() for gr, v in zip(grads, vs) if gr.requires_grad)
    g2 = torch.autograd.grad(s, [leaves[k] for k in keys], allow_unused=True)
    g2 = [torch.zeros_like(leaves[k]) if t is None else t for k, t in zip(keys, g2)]
    dn = str(dtype).replace("torch.", "")
    inputs = {k: enc(leaves[k]) for k in keys}
    inputs["w"] = enc(wt)
    return {"name": name, "fn": fn, "dtype": dn, "args": norm_args(args), "inputs": inputs, "out": enc(out),
            "grads": {k: enc(t) for k, t in zip(keys, grads)}, "v": {k: enc(t) for k, t in zip(keys, vs)},
            "grad2": {k: enc(t) for k, t in zip(keys, g2)}}


def main():
    cases = []
    for dtype in (torch.float64, torch.float32):
        dn = str(dtype).replace("torch.", "")
        n = None if dtype == torch.float64 else 2  # float32: the first two cases of each family
        for label, xs, ws, has_b, args in CONV1D[:n]:
            named = [("input", xs), ("weight", ws)] + ([("bias", (ws[0],))] if has_b else [])
            cases.append(record(f"conv1d/{label}/{dn}", "conv1d", dtype, args, named,
                                lambda t: F.conv1d(t["input"], t["weight"], t.get("bias"), **args)))
        for label, xs, ws, has_b, args in CONV_T[:n]:
            groups = args.get("groups", 1)
            named = [("input", xs), ("weight", ws)] + ([("bias", (ws[1] * groups,))] if has_b else [])
            cases.append(record(f"conv_transpose2d/{label}/{dn}", "conv_transpose2d", dtype, args, named,
                                lambda t: F.conv_transpose2d(t["input"], t["weight"], t.get("bias"), **args)))
        for label, s1, s2, ws, has_b in BILINEAR[:n]:
            named = [("input1", s1), ("input2", s2), ("weight", ws)] + ([("bias", (ws[0],))] if has_b else [])
            cases.append(record(f"bilinear/{label}/{dn}", "bilinear", dtype, {}, named,
                                lambda t: F.bilinear(t["input1"], t["input2"], t["weight"], t.get("bias"))))
    os.makedirs(os.path.join(HERE, "fixtures"), exist_ok=True)
    path = os.path.join(HERE, "fixtures", "layers.json")
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f)
    print(f"wrote {len(cases)} cases, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
