"""Helpers shared by the fixture scripts: a tensor as JSON, and a generator seeded from a case's name."""
import zlib

import torch


def enc(t):
    """dtype, shape and row-major data; floats as Python floats (exact for float64), integers as ints."""
    t = t.detach()
    d = {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape)}
    d["data"] = [int(v) for v in t.flatten().tolist()] if not t.is_floating_point() else \
        [float(v) for v in t.flatten().tolist()]
    return d


def generator(name):
    """A torch.Generator seeded from the case name, so adding a case leaves every other case's numbers unchanged."""
    return torch.Generator().manual_seed(zlib.crc32(name.encode()))
