#!/usr/bin/env bash
# Compiles tests/backend/nvcc_functors.cu with nvcc (device code for every shared element functor). Skipped (exit 77,
# ctest's SKIP_RETURN_CODE) with a message when the CUDA toolkit is not installed.
set -euo pipefail
src_dir=$1
out_dir=$2
nvcc=${NVCC:-}
if [[ -z $nvcc ]]; then
  if command -v nvcc >/dev/null; then nvcc=$(command -v nvcc); elif [[ -x /usr/local/cuda/bin/nvcc ]]; then nvcc=/usr/local/cuda/bin/nvcc; fi
fi
if [[ -z $nvcc ]]; then
  echo "SKIPPED: no nvcc (install the CUDA toolkit, or set NVCC) - the shared functor headers were not compiled for CUDA"
  exit 77
fi
mkdir -p "$out_dir"
"$nvcc" --version | tail -n 2
"$nvcc" -std=c++20 -I"$src_dir/include" -I"$src_dir/src" -c "$src_dir/tests/backend/nvcc_functors.cu" \
  -o "$out_dir/nvcc_functors.o"
# Device code must really be there: one kernel per functor and dtype (21 x 2), and a non-empty CUDA fat binary.
count=$(nm "$out_dir/nvcc_functors.o" | grep -c "__wrapper__device_stub_" || true)
fatbin_hex=$(objdump -h "$out_dir/nvcc_functors.o" | awk '$2 == ".nv_fatbin" {print $3}')
fatbin=$((16#${fatbin_hex:-0}))
echo "nvcc compiled backend/functors.h: $count device kernels, ${fatbin:-0} bytes of fat binary"
[[ $count -ge 42 && ${fatbin:-0} -gt 0 ]]
