#!/usr/bin/env bash
# A program that links nabla and sets nothing (examples/fashion_mlp 1 60000: one Fashion-MNIST epoch, DataLoader with
# workers(1)) against the same program under every OpenMP wait policy and with one thread (taskset to one core),
# on an idle machine and next to one busy process. nabla no longer uses OpenMP, so the policies should not matter;
# this shows that the default is as good as the best setting. Prints medians of ROUNDS interleaved rounds.
# usage: bench/threads_env.sh [build dir, default build] [rounds, default 3]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
rounds=${2:-3}
prog=$build/examples/fashion_mlp
[[ -x $prog ]] || { echo "no $prog: build the fashion_mlp target first" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"; [[ -n ${busy:-} ]] && kill "$busy" 2>/dev/null || true' EXIT
configs=("default" "OMP_WAIT_POLICY=PASSIVE" "OMP_WAIT_POLICY=ACTIVE" "one-core")
run() {  # run <config> -> seconds of the whole program (one epoch plus its test evaluation)
  local start end rc=0
  start=$(date +%s.%N)
  case $1 in
    default) (cd "$work" && "$prog" 1 60000 >/dev/null) ;;
    one-core) (cd "$work" && taskset -c 0 "$prog" 1 60000 >/dev/null) ;;
    *) (cd "$work" && env "$1" "$prog" 1 60000 >/dev/null) ;;
  esac || rc=$?
  [[ $rc == 0 ]] || { echo "run $1 failed with status $rc" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
lscpu | sed -n 's/^Model name: *//p'
# Whether the OpenMP wait policies can change anything: only if an OpenMP runtime is loaded.
if ldd "$prog" | grep -q libgomp; then
  echo "$prog loads libgomp: OMP_WAIT_POLICY applies"
else
  echo "$prog loads no OpenMP runtime: the OMP_WAIT_POLICY runs execute the same code as default, so their spread is the machine's noise"
fi
for load in idle busy; do
  if [[ $load == busy ]]; then sha256sum /dev/zero & busy=$!; fi
  declare -A times=()
  for ((r = 1; r <= rounds; ++r)); do
    for c in "${configs[@]}"; do times[$c]+="$(run "$c") "; done
  done
  [[ $load == busy ]] && { kill "$busy"; busy=; }
  best=""
  for c in "${configs[@]}"; do
    med=$(echo "${times[$c]}" | tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    low=$(echo "${times[$c]}" | tr ' ' '\n' | grep . | sort -n | head -1)
    printf '%-5s %-24s median %6.2f s  fastest %6.2f s   (%s)\n' "$load" "$c" "$med" "$low" "${times[$c]}"
    if [[ $c == default ]]; then def=$med; deflow=$low; fi
    if [[ -z $best ]] || (( $(echo "$med < $best" | bc) )); then best=$med; fi
    if [[ -z ${bestlow:-} ]] || (( $(echo "$low < $bestlow" | bc) )); then bestlow=$low; fi
  done
  printf '%-5s default / best setting = %.2f (fastest rounds: %.2f)\n' "$load" "$(echo "$def / $best" | bc -l)" \
    "$(echo "$deflow / $bestlow" | bc -l)"
  bestlow=
  unset times
done
