#!/usr/bin/env bash
# Installs the Debian packages nabla's build, tests and default job need.
# Idempotent and quiet: prints nothing and does nothing when all are present.
set -euo pipefail
pkgs=(
  build-essential g++ cmake pkg-config   # g++ 12 (C++20), make
  libopenblas-dev      # CBLAS sgemm/dgemm
  libopenblas-pthread-dev  # the thread-safe OpenBLAS build that nabla's thread pool calls (see CMakeLists.txt)
  libgtest-dev         # tests
  libbenchmark-dev     # bench/
  nlohmann-json3-dev   # the PyTorch fixture tests read JSON (and safetensors headers later)
  libcli11-dev         # the command line
  libfmt-dev
  zlib1g-dev           # .gz IDX files
  dataset-fashion-mnist  # the real Fashion-MNIST (IDX .gz) at /usr/share/datasets/fashion-mnist
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
