#!/usr/bin/env bash
# nabla's training step (bench_train_step) against PyTorch (torch_train_step.py) run back to back, with OpenMP's
# passive wait policy (what `nabla train` sets) and with the default (active spinning, what a library user gets),
# ROUNDS times each; prints each run and then, per configuration, the medians over the rounds and nabla / torch.
# Two figures per run: "step" = median single step, "loop" = median of the repetitions' loop means (Google
# Benchmark's figure); on a loaded machine the first is the more stable one.
#
# usage: bench/compare_train_step.sh [build dir, default build-bench] [rounds, default 2]
# (build: cmake --build <build dir> --target bench_train_step; PyTorch: Debian's python3-torch, /usr/bin/python3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build-bench}
rounds=${2:-2}
bench=$build/bench/bench_train_step
[[ -x $bench ]] || { echo "no $bench: build the bench_train_step target first" >&2; exit 2; }

results=$(mktemp)
trap 'rm -f "$results"' EXIT
run() {  # run <policy: PASSIVE or default> <round>
  local env=(env -u OMP_WAIT_POLICY)
  [[ $1 == default ]] || env=(env OMP_WAIT_POLICY="$1")
  echo "== round $2, OMP_WAIT_POLICY=$1, $(uptime | sed 's/.*load/load/')"
  "${env[@]}" "$bench" --benchmark_filter='^BM_' 2>/dev/null | grep -E '^nabla (MLP|CNN) ' | sed "s/^/$1 /"
  "${env[@]}" /usr/bin/python3 "$here/torch_train_step.py" | grep -E '^torch (MLP|CNN) ' | sed "s/^/$1 /"
}
for ((r = 1; r <= rounds; ++r)); do
  for policy in PASSIVE default; do run "$policy" "$r" | tee -a "$results"; done
done

/usr/bin/python3 - "$results" <<'PY'
import re, statistics, sys
runs = {}  # (policy, lib, model) -> [(loop, step)]
for line in open(sys.argv[1]):
    m = re.match(r"(\S+) (nabla|torch) (MLP|CNN) ([\d.]+)\s+#.*median single step ([\d.]+)", line)
    if m:
        runs.setdefault(m.group(1, 2, 3), []).append((float(m.group(4)), float(m.group(5))))
print("\nms per step, medians over rounds (step = median single step, loop = median of loop means)")
print(f"{'OMP_WAIT_POLICY':<16}{'model':<6}{'nabla step':>11}{'torch step':>11}{'ratio':>7}"
      f"{'nabla loop':>12}{'torch loop':>11}{'ratio':>7}{'rounds':>7}")
for policy in ("PASSIVE", "default"):
    for model in ("MLP", "CNN"):
        a, b = runs.get((policy, "nabla", model)), runs.get((policy, "torch", model))
        if not a or not b:
            continue
        med = lambda rs, i: statistics.median(r[i] for r in rs)
        print(f"{policy:<16}{model:<6}{med(a, 1):11.2f}{med(b, 1):11.2f}{med(a, 1) / med(b, 1):6.2f}x"
              f"{med(a, 0):12.2f}{med(b, 0):11.2f}{med(a, 0) / med(b, 0):6.2f}x{min(len(a), len(b)):7d}")
PY
