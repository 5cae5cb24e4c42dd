#!/usr/bin/env bash
# Two crmpi builds must write the same outputs: every dataset and attribute of every HDF5 file
# (NaN equal to NaN; root provenance attributes aside) and every CSV file, for `ingest`, `rfm`,
# `clv` and `run`, on generated data and on the real data sets (../shared/data, where present),
# at 1 and 3 ranks. For refactorings that must not change results.
#
# usage: bench/compare_builds.sh BEFORE_CRMPI AFTER_CRMPI [WORKDIR]
#   env: CUSTOMERS (generated customers, default 30000), MPIEXEC, CRMPI_SHARED_DATA
# exit 0 when all outputs are identical, 1 with the list of differences otherwise.
set -euo pipefail
BEFORE=${1:?usage: compare_builds.sh BEFORE_CRMPI AFTER_CRMPI [WORKDIR]}
AFTER=${2:?usage: compare_builds.sh BEFORE_CRMPI AFTER_CRMPI [WORKDIR]}
here=$(cd "$(dirname "$0")/.." && pwd)
WORK=${3:-$(mktemp -d "${TMPDIR:-/tmp}/crmpi-compare.XXXXXX")}
DATA=${CRMPI_SHARED_DATA:-$here/../shared/data}
MPIEXEC=${MPIEXEC:-mpiexec}
CUSTOMERS=${CUSTOMERS:-30000}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
mkdir -p "$WORK"
echo "compare_builds: work directory $WORK"
failures=0

run() {  # run BIN NP ARGS...
  local bin=$1 np=$2; shift 2
  "$MPIEXEC" -n "$np" --oversubscribe "$bin" "$@" --log-level warn > /dev/null
}
same() {  # same A B: HDF5 (datasets + attributes) or directory of outputs
  if /usr/bin/python3 "$here/tests/e2e/h5compare.py" "$1" "$2" > "$WORK/cmp.txt"; then
    echo "  same: ${2#"$WORK"/}"
  else
    echo "  DIFFERENT: $1 vs $2"; sed 's/^/    /' "$WORK/cmp.txt" | head -20
    failures=$((failures + 1))
  fi
}
same_csv() {
  if diff -r "$1" "$2" > "$WORK/diff.txt"; then
    echo "  same: ${2#"$WORK"/}"
  else
    echo "  DIFFERENT: $1 vs $2"; head -20 "$WORK/diff.txt" | sed 's/^/    /'
    failures=$((failures + 1))
  fi
}
# analyses NAME INPUT [CLV OPTIONS...]: rfm, clv and run with both builds at 1 and 3 ranks.
analyses() {
  local name=$1 input=$2; shift 2
  for job in rfm clv run; do
    local extra=()
    [[ $job != rfm ]] && extra=("$@")
    for np in 1 3; do
      run "$BEFORE" 1 "$job" --input "$input" --out "$WORK/$name-$job-before" "${extra[@]}"
      run "$AFTER" "$np" "$job" --input "$input" --out "$WORK/$name-$job-after$np" "${extra[@]}"
      same "$WORK/$name-$job-before/results.h5" "$WORK/$name-$job-after$np/results.h5"
      same_csv "$WORK/$name-$job-before/csv" "$WORK/$name-$job-after$np/csv"
    done
  done
}

echo "== generated ($CUSTOMERS customers)"
run "$BEFORE" 1 generate --customers "$CUSTOMERS" --seed 3 --out "$WORK/gen-before.h5"
for np in 1 3; do
  run "$AFTER" "$np" generate --customers "$CUSTOMERS" --seed 3 --out "$WORK/gen-after$np.h5"
  same "$WORK/gen-before.h5" "$WORK/gen-after$np.h5"
done
analyses gen "$WORK/gen-before.h5" --calibration-end 2026-06-30 --holdout-end 2026-09-30 \
  --models bgnbd,mbgnbd,pareto,gg

# ingest NAME ARGS...: both builds at 1 and 3 ranks; the before-build's file feeds the analyses.
ingest() {
  local name=$1; shift
  run "$BEFORE" 1 ingest --out "$WORK/$name-before.h5" "$@"
  for np in 1 3; do
    run "$AFTER" "$np" ingest --out "$WORK/$name-after$np.h5" "$@"
    same "$WORK/$name-before.h5" "$WORK/$name-after$np.h5"
  done
}
if [[ -d $DATA/cdnow ]]; then
  echo "== CDNOW (ingest, then the analyses with the papers' calibration period)"
  ingest cdnow "$DATA/cdnow/CDNOW_master.txt" --format whitespace
  analyses cdnow "$WORK/cdnow-before.h5" --calibration-end 1997-09-30 --models bgnbd,mbgnbd,pareto,gg
else
  echo "== CDNOW: SKIPPED ($DATA/cdnow not found)"
fi
if [[ -d $DATA/online-retail ]]; then
  echo "== UCI Online Retail I+II (ingest of both gzip files, then the analyses)"
  ingest uci "$DATA/online-retail/online_retail_II_2009_2010.csv.gz" \
    "$DATA/online-retail/online_retail_2010_2011.csv.gz"
  analyses uci "$WORK/uci-before.h5" --calibration-end 2011-06-30 --models bgnbd,pareto,gg
else
  echo "== UCI Online Retail: SKIPPED ($DATA/online-retail not found)"
fi
if [[ -d $DATA/baskets ]]; then
  echo "== Groceries baskets (ingest)"
  ingest groceries "$DATA/baskets/groceries.csv" --format basket-csv --as-of 2020-01-01
else
  echo "== baskets: SKIPPED ($DATA/baskets not found)"
fi

if ((failures)); then
  echo "compare_builds: $failures output(s) differ"
  exit 1
fi
echo "compare_builds: all outputs identical"
