#!/usr/bin/env bash
# Compile time of a one-line program (a tensor, a backward, a print) against nabla (<nabla/nabla.h> and the LibTorch
# drop-in <nabla/torch.h>) and against LibTorch (Debian's libtorch-dev), each with `g++ -O2 -c`, in interleaved
# rounds: medians of wall time and peak memory, and nabla's time as a fraction of LibTorch's.
# usage: bench/compile_time.sh [rounds, default 3]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
rounds=${1:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
body='{ auto x = torch::ones({2, 2}, torch::requires_grad()); (x * x).sum().backward(); std::cout << x.grad() << "\n"; }'
printf '#include <nabla/nabla.h>\n#include <iostream>\nnamespace torch = nabla;\nint main() %s\n' "$body" > "$work/nabla.cpp"
printf '#include <nabla/torch.h>\nint main() %s\n' "$body" > "$work/dropin.cpp"
printf '#include <torch/torch.h>\nint main() %s\n' "$body" > "$work/libtorch.cpp"
declare -A flags=(
  [nabla]="-std=c++20 -I$root/include"
  [dropin]="-std=c++20 -I$root/include"
  [libtorch]="-std=c++17 -I/usr/include/torch/csrc/api/include -D_GLIBCXX_USE_CXX11_ABI=1"
)
have_libtorch=1
[[ -f /usr/include/torch/csrc/api/include/torch/torch.h ]] || { have_libtorch=0; echo "no LibTorch headers (apt-get install libtorch-dev): nabla only"; }
names=(nabla dropin)
((have_libtorch)) && names+=(libtorch)
declare -A secs mem
for ((r = 0; r < rounds; ++r)); do
  for n in "${names[@]}"; do
    # shellcheck disable=SC2086  # the flags are a list of words
    /usr/bin/time -f "%e %M" -o "$work/time" g++ -O2 ${flags[$n]} -c "$work/$n.cpp" -o "$work/$n.o"
    read -r s m < "$work/time"
    secs[$n]+="$s "
    mem[$n]+="$m "
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
lscpu | sed -n 's/^Model name: *//p'
for n in "${names[@]}"; do
  s=$(echo "${secs[$n]}" | median)
  m=$(echo "${mem[$n]}" | median)
  printf "%-9s g++ -O2 -c: %6.2f s  %5d MB  (rounds: %s)\n" "$n" "$s" $((m / 1024)) "${secs[$n]}"
done
best() { tr ' ' '\n' | grep -v '^$' | sort -g | head -1; }
if ((have_libtorch)); then
  # Medians are the figure; the fastest rounds are printed too, since on a shared machine noise only adds time.
  for n in nabla dropin; do
    awk -v a="$(echo "${secs[$n]}" | median)" -v b="$(echo "${secs[libtorch]}" | median)" \
      -v c="$(echo "${secs[$n]}" | best)" -v d="$(echo "${secs[libtorch]}" | best)" -v n="$n" \
      'BEGIN { printf "%s / libtorch = %.3f (1/%.1f; fastest rounds 1/%.1f)\n", n, a / b, b / a, d / c }'
  done
fi
