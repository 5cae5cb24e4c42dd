#!/usr/bin/env bash
# Results must not depend on the number of ranks:
#  - `crmpi generate` at 1 and 3 ranks writes identical datasets;
#  - `crmpi rfm` at 1, 2, 3 and 4 ranks writes identical /rfm results and CSV files.
set -euo pipefail
CRMPI=${1:?crmpi binary}
MPIEXEC=${MPIEXEC:-mpiexec}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { local n=$1; shift; "$MPIEXEC" -n "$n" --oversubscribe "$CRMPI" "$@" --log-level warn; }

run 1 generate --customers 30000 --seed 3 --chunk-customers 1000 --out "$work/g1.h5"
run 3 generate --customers 30000 --seed 3 --chunk-customers 777 --out "$work/g3.h5"
/usr/bin/python3 "$here/h5compare.py" "$work/g1.h5" "$work/g3.h5"
echo "PASS: generate at 1 and 3 ranks: identical datasets"

for n in 1 2 3 4; do
  run "$n" rfm --input "$work/g1.h5" --out "$work/rfm$n" --chunk-rows 5000
done
for n in 2 3 4; do
  /usr/bin/python3 "$here/h5compare.py" "$work/rfm1/results.h5" "$work/rfm$n/results.h5" /rfm
  cmp "$work/rfm1/csv/rfm_segments.csv" "$work/rfm$n/csv/rfm_segments.csv"
  cmp "$work/rfm1/csv/rfm_cells.csv" "$work/rfm$n/csv/rfm_cells.csv"
done
echo "PASS: rfm at 1, 2, 3, 4 ranks: identical /rfm and CSV"

# The run pipeline gives the same RFM as the rfm job.
run 2 run --input "$work/g1.h5" --out "$work/run2"
/usr/bin/python3 "$here/h5compare.py" "$work/rfm1/results.h5" "$work/run2/results.h5" /rfm
echo "PASS: run pipeline RFM equals rfm job"
