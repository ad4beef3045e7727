# The recipe of `nabla train --model mlp|cnn` in PyTorch, for side-by-side epoch times and accuracies
# (docs/benchmarks.md): (x/255 - 0.2860)/0.3530, Adam 1e-3, batch 64, reshuffled every epoch, 2 threads.
# Usage: OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/torch_fashion_train.py mlp|cnn SEED EPOCHS
# Timing mode for `make bench` (bench/run_bench.py): one epoch of the same loop as `nabla train` (running train loss
# and accuracy included), then the test set's loss and accuracy in batches of 1000 without grad, each timed:
#   /usr/bin/python3 bench/torch_fashion_train.py --bench mlp|cnn THREADS [TRAIN_LIMIT [TEST_LIMIT]]
# prints "torch-bench mlp threads 2 train_s 1.234567 eval_s 0.012345 steps 938 test_acc 0.8400" (limits 0: all).
# tests/reference/torch_eval_checkpoint.py imports make_model, load and test_accuracy from here.
import gzip, sys, time
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F

DATA = "/usr/share/datasets/fashion-mnist/"


def load(prefix):
    """Images (N, 1, 28, 28) scaled as nabla train scales them, and int64 labels, of the train or t10k split."""
    x = np.frombuffer(gzip.open(DATA + prefix + "-images-idx3-ubyte.gz").read()[16:], np.uint8).reshape(-1, 1, 28, 28)
    y = np.frombuffer(gzip.open(DATA + prefix + "-labels-idx1-ubyte.gz").read()[8:], np.uint8)
    return (torch.tensor(x, dtype=torch.float32) / 255 - 0.2860) / 0.3530, torch.tensor(y, dtype=torch.int64)


def make_model(kind):
    """The networks of tools/nabla/models.cpp, with the same state_dict keys."""
    if kind == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                             nn.Linear(128, 10))
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10))


def test_accuracy(model, xv, yv):
    """Fraction of correct arg-max predictions, 1000 images at a time, in eval mode without grad."""
    model.eval()
    with torch.no_grad():
        return sum((model(xv[i:i + 1000]).argmax(1) == yv[i:i + 1000]).sum().item()
                   for i in range(0, len(yv), 1000)) / len(yv)


def bench_epoch(kind, threads, train_limit=0, test_limit=0):
    """One timed training epoch and one timed test evaluation, mirroring tools/nabla/train.cpp's loop."""
    torch.set_num_threads(threads)
    xt, yt = load("train")
    xv, yv = load("t10k")
    if train_limit:
        xt, yt = xt[:train_limit], yt[:train_limit]
    if test_limit:
        xv, yv = xv[:test_limit], yv[:test_limit]
    torch.manual_seed(0)
    model = make_model(kind)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    t0 = time.perf_counter()
    model.train()
    perm = torch.randperm(len(yt))
    loss_sum, correct, steps = 0.0, 0, 0
    for i in range(0, len(yt), 64):
        idx = perm[i:i + 64]
        x, y = xt[idx], yt[idx]
        opt.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        opt.step()
        loss_sum += loss.item() * len(y)  # as nabla train: running loss and accuracy read every step
        correct += (logits.argmax(1) == y).sum().item()
        steps += 1
    train_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.eval()
    test_loss, test_correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(yv), 1000):
            logits = model(xv[i:i + 1000])
            test_loss += F.cross_entropy(logits, yv[i:i + 1000], reduction="sum").item()
            test_correct += (logits.argmax(1) == yv[i:i + 1000]).sum().item()
    eval_s = time.perf_counter() - t0
    print(f"torch-bench {kind} threads {torch.get_num_threads()} train_s {train_s:.6f} eval_s {eval_s:.6f} "
          f"steps {steps} train_loss {loss_sum / len(yt):.4f} test_acc {test_correct / len(yv):.4f}", flush=True)


def main():
    if sys.argv[1] == "--bench":
        limits = [int(a) for a in sys.argv[4:6]]
        return bench_epoch(sys.argv[2], int(sys.argv[3]), *limits)
    kind, seed, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(2)
    xt, yt = load("train")
    xv, yv = load("t10k")
    torch.manual_seed(seed)
    model = make_model(kind)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    best = 0
    for epoch in range(1, epochs + 1):
        t0 = time.time()
        model.train()
        perm = torch.randperm(len(yt))
        for i in range(0, len(yt), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            loss = F.cross_entropy(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
        dt = time.time() - t0
        acc = test_accuracy(model, xv, yv)
        best = max(best, acc)
        print(f"torch {kind} seed {seed} epoch {epoch} test acc {acc:.4f} {dt:.1f} s", flush=True)
    print(f"torch {kind} seed {seed}: final {acc:.4f} best {best:.4f}")


if __name__ == "__main__":
    main()
