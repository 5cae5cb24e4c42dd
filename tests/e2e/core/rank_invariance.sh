#!/usr/bin/env bash
# Results must not depend on the number of ranks:
#  - `crmpi generate` at 1 and 3 ranks writes identical datasets;
#  - `crmpi rfm` at 1, 2, 3 and 4 ranks writes identical /rfm results and CSV files;
#  - `crmpi run` at 1, 2, 3 and 4 ranks writes an identical results.h5 (every group, /rfm and /clv
#    at least; root attributes are provenance and not compared) and identical csv/ files;
#  - the run pipeline's /rfm equals the rfm job's;
#  - `crmpi generate` and `crmpi run` started alone (no launcher), which run without MPI
#    (comm/comm.hpp, MpiStart::kWhenLaunched), write what they write under mpiexec. The lone runs
#    get an Open MPI setting that makes MPI_Init fail (a PML that does not exist), so they pass
#    only if they never start MPI.
# h5compare.py fails when it compares nothing, and takes NaN as equal to NaN in the same place.
set -euo pipefail
CRMPI=${1:?crmpi binary}
MPIEXEC=${MPIEXEC:-mpiexec}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { local n=$1; shift; "$MPIEXEC" -n "$n" --oversubscribe "$CRMPI" "$@" --log-level warn; }
alone() { OMPI_MCA_pml=no-such-pml "$CRMPI" "$@" --log-level warn; }

run 1 generate --customers 30000 --seed 3 --chunk-customers 1000 --out "$work/g1.h5"
run 3 generate --customers 30000 --seed 3 --chunk-customers 777 --out "$work/g3.h5"
/usr/bin/python3 "$here/h5compare.py" "$work/g1.h5" "$work/g3.h5"
alone generate --customers 30000 --seed 3 --chunk-customers 1000 --out "$work/g0.h5"
/usr/bin/python3 "$here/h5compare.py" "$work/g1.h5" "$work/g0.h5"
echo "PASS: generate at 1 and 3 ranks and alone without MPI: identical datasets"

for n in 1 2 3 4; do
  run "$n" rfm --input "$work/g1.h5" --out "$work/rfm$n" --chunk-rows 5000
done
for n in 2 3 4; do
  /usr/bin/python3 "$here/h5compare.py" "$work/rfm1/results.h5" "$work/rfm$n/results.h5" /rfm
  cmp "$work/rfm1/csv/rfm_segments.csv" "$work/rfm$n/csv/rfm_segments.csv"
  cmp "$work/rfm1/csv/rfm_cells.csv" "$work/rfm$n/csv/rfm_cells.csv"
done
echo "PASS: rfm at 1, 2, 3, 4 ranks: identical /rfm and CSV"

for n in 1 2 3 4; do
  run "$n" run --input "$work/g1.h5" --out "$work/run$n" --no-report > /dev/null
done
# The whole-file comparison below must cover both stages, not only whichever groups exist.
/usr/bin/python3 -c 'import sys, h5py
missing = {"rfm", "clv"} - set(h5py.File(sys.argv[1], "r"))
sys.exit(f"run at 1 rank: results.h5 lacks {sorted(missing)}" if missing else 0)' "$work/run1/results.h5"
for n in 2 3 4; do
  echo "run at $n ranks vs 1 rank:"
  /usr/bin/python3 "$here/h5compare.py" "$work/run1/results.h5" "$work/run$n/results.h5"
  diff <(cd "$work/run1/csv" && ls) <(cd "$work/run$n/csv" && ls)
  for f in "$work"/run1/csv/*; do
    cmp "$f" "$work/run$n/csv/$(basename "$f")"
  done
done
echo "PASS: run at 1, 2, 3, 4 ranks: identical results.h5 and csv/ ($(ls "$work/run1/csv" | wc -l) files)"

alone run --input "$work/g1.h5" --out "$work/run0" --no-report > /dev/null
/usr/bin/python3 "$here/h5compare.py" "$work/run2/results.h5" "$work/run0/results.h5"
diff <(cd "$work/run2/csv" && ls) <(cd "$work/run0/csv" && ls)
for f in "$work"/run2/csv/*; do
  cmp "$f" "$work/run0/csv/$(basename "$f")"
done
echo "PASS: run alone without MPI: identical to 2 ranks (results.h5 and csv/)"

# The run pipeline gives the same RFM as the rfm job.
/usr/bin/python3 "$here/h5compare.py" "$work/rfm1/results.h5" "$work/run1/results.h5" /rfm
echo "PASS: run pipeline RFM equals rfm job"
