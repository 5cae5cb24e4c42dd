#!/usr/bin/env bash
# Foundation benchmarks: generator throughput, HDF5 read vs raw read of the same bytes,
# RFM job throughput and peak memory per rank vs its slice, RFM in-memory kernel throughput.
# Prints a markdown report for docs/PERFORMANCE.md.
#
# usage: bench/foundation_bench.sh [CUSTOMERS=10000000] [WORKDIR=/tmp/crmpi-bench]
# needs: scripts/build.sh release (build/jobs/crmpi, build/bench/*)
set -euo pipefail
cd "$(dirname "$0")/.."
customers=${1:-10000000}
work=${2:-/tmp/crmpi-bench}
small=$(( customers / 5 ))
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
crmpi=build/jobs/crmpi
mkdir -p "$work"
run() { local n=$1; shift; mpiexec -n "$n" --oversubscribe --bind-to none "$@"; }
elapsed() { /usr/bin/python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }

echo "## Foundation benchmarks ($(date -u +%Y-%m-%d), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m))"
echo
echo "### Generator (orders/s per rank)"
for n in 1 2; do
  rm -f "$work/gen$n.h5"
  line=$(run "$n" "$crmpi" generate --customers "$small" --seed 1 --out "$work/gen$n.h5" --log-level warn)
  echo "- $n rank(s), $small customers: $line"
done
cmp -s <(h5dump -d /orders/amount_cents "$work/gen1.h5" | tail -n +3) <(h5dump -d /orders/amount_cents "$work/gen2.h5" | tail -n +3) \
  && echo "- the 1- and 2-rank files hold identical orders" || echo "- WARNING: 1- and 2-rank files differ"
rm -f "$work/gen1.h5" "$work/gen2.h5"
if [[ ! -f "$work/big-$customers.h5" ]]; then
  t0=$(date +%s.%N)
  line=$(run 2 "$crmpi" generate --customers "$customers" --seed 42 --out "$work/big-$customers.h5" --log-level warn)
  t1=$(date +%s.%N)
  echo "- scale: 2 ranks, $customers customers: $line (wall $(elapsed "$t0" "$t1")s)"
fi
big="$work/big-$customers.h5"
echo "- file: $(du -h "$big" | cut -f1)"
echo
echo "### HDF5 read path vs raw pread of the same bytes (same run, best of 3, warm page cache)"
for n in 1 2; do echo "- $(run "$n" build/bench/bench_read_throughput "$big")"; done
echo
echo "### RFM job (validate + RFM + write), throughput and memory"
for n in 1 2; do
  log=$(run "$n" "$crmpi" rfm --input "$big" --out "$work/rfm$n" 2>&1)
  echo "- $n rank(s): $(grep -o 'validate: .*' <<<"$log" | head -1)"
  echo "  $(grep -o 'rfm: [0-9.]*[kMG]* customers.*' <<<"$log" | head -1)"
  echo "  $(grep -o 'rfm: memory.*' <<<"$log" | head -1)"
done
echo
echo "### RFM kernel once data is in memory (1 core)"
build/bench/bench_rfm_kernel --benchmark_min_time=2 2>/dev/null | grep BM_ | sed 's/^/    /'
