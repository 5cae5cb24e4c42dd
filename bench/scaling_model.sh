#!/usr/bin/env bash
# Measures what bench/scaling_model.py needs and runs it (docs/scaling.md):
#   bench/scaling_model.sh [CUSTOMERS=10000000] [WORKDIR=/tmp/crmpi-scaling] [-- model options]
# Generates CUSTOMERS customers (seed 1) unless WORKDIR/input.h5 exists, runs `crmpi run` on it at
# 1 and then 2 ranks (logs WORKDIR/run{1,2}.log, with /usr/bin/time -v), and projects the run to
# 500M customers / 10B orders on 64 nodes x 32 cores (model options after `--` change that).
set -euo pipefail
cd "$(dirname "$0")/.."
customers=${1:-10000000}
work=${2:-/tmp/crmpi-scaling}
shift $(( $# < 2 ? $# : 2 ))
[[ ${1:-} == -- ]] && shift
CRMPI=${CRMPI:-build/jobs/crmpi}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mkdir -p "$work"
[[ -s $work/input.h5 ]] || mpiexec -n 2 --oversubscribe "$CRMPI" generate --customers "$customers" --seed 1 --out "$work/input.h5"
for n in 1 2; do
  echo "load average before the $n-rank run: $(cut -d' ' -f1-3 /proc/loadavg)" >"$work/run$n.log"
  /usr/bin/time -v mpiexec -n "$n" --oversubscribe "$CRMPI" run --input "$work/input.h5" --out "$work/out$n" \
    --no-report --no-checkpoints >>"$work/run$n.log" 2>&1
done
/usr/bin/python3 bench/scaling_model.py --one "$work/run1.log" --two "$work/run2.log" \
  --input-bytes "$(stat -L -c %s "$work/input.h5")" --results-bytes "$(stat -c %s "$work/out1/results.h5")" "$@"
