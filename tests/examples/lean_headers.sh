#!/usr/bin/env bash
# Compile time (issue 8): <nabla/nabla.h> and the drop-in <nabla/torch.h> must not bring in the standard headers
# that cost every including file a tenth of a second or more (bench/compile_time.sh measures the whole; this test
# keeps them out without timing anything). Fails naming the header and the chain that brought it in.
# usage: lean_headers.sh <c++ compiler> <include dir>
set -euo pipefail
cxx=$1
inc=$2
status=0
check() {  # check <public header> <standard headers it must not include...>
  local header=$1
  shift
  local tree
  tree=$(echo "#include <$header>" | "$cxx" -std=c++20 -x c++ -H -fsyntax-only -I"$inc" - 2>&1 >/dev/null)
  for h in "$@"; do
    if grep -qE "^\.+ .*/c\+\+/[0-9]+/$h\$" <<<"$tree"; then
      echo "<$header> includes <$h>, which is slow to compile; the include chain:"
      # the lines above the first occurrence with fewer dots: its includers
      awk -v h="/$h" '{print} index($0, h) == length($0) - length(h) + 1 {exit}' <<<"$tree" |
        awk '{depth = length($1); line[depth] = $0; max = depth} END {for (d = 1; d <= max; ++d) if (d in line) print "  " line[d]}'
      status=1
    fi
  done
  echo "<$header>: checked $# standard headers"
}
check nabla/nabla.h thread condition_variable mutex chrono functional random algorithm future regex filesystem \
  fstream iomanip stop_token semaphore deque list set unordered_set sstream variant unordered_map
check nabla/torch.h thread condition_variable mutex chrono random future regex stop_token semaphore algorithm \
  functional numeric unordered_map
exit $status
