#!/usr/bin/python3
"""`make bench`: nabla's training speed against PyTorch on this machine, as ratios measured within one run.

Every round runs every configuration once (the order rotates from round to round, so no configuration always runs
first or right after a heavy one); the tables show medians over the rounds. Configurations:
  nabla       `nabla train --model M --epochs 1` (the command line's own loop, default threads), per model
  torch       bench/torch_fashion_train.py --bench at 1 and 2 threads x (default OpenMP waits, OMP_WAIT_POLICY=PASSIVE),
              per model; the best of the four counts
  libtorch    bench/libtorch (C++ frontend), MLP only, the same four settings, when libtorch-dev is installed
  gemm bound  bench_gemm_bound: the MLP step's eight GEMMs through cblas_sgemm alone, best of 1 and 2 threads
A step is a training epoch's seconds over its steps (938 for the full 60000 examples in batches of 64).
Every run's raw output and figures go to the log file named at the end.

usage: /usr/bin/python3 bench/run_bench.py [--build build] [--rounds 5] [--models "mlp cnn"]
                                           [--train-limit N] [--test-limit N]
"""
import argparse, datetime, os, re, shutil, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3"  # Debian's, which has python3-torch (the python3 on PATH may be another one)
SETTINGS = [(1, "default"), (2, "default"), (1, "PASSIVE"), (2, "PASSIVE")]


def setting_name(threads, policy):
    return f"{threads}T" + ("" if policy == "default" else "/PASSIVE")


class Log:
    def __init__(self, path):
        self.f = open(path, "w")

    def __call__(self, *lines):
        for line in lines:
            self.f.write(line.rstrip("\n") + "\n")
        self.f.flush()


TIMEOUT_S = 1800  # one run; set by --timeout


def run(cmd, log, env_policy=None, cwd=None):
    """Runs cmd (a list), logs it and its output; returns stdout (raises on failure). env_policy: None leaves
    OMP_WAIT_POLICY out of the environment, "PASSIVE" sets it."""
    env = dict(os.environ)
    env.pop("OMP_WAIT_POLICY", None)
    if env_policy and env_policy != "default":
        env["OMP_WAIT_POLICY"] = env_policy
    shown = ("OMP_WAIT_POLICY=" + env_policy + " " if env_policy and env_policy != "default" else "") + " ".join(cmd)
    log(f"$ {shown}")
    try:
        p = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired as e:
        log(*(e.stdout or "").splitlines() if isinstance(e.stdout, str) else [])
        raise RuntimeError(f"'{shown}' ran past --timeout {TIMEOUT_S} s; not counted") from None
    log(*p.stdout.splitlines())
    if p.returncode != 0:
        raise RuntimeError(f"'{shown}' failed with exit status {p.returncode} (output in the log)")
    return p.stdout


def cpu_lines():
    out = subprocess.run(["lscpu"], stdout=subprocess.PIPE, text=True).stdout
    fields = dict(l.split(":", 1) for l in out.splitlines() if ":" in l)
    model = fields.get("Model name", "?").strip()
    flags = fields.get("Flags", "").split()
    has = lambda f: "yes" if f in flags else "no"
    cores = fields.get("CPU(s)", "?").strip()
    return model, f"CPU: {model}, {cores} CPUs, avx2 {has('avx2')}, avx512f {has('avx512f')}"


TORCH_INFO = r"""
import re, torch
cfg = torch.__config__.show()
blas = re.search(r"BLAS_INFO=([^,\s]+)", cfg)
torch.randn(256, 256) @ torch.randn(256, 256)  # loads the BLAS
libs = sorted({l.split()[-1].rsplit("/", 2)[-2] + "/" + l.split()[-1].rsplit("/", 1)[-1] for l in open("/proc/self/maps")
               if re.search(r"lib(open)?blas|libmkl|libblis", l)})
print(f"PyTorch {torch.__version__} (python3-torch, /usr/bin/python3): BLAS_INFO={blas.group(1) if blas else '?'}, "
      f"loaded after a matmul: {', '.join(libs) or 'no BLAS library'}; default threads {torch.get_num_threads()}")
"""


def header(args, log):
    model, line = cpu_lines()
    lines = [line]
    try:
        lines.append(run([PYTHON, "-c", TORCH_INFO], log).strip())
    except Exception as e:  # noqa: BLE001 (report and go on: the torch runs below will fail loudly)
        lines.append(f"PyTorch: {e}")
    info = os.path.join(args.build, "bench", "bench_cpu_info")
    lines.append(run([info], log).strip() if os.path.exists(info) else "nabla CPU capability: (bench_cpu_info not built)")
    lib = os.path.join(args.build, "libnabla.so")
    if os.path.exists(lib):
        ldd = subprocess.run(["ldd", lib], stdout=subprocess.PIPE, text=True).stdout
        blas = [l.split("=>")[1].split("(")[0].strip() for l in ldd.splitlines() if "blas" in l and "=>" in l]
        lines.append(f"nabla BLAS: {', '.join(blas) or 'none (built-in GEMM)'} (one OpenBLAS thread per call; nabla "
                     "splits GEMMs across its own pool)")
    lines.append(libtorch_status(args))
    return model, lines


def libtorch_binary(args):
    return os.path.join(args.build, "bench-libtorch", "libtorch_fashion_epoch")


def libtorch_status(args):
    if os.path.exists(libtorch_binary(args)):
        return f"LibTorch: {libtorch_binary(args)} (MLP only)"
    installed = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "libtorch-dev"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True).stdout
    if "install ok installed" not in installed:
        return "LibTorch: not installed (apt-get install libtorch-dev)"
    return f"LibTorch: installed but {libtorch_binary(args)} was not built (see {args.build}/bench-libtorch.log)"


def parse_framework(out, prefix):
    m = re.search(prefix + r" \S+ threads (\d+) train_s ([\d.]+) eval_s ([\d.]+) steps (\d+)", out)
    if not m:
        raise RuntimeError(f"no '{prefix}' line in the output")
    return {"train_s": float(m.group(2)), "eval_s": float(m.group(3)), "steps": int(m.group(4))}


def limits(args):
    return [str(args.train_limit), str(args.test_limit)]


def run_nabla(args, model, log, tmp):
    out_dir = os.path.join(tmp, "nabla-" + model)
    cmd = [os.path.join(args.build, "tools", "nabla"), "train", "--model", model, "--epochs", "1", "--no-progress",
           "--out", out_dir, "--overwrite"]
    if args.train_limit:
        cmd += ["--train-limit", str(args.train_limit)]
    if args.test_limit:
        cmd += ["--test-limit", str(args.test_limit)]
    out = run(cmd, log)
    m = re.search(r"^epoch 1/1 .*?([\d.]+) s \(([\d.]+) samples/s\) \+ eval ([\d.]+) s", out, re.M)
    b = re.search(r"(\d+) batches of (\d+)", out)
    if not m or not b:
        raise RuntimeError("no epoch line in nabla train's output")
    train_s = float(m.group(1))
    with open(os.path.join(out_dir, "metrics.csv")) as f:  # the same seconds with 3 decimals
        rows = [l.strip().split(",") for l in f if l.strip()]
    if rows[0][-1] == "seconds" and len(rows) > 1:
        train_s = float(rows[-1][-1])
    return {"train_s": train_s, "eval_s": float(m.group(3)), "steps": int(b.group(1))}


def run_torch(args, model, threads, policy, log):
    cmd = [PYTHON, os.path.join(HERE, "torch_fashion_train.py"), "--bench", model, str(threads)] + limits(args)
    return parse_framework(run(cmd, log, env_policy=policy), "torch-bench")


def run_libtorch(args, threads, policy, log):
    cmd = [libtorch_binary(args), str(threads)] + limits(args)
    return parse_framework(run(cmd, log, env_policy=policy), "libtorch-bench")


def run_bound(args, log):
    out = run([os.path.join(args.build, "bench", "bench_gemm_bound")], log)
    m = re.search(r"gemm bound: ([\d.]+) ms per step \(best, (\d+) thread", out)
    if not m:
        raise RuntimeError("no bound line in bench_gemm_bound's output")
    return {"ms": float(m.group(1)), "threads": int(m.group(2))}


def configurations(args, have_libtorch, have_bound):
    """(key, label, thunk) for every configuration of one round; key = (framework, model, setting)."""
    c = []
    if have_bound and "mlp" in args.models:
        c.append((("bound", "mlp", "best"), "gemm bound", lambda log, tmp: run_bound(args, log)))
    for model in args.models:
        c.append((("nabla", model, "default"), f"nabla {model}", lambda log, tmp, m=model: run_nabla(args, m, log, tmp)))
        for t, p in SETTINGS:
            c.append((("torch", model, setting_name(t, p)), f"torch {model} {setting_name(t, p)}",
                      lambda log, tmp, m=model, t=t, p=p: run_torch(args, m, t, p, log)))
        if model == "mlp" and have_libtorch:
            for t, p in SETTINGS:
                c.append((("libtorch", model, setting_name(t, p)), f"libtorch {model} {setting_name(t, p)}",
                          lambda log, tmp, t=t, p=p: run_libtorch(args, t, p, log)))
    return c


def step_ms(r):
    return 1000 * r["train_s"] / r["steps"]


def fmt_eval(s):
    return "<0.05" if s < 0.05 else f"{s:.2f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--models", default="mlp cnn", help='space-separated subset of "mlp cnn"')
    ap.add_argument("--train-limit", type=int, default=0, help="train on the first N examples only (0: all; quick checks)")
    ap.add_argument("--test-limit", type=int, default=0, help="evaluate on the first N test examples only (0: all)")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds one run may take before it is dropped")
    ap.add_argument("--log-dir", default=None, help="where the raw log goes (default: <build>/bench)")
    args = ap.parse_args()
    global TIMEOUT_S
    TIMEOUT_S = args.timeout
    args.build = os.path.abspath(args.build)
    args.models = args.models.split()
    bad = [m for m in args.models if m not in ("mlp", "cnn")]
    if bad or not args.models or args.rounds < 1:
        ap.error(f"--models takes mlp and/or cnn (got {' '.join(args.models) or 'nothing'}); --rounds at least 1")
    log_dir = args.log_dir or os.path.join(args.build, "bench")
    os.makedirs(log_dir, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    log_path = os.path.join(log_dir, f"bench-{stamp}.log")
    log = Log(log_path)
    say = lambda *lines: (print(*lines, sep="\n", flush=True), log(*lines))

    cpu_model, lines = header(args, log)
    say(f"make bench, {datetime.datetime.now():%Y-%m-%d %H:%M}: {args.rounds} round(s), models {' '.join(args.models)}"
        + (f", train limit {args.train_limit}" if args.train_limit else "")
        + (f", test limit {args.test_limit}" if args.test_limit else ""), *lines)
    nabla_bin = os.path.join(args.build, "tools", "nabla")
    if not os.path.exists(nabla_bin):
        sys.exit(f"run_bench: no {nabla_bin}; build the nabla_cli target first (make bench does)")
    have_bound = os.path.exists(os.path.join(args.build, "bench", "bench_gemm_bound"))
    if not have_bound:
        say("gemm bound: bench_gemm_bound not built (no OpenBLAS CBLAS found by cmake); skipped")
    configs = configurations(args, os.path.exists(libtorch_binary(args)), have_bound)
    say(f"{len(configs)} configurations per round; raw figures: {log_path}", "")

    results = {key: [] for key, _, _ in configs}
    tmp = tempfile.mkdtemp(prefix="nabla-bench-")
    t_start = time.time()
    try:
        for r in range(args.rounds):
            k = r % len(configs)
            order = configs[k:] + configs[:k]
            load = os.getloadavg()[0]
            log("", f"== round {r + 1}/{args.rounds}, load average {load:.2f}")
            figures = []
            for key, label, thunk in order:
                try:
                    res = thunk(log, tmp)
                except RuntimeError as e:
                    say(f"  round {r + 1}: {label}: {e}")
                    continue
                results[key].append(res)
                fig = f"{res['ms']:.3f} ms" if key[0] == "bound" else \
                    f"{step_ms(res):.3f} ms/step, eval {res['eval_s']:.3f} s"
                log(f"figure round {r + 1} {label}: {fig}" + ("" if key[0] == "bound" else
                                                               f" (train {res['train_s']:.3f} s, {res['steps']} steps)"))
                figures.append(f"{label} {res['ms']:.3f}" if key[0] == "bound" else f"{label} {step_ms(res):.2f}")
            print(f"round {r + 1}/{args.rounds} ({time.time() - t_start:.0f} s, load average {load:.1f}): ms/step "
                  + ", ".join(figures), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    report(args, results, say, cpu_model, log_path)


def report(args, results, say, cpu_model, log_path):
    med = lambda key, f: statistics.median(f(r) for r in results[key]) if results.get(key) else None
    say("", f"all configurations: ms per step, median over rounds [min .. max] (n = rounds that ran)")
    for key, rs in results.items():
        if not rs:
            continue
        vals = [r["ms"] if key[0] == "bound" else step_ms(r) for r in rs]
        ev = statistics.median(r["eval_s"] for r in rs) if key[0] != "bound" else None
        ev = "" if ev is None else f"   eval {fmt_eval(ev) if key[0] == 'nabla' else f'{ev:.3f}'} s"
        say(f"  {key[0]:<9}{key[1]:<4} {key[2]:<11}{statistics.median(vals):9.3f}  [{min(vals):.3f} .. "
            f"{max(vals):.3f}] n={len(vals)}{ev}")

    def best(framework, model):
        cands = [(med((framework, model, setting_name(t, p)), step_ms), setting_name(t, p)) for t, p in SETTINGS]
        cands = [c for c in cands if c[0] is not None]
        return min(cands) if cands else (None, None)

    say("", "medians over rounds; speedup = torch best / nabla (above 1: nabla is faster); "
        "eval = the test set (10000 images unless --test-limit) in batches of 1000, eval/train = eval seconds / training epoch seconds")
    head = (f"{'model':<6}{'nabla step ms':>14}{'torch best ms (setting)':>26}{'nabla/torch speedup':>21}"
            f"{'libtorch ms (setting)':>22}{'eval nabla s':>14}{'eval/train':>11}{'eval torch s':>14}{'eval/train':>11}")
    say(head, "-" * len(head))
    nabla_mlp = None
    for model in args.models:
        n_ms = med(("nabla", model, "default"), step_ms)
        t_ms, t_set = best("torch", model)
        l_ms, l_set = best("libtorch", model)
        if model == "mlp":
            nabla_mlp = n_ms
        cell = lambda v, f: "-" if v is None else f.format(v)
        n_eval = med(("nabla", model, "default"), lambda r: r["eval_s"])
        n_ratio = med(("nabla", model, "default"), lambda r: r["eval_s"] / r["train_s"])
        n_steps = med(("nabla", model, "default"), lambda r: r["steps"])
        t_eval = med(("torch", model, t_set), lambda r: r["eval_s"]) if t_set else None
        t_ratio = med(("torch", model, t_set), lambda r: r["eval_s"] / r["train_s"]) if t_set else None
        say(f"{model:<6}{cell(n_ms, '{:.3f}'):>14}"
            f"{(cell(t_ms, '{:.3f}') + (f' ({t_set})' if t_set else '')):>26}"
            f"{(f'{t_ms / n_ms:.2f}x' if n_ms and t_ms else '-'):>21}"
            f"{(cell(l_ms, '{:.3f}') + (f' ({l_set})' if l_set else '')):>22}"
            f"{('-' if n_eval is None else fmt_eval(n_eval)):>14}"
            f"{('-' if n_ratio is None else f'<{0.05 / (n_ms * n_steps / 1000):.3f}' if n_eval < 0.05 else f'{n_ratio:.3f}'):>11}"
            f"{cell(t_eval, '{:.3f}'):>14}{cell(t_ratio, '{:.3f}'):>11}")
    bound = med(("bound", "mlp", "best"), lambda r: r["ms"])
    if bound is not None:
        threads = statistics.mode(r["threads"] for r in results[("bound", "mlp", "best")])
        say("", f"GEMM bound of the MLP step (8 cblas_sgemm calls, best of 1 and 2 OpenBLAS threads; mostly "
            f"{threads}): {bound:.3f} ms"
            + (f"; nabla MLP step / bound = {nabla_mlp / bound:.2f}" if nabla_mlp else ""))
    say("(nabla's eval seconds come from its epoch line, printed with one decimal: <0.05 means it printed 0.0)",
        "", f"machine: {cpu_model}; every raw round figure and command output: {log_path}")


if __name__ == "__main__":
    main()
