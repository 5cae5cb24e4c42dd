#!/usr/bin/env bash
# From a fresh Debian 12 machine to results: installs the packages, builds crmpi, generates the
# embedded default data set (1M customers, ~10M orders, planted truth) and runs the quarterly
# pipeline on 2 ranks. Results: out/default/results.h5 and out/default/csv/.
# Usage: scripts/quickstart.sh [--customers N] [--ranks R]
set -euo pipefail
cd "$(dirname "$0")/.."
customers=1000000
ranks=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --customers) customers=$2; shift 2 ;;
    --ranks) ranks=$2; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "quickstart: unknown argument $1" >&2; exit 2 ;;
  esac
done
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# The MPI-IO settings crmpi pins for itself (see docs/slurm.md), exported for clarity.
export OMPI_MCA_io=ompio OMPI_MCA_fbtl_posix_read_datasieving=0
scripts/setup-deps.sh
scripts/build.sh release
crmpi=build/jobs/crmpi
data=data/default-${customers}.h5
mkdir -p data out
if [[ ! -f "$data" ]]; then
  mpiexec -n "$ranks" --oversubscribe "$crmpi" generate --customers "$customers" --seed 42 --out "$data"
fi
mpiexec -n "$ranks" --oversubscribe "$crmpi" run --input "$data" --out out/default
