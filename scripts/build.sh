#!/usr/bin/env bash
# Configures and builds one crmpi build tree.
# Usage: scripts/build.sh [release|asan|fuzz] [--g1]
#   release -> build/: RelWithDebInfo (-O2 -g), what the benchmarks and profiles in docs/ use;
#   asan    -> build-asan/: clang, Debug (-O0 -g) with ASan + UBSan, the executables of the unit
#              and MPI tests only (target crmpi_unit_mpi_tests: what scripts/test.sh runs there);
#              `cmake --build build-asan --target crmpi` adds the sanitized crmpi. clang, not GCC:
#              at -O0 with the sanitizers GCC took about twice as long to compile this code (its
#              code generation for the inline functions of CLI11, fmt and toml++ in every file),
#              and this build is most of the test suite's setup time.
#   fuzz    -> build-fuzz/: clang, -O1, libFuzzer + ASan + UBSan (-DCRMPI_FUZZ=ON), the fuzz
#              targets of tests/fuzz only (target crmpi_fuzz_targets) and the libraries they link.
#   --g1    debug info -g1 instead of -g: line tables and function names, enough for the
#           sanitizers' stack traces and for backtraces, not for a debugger's view of variables.
#           It takes about a fifth off the compile time; scripts/test.sh builds with it.
#           The flags are set on every run, so a plain `scripts/build.sh release` after it
#           rebuilds with -g again.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
g=-g
case "${2:-}" in
  "") ;;
  --g1) g=-g1 ;;
  *) echo "build.sh: unknown option '$2' (--g1)" >&2; exit 2 ;;
esac
jobs=$(nproc)
case "$kind" in
  release) dir=build; config=RelWithDebInfo; opt="-O2 $g -DNDEBUG"; flags=(); targets=() ;;
  asan)    dir=build-asan; config=Debug; opt="$g"; flags=(-DCRMPI_SANITIZE=ON -DCRMPI_BUILD_BENCH=OFF)
           targets=(--target crmpi_unit_mpi_tests) ;;
  fuzz)    dir=build-fuzz; config=RelWithDebInfo; opt="-O1 $g"
           flags=(-DCRMPI_FUZZ=ON -DCRMPI_WERROR=OFF -DCRMPI_BUILD_BENCH=OFF)
           targets=(--target crmpi_fuzz_targets) ;;
  *) echo "build.sh: unknown build kind '$kind' (release|asan|fuzz)" >&2; exit 2 ;;
esac
upper=${config^^}
flags+=(-DCMAKE_BUILD_TYPE="$config" -DCMAKE_C_FLAGS_"$upper"="$opt" -DCMAKE_CXX_FLAGS_"$upper"="$opt")
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
compilers=()
[[ $kind == fuzz || $kind == asan ]] && compilers=(-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++)
# The compiler is chosen on the first configure only: a tree configured with another one (an ASan
# tree from before it moved to clang) is made again.
if [[ -f "$dir/CMakeCache.txt" ]]; then
  cached=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$dir/CMakeCache.txt")
  cached_clang=0 want_clang=0
  [[ $(basename "$cached") == clang++ ]] && cached_clang=1
  ((${#compilers[@]})) && want_clang=1
  if ((cached_clang != want_clang)); then
    echo "build.sh: $dir/ was configured with $cached; configuring it again" >&2
    rm -rf "$dir"
  fi
fi
if [[ ! -f "$dir/CMakeCache.txt" ]]; then
  cmake -S . -B "$dir" "${generator[@]}" "${compilers[@]}" "${flags[@]}" -DCRMPI_EXCLUDE_AREAS= >/dev/null
else
  cmake -S . -B "$dir" "${flags[@]}" -DCRMPI_EXCLUDE_AREAS= >/dev/null
fi
cmake --build "$dir" -j"$jobs" "${targets[@]}"
if ((${#targets[@]})); then
  echo "build.sh: $kind build ready in $dir/ (${targets[1]})"
else
  echo "build.sh: $kind build ready in $dir/ (crmpi: $dir/jobs/crmpi)"
fi
