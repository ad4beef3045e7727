#!/usr/bin/env bash
# Installs the Debian packages `make bench` needs on top of scripts/install-deps.sh: PyTorch 1.13 for Debian's
# /usr/bin/python3 (the reference), numpy (its data loading) and, optionally, LibTorch's C++ headers (the LibTorch
# column; without them the bench says so and goes on). Kept apart so `make test` stays light.
# Idempotent and quiet: prints nothing and does nothing when all are present.
set -euo pipefail
required=(python3-torch python3-numpy)
optional=(libtorch-dev)
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=() missing_optional=()
for p in "${required[@]}"; do installed "$p" || missing+=("$p"); done
for p in "${optional[@]}"; do installed "$p" || missing_optional+=("$p"); done
[ ${#missing[@]} -eq 0 ] && [ ${#missing_optional[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "install-bench-deps: installing ${missing[*]} ${missing_optional[*]}"
$SUDO apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ${#missing_optional[@]} -gt 0 ]; then
  $SUDO apt-get install -y -qq --no-install-recommends "${missing_optional[@]}" >/dev/null ||
    echo "install-bench-deps: could not install ${missing_optional[*]}; the bench goes on without LibTorch"
fi
