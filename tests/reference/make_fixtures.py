#!/usr/bin/python3
"""Writes the PyTorch-made op fixtures under tests/reference/fixtures/ (one JSON file per op family).

Run with Debian's torch:  /usr/bin/python3 tests/reference/make_fixtures.py
The output is deterministic (each case seeds its own generator from its name), so re-running it
only changes files when a case or PyTorch's numbers change. CI has no torch: the JSON is committed.

Each case is run in float32 and float64 and records, for every input and output:
  inputs[i]:  dtype, shape, data (row-major values of the contiguous base), transpose ([d0, d1] when the op
              gets base.transpose(d0, d1): a non-contiguous leaf; shape/data are the base's), requires_grad,
              grad  = d sum_k(sum(out_k * w_k)) / d input_i       (logical shape of the input, row-major)
              v     = a fixed weight for the second derivative
              grad2 = d sum_i(sum(grad_i * v_i)) / d input_i      (grads built with create_graph=True)
  outputs[k]: dtype, shape, data, and w (the fixed weight) for every floating output that requires grad.
A missing gradient (None in PyTorch: unused input, or a gradient that does not depend on the input) is
stored as zeros.
"""
import json
import math
import os
import zlib

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "fixtures")
DTYPES = {"float32": torch.float32, "float64": torch.float64}

FAMILIES = {}  # family -> list of case specs


# ---------------------------------------------------------------- input specs

class In:
    """One input. kind: 'float' (cast to the case dtype), 'int64' or 'bool'."""

    def __init__(self, kind, values, transpose=None, requires_grad=True, fixed_dtype=None):
        self.kind = kind
        self.fixed_dtype = fixed_dtype  # a float input that keeps this dtype in every case (type promotion)
        self.values = np.asarray(values)  # values of the contiguous base
        self.transpose = transpose
        self.requires_grad = requires_grad and kind == "float"


def U(shape, lo=-1.0, hi=1.0, away=0.0, t=None, rg=True, signs=False, dtype=None):
    """Deferred uniform input; `away`: |x| >= away; `signs`: random sign on [lo, hi) magnitudes."""

    def make(rng):
        x = rng.uniform(lo, hi, size=shape)
        if away > 0:
            x = np.where(np.abs(x) < away, np.sign(x + 1e-30) * away + x, x)
        if signs:
            x = x * rng.choice([-1.0, 1.0], size=shape)
        return In("float", x, t, rg, dtype)

    return make


def gen_values(seed, n, lo, hi):
    """Deterministic values any language can rebuild bit for bit (tests/ops/fixture_test.cpp does):
    k = (i * 2654435761 + seed) mod 2^32, x = lo + (hi - lo) * (k / 2^32), in float64."""
    k = (np.arange(n, dtype=np.uint64) * np.uint64(2654435761) + np.uint64(seed)) & np.uint64(0xFFFFFFFF)
    return lo + (hi - lo) * (k.astype(np.float64) / 4294967296.0)


def G(shape, lo=-1.0, hi=1.0, t=None, rg=True):
    """A large input stored as its generator (see gen_values), not its values."""

    def make(rng):
        seed = int(rng.integers(0, 2**32))
        x = In("float", gen_values(seed, int(np.prod(shape)), lo, hi).reshape(shape), t, rg)
        x.gen = dict(seed=seed, lo=lo, hi=hi)
        return x

    return make


def Gb(shape, below=0.5):
    """A large bool input: gen_values(seed, n, 0, 1) < below."""

    def make(rng):
        seed = int(rng.integers(0, 2**32))
        x = In("bool", gen_values(seed, int(np.prod(shape)), 0.0, 1.0).reshape(shape) < below, None, False)
        x.gen = dict(seed=seed, lo=0.0, hi=1.0, below=below)
        return x

    return make


def Fx(values, t=None, rg=True):
    return lambda rng: In("float", np.asarray(values, dtype=np.float64), t, rg)


def Ir(shape, lo, hi):
    return lambda rng: In("int64", rng.integers(lo, hi, size=shape), None, False)


def I(values):
    return lambda rng: In("int64", np.asarray(values, dtype=np.int64), None, False)


def B(shape, p=0.5):
    return lambda rng: In("bool", rng.uniform(size=shape) < p, None, False)


def Bx(values):
    return lambda rng: In("bool", np.asarray(values, dtype=bool), None, False)


def case(family, op, label, inputs, fn, args=None, grad=True, second=True, dtypes=tuple(DTYPES)):
    """dtypes: the case dtypes to run (float inputs are cast to it); one is enough when no input is float."""
    FAMILIES.setdefault(family, []).append(
        dict(op=op, label=label, inputs=inputs, fn=fn, args=args or {}, grad=grad, second=second, dtypes=dtypes))


# ---------------------------------------------------------------- encoding

BIG = 4096  # tensors with more elements are stored as a digest, not their values
DIGEST_SEED = 2463534242


def enc(t):
    """Values (a list) of a small tensor; a digest (an object) of a large one:
    n, wsum = sum_i t_i r_i (r = gen_values(DIGEST_SEED, n, -1, 1)), abssum = sum_i |t_i| (both in float64),
    and samples [[flat index, value], ...] at the ends, the middle, the 16384/32768 boundaries and a few more."""
    if t.numel() <= BIG:
        return enc_values(t)
    flat = t.detach().contiguous().reshape(-1)
    vals = flat.to(torch.float64).numpy()
    n = vals.size
    r = gen_values(DIGEST_SEED, n, -1.0, 1.0)
    idx = sorted({i for i in [0, n - 1, n // 2, 16383, 16384, 32767, 32768] + [(j * 7919 + 13) % n for j in range(9)]
                  if 0 <= i < n})
    svals = enc_values(flat[torch.tensor(idx)])
    return dict(n=int(n), wsum=float(np.dot(vals, r)), abssum=float(np.abs(vals).sum()),
                samples=[[i, v] for i, v in zip(idx, svals)])


def enc_values(t):
    """Row-major values of t (logical order) as JSON numbers; float32 as its shortest round-trip repr."""
    if t._is_zerotensor():  # PyTorch's lazy zeros (e.g. abs's second derivative) have no storage
        t = torch.zeros(t.shape, dtype=t.dtype)
    t = t.detach().contiguous().reshape(-1)
    if t.dtype == torch.bool:
        return [bool(v) for v in t.tolist()]
    if t.dtype == torch.int64:
        return [int(v) for v in t.tolist()]
    if t.dtype == torch.float32:
        vals = []
        for v in t.numpy():
            f = float(str(v))  # shortest decimal that parses back to the same float32
            assert np.float32(f) == v
            vals.append(f)
        return vals
    assert t.dtype == torch.float64, t.dtype
    return [float(v) for v in t.tolist()]  # repr of a double is exact


def dtype_name(dt):
    return {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64", torch.bool: "bool"}[dt]


def materialize(spec, dtype):
    if spec.kind == "float":
        base = torch.tensor(spec.values, dtype=torch.float64).to(spec.fixed_dtype or dtype)
    elif spec.kind == "int64":
        base = torch.tensor(spec.values, dtype=torch.int64)
    else:
        base = torch.tensor(spec.values, dtype=torch.bool)
    x = base.transpose(*spec.transpose).detach() if spec.transpose else base.clone()
    if spec.requires_grad:
        x.requires_grad_(True)
    return base, x


def derive(diff_out, diff_in, ws, vs, second):
    """grads = d sum_k(out_k * w_k)/d in, grads2 = d sum_i(grad_i * v_i)/d in; None -> zeros."""
    grads, grads2 = [None] * len(diff_in), [None] * len(diff_in)
    if diff_out:
        grads = list(torch.autograd.grad(diff_out, diff_in, grad_outputs=ws, create_graph=second, allow_unused=True))
        if second:
            pairs = [(g, v) for g, v in zip(grads, vs) if g is not None and g.requires_grad]
            if pairs:
                grads2 = list(torch.autograd.grad([g for g, _ in pairs], diff_in,
                                                  grad_outputs=[v for _, v in pairs], allow_unused=True))
    grads = [torch.zeros_like(x) if g is None else g for g, x in zip(grads, diff_in)]
    grads2 = [torch.zeros_like(x) if g is None else g for g, x in zip(grads2, diff_in)]
    return grads, grads2


def excess_atol(t32, t64):
    """2 * max |t32 - t64| when that exceeds the default float32 atol (1e-6), rounded up to 2 digits; else None."""
    if not t32.is_floating_point():
        return None
    if t32._is_zerotensor():
        t32 = torch.zeros(t32.shape, dtype=t32.dtype)
    if t64._is_zerotensor():
        t64 = torch.zeros(t64.shape, dtype=t64.dtype)
    err = 2 * float((t32.detach().double() - t64.detach().double()).abs().max()) if t32.numel() else 0.0
    if err <= 1e-6:
        return None
    e = math.floor(math.log10(err))
    return math.ceil(err / 10 ** (e - 1)) * 10 ** (e - 1)


def run_case(c, dtype_str):
    name = f"{c['op']}/{c['label']}/{dtype_str}"
    dtype = DTYPES[dtype_str]
    rng = np.random.default_rng(zlib.crc32(f"{c['op']}/{c['label']}".encode()))
    specs = [mk(rng) for mk in c["inputs"]]
    wrng = np.random.default_rng(zlib.crc32(name.encode()) + 1)
    bases, xs = zip(*[materialize(s, dtype) for s in specs]) if specs else ((), ())
    out = c["fn"](list(xs), c["args"])
    outs = list(out) if isinstance(out, (tuple, list)) else [out]

    diff_in = [x for x in xs if x.requires_grad] if c["grad"] else []
    diff_out = [o for o in outs if o.requires_grad] if diff_in else []
    ws, w_gens = [], []
    for k, o in enumerate(diff_out):
        if o.numel() > BIG:
            g = dict(seed=(zlib.crc32(name.encode()) + 101 * (k + 1)) % 2**32, lo=-1.0, hi=1.0)
            ws.append(torch.tensor(gen_values(g["seed"], o.numel(), -1.0, 1.0).reshape(tuple(o.shape))).to(o.dtype))
            w_gens.append(g)
        else:
            ws.append(torch.tensor(wrng.uniform(-1, 1, size=tuple(o.shape)), dtype=torch.float64).to(o.dtype))
            w_gens.append(None)
    vs = [torch.tensor(wrng.uniform(-1, 1, size=tuple(x.shape)), dtype=torch.float64).to(x.dtype) for x in diff_in]
    grads, grads2 = derive(diff_out, diff_in, ws, vs, c["second"])

    # float32: PyTorch's own rounding error, measured against the same computation in float64 from the same
    # (exactly upcast) inputs. Where twice that error exceeds the default 1e-6 absolute tolerance (sums with
    # cancellation, long reductions), it is recorded as the tensor's "atol", so that the C++ check accepts
    # any result at least about as accurate as PyTorch's.
    out_atol, grad_atol, grad2_atol = [None] * len(outs), [None] * len(diff_in), [None] * len(diff_in)
    if dtype == torch.float32:
        xs64 = [x.detach().double().requires_grad_(x.requires_grad) if x.is_floating_point() else x for x in xs]
        o64 = c["fn"](xs64, c["args"])
        outs64 = list(o64) if isinstance(o64, (tuple, list)) else [o64]
        din64 = [x for x in xs64 if x.requires_grad] if c["grad"] else []
        dout64 = [o for o in outs64 if o.requires_grad] if din64 else []
        g64, g264 = derive(dout64, din64, [w.double() for w in ws], [v.double() for v in vs], c["second"])
        out_atol = [excess_atol(a, b) for a, b in zip(outs, outs64)]
        grad_atol = [excess_atol(a, b) for a, b in zip(grads, g64)]
        grad2_atol = [excess_atol(a, b) for a, b in zip(grads2, g264)]

    j_inputs = []
    k = 0
    for s, base, x in zip(specs, bases, xs):
        d = dict(dtype=dtype_name(base.dtype), shape=list(base.shape))
        if getattr(s, "gen", None):
            d["gen"] = s.gen
        else:
            d["data"] = enc_values(base)
        if s.transpose:
            d["transpose"] = list(s.transpose)
        d["requires_grad"] = bool(x.requires_grad and c["grad"])
        if d["requires_grad"]:
            d["grad"] = enc(grads[k])
            if grad_atol[k]:
                d["grad_atol"] = grad_atol[k]
            if c["second"] and grad2_atol[k]:
                d["grad2_atol"] = grad2_atol[k]
            if c["second"]:
                assert x.numel() <= BIG, "second derivatives only for small cases"
                d["v"] = enc_values(vs[k])
                d["grad2"] = enc_values(grads2[k])
            k += 1
        j_inputs.append(d)
    j_outputs = []
    wi = 0
    for o, atol in zip(outs, out_atol):
        d = dict(dtype=dtype_name(o.dtype), shape=list(o.shape), data=enc(o))
        if atol:
            d["atol"] = atol
        if diff_out and o.requires_grad:
            if w_gens[wi]:
                d["w_gen"] = w_gens[wi]
            else:
                d["w"] = enc_values(ws[wi])
            wi += 1
        j_outputs.append(d)
    return dict(name=name, op=c["op"], label=c["label"], dtype=dtype_str, args=c["args"],
                grad=bool(diff_out), second_order=bool(diff_out) and c["second"],
                inputs=j_inputs, outputs=j_outputs)


# ---------------------------------------------------------------- helpers for the op functions

def S(args, key):
    """A scalar argument: 'inf' / '-inf' strings encode infinities (JSON has none)."""
    v = args[key]
    if isinstance(v, str):
        return float(v)
    return v


def slice_fn(x, a):
    idx = [slice(None)] * x.dim()
    idx[a["dim"]] = slice(a.get("start"), a.get("end"), a.get("step", 1))
    return x[tuple(idx)]


# ---------------------------------------------------------------- cases

def binary_cases(op, fn, b_lo=-1.0, b_hi=1.0, b_away=0.0, a_lo=-1.0, a_hi=1.0, a_away=0.0, scalar=None,
                 family="elementwise"):
    A = lambda shape, t=None: U(shape, a_lo, a_hi, a_away, t)
    Bb = lambda shape, t=None: U(shape, b_lo, b_hi, b_away, t)
    case(family, op, "same_shape", [A((3, 4)), Bb((3, 4))], fn)
    case(family, op, "broadcast", [A((3, 1, 4)), Bb((2, 4))], fn)
    case(family, op, "broadcast_both", [A((2, 1)), Bb((1, 3))], fn)
    case(family, op, "noncontig", [A((4, 3), t=(0, 1)), Bb((3, 4))], fn)
    case(family, op, "noncontig_rhs", [A((2, 3, 4)), Bb((2, 4, 3), t=(1, 2))], fn)
    case(family, op, "scalar_tensor_0d", [A((2, 3)), Bb(())], fn)


def promotion_cases(op, fn, b_lo=-1.0, b_hi=1.0, signs=False):
    """Mixed dtypes: a float64 operand promotes a float32 one; an int64 tensor with a float scalar gives float32."""
    case("elementwise", op, "promote_f64_rhs", [U((3, 4)), U((4,), b_lo, b_hi, signs=signs, dtype=torch.float64)], fn)
    case("elementwise", op, "promote_f64_lhs_0d", [U((), dtype=torch.float64), U((2, 3), b_lo, b_hi, signs=signs)], fn)
    case("elementwise", op, "int_tensor_float_scalar", [Ir((2, 3), -5, 6)], fn, {"other": 2.5}, grad=False)


def add_like(op):
    tf = getattr(torch, op)

    def fn(x, a):
        if len(x) == 2:
            return tf(x[0], x[1], alpha=a.get("alpha", 1))
        return tf(x[0], a["other"], alpha=a.get("alpha", 1))

    return fn


def build_elementwise():
    for op in ("add", "sub"):
        fn = add_like(op)
        binary_cases(op, fn)
        case("elementwise", op, "alpha", [U((3, 4)), U((4,))], fn, {"alpha": 2.5})
        case("elementwise", op, "scalar", [U((3, 4))], fn, {"other": 1.75})
        case("elementwise", op, "scalar_int", [U((3, 4))], fn, {"other": 3})
        case("elementwise", op, "scalar_alpha", [U((2, 3))], fn, {"other": 0.5, "alpha": -2})
        promotion_cases(op, fn)

    def mul_fn(x, a):
        if a.get("self"):
            return torch.mul(x[0], x[0])
        return torch.mul(x[0], x[1]) if len(x) == 2 else torch.mul(x[0], a["other"])

    binary_cases("mul", mul_fn)
    case("elementwise", "mul", "scalar", [U((3, 4))], mul_fn, {"other": -1.5})
    case("elementwise", "mul", "self", [U((3, 4))], mul_fn, {"self": True})
    promotion_cases("mul", mul_fn)

    def div_fn(x, a):
        if "scalar_first" in a:
            return torch.div(a["scalar_first"], x[0])
        return torch.div(x[0], x[1]) if len(x) == 2 else torch.div(x[0], a["other"])

    for lbl, ins in (("same_shape", [U((3, 4)), U((3, 4), 0.5, 2.0, signs=True)]),
                     ("broadcast", [U((3, 1, 4)), U((2, 4), 0.5, 2.0, signs=True)]),
                     ("broadcast_both", [U((2, 1)), U((1, 3), 0.5, 2.0, signs=True)]),
                     ("noncontig", [U((4, 3), t=(0, 1)), U((3, 4), 0.5, 2.0, signs=True)]),
                     ("noncontig_rhs", [U((2, 3, 4)), U((2, 4, 3), 0.5, 2.0, t=(1, 2), signs=True)]),
                     ("scalar_tensor_0d", [U((2, 3)), U((), 0.5, 2.0, signs=True)])):
        case("elementwise", "div", lbl, ins, div_fn)
    case("elementwise", "div", "scalar", [U((3, 4))], div_fn, {"other": 2.5})
    case("elementwise", "div", "scalar_int", [U((3, 4))], div_fn, {"other": 3})
    case("elementwise", "div", "scalar_by_tensor", [U((3, 4), 0.5, 2.0, signs=True)], div_fn, {"scalar_first": 1.5})
    promotion_cases("div", div_fn, 0.5, 2.0, signs=True)
    case("elementwise", "div", "int_by_int", [Ir((2, 3), -5, 6), I([[1, 2, 3], [-2, 4, 7]])], div_fn, grad=False)

    def pow_fn(x, a):
        if "base" in a:
            return torch.pow(S(a, "base"), x[0])
        return torch.pow(x[0], x[1]) if len(x) == 2 else torch.pow(x[0], S(a, "exponent"))

    for lbl, ins in (("same_shape", [U((3, 4), 0.5, 2.0), U((3, 4), -2.0, 2.0)]),
                     ("broadcast", [U((3, 1, 4), 0.5, 2.0), U((2, 4), -2.0, 2.0)]),
                     ("noncontig", [U((4, 3), 0.5, 2.0, t=(0, 1)), U((3, 4), -2.0, 2.0)])):
        case("elementwise", "pow", lbl, ins, pow_fn)
    case("elementwise", "pow", "scalar_int2", [U((3, 4), -2.0, 2.0)], pow_fn, {"exponent": 2})
    case("elementwise", "pow", "scalar_int3", [U((3, 4), -2.0, 2.0)], pow_fn, {"exponent": 3})
    case("elementwise", "pow", "scalar_half", [U((3, 4), 0.5, 2.0)], pow_fn, {"exponent": 0.5})
    case("elementwise", "pow", "scalar_neg", [U((3, 4), 0.5, 2.0)], pow_fn, {"exponent": -1.5})
    case("elementwise", "pow", "scalar_noncontig", [U((4, 3), 0.5, 2.0, t=(0, 1))], pow_fn, {"exponent": 2.5})
    case("elementwise", "pow", "scalar_base", [U((3, 4), -2.0, 2.0)], pow_fn, {"base": 2.0})

    for op in ("maximum", "minimum"):
        fn = (lambda tf: (lambda x, a: tf(x[0], x[1])))(getattr(torch, op))
        binary_cases(op, fn)

    def where_fn(x, a):
        if "other" in a:
            return torch.where(x[0], x[1], torch.tensor(a["other"], dtype=x[1].dtype))
        if "self" in a:
            return torch.where(x[0], torch.tensor(a["self"], dtype=x[1].dtype), x[1])
        return torch.where(x[0], x[1], x[2])

    case("elementwise", "where", "same_shape", [B((3, 4)), U((3, 4)), U((3, 4))], where_fn)
    case("elementwise", "where", "broadcast", [B((2, 1)), U((1, 3)), U((2, 3))], where_fn)
    case("elementwise", "where", "broadcast_cond", [B((3, 1, 4)), U((2, 4)), U((4,))], where_fn)
    case("elementwise", "where", "noncontig", [B((3, 4)), U((4, 3), t=(0, 1)), U((3, 4))], where_fn)
    case("elementwise", "where", "scalar_other", [B((3, 4)), U((3, 4))], where_fn, {"other": 0.25})
    case("elementwise", "where", "scalar_self", [B((3, 4)), U((3, 4))], where_fn, {"self": -0.5})

    unary = {
        "neg": dict(), "exp": dict(lo=-2, hi=2), "log": dict(lo=0.2, hi=3), "log1p": dict(lo=-0.5, hi=2),
        "sqrt": dict(lo=0.2, hi=3), "rsqrt": dict(lo=0.2, hi=3), "abs": dict(lo=-2, hi=2, away=0.05),
        "sign": dict(lo=-2, hi=2, away=0.05), "sin": dict(lo=-3, hi=3), "cos": dict(lo=-3, hi=3),
        "tanh": dict(lo=-2, hi=2), "square": dict(lo=-2, hi=2),
    }
    for op, dom in unary.items():
        fam = "elementwise"
        tf = getattr(torch, op)
        fn = (lambda tf: (lambda x, a: tf(x[0])))(tf)
        lo, hi, away = dom.get("lo", -1.0), dom.get("hi", 1.0), dom.get("away", 0.0)
        case(fam, op, "2d", [U((3, 4), lo, hi, away)], fn)
        case(fam, op, "noncontig", [U((4, 3), lo, hi, away, t=(0, 1))], fn)
        case(fam, op, "0d", [U((), lo, hi, away)], fn)
    case("elementwise", "sign", "zero", [Fx([-1.5, 0.0, 2.0])], lambda x, a: torch.sign(x[0]))

    def clamp_fn(x, a):
        return torch.clamp(x[0], a.get("min"), a.get("max"))

    case("elementwise", "clamp", "min_max", [U((3, 4), -2, 2)], clamp_fn, {"min": -0.5, "max": 0.75})
    case("elementwise", "clamp", "min_only", [U((3, 4), -2, 2)], clamp_fn, {"min": -0.25, "max": None})
    case("elementwise", "clamp", "max_only", [U((3, 4), -2, 2)], clamp_fn, {"min": None, "max": 0.5})
    case("elementwise", "clamp", "int_bounds", [U((3, 4), -3, 3)], clamp_fn, {"min": -1, "max": 1})
    case("elementwise", "clamp", "noncontig", [U((4, 3), -2, 2, t=(0, 1))], clamp_fn, {"min": -0.5, "max": 0.5})


def build_activation():
    def act(op, fn, lo=-3.0, hi=3.0, away=0.0, argsets=(("default", {}),)):
        for lbl, a in argsets:
            case("activation", op, f"{lbl}", [U((3, 4), lo, hi, away)], fn, a)
            case("activation", op, f"{lbl}_noncontig", [U((4, 3), lo, hi, away, t=(0, 1))], fn, a)

    act("sigmoid", lambda x, a: torch.sigmoid(x[0]), -4, 4)
    act("relu", lambda x, a: torch.relu(x[0]), away=0.05)
    act("leaky_relu", lambda x, a: F.leaky_relu(x[0], a["negative_slope"]), away=0.05,
        argsets=(("slope_default", {"negative_slope": 0.01}), ("slope_0.2", {"negative_slope": 0.2})))
    act("elu", lambda x, a: F.elu(x[0], a["alpha"]), away=0.05,
        argsets=(("alpha1", {"alpha": 1.0}), ("alpha0.5", {"alpha": 0.5})))
    act("gelu", lambda x, a: F.gelu(x[0], approximate=a["approximate"]),
        argsets=(("none", {"approximate": "none"}), ("tanh", {"approximate": "tanh"})))
    act("silu", lambda x, a: F.silu(x[0]), -4, 4)
    act("softplus", lambda x, a: F.softplus(x[0], a["beta"], a["threshold"]), -4, 4,
        argsets=(("default", {"beta": 1, "threshold": 20}), ("beta2", {"beta": 2.0, "threshold": 20})))
    # Both sides of the threshold (beta * x > threshold is linear).
    case("activation", "softplus", "threshold", [U((3, 4), -3, 3, away=0.6, signs=False)],
         lambda x, a: F.softplus(x[0], a["beta"], a["threshold"]), {"beta": 2.0, "threshold": 1.0})


def build_compare():
    for op in ("eq", "ne", "lt", "le", "gt", "ge"):
        tf = getattr(torch, op)
        fn = (lambda tf: (lambda x, a: tf(x[0], x[1]) if len(x) == 2 else tf(x[0], a["other"])))(tf)
        # Values on a coarse grid so that ties (equal elements) occur.
        grid = lambda shape, t=None: (lambda rng: In("float", rng.integers(-2, 3, size=shape) * 0.5, t, False))
        case("compare", op, "same_shape", [grid((3, 4)), grid((3, 4))], fn, grad=False)
        case("compare", op, "broadcast", [grid((3, 1, 4)), grid((2, 4))], fn, grad=False)
        case("compare", op, "noncontig", [grid((4, 3), (0, 1)), grid((3, 4))], fn, grad=False)
        case("compare", op, "scalar", [grid((3, 4))], fn, {"other": 0.5}, grad=False)
        case("compare", op, "scalar_int", [grid((3, 4))], fn, {"other": 1}, grad=False)


def build_reduce():
    fam = "reduce"

    def sum_like(tf):
        def fn(x, a):
            if a.get("dims") is None:
                return tf(x[0])
            return tf(x[0], a["dims"], keepdim=a.get("keepdim", False))
        return fn

    for op in ("sum", "mean"):
        fn = sum_like(getattr(torch, op))
        case(fam, op, "all", [U((3, 4))], fn)
        case(fam, op, "dim1", [U((3, 4))], fn, {"dims": [1], "keepdim": False})
        case(fam, op, "dim_neg_keepdim", [U((2, 3, 4))], fn, {"dims": [-1], "keepdim": True})
        case(fam, op, "dims02", [U((2, 3, 4))], fn, {"dims": [0, 2], "keepdim": False})
        case(fam, op, "dims02_keepdim", [U((2, 3, 4))], fn, {"dims": [0, 2], "keepdim": True})
        case(fam, op, "noncontig", [U((4, 3), t=(0, 1))], fn, {"dims": [0], "keepdim": False})
        case(fam, op, "noncontig_all", [U((2, 4, 3), t=(1, 2))], fn)

    def prod_fn(x, a):
        if a.get("dim") is None:
            return torch.prod(x[0])
        return torch.prod(x[0], a["dim"], keepdim=a.get("keepdim", False))

    case(fam, "prod", "all", [U((2, 3), 0.5, 1.5, signs=True)], prod_fn)
    case(fam, "prod", "dim1", [U((3, 4), 0.5, 1.5, signs=True)], prod_fn, {"dim": 1, "keepdim": False})
    case(fam, "prod", "dim0_keepdim", [U((3, 4), 0.5, 1.5, signs=True)], prod_fn, {"dim": 0, "keepdim": True})
    case(fam, "prod", "noncontig", [U((4, 3), 0.5, 1.5, t=(0, 1), signs=True)], prod_fn, {"dim": -1, "keepdim": False})
    case(fam, "prod", "one_zero", [Fx([[0.5, 0.0, 2.0], [1.5, -1.0, 0.75]])], prod_fn, {"dim": 1, "keepdim": False})
    case(fam, "prod", "one_zero_all", [Fx([[0.5, 0.0, 2.0], [1.5, -1.0, 0.75]])], prod_fn)

    for op in ("max", "min"):
        tf = getattr(torch, op)

        def fn(x, a, tf=tf):
            if a.get("dim") is None:
                return tf(x[0])
            return tuple(tf(x[0], a["dim"], keepdim=a.get("keepdim", False)))

        case(fam, op, "all", [U((3, 4))], fn)
        case(fam, op, "dim1", [U((3, 4))], fn, {"dim": 1, "keepdim": False})
        case(fam, op, "dim0_keepdim", [U((3, 4))], fn, {"dim": 0, "keepdim": True})
        case(fam, op, "dim_neg_3d", [U((2, 3, 4))], fn, {"dim": -2, "keepdim": False})
        case(fam, op, "noncontig", [U((4, 3), t=(0, 1))], fn, {"dim": 1, "keepdim": False})

    for op in ("argmax", "argmin"):
        tf = getattr(torch, op)
        fn = (lambda tf: (lambda x, a: tf(x[0], a.get("dim"), keepdim=a.get("keepdim", False))))(tf)
        case(fam, op, "all", [U((3, 4))], fn, grad=False)
        case(fam, op, "dim1", [U((3, 4))], fn, {"dim": 1, "keepdim": False}, grad=False)
        case(fam, op, "dim0_keepdim", [U((3, 4))], fn, {"dim": 0, "keepdim": True}, grad=False)
        case(fam, op, "noncontig", [U((4, 3), t=(0, 1))], fn, {"dim": -1, "keepdim": False}, grad=False)

    for op in ("var", "std"):
        tf = getattr(torch, op)

        def fn(x, a, tf=tf):
            if a.get("dims") is None:
                return tf(x[0], unbiased=a["unbiased"])
            return tf(x[0], a["dims"], unbiased=a["unbiased"], keepdim=a.get("keepdim", False))

        for ub in (True, False):
            s = "unbiased" if ub else "biased"
            case(fam, op, f"all_{s}", [U((3, 4))], fn, {"unbiased": ub})
            case(fam, op, f"dim1_{s}", [U((3, 4))], fn, {"dims": [1], "unbiased": ub, "keepdim": False})
            case(fam, op, f"dims02_keepdim_{s}", [U((2, 3, 4))], fn, {"dims": [0, 2], "unbiased": ub, "keepdim": True})
            case(fam, op, f"noncontig_{s}", [U((4, 3), t=(0, 1))], fn, {"dims": [0], "unbiased": ub, "keepdim": False})

    def norm_fn(x, a):
        p = S(a, "p")
        if a.get("dims") is None:
            return torch.norm(x[0], p)
        return torch.norm(x[0], p, a["dims"], keepdim=a.get("keepdim", False))

    for p, pn in ((1, "p1"), (2, "p2"), ("inf", "pinf"), (3.0, "p3")):
        case(fam, "norm", f"{pn}_all", [U((3, 4), away=0.05)], norm_fn, {"p": p})
        case(fam, "norm", f"{pn}_dim1", [U((3, 4), away=0.05)], norm_fn, {"p": p, "dims": [1], "keepdim": False})
        case(fam, "norm", f"{pn}_dims01_keepdim", [U((2, 3, 4), away=0.05)], norm_fn,
             {"p": p, "dims": [0, 1], "keepdim": True})
        case(fam, "norm", f"{pn}_noncontig", [U((4, 3), away=0.05, t=(0, 1))], norm_fn,
             {"p": p, "dims": [0], "keepdim": False})

    def lse_fn(x, a):
        return torch.logsumexp(x[0], a["dims"], keepdim=a.get("keepdim", False))

    case(fam, "logsumexp", "dim1", [U((3, 4), -3, 3)], lse_fn, {"dims": [1], "keepdim": False})
    case(fam, "logsumexp", "dims01_keepdim", [U((2, 3, 4), -3, 3)], lse_fn, {"dims": [0, 1], "keepdim": True})
    case(fam, "logsumexp", "large", [U((2, 5), 80, 100)], lse_fn, {"dims": [1], "keepdim": False})
    case(fam, "logsumexp", "noncontig", [U((4, 3), -3, 3, t=(0, 1))], lse_fn, {"dims": [0], "keepdim": False})

    for op in ("softmax", "log_softmax"):
        tf = getattr(torch, op)
        fn = (lambda tf: (lambda x, a: tf(x[0], a["dim"])))(tf)
        case(fam, op, "dim1", [U((3, 4), -3, 3)], fn, {"dim": 1})
        case(fam, op, "dim0", [U((3, 4), -3, 3)], fn, {"dim": 0})
        case(fam, op, "3d_dim_neg", [U((2, 3, 4), -3, 3)], fn, {"dim": -1})
        case(fam, op, "3d_dim1", [U((2, 3, 4), -3, 3)], fn, {"dim": 1})
        case(fam, op, "large", [U((2, 5), 80, 100)], fn, {"dim": 1})
        case(fam, op, "noncontig", [U((4, 3), -3, 3, t=(0, 1))], fn, {"dim": 1})

    for op in ("all", "any"):
        tf = getattr(torch, op)

        def fn(x, a, tf=tf):
            if a.get("dim") is None:
                return tf(x[0])
            return tf(x[0], a["dim"], keepdim=a.get("keepdim", False))

        case(fam, op, "all_elems", [B((3, 4), 0.8)], fn, grad=False)
        case(fam, op, "all_true", [Bx([[True, True], [True, True]])], fn, grad=False)
        case(fam, op, "all_false", [Bx([[False, False], [False, False]])], fn, grad=False)
        case(fam, op, "dim1", [Bx([[True, True, True], [True, False, True], [False, False, False]])], fn,
             {"dim": 1, "keepdim": False}, grad=False)
        case(fam, op, "dim0_keepdim", [Bx([[True, True, False], [True, False, False]])], fn,
             {"dim": 0, "keepdim": True}, grad=False)
        case(fam, op, "float_input", [Fx([[1.0, 0.0, 2.0], [0.5, -1.0, 3.0]], rg=False)], fn,
             {"dim": 1, "keepdim": False}, grad=False)


def build_linalg():
    fam = "linalg"
    mm_ = lambda x, a: torch.matmul(x[0], x[1])
    case(fam, "matmul", "1d_1d", [U((4,)), U((4,))], mm_)
    case(fam, "matmul", "2d_2d", [U((3, 4)), U((4, 5))], mm_)
    case(fam, "matmul", "1d_2d", [U((4,)), U((4, 5))], mm_)
    case(fam, "matmul", "2d_1d", [U((3, 4)), U((4,))], mm_)
    case(fam, "matmul", "3d_2d", [U((2, 3, 4)), U((4, 5))], mm_)
    case(fam, "matmul", "2d_3d", [U((3, 4)), U((2, 4, 5))], mm_)
    case(fam, "matmul", "3d_1d", [U((2, 3, 4)), U((4,))], mm_)
    case(fam, "matmul", "1d_3d", [U((4,)), U((2, 4, 5))], mm_)
    case(fam, "matmul", "batch_broadcast", [U((2, 1, 3, 4)), U((3, 4, 2))], mm_)
    case(fam, "matmul", "noncontig", [U((4, 3), t=(0, 1)), U((5, 4), t=(0, 1))], mm_)
    case(fam, "matmul", "noncontig_batch", [U((2, 4, 3), t=(1, 2)), U((2, 4, 5))], mm_)
    case(fam, "mm", "basic", [U((3, 4)), U((4, 5))], mm_)
    case(fam, "mm", "noncontig", [U((4, 3), t=(0, 1)), U((5, 4), t=(0, 1))], mm_)
    case(fam, "mm", "outer", [U((3, 1)), U((1, 2))], mm_)
    bmm_ = lambda x, a: torch.bmm(x[0], x[1])
    case(fam, "bmm", "basic", [U((2, 3, 4)), U((2, 4, 5))], bmm_)
    case(fam, "bmm", "noncontig", [U((2, 4, 3), t=(1, 2)), U((2, 4, 5))], bmm_)

    def addmm_(x, a):
        return torch.addmm(x[0], x[1], x[2], beta=a.get("beta", 1), alpha=a.get("alpha", 1))

    case(fam, "addmm", "basic", [U((3, 5)), U((3, 4)), U((4, 5))], addmm_)
    case(fam, "addmm", "bias_broadcast", [U((5,)), U((3, 4)), U((4, 5))], addmm_)
    case(fam, "addmm", "beta_alpha", [U((3, 5)), U((3, 4)), U((4, 5))], addmm_, {"beta": 0.5, "alpha": -2.0})
    case(fam, "addmm", "noncontig", [U((1, 5)), U((4, 3), t=(0, 1)), U((4, 5))], addmm_, {"beta": 2, "alpha": 1})


def build_shape():
    fam = "shape"
    case(fam, "view", "2d", [U((3, 4))], lambda x, a: x[0].view(a["size"]), {"size": [2, 6]})
    case(fam, "view", "infer", [U((2, 3, 4))], lambda x, a: x[0].view(a["size"]), {"size": [-1, 4]})
    case(fam, "view", "to_0d", [U((1,))], lambda x, a: x[0].view(a["size"]), {"size": []})
    rs = lambda x, a: torch.reshape(x[0], a["size"])
    case(fam, "reshape", "2d", [U((3, 4))], rs, {"size": [4, 3]})
    case(fam, "reshape", "noncontig_copy", [U((4, 3), t=(0, 1))], rs, {"size": [12]})
    case(fam, "reshape", "infer", [U((2, 3, 4))], rs, {"size": [2, -1]})
    fl = lambda x, a: torch.flatten(x[0], a.get("start", 0), a.get("end", -1))
    case(fam, "flatten", "all", [U((2, 3, 4))], fl)
    case(fam, "flatten", "start1", [U((2, 3, 4))], fl, {"start": 1, "end": -1})
    case(fam, "flatten", "mid", [U((2, 3, 2, 2))], fl, {"start": 1, "end": 2})
    case(fam, "flatten", "noncontig", [U((4, 3), t=(0, 1))], fl)
    sq = lambda x, a: torch.squeeze(x[0]) if a.get("dim") is None else torch.squeeze(x[0], a["dim"])
    case(fam, "squeeze", "all", [U((1, 3, 1, 4))], sq)
    case(fam, "squeeze", "dim", [U((1, 3, 1, 4))], sq, {"dim": 2})
    case(fam, "squeeze", "dim_not_one", [U((1, 3, 1, 4))], sq, {"dim": 1})
    usq = lambda x, a: torch.unsqueeze(x[0], a["dim"])
    case(fam, "unsqueeze", "dim1", [U((3, 4))], usq, {"dim": 1})
    case(fam, "unsqueeze", "dim_neg", [U((3, 4))], usq, {"dim": -1})
    case(fam, "unsqueeze", "noncontig", [U((4, 3), t=(0, 1))], usq, {"dim": 0})
    tr = lambda x, a: torch.transpose(x[0], a["dim0"], a["dim1"])
    case(fam, "transpose", "3d", [U((2, 3, 4))], tr, {"dim0": 0, "dim1": 2})
    case(fam, "transpose", "neg", [U((2, 3, 4))], tr, {"dim0": -1, "dim1": 1})
    case(fam, "t", "2d", [U((3, 4))], lambda x, a: torch.t(x[0]))
    case(fam, "t", "1d", [U((4,))], lambda x, a: torch.t(x[0]))
    pm = lambda x, a: x[0].permute(a["dims"])
    case(fam, "permute", "3d", [U((2, 3, 4))], pm, {"dims": [2, 0, 1]})
    case(fam, "permute", "noncontig", [U((2, 4, 3), t=(1, 2))], pm, {"dims": [1, 2, 0]})
    ex = lambda x, a: x[0].expand(a["size"])
    case(fam, "expand", "col", [U((3, 1))], ex, {"size": [3, 4]})
    case(fam, "expand", "new_dims", [U((4,))], ex, {"size": [2, 3, 4]})
    case(fam, "expand", "keep_minus1", [U((3, 1))], ex, {"size": [2, -1, 4]})
    nr = lambda x, a: torch.narrow(x[0], a["dim"], a["start"], a["length"])
    case(fam, "narrow", "dim1", [U((3, 5))], nr, {"dim": 1, "start": 1, "length": 3})
    case(fam, "narrow", "dim0", [U((4, 3))], nr, {"dim": 0, "start": 2, "length": 2})
    case(fam, "narrow", "noncontig", [U((5, 3), t=(0, 1))], nr, {"dim": 1, "start": 1, "length": 2})
    sl = lambda x, a: slice_fn(x[0], a)
    case(fam, "slice", "step2", [U((3, 6))], sl, {"dim": 1, "start": 1, "end": 5, "step": 2})
    case(fam, "slice", "open_end", [U((4, 3))], sl, {"dim": 0, "start": 1, "end": None, "step": 1})
    case(fam, "slice", "negative", [U((3, 6))], sl, {"dim": 1, "start": -4, "end": -1, "step": 1})
    case(fam, "slice", "clamped_end", [U((3, 6))], sl, {"dim": 1, "start": None, "end": 100, "step": 3})
    sel = lambda x, a: torch.select(x[0], a["dim"], a["index"])
    case(fam, "select", "dim0", [U((3, 4))], sel, {"dim": 0, "index": 1})
    case(fam, "select", "neg_index", [U((2, 3, 4))], sel, {"dim": 1, "index": -1})
    case(fam, "select", "to_0d", [U((4,))], sel, {"dim": 0, "index": 2})
    isel = lambda x, a: torch.index_select(x[0], a["dim"], x[1])
    case(fam, "index_select", "dim0_repeat", [U((4, 3)), I([2, 0, 2])], isel, {"dim": 0})
    case(fam, "index_select", "dim1", [U((3, 4)), I([3, 1])], isel, {"dim": 1})
    case(fam, "index_select", "noncontig", [U((4, 3), t=(0, 1)), I([0, 3, 3, 1])], isel, {"dim": 1})
    ga = lambda x, a: torch.gather(x[0], a["dim"], x[1])
    case(fam, "gather", "dim1", [U((3, 4)), I([[0, 3], [1, 1], [2, 0]])], ga, {"dim": 1})
    case(fam, "gather", "dim0", [U((3, 4)), I([[2, 0, 1, 2], [0, 0, 2, 1]])], ga, {"dim": 0})
    case(fam, "gather", "3d", [U((2, 3, 4)), I([[[0, 1], [3, 3], [2, 0]], [[1, 1], [0, 2], [3, 1]]])], ga, {"dim": 2})
    cat = lambda x, a: torch.cat(x, a["dim"])
    case(fam, "cat", "dim0", [U((2, 3)), U((1, 3)), U((3, 3))], cat, {"dim": 0})
    case(fam, "cat", "dim1", [U((2, 3)), U((2, 1))], cat, {"dim": 1})
    case(fam, "cat", "dim_neg_noncontig", [U((3, 2), t=(0, 1)), U((2, 4))], cat, {"dim": -1})
    st = lambda x, a: torch.stack(x, a["dim"])
    case(fam, "stack", "dim0", [U((2, 3)), U((2, 3)), U((2, 3))], st, {"dim": 0})
    case(fam, "stack", "dim1", [U((2, 3)), U((2, 3))], st, {"dim": 1})
    case(fam, "stack", "dim_last_noncontig", [U((3, 2), t=(0, 1)), U((2, 3))], st, {"dim": 2})
    sp = lambda x, a: tuple(torch.split(x[0], a["split"], a["dim"]))
    case(fam, "split", "size2_uneven", [U((3, 5))], sp, {"split": 2, "dim": 1})
    case(fam, "split", "size1_dim0", [U((3, 2))], sp, {"split": 1, "dim": 0})
    case(fam, "split", "sizes", [U((4, 3))], sp, {"split": [1, 3], "dim": 0})
    ch = lambda x, a: tuple(torch.chunk(x[0], a["chunks"], a["dim"]))
    case(fam, "chunk", "even", [U((4, 3))], ch, {"chunks": 2, "dim": 0})
    case(fam, "chunk", "uneven", [U((3, 5))], ch, {"chunks": 3, "dim": 1})
    case(fam, "chunk", "fewer", [U((2, 3))], ch, {"chunks": 4, "dim": 0})
    ub = lambda x, a: tuple(torch.unbind(x[0], a["dim"]))
    case(fam, "unbind", "dim0", [U((3, 2))], ub, {"dim": 0})
    case(fam, "unbind", "dim1", [U((2, 3, 2))], ub, {"dim": 1})


def build_loss():
    fam = "loss"

    def mse(x, a):
        return F.mse_loss(x[0], x[1], reduction=a["reduction"])

    for red in ("mean", "sum", "none"):
        case(fam, "mse_loss", red, [U((3, 4)), U((3, 4))], mse, {"reduction": red})
        case(fam, "mse_loss", f"{red}_noncontig", [U((4, 3), t=(0, 1)), U((3, 4))], mse, {"reduction": red})
    case(fam, "mse_loss", "target_no_grad", [U((2, 5)), U((2, 5), rg=False)], mse, {"reduction": "mean"})


def build_large():
    """Sizes past the CPU kernels' thresholds (parallel loops from 32768 elements, reduction chunks of 16384):
    values are generated, results stored as digests plus samples, first-order gradients only."""
    fam = "large"
    lg = lambda op, label, ins, fn, args=None, grad=True: case(fam, op, label, ins, fn, args, grad=grad, second=False)
    red = lambda tf: (lambda x, a: tf(x[0]) if a.get("dims") is None else tf(x[0], a["dims"], keepdim=False))
    lg("sum", "all_41000", [G((200, 205))], red(torch.sum))
    lg("sum", "rows_2x40000", [G((2, 40000))], red(torch.sum), {"dims": [1]})
    lg("sum", "cols_40000x2", [G((40000, 2))], red(torch.sum), {"dims": [0]})
    lg("sum", "noncontig_all", [G((205, 200), t=(0, 1))], red(torch.sum))
    lg("mean", "all_41000", [G((200, 205))], red(torch.mean))
    lg("mean", "rows_2x40000", [G((2, 40000))], red(torch.mean), {"dims": [1]})
    lg("prod", "all_40000", [G((40000,), 0.9995, 1.0005)], lambda x, a: torch.prod(x[0]))
    lg("var", "rows_2x40000", [G((2, 40000))],
       lambda x, a: torch.var(x[0], a["dims"], unbiased=True), {"dims": [1], "unbiased": True})
    lg("std", "all_41000", [G((200, 205))], lambda x, a: torch.std(x[0], unbiased=False), {"unbiased": False})
    lg("norm", "p2_all_41000", [G((200, 205))], lambda x, a: torch.norm(x[0], 2), {"p": 2})
    lg("norm", "p1_rows", [G((2, 40000))], lambda x, a: torch.norm(x[0], 1, [1]), {"p": 1, "dims": [1]})
    lg("logsumexp", "rows_2x40000", [G((2, 40000), -3, 3)],
       lambda x, a: torch.logsumexp(x[0], a["dims"]), {"dims": [1]})
    for op in ("softmax", "log_softmax"):
        tf = getattr(torch, op)
        lg(op, "rows_2x20000", [G((2, 20000), -3, 3)], (lambda tf: lambda x, a: tf(x[0], a["dim"]))(tf), {"dim": 1})
        lg(op, "cols_20000x2", [G((20000, 2), -3, 3)], (lambda tf: lambda x, a: tf(x[0], a["dim"]))(tf), {"dim": 0})
    for op in ("max", "min"):
        tf = getattr(torch, op)
        lg(op, "all_41000", [G((200, 205))], (lambda tf: lambda x, a: tf(x[0]))(tf))
        lg(op, "rows_2x40000", [G((2, 40000))], (lambda tf: lambda x, a: tuple(tf(x[0], a["dim"])))(tf), {"dim": 1})
    for op in ("argmax", "argmin"):
        tf = getattr(torch, op)
        lg(op, "all_41000", [G((200, 205))], (lambda tf: lambda x, a: tf(x[0]))(tf), grad=False)
    un = lambda tf: (lambda x, a: tf(x[0]))
    lg("exp", "41000", [G((200, 205), -2, 2)], un(torch.exp))
    lg("tanh", "noncontig_41000", [G((205, 200), -2, 2, t=(0, 1))], un(torch.tanh))
    lg("sigmoid", "41000", [G((200, 205), -4, 4)], un(torch.sigmoid))
    lg("gelu", "41000", [G((200, 205), -3, 3)], lambda x, a: F.gelu(x[0], approximate=a["approximate"]),
       {"approximate": "none"})
    lg("relu", "41000", [G((200, 205))], un(torch.relu))
    lg("add", "broadcast_41000", [G((200, 205)), G((205,))], lambda x, a: torch.add(x[0], x[1]))
    lg("mul", "noncontig_41000", [G((205, 200), t=(0, 1)), G((200, 205))], lambda x, a: torch.mul(x[0], x[1]))
    lg("div", "broadcast_41000", [G((200, 205)), G((200, 1), 0.5, 2.0)], lambda x, a: torch.div(x[0], x[1]))
    lg("where", "41000", [Gb((200, 205)), G((200, 205)), G((200, 205))], lambda x, a: torch.where(x[0], x[1], x[2]))
    lg("matmul", "64x96x80", [G((64, 96)), G((96, 80))], lambda x, a: torch.matmul(x[0], x[1]))
    lg("cat", "dim0_41000", [G((100, 205)), G((100, 205))], lambda x, a: torch.cat(x, a["dim"]), {"dim": 0})
    lg("mse_loss", "mean_41000", [G((200, 205)), G((200, 205))],
       lambda x, a: F.mse_loss(x[0], x[1], reduction=a["reduction"]), {"reduction": "mean"})


def build_edges():
    """Exact ties and kinks, where implementations differ: which index wins, how a tie splits the gradient,
    the (sub)gradient at 0 or at a clamp bound. PyTorch's choices are the reference."""
    E = lambda op, label, values, fn, args=None, second=True, fam="edge": case(fam, op, label, [Fx(values)], fn, args,
                                                                                 second=second)
    tie2d = [[1.0, 3.0, 3.0], [0.5, 3.0, -1.0], [-2.0, -2.0, -2.0]]
    for op in ("max", "min"):
        tf = getattr(torch, op)
        E(op, "ties_all", tie2d, (lambda tf: lambda x, a: tf(x[0]))(tf))
        E(op, "ties_dim1", tie2d, (lambda tf: lambda x, a: tuple(tf(x[0], a["dim"])))(tf), {"dim": 1})
        E(op, "ties_dim0_keepdim", tie2d,
          (lambda tf: lambda x, a: tuple(tf(x[0], a["dim"], keepdim=True)))(tf), {"dim": 0, "keepdim": True})
    for op in ("argmax", "argmin"):
        tf = getattr(torch, op)
        fn = (lambda tf: lambda x, a: tf(x[0], a.get("dim"), keepdim=a.get("keepdim", False)))(tf)
        case("edge", op, "ties_all", [Fx(tie2d, rg=False)], fn, grad=False)
        case("edge", op, "ties_dim1", [Fx(tie2d, rg=False)], fn, {"dim": 1}, grad=False)
    for op in ("maximum", "minimum"):
        tf = getattr(torch, op)
        case("edge", op, "ties", [Fx([[1.0, 2.0, -0.5], [0.0, 3.0, 3.0]]), Fx([[1.0, 1.5, -0.5], [0.0, 3.0, 4.0]])],
             (lambda tf: lambda x, a: tf(x[0], x[1]))(tf))
    kinks = [-1.5, -0.0, 0.0, 0.5, 2.0]
    E("relu", "at_zero", kinks, lambda x, a: torch.relu(x[0]))
    E("abs", "at_zero", kinks, lambda x, a: torch.abs(x[0]))
    E("sign", "at_zero", kinks, lambda x, a: torch.sign(x[0]))
    E("leaky_relu", "at_zero", kinks, lambda x, a: F.leaky_relu(x[0], a["negative_slope"]), {"negative_slope": 0.2})
    E("elu", "at_zero", kinks, lambda x, a: F.elu(x[0], a["alpha"]), {"alpha": 0.5})
    E("clamp", "at_bounds", [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5],
      lambda x, a: torch.clamp(x[0], a.get("min"), a.get("max")), {"min": -0.5, "max": 1.0})
    E("norm", "p2_zero_row", [[0.0, 0.0, 0.0], [1.0, -2.0, 2.0]],
      lambda x, a: torch.norm(x[0], S(a, "p"), a["dims"]), {"p": 2, "dims": [1]}, second=False)
    E("norm", "pinf_ties", [[1.0, -3.0, 3.0], [2.0, 2.0, -1.0]],
      lambda x, a: torch.norm(x[0], S(a, "p"), a["dims"]), {"p": "inf", "dims": [1]})
    E("norm", "p1_zero_elem", [[0.0, -3.0, 1.0], [2.0, 0.0, -1.0]],
      lambda x, a: torch.norm(x[0], S(a, "p"), a["dims"]), {"p": 1, "dims": [1]})
    E("softmax", "equal_and_large", [[1000.0, 1000.0, -1000.0], [0.0, 0.0, 0.0]],
      lambda x, a: torch.softmax(x[0], a["dim"]), {"dim": 1})
    E("log_softmax", "equal_and_large", [[1000.0, 1000.0, -1000.0], [0.0, 0.0, 0.0]],
      lambda x, a: torch.log_softmax(x[0], a["dim"]), {"dim": 1})
    E("logsumexp", "large_and_equal", [[1000.0, 1000.0, -1000.0], [-50.0, -50.0, -50.0]],
      lambda x, a: torch.logsumexp(x[0], a["dims"]), {"dims": [1]})
    E("pow", "zero_base_int", [[0.0, 1.5], [-2.0, 0.0]], lambda x, a: torch.pow(x[0], S(a, "exponent")), {"exponent": 2})
    E("pow", "zero_exp", [[0.0, 1.5], [-2.0, 0.5]], lambda x, a: torch.pow(x[0], S(a, "exponent")), {"exponent": 0})
    E("var", "single_elem_dim_biased", [[1.5], [2.0]],
      lambda x, a: torch.var(x[0], a["dims"], unbiased=a["unbiased"]), {"dims": [1], "unbiased": False})
    E("sqrt", "one_and_large", [1.0, 4.0, 1e6], lambda x, a: torch.sqrt(x[0]))


def build_int():
    """Integer and bool tensors: result dtypes (PyTorch's promotion) and exact values; forward only."""
    fam = "int"
    K = lambda op, label, ins, fn, args=None: case(fam, op, label, ins, fn, args, grad=False, dtypes=("float32",))
    two = lambda tf: (lambda x, a: tf(x[0], x[1]) if len(x) == 2 else tf(x[0], a["other"]))
    K("add", "int_int", [Ir((2, 3), -5, 6), Ir((3,), -5, 6)], lambda x, a: torch.add(x[0], x[1]))
    K("add", "int_float", [Ir((2, 3), -5, 6), U((2, 3), rg=False)], lambda x, a: torch.add(x[0], x[1]))
    K("add", "bool_int", [B((2, 3)), Ir((2, 3), -5, 6)], lambda x, a: torch.add(x[0], x[1]))
    K("add", "int_scalar_alpha", [Ir((2, 3), -5, 6)], lambda x, a: torch.add(x[0], a["other"], alpha=a["alpha"]),
      {"other": 3, "alpha": 2})
    K("sub", "int_int", [Ir((2, 3), -5, 6), Ir((2, 3), -5, 6)], lambda x, a: torch.sub(x[0], x[1]))
    K("mul", "int_int", [Ir((2, 3), -5, 6), Ir((2, 3), -5, 6)], lambda x, a: torch.mul(x[0], x[1]))
    K("mul", "bool_float_scalar", [B((2, 3))], lambda x, a: torch.mul(x[0], a["other"]), {"other": 1.5})
    K("mul", "int_float_0d", [Ir((2, 3), -5, 6), U((), rg=False, dtype=torch.float64)],
      lambda x, a: torch.mul(x[0], x[1]))
    K("pow", "int_int_scalar", [Ir((2, 3), -4, 5)], lambda x, a: torch.pow(x[0], a["exponent"]), {"exponent": 2})
    K("maximum", "int_int", [Ir((2, 3), -5, 6), Ir((2, 3), -5, 6)], lambda x, a: torch.maximum(x[0], x[1]))
    K("where", "int_int", [B((2, 3)), Ir((2, 3), -5, 6), Ir((2, 3), -5, 6)],
      lambda x, a: torch.where(x[0], x[1], x[2]))
    for op in ("neg", "abs", "sign"):
        K(op, "int", [Ir((2, 3), -5, 6)], (lambda tf: lambda x, a: tf(x[0]))(getattr(torch, op)))
    K("clamp", "int", [Ir((2, 4), -6, 7)], lambda x, a: torch.clamp(x[0], a["min"], a["max"]), {"min": -2, "max": 3})
    K("sum", "int_all", [Ir((2, 3), -5, 6)], lambda x, a: torch.sum(x[0]))
    K("sum", "bool_dim", [B((3, 4))], lambda x, a: torch.sum(x[0], a["dims"]), {"dims": [1]})
    K("prod", "int_dim", [Ir((2, 3), -3, 4)], lambda x, a: torch.prod(x[0], a["dim"]), {"dim": 1})
    K("max", "int_dim", [Ir((3, 4), -9, 10)], lambda x, a: tuple(torch.max(x[0], a["dim"])), {"dim": 1})
    K("min", "int_all", [Ir((3, 4), -9, 10)], lambda x, a: torch.min(x[0]))
    K("argmax", "int_dim", [Ir((3, 4), -9, 10)], lambda x, a: torch.argmax(x[0], a["dim"]), {"dim": 0})
    for op in ("eq", "lt", "ge"):
        tf = getattr(torch, op)
        K(op, "int_int", [Ir((3, 4), -2, 3), Ir((3, 4), -2, 3)], two(tf))
        K(op, "int_float_scalar", [Ir((3, 4), -2, 3)], two(tf), {"other": 0.5})
        K(op, "int_float", [Ir((3, 4), -2, 3), Fx([0.0, 1.0, -1.5, 2.0], rg=False)], two(tf))
    K("cat", "int", [Ir((2, 3), -5, 6), Ir((1, 3), -5, 6)], lambda x, a: torch.cat(x, a["dim"]), {"dim": 0})
    K("index_select", "int", [Ir((4, 3), -5, 6), I([3, 0])], lambda x, a: torch.index_select(x[0], a["dim"], x[1]),
      {"dim": 0})
    K("all", "int_dim", [Ir((3, 4), 0, 3)], lambda x, a: torch.all(x[0], a["dim"]), {"dim": 1})
    K("any", "int_all", [Ir((3, 4), 0, 2)], lambda x, a: torch.any(x[0]))


def main():
    build_elementwise()
    build_activation()
    build_compare()
    build_reduce()
    build_linalg()
    build_shape()
    build_loss()
    build_large()
    build_edges()
    build_int()
    os.makedirs(OUT_DIR, exist_ok=True)
    total = 0
    for fam, cases in FAMILIES.items():
        out = []
        for c in cases:
            for dt in c["dtypes"]:
                out.append(run_case(c, dt))
        doc = dict(generator="tests/reference/make_fixtures.py", torch=torch.__version__, family=fam, cases=out)
        path = os.path.join(OUT_DIR, f"{fam}.json")
        with open(path, "w") as f:
            json.dump(doc, f, separators=(",", ":"), allow_nan=False)
            f.write("\n")
        size = os.path.getsize(path)
        total += size
        print(f"{path}: {len(out)} cases, {size} bytes")
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()
