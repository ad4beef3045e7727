# Loads a `nabla train` checkpoint (best/last.safetensors) into the same PyTorch model and prints its Fashion-MNIST
# test accuracy, which must equal what `nabla eval` prints. Usage: /usr/bin/python3 torch_eval_checkpoint.py mlp|cnn FILE
import os, sys
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
from make_safetensors_fixture import read_safetensors  # noqa: E402
from torch_fashion_train import load, make_model, test_accuracy  # noqa: E402

kind, path = sys.argv[1], sys.argv[2]
model = make_model(kind)
tensors, _ = read_safetensors(path)
model.load_state_dict(tensors)
xv, yv = load("t10k")
print(f"PyTorch {torch.__version__} on {path}: test accuracy {test_accuracy(model, xv, yv):.4f}")
