# Loads a `nabla train` checkpoint (best/last.safetensors) into the same PyTorch model and prints its Fashion-MNIST
# test accuracy, which must equal what `nabla eval` prints. Usage: /usr/bin/python3 torch_eval_checkpoint.py mlp|cnn FILE
import gzip, sys, struct
import numpy as np, torch, torch.nn as nn
sys.path.insert(0, __import__("os").path.dirname(__file__))
from make_safetensors_fixture import read_safetensors
kind, path = sys.argv[1], sys.argv[2]
if kind == "mlp":
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
else:
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10))
state = read_safetensors(path)
state = state[0] if isinstance(state, tuple) else state
model.load_state_dict({k: torch.as_tensor(np.array(v)) if not torch.is_tensor(v) else v for k, v in state.items()})
d = "/usr/share/datasets/fashion-mnist/"
x = np.frombuffer(gzip.open(d + "t10k-images-idx3-ubyte.gz").read()[16:], np.uint8).reshape(-1, 1, 28, 28)
y = np.frombuffer(gzip.open(d + "t10k-labels-idx1-ubyte.gz").read()[8:], np.uint8)
x = (torch.tensor(x, dtype=torch.float32) / 255 - 0.2860) / 0.3530
with torch.no_grad():
    acc = (model(x).argmax(1).numpy() == y).mean()
print(f"PyTorch {torch.__version__} on {path}: test accuracy {acc:.4f}")
