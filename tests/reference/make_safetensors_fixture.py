#!/usr/bin/python3
"""PyTorch-made safetensors fixture for nabla's checkpoint tests (tests/io/safetensors_test.cpp).

Run: /usr/bin/python3 tests/reference/make_safetensors_fixture.py   (Debian's python3-torch 1.13)
Debian has no python safetensors package, so this file carries a tiny writer and reader that follow the spec
(https://github.com/huggingface/safetensors): u64 little-endian header length N, N bytes of JSON header padded with
spaces to a multiple of 8, then the raw little-endian tensor bytes (offsets relative to the start of that buffer).

Writes fixtures/torch_mlp.safetensors (the state_dict of nn.Sequential(Linear(3,4), ReLU(), Linear(4,2)) made
with torch.manual_seed(0)) and fixtures/torch_mlp.json (a fixed input and the model's output on it).
`--check FILE` reads a safetensors file written by nabla and prints its tensors (the reader's test).
"""
import json
import os
import struct
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "fixtures")
CODES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.int32: "I32",
         torch.uint8: "U8", torch.bool: "BOOL"}
DTYPES = {v: k for k, v in CODES.items()}


def write_safetensors(tensors, path, metadata=None):
    """tensors: dict name -> tensor, written in the dict's order."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        data = t.numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": CODES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)
    os.replace(path + ".tmp", path)


def read_safetensors(path):
    """Returns (dict name -> tensor in data order, metadata); checks the layout as the reference does."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    assert 8 + n <= len(raw), "header length past the end of the file"
    header = json.loads(raw[8:8 + n])
    buf = raw[8 + n:]
    meta = header.pop("__metadata__", {})
    out, pos = {}, 0
    for name, e in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        b, end = e["data_offsets"]
        assert b == pos, f"{name}: gap or overlap at {b} (expected {pos})"
        dtype = DTYPES[e["dtype"]]
        t = torch.frombuffer(bytearray(buf[b:end]), dtype=dtype) if end > b else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(e["shape"])
        pos = end
    assert pos == len(buf), "trailing bytes after the last tensor"
    return out, meta


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        tensors, meta = read_safetensors(sys.argv[2])
        print("metadata", meta)
        for k, v in tensors.items():
            print(k, v.dtype, list(v.shape), v.flatten().tolist())
        return
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    x = torch.tensor([[0.5, -1.0, 2.0], [-0.25, 0.75, -1.5], [1.0, 1.0, 1.0]])
    with torch.no_grad():
        y = model(x)
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, "torch_mlp.safetensors")
    write_safetensors(model.state_dict(), path, {"format": "pt"})
    back, _ = read_safetensors(path)
    for k, v in model.state_dict().items():
        assert torch.equal(back[k], v), k
    with open(os.path.join(OUT_DIR, "torch_mlp.json"), "w") as f:
        json.dump({"keys": list(model.state_dict().keys()), "input": x.tolist(), "input_shape": list(x.shape),
                   "output": [float(v) for v in y.flatten().tolist()], "output_shape": list(y.shape)}, f, indent=1)
        f.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
