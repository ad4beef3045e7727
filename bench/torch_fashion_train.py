# The recipe of `nabla train --model mlp|cnn` in PyTorch, for side-by-side epoch times and accuracies
# (docs/benchmarks.md): (x/255 - 0.2860)/0.3530, Adam 1e-3, batch 64, reshuffled every epoch, 2 threads.
# Usage: OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/torch_fashion_train.py mlp|cnn SEED EPOCHS
import gzip, sys, time
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F
kind, seed, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(2)
d = "/usr/share/datasets/fashion-mnist/"
def load(prefix):
    x = np.frombuffer(gzip.open(d + prefix + "-images-idx3-ubyte.gz").read()[16:], np.uint8).reshape(-1, 1, 28, 28)
    y = np.frombuffer(gzip.open(d + prefix + "-labels-idx1-ubyte.gz").read()[8:], np.uint8)
    return (torch.tensor(x, dtype=torch.float32) / 255 - 0.2860) / 0.3530, torch.tensor(y, dtype=torch.int64)
xt, yt = load("train"); xv, yv = load("t10k")
torch.manual_seed(seed)
if kind == "mlp":
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
else:
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10))
opt = torch.optim.Adam(model.parameters(), 1e-3)
best = 0
for epoch in range(1, epochs + 1):
    t0 = time.time(); model.train()
    perm = torch.randperm(len(yt))
    for i in range(0, len(yt), 64):
        idx = perm[i:i + 64]
        opt.zero_grad(); loss = F.cross_entropy(model(xt[idx]), yt[idx]); loss.backward(); opt.step()
    dt = time.time() - t0; model.eval()
    with torch.no_grad():
        acc = sum((model(xv[i:i + 1000]).argmax(1) == yv[i:i + 1000]).sum().item() for i in range(0, 10000, 1000)) / 10000
    best = max(best, acc)
    print(f"torch {kind} seed {seed} epoch {epoch} test acc {acc:.4f} {dt:.1f} s", flush=True)
print(f"torch {kind} seed {seed}: final {acc:.4f} best {best:.4f}")
