#!/usr/bin/env bash
# `crmpi run` of two builds side by side on one generated input: interleaved pairs (A B, B A, ...)
# so that load on a shared machine hits both alike. Per run: wall time, user + system CPU of all
# ranks, the largest process's peak RSS (GNU time on mpiexec: its reaped ranks), and once per build
# the bytes the ranks read from the input (strace of pread64, a run of its own, not timed).
# Prints a markdown table for docs/PERFORMANCE.md.
#
# usage: bench/pipeline_bench.sh A_CRMPI B_CRMPI [CUSTOMERS=10000000] [WORKDIR=/tmp/crmpi-pipeline] [PAIRS=3]
#   env: RANKS (default "1 2")
set -euo pipefail
A=${1:?usage: pipeline_bench.sh A_CRMPI B_CRMPI [CUSTOMERS] [WORKDIR] [PAIRS]}
B=${2:?usage: pipeline_bench.sh A_CRMPI B_CRMPI [CUSTOMERS] [WORKDIR] [PAIRS]}
customers=${3:-10000000}
work=${4:-/tmp/crmpi-pipeline}
pairs=${5:-3}
ranks=${RANKS:-1 2}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mkdir -p "$work"
input="$work/gen-$customers.h5"
if [[ ! -f "$input" ]]; then
  mpiexec -n 2 --oversubscribe --bind-to none "$B" generate --customers "$customers" --seed 42 \
    --out "$input" --log-level warn
fi

# one BIN NP LABEL: one timed run; appends "label np wall cpu maxrss_kb" to $work/runs.txt
one() {
  local bin=$1 np=$2 label=$3
  rm -rf "$work/out-$label"
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" \
    mpiexec -n "$np" --oversubscribe --bind-to none "$bin" run --input "$input" --out "$work/out-$label" \
    --log-level warn > /dev/null
  read -r wall user sys rss < "$work/time.txt"
  echo "$label $np $wall $(/usr/bin/python3 -c "print(f'{$user + $sys:.2f}')") $rss" >> "$work/runs.txt"
}
# bytes BIN NP: bytes the ranks pread from the input in one `crmpi run`
bytes() {
  local bin=$1 np=$2
  rm -rf "$work/out-strace"
  strace -f -qq -e trace=pread64 -o "$work/strace.txt" \
    mpiexec -n "$np" --oversubscribe --bind-to none "$bin" run --input "$input" --out "$work/out-strace" \
    --log-level warn > /dev/null
  awk '/pread64\(/ { n = $NF; if (n ~ /^[0-9]+$/) s += n } END { printf "%.0f", s / 1e6 }' "$work/strace.txt"
}

: > "$work/runs.txt"
echo "## \`crmpi run\`, A = $A, B = $B ($customers customers, $(date -u +%Y-%m-%d), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo
for np in $ranks; do
  for ((p = 0; p < pairs; ++p)); do
    if ((p % 2 == 0)); then one "$A" "$np" A; one "$B" "$np" B; else one "$B" "$np" B; one "$A" "$np" A; fi
  done
done
echo "| ranks | build | wall s (each run) | CPU s (each run) | peak RSS MiB (largest) | MB read |"
echo "|---|---|---|---|---|---|"
for np in $ranks; do
  for label in A B; do
    bin=$A; [[ $label == B ]] && bin=$B
    awk -v l="$label" -v n="$np" -v mb="$(bytes "$bin" "$np")" '
      $1 == l && $2 == n { w = w sep $3; c = c sep $4; if ($5 > r) r = $5; sep = ", " }
      END { printf "| %s | %s | %s | %s | %.0f | %s |\n", n, l, w, c, r / 1024, mb }' "$work/runs.txt"
  done
done
echo
echo "Outputs of the last runs compared: A vs B"
/usr/bin/python3 "$(dirname "$0")/../tests/e2e/h5compare.py" "$work/out-A/results.h5" "$work/out-B/results.h5" | tail -1
