#!/usr/bin/env bash
# Configures and builds one crmpi build tree.
# Usage: scripts/build.sh [release|asan]   (release -> build/, asan -> build-asan/)
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
jobs=$(nproc)
case "$kind" in
  release) dir=build; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  asan)    dir=build-asan; flags=(-DCMAKE_BUILD_TYPE=Debug -DCRMPI_SANITIZE=ON -DCRMPI_BUILD_BENCH=OFF) ;;
  *) echo "build.sh: unknown build kind '$kind' (release|asan)" >&2; exit 2 ;;
esac
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [[ ! -f "$dir/CMakeCache.txt" ]]; then
  cmake -S . -B "$dir" "${generator[@]}" "${flags[@]}" -DCRMPI_EXCLUDE_AREAS= >/dev/null
else
  cmake -S . -B "$dir" "${flags[@]}" -DCRMPI_EXCLUDE_AREAS= >/dev/null
fi
cmake --build "$dir" -j"$jobs"
echo "build.sh: $kind build ready in $dir/ (crmpi: $dir/jobs/crmpi)"
