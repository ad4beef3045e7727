"""PyTorch's random numbers for fixed seeds (tests/ops/random_fixture_test.cpp): every random function, the default
layer initialisations, dropout masks, Generator objects and get_rng_state, recorded under ATEN_CPU_CAPABILITY=default
and =avx2 (PyTorch's vectorised fills differ by instruction set; its default on AVX2 machines is avx2).

Each case runs from torch.manual_seed(seed) in a fresh interpreter per capability and records the tensors it returns,
flattened: floats as Python floats (exact for float32 and float64), integers as ints. The C++ test replays each case by
name, so a case's code here and its lambda there must make the same calls in the same order.

usage: /usr/bin/python3 tests/reference/make_random_fixtures.py   (writes fixtures/random.json)
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "random.json")
CAPABILITIES = ["default", "avx2"]


def cases():
    import torch
    import torch.nn.functional as F

    def dropout_input():
        return torch.arange(1, 41, dtype=torch.float32).reshape(5, 8) / 10

    return {
        # name: (seed, function returning a list of tensors)
        "rand/float32": (0, lambda: [torch.rand(37)]),
        "rand/float64": (1, lambda: [torch.rand(3, 7, dtype=torch.float64)]),
        "uniform_/float32": (2, lambda: [torch.empty(100).uniform_(-0.3, 0.7), torch.empty(50).uniform_(-2.5, 1.25)]),
        "uniform_/float64": (3, lambda: [torch.empty(40, dtype=torch.float64).uniform_(-2.5, 1.25)]),
        "uniform_/transposed": (4, lambda: [torch.empty(4, 6).t().uniform_(-1, 3)]),
        "randn/float32_small": (5, lambda: [torch.randn(7), torch.randn(3)]),
        "randn/float32_16": (6, lambda: [torch.randn(16)]),
        "randn/float32_tail": (7, lambda: [torch.randn(37)]),
        "randn/float32_large": (8, lambda: [torch.randn(20, 30)]),
        "randn/float64_small": (9, lambda: [torch.randn(5, dtype=torch.float64)]),
        "randn/float64_tail": (10, lambda: [torch.randn(37, dtype=torch.float64)]),
        "normal_/float32": (11, lambda: [torch.empty(37).normal_(2.0, 0.5), torch.empty(5).normal_(-1.0, 3.0)]),
        "normal_/float64": (12, lambda: [torch.empty(40, dtype=torch.float64).normal_(2.0, 0.5),
                                         torch.empty(3, dtype=torch.float64).normal_(-1.0, 3.0)]),
        "normal_/transposed": (13, lambda: [torch.empty(5, 4).t().normal_()]),
        "normal/factory": (14, lambda: [torch.normal(1.5, 2.0, size=(3, 9))]),
        "randint/int64": (15, lambda: [torch.randint(0, 10, (50,)), torch.randint(-5, 5, (3, 4))]),
        "randint/int32": (16, lambda: [torch.randint(-7, 100, (20,), dtype=torch.int32)]),
        "randint/float32": (17, lambda: [torch.randint(0, 1000, (20,), dtype=torch.float32)]),
        "randint/wide": (18, lambda: [torch.randint(0, 2 ** 40, (10,)), torch.randint(-2 ** 35, 2 ** 35, (5,))]),
        "randperm/10": (19, lambda: [torch.randperm(10)]),
        "randperm/1000": (20, lambda: [torch.randperm(1000)]),
        "randperm/int32": (21, lambda: [torch.randperm(50, dtype=torch.int32)]),
        "bernoulli_/scalar": (22, lambda: [torch.empty(100).bernoulli_(0.3),
                                           torch.empty(30, dtype=torch.float64).bernoulli_(0.6)]),
        "bernoulli/tensor_float32": (23, lambda: [torch.bernoulli(torch.linspace(0, 1, 60))]),
        "bernoulli/tensor_float64": (24, lambda: [torch.bernoulli(torch.linspace(0, 1, 60, dtype=torch.float64))]),
        "random_/bits": (25, lambda: [torch.empty(8, dtype=torch.int64).random_(),
                                      torch.empty(8, dtype=torch.int32).random_(),
                                      torch.empty(8).random_(),
                                      torch.empty(8, dtype=torch.float64).random_(),
                                      torch.empty(8, dtype=torch.uint8).random_(),
                                      torch.empty(8, dtype=torch.bool).random_()]),
        "random_/bounds": (26, lambda: [torch.empty(20, dtype=torch.int64).random_(10),
                                        torch.empty(20, dtype=torch.int64).random_(-3, 7),
                                        torch.empty(20).random_(5, 9)]),
        "dropout/functional": (27, lambda: [F.dropout(dropout_input(), 0.4, training=True)]),
        "dropout/module": (28, lambda: [torch.nn.Dropout(0.25)(dropout_input())]),
        "init/linear": (29, lambda: list(torch.nn.Linear(20, 30).parameters())),
        "init/linear_no_bias": (30, lambda: list(torch.nn.Linear(7, 5, bias=False).parameters())),
        "init/conv2d": (31, lambda: list(torch.nn.Conv2d(3, 8, 3).parameters())),
        "init/conv1d": (32, lambda: list(torch.nn.Conv1d(4, 6, 5).parameters())),
        "init/conv_transpose2d": (33, lambda: list(torch.nn.ConvTranspose2d(6, 4, 3).parameters())),
        "init/embedding": (34, lambda: list(torch.nn.Embedding(10, 4).parameters())),
        "init/bilinear": (35, lambda: list(torch.nn.Bilinear(3, 4, 5).parameters())),
        "init/functions": (36, lambda: [torch.nn.init.kaiming_uniform_(torch.empty(8, 6)),
                                        torch.nn.init.kaiming_normal_(torch.empty(8, 6), mode="fan_out"),
                                        torch.nn.init.xavier_uniform_(torch.empty(5, 9)),
                                        torch.nn.init.xavier_normal_(torch.empty(5, 9), gain=2.0),
                                        torch.nn.init.uniform_(torch.empty(10), -0.5, 0.25),
                                        torch.nn.init.normal_(torch.empty(20), 0.5, 2.0)]),
        "mlp/fashion": (0, lambda: list(torch.nn.Sequential(
            torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(),
            torch.nn.Linear(128, 10)).parameters()) + [torch.randperm(60000)[:200]]),
        "generator/object": (37, lambda: generator_case(torch)),
        "state/get_rng_state": (38, lambda: state_case(torch)),
        "seed/wide": (2 ** 40 + 5, lambda: [torch.rand(4), torch.tensor([torch.initial_seed()], dtype=torch.int64)]),
    }


def generator_case(torch):
    g = torch.Generator().manual_seed(42)
    a = torch.rand(5, generator=g)
    b = torch.rand(3)  # the default generator, seeded by the case
    c = torch.randn(4, generator=g)
    d = torch.randint(0, 100, (6,), generator=g)
    e = torch.randperm(8, generator=g)
    f = torch.empty(6).uniform_(-1, 1, generator=g)
    return [a, b, c, d, e, f]


def state_case(torch):
    torch.rand(5)
    torch.randn(3, dtype=torch.float64)  # leaves a cached double normal sample
    s = torch.get_rng_state()
    a = torch.randn(3, dtype=torch.float64)
    torch.rand(700)  # past the 624-word block
    torch.set_rng_state(s)
    b = torch.randn(3, dtype=torch.float64)
    return [s, a, b]


def encode(t):
    """dtype, shape and data; a tensor over 4096 elements keeps its first and last 64 values and its sum."""
    t = t.detach()
    values = [float(v) if t.is_floating_point() else int(v) for v in t.flatten().tolist()]
    d = {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape)}
    if len(values) > 4096:
        d["head"], d["tail"] = values[:64], values[-64:]
        d["sum"] = float(t.double().sum())
    else:
        d["data"] = values
    return d


def dump():
    import torch
    torch.set_num_threads(1)
    out = {}
    for name, (seed, fn) in cases().items():
        torch.manual_seed(seed)
        tensors = fn()
        out[name] = [encode(t) for t in tensors]
    json.dump(out, sys.stdout)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--dump":
        dump()
        return
    import torch
    per_cap = {}
    for cap in CAPABILITIES:
        env = dict(os.environ, ATEN_CPU_CAPABILITY=cap)
        text = subprocess.run([sys.executable, __file__, "--dump"], env=env, check=True, capture_output=True,
                              text=True).stdout
        per_cap[cap] = json.loads(text)
    result = {"torch_version": torch.__version__, "capabilities": CAPABILITIES, "seeds": {}, "cases": {}}
    for name, (seed, _) in cases().items():
        result["seeds"][name] = seed
        result["cases"][name] = {cap: per_cap[cap][name] for cap in CAPABILITIES}
        same = per_cap["default"][name] == per_cap["avx2"][name]
        print(f"{name:28s} {'same' if same else 'DIFFERS'} under default and avx2")
    with open(OUT, "w") as f:
        json.dump(result, f, separators=(",", ":"))
    print(f"wrote {OUT}: {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
