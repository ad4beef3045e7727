#!/usr/bin/env bash
# Installs a built nabla into a scratch prefix, then builds and runs tests/install/ against it twice:
# with CMake (find_package(nabla) + nabla::nabla) and with pkg-config (`pkg-config --cflags --libs nabla`); the
# installed `nabla` command and both programs run without LD_LIBRARY_PATH.
# Usage: tests/install/run.sh <nabla build dir> [scratch dir] [c++ compiler]
# With --deb PACKAGE instead of a build dir: unpacks the .deb (dpkg-deb -x, nothing installed on the system) and runs
# the same checks against its /usr tree.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
deb=""
if [ "${1:-}" = "--deb" ]; then
  deb="$(cd "$(dirname "${2:?usage: run.sh --deb <package.deb> [scratch dir] [c++ compiler]}")" && pwd)/$(basename "$2")"
  shift 2
  set -- "" "$@"
else
  build="$(cd "${1:?usage: run.sh <nabla build dir> [scratch dir] [c++ compiler]}" && pwd)"
fi
scratch="${2:-$(mktemp -d)}"
cxx="${3:-c++}"
mkdir -p "$scratch"
scratch="$(cd "$scratch" && pwd)"
rm -rf "$scratch/prefix" "$scratch/consumer" "$scratch/app_pkgconfig" "$scratch/deb"
prefix="$scratch/prefix"

step() { echo "install-test: $*"; }

if [ -n "$deb" ]; then
  step "dpkg-deb -x $deb"
  dpkg-deb -I "$deb" | grep -q "Depends:.*libopenblas0-pthread" || { echo "install-test: the package does not depend on libopenblas0-pthread" >&2; exit 1; }
  dpkg-deb -x "$deb" "$scratch/deb"
  prefix="$scratch/deb/usr"
else
  step "cmake --install into $prefix"
  cmake --install "$build" --prefix "$prefix" >"$scratch/install.log"
fi

step "installed nabla --help, without LD_LIBRARY_PATH (its RPATH finds libnabla)"
env -u LD_LIBRARY_PATH "$prefix/bin/nabla" --help >"$scratch/help.log"
grep -q "train" "$scratch/help.log" || { echo "install-test: nabla --help printed no 'train'" >&2; exit 1; }

step "find_package(nabla) consumer"
cmake -S "$here" -B "$scratch/consumer" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_TYPE=Release >"$scratch/configure.log"
cmake --build "$scratch/consumer" >"$scratch/build.log"
env -u LD_LIBRARY_PATH "$scratch/consumer/app"

step "pkg-config consumer"
pcdir="$(dirname "$(find "$prefix" -name nabla.pc | head -n 1)")"
[ -f "$pcdir/nabla.pc" ] || { echo "install-test: nabla.pc was not installed" >&2; exit 1; }
flags="$(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags --libs nabla)"
# shellcheck disable=SC2086  # the flags are a list of words
"$cxx" "$here/main.cpp" -o "$scratch/app_pkgconfig" $flags
env -u LD_LIBRARY_PATH "$scratch/app_pkgconfig"  # the .pc's rpath finds libnabla

step "ok"
