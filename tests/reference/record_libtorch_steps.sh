#!/usr/bin/env bash
# Records LibTorch's per-step losses of the MLP anchor (tests/reference/libtorch/fmnist_mlp_steps.cpp) into
# fixtures/libtorch_mlp_steps.txt, with the CPU capability it ran under. Needs Debian's libtorch-dev and
# dataset-fashion-mnist. usage: tests/reference/record_libtorch_steps.sh [steps, default 200]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake -S "$here/libtorch" -B "$work" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work" -j2 >/dev/null
out=$here/fixtures/libtorch_mlp_steps.txt
{
  echo "# LibTorch $(dpkg-query -W -f='${Version}' libtorch-dev 2>/dev/null || echo '?'), ATEN_CPU_CAPABILITY=${ATEN_CPU_CAPABILITY:-(its default)}, $(lscpu | sed -n 's/^Model name: *//p')"
  "$work/fmnist_mlp_steps" /usr/share/datasets/fashion-mnist "${1:-200}"
} > "$out"
echo "wrote $out"
