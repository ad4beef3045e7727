#!/usr/bin/env bash
# Builds every program of the porting suite (tests/porting/*.cpp, written for LibTorch) against Debian's libtorch-dev
# and records what each prints into fixtures/porting/<name>.txt; ctest builds the same sources against nabla with
# only the include line changed and compares (tests/porting/compare.py). The programs read Fashion-MNIST as LibTorch's
# MNIST dataset does: from uncompressed IDX files, which this script unpacks into a scratch directory.
# usage: tests/reference/record_porting.sh [program names, default all]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../porting" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/data" "$here/fixtures/porting"
for f in /usr/share/datasets/fashion-mnist/*.gz; do gunzip -c "$f" > "$work/data/$(basename "$f" .gz)"; done
names=("$@")
if [[ ${#names[@]} == 0 ]]; then for f in "$src"/*.cpp; do names+=("$(basename "$f" .cpp)"); done; fi
{
  echo "cmake_minimum_required(VERSION 3.18)"
  echo "project(porting_libtorch CXX)"
  echo "find_package(Torch REQUIRED)"
  for n in "${names[@]}"; do
    echo "add_executable($n $src/$n.cpp)"
    echo "target_link_libraries($n \"\${TORCH_LIBRARIES}\")"
    echo "set_property(TARGET $n PROPERTY CXX_STANDARD 17)"
  done
} > "$work/CMakeLists.txt"
cmake -S "$work" -B "$work/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/build" -j2 >/dev/null
for n in "${names[@]}"; do
  out=$here/fixtures/porting/$n.txt
  {
    echo "# LibTorch $(dpkg-query -W -f='${Version}' libtorch-dev 2>/dev/null || echo '?'), $(lscpu | sed -n 's/^Model name: *//p')"
    (cd "$work" && "$work/build/$n" "$work/data")
  } > "$out"
  echo "wrote $out"
done
