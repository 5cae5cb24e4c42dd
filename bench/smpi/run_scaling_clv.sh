#!/usr/bin/env bash
# SMPI scaling study of crmpi's distributed CLV fit (docs/smpi.md, "CLV fit").
#
# Builds bench/smpi/clv_scaling with smpicxx (SimGrid SMPI) and mpicxx (Open MPI), runs weak and
# strong scaling on the simulated cluster of bench/smpi/cluster.xml, checks that the tables and
# estimates of the same global customers are identical at every simulated rank count and under
# the real Open MPI at 1 and 2 ranks, compares the communication of the simulated and the real
# runs at 1 and 2 ranks, and prints markdown tables.
#
# Environment (defaults in brackets):
#   RANKS         simulated rank counts (1024: ~2.5 min a run)    ["1 8 64 512"]
#   WEAK_PER_RANK customers per rank in weak scaling             [4000]
#   STRONG_TOTAL  customers in total in strong scaling           [2000000]
#   CHECK_RANKS   rank counts run by both engines on STRONG_TOTAL ["1 2"], "" to skip
#   COLL          SMPI collective selector (ompi, mpich, default...) [ompi]
#   REAL_RANKS    Open MPI rank counts, "" to skip                ["1 2"]
#   BUILD, OUT    build and output directories                   [/tmp/crmpi-smpi-build, /tmp/crmpi-smpi-clv-run]
#   SMPI_FLAGS    extra smpirun flags
# Takes ~4 minutes on 2 shared cores (the 512-rank runs ~1 min each; 1,024 ranks ~2.5 min with the
# alltoallv simulated pairwise, smpi_common.sh). The simulation runs every rank's real compute on one core.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
RANKS=${RANKS:-"1 8 64 512"}
WEAK_PER_RANK=${WEAK_PER_RANK:-4000}
STRONG_TOTAL=${STRONG_TOTAL:-2000000}
CHECK_RANKS=${CHECK_RANKS-"1 2"}
COLL=${COLL:-ompi}
REAL_RANKS=${REAL_RANKS-"1 2"}
BUILD=${BUILD:-/tmp/crmpi-smpi-build}
OUT=${OUT:-/tmp/crmpi-smpi-clv-run}
SMPI_FLAGS=${SMPI_FLAGS:-}

DRIVER=clv_scaling
. "$HERE/smpi_common.sh"
smpi_setup

run_study

python3 "$HERE/clv_table.py" "$results" "$COLL"
