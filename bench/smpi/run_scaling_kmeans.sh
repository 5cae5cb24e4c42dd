#!/usr/bin/env bash
# SMPI scaling study of crmpi's distributed k-means (docs/smpi.md, "k-means").
#
# Builds bench/smpi/kmeans_scaling with smpicxx (SimGrid SMPI) and mpicxx (Open MPI), runs weak and
# strong scaling on the simulated cluster of bench/smpi/cluster.xml, checks that the centroids,
# labels and scores of the same global customers are identical at every simulated rank count and
# under the real Open MPI at 1 and 2 ranks, compares the communication of the simulated and the
# real runs at 1 and 2 ranks, and prints markdown tables (kmeans_table.py).
#
# Environment (defaults in brackets):
#   RANKS         simulated rank counts                           ["1 8 64 512"]
#   WEAK_PER_RANK customers per rank in weak scaling              [20000]
#   STRONG_TOTAL  customers in total in strong scaling            [2000000]
#   KM_FLAGS      kmeans_scaling flags for every run              ["--iters 20"]
#   CHECK_RANKS   rank counts run by both engines on STRONG_TOTAL ["1 2"], "" to skip
#   COLL          SMPI collective selector (ompi, mpich, default...) [ompi]
#   REAL_RANKS    Open MPI rank counts, "" to skip                 ["1 2"]
#   BUILD, OUT    build and output directories                    [/tmp/crmpi-smpi-build, /tmp/crmpi-smpi-kmeans-run]
#   SMPI_FLAGS    extra smpirun flags
# Takes ~2 minutes at load ~2 on 2 shared cores (16 at load ~10); with RANKS="... 1024" ~3 min, a
# 1,024-rank run ~1 min, half of it SMPI's one-time communicator setup (docs/smpi.md).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
RANKS=${RANKS:-"1 8 64 512"}
WEAK_PER_RANK=${WEAK_PER_RANK:-20000}
STRONG_TOTAL=${STRONG_TOTAL:-2000000}
KM_FLAGS=${KM_FLAGS:-"--iters 20"}
CHECK_RANKS=${CHECK_RANKS-"1 2"}
COLL=${COLL:-ompi}
REAL_RANKS=${REAL_RANKS-"1 2"}
BUILD=${BUILD:-/tmp/crmpi-smpi-build}
OUT=${OUT:-/tmp/crmpi-smpi-kmeans-run}
SMPI_FLAGS=${SMPI_FLAGS:-}
DRIVER=kmeans_scaling
. "$HERE/smpi_common.sh"
smpi_setup

run_study $KM_FLAGS

python3 "$HERE/kmeans_table.py" "$results" "$COLL"
