#!/usr/bin/python3
"""PyTorch reference values for nabla's normalisation layers and Embedding (tests/nn/norm_fixture_test.cpp).

Run: /usr/bin/python3 tests/reference/make_norm_fixtures.py   (Debian's python3-torch 1.13)
Writes fixtures/norm.json. Each case is named kind/label/dtype. Module cases (batch_norm) hold the affine
parameters, two training inputs, the outputs of both steps, d/d input and d/d weight, bias of sum(out2 * w),
the running statistics after the two steps and the eval-mode output on a third input. Functional cases
(layer_norm, group_norm, embedding) hold inputs, the output and the gradients of sum(out * w).
`w` is 1, 2, ..., numel reshaped like the output (tests/test_util.h's weighted()).
Deterministic: each case seeds its own generator from its name.
"""
import json
import os

import torch
import torch.nn.functional as F

from fixture_common import enc, generator

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = {}


def weighted(out):
    w = torch.arange(1, out.numel() + 1, dtype=out.dtype).reshape(out.shape)
    return (out * w).sum()


def batch_norm_case(label, cls, shape, momentum=0.1, affine=True, track=True):
    for dtype in (torch.float64, torch.float32):
        name = f"batch_norm/{label}/{str(dtype).replace('torch.', '')}"
        g = generator(f"batch_norm/{label}")
        c = shape[1]
        m = cls(c, momentum=momentum, affine=affine, track_running_stats=track).to(dtype)
        if affine:
            with torch.no_grad():
                m.weight.copy_(torch.randn(c, generator=g, dtype=torch.float64) * 0.5 + 1)
                m.bias.copy_(torch.randn(c, generator=g, dtype=torch.float64))
        x1 = (torch.randn(shape, generator=g, dtype=torch.float64) * 2 + 0.5).to(dtype)
        x2 = (torch.randn(shape, generator=g, dtype=torch.float64) - 1).to(dtype).requires_grad_(True)
        x3 = torch.randn(shape, generator=g, dtype=torch.float64).to(dtype)
        case = {"class": cls.__name__, "momentum": momentum, "affine": affine, "track_running_stats": track,
                "x1": enc(x1), "x2": enc(x2), "x3": enc(x3)}
        if affine:
            case["weight"] = enc(m.weight)
            case["bias"] = enc(m.bias)
        m.train()
        case["out1"] = enc(m(x1))
        out2 = m(x2)
        case["out2"] = enc(out2)
        weighted(out2).backward()
        case["grad_x2"] = enc(x2.grad)
        if affine:
            case["grad_weight"] = enc(m.weight.grad)
            case["grad_bias"] = enc(m.bias.grad)
        if track:
            case["running_mean"] = enc(m.running_mean)
            case["running_var"] = enc(m.running_var)
            case["num_batches_tracked"] = int(m.num_batches_tracked)
        m.eval()
        case["eval_out"] = enc(m(x3))
        CASES[name] = case


def functional_case(kind, label, make):
    for dtype in (torch.float64, torch.float32):
        name = f"{kind}/{label}/{str(dtype).replace('torch.', '')}"
        g = generator(f"{kind}/{label}")
        inputs, args, fn = make(g, dtype)
        out = fn(**inputs)
        weighted(out).backward()
        case = {"args": args, "inputs": {k: enc(v) for k, v in inputs.items() if torch.is_tensor(v)},
                "out": enc(out),
                "grads": {k: enc(v.grad) for k, v in inputs.items() if torch.is_tensor(v) and v.requires_grad}}
        CASES[name] = case


def rnd(g, shape, dtype, scale=1.0, shift=0.0, grad=True):
    return (torch.randn(shape, generator=g, dtype=torch.float64) * scale + shift).to(dtype).requires_grad_(grad)


def layer_norm(shape, ns, affine=True, eps=1e-5):
    def make(g, dtype):
        inputs = {"input": rnd(g, shape, dtype, 2.0, 0.3)}
        if affine:
            inputs["weight"] = rnd(g, ns, dtype, 0.5, 1.0)
            inputs["bias"] = rnd(g, ns, dtype)
        return inputs, {"normalized_shape": ns, "eps": eps}, \
            lambda input, weight=None, bias=None: F.layer_norm(input, ns, weight, bias, eps)
    return make


def group_norm(shape, groups, affine=True, eps=1e-5):
    def make(g, dtype):
        inputs = {"input": rnd(g, shape, dtype, 1.5, -0.2)}
        if affine:
            inputs["weight"] = rnd(g, [shape[1]], dtype, 0.5, 1.0)
            inputs["bias"] = rnd(g, [shape[1]], dtype)
        return inputs, {"num_groups": groups, "eps": eps}, \
            lambda input, weight=None, bias=None: F.group_norm(input, groups, weight, bias, eps)
    return make


def embedding(num, dim, idx_shape, padding_idx=None):
    def make(g, dtype):
        idx = torch.randint(0, num, idx_shape, generator=g)
        if padding_idx is not None:
            idx.view(-1)[0] = padding_idx % num
        inputs = {"input": idx, "weight": rnd(g, [num, dim], dtype)}
        args = {} if padding_idx is None else {"padding_idx": padding_idx}
        return inputs, args, lambda input, weight: F.embedding(input, weight, padding_idx=padding_idx)
    return make


batch_norm_case("1d_nc", torch.nn.BatchNorm1d, [6, 3])
batch_norm_case("1d_ncl", torch.nn.BatchNorm1d, [4, 3, 5], momentum=0.3)
batch_norm_case("2d", torch.nn.BatchNorm2d, [2, 3, 4, 5])
batch_norm_case("2d_cumulative", torch.nn.BatchNorm2d, [3, 2, 3, 3], momentum=None)
batch_norm_case("2d_no_affine", torch.nn.BatchNorm2d, [2, 4, 3, 3], affine=False)
batch_norm_case("2d_no_stats", torch.nn.BatchNorm2d, [2, 3, 3, 2], track=False)
functional_case("layer_norm", "last", layer_norm([4, 6], [6]))
functional_case("layer_norm", "last2", layer_norm([2, 3, 4, 5], [4, 5], eps=1e-3))
functional_case("layer_norm", "no_affine", layer_norm([3, 7], [7], affine=False))
functional_case("group_norm", "g3", group_norm([2, 6, 3, 3], 3))
functional_case("group_norm", "g1_1d", group_norm([3, 4, 5], 1))
functional_case("group_norm", "no_affine", group_norm([2, 4, 2, 2], 4, affine=False))
functional_case("embedding", "plain", embedding(7, 4, [2, 3]))
functional_case("embedding", "padding", embedding(6, 3, [3, 4], padding_idx=2))
functional_case("embedding", "padding_neg", embedding(5, 2, [7], padding_idx=-1))

path = os.path.join(HERE, "fixtures", "norm.json")
with open(path, "w") as f:
    json.dump(CASES, f, indent=None, separators=(",", ":"))
print(path, os.path.getsize(path), "bytes,", len(CASES), "cases")
