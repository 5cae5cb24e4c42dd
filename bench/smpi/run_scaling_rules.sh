#!/usr/bin/env bash
# SMPI scaling study of crmpi's parallel FP-growth (docs/smpi.md, "Rules").
#
# Builds bench/smpi/rules_scaling with smpicxx and mpicxx, runs weak and strong scaling on the
# simulated cluster of bench/smpi/cluster.xml, checks that the itemsets of the same global baskets
# are identical at every simulated rank count and under the real Open MPI at 1 and 2 ranks, and
# prints a markdown table with the shuffle volume against the model (rules_table.py).
#
# Environment (defaults in brackets):
#   RANKS         simulated rank counts                           ["1 8 64 512"]
#   WEAK_PER_RANK baskets per rank in weak scaling                [20000]
#   STRONG_TOTAL  baskets in total in strong scaling              [1000000]
#   RULES_FLAGS   rules_scaling flags for every run               [""]
#   CHECK_RANKS   rank counts run by both engines on STRONG_TOTAL ["1 2"], "" to skip
#   COLL, REAL_RANKS, BUILD, OUT [/tmp/crmpi-smpi-rules-run], SMPI_FLAGS: as run_scaling_kmeans.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
RANKS=${RANKS:-"1 8 64 512"}
WEAK_PER_RANK=${WEAK_PER_RANK:-20000}
STRONG_TOTAL=${STRONG_TOTAL:-1000000}
RULES_FLAGS=${RULES_FLAGS:-}
CHECK_RANKS=${CHECK_RANKS-"1 2"}
COLL=${COLL:-ompi}
REAL_RANKS=${REAL_RANKS-"1 2"}
BUILD=${BUILD:-/tmp/crmpi-smpi-build}
OUT=${OUT:-/tmp/crmpi-smpi-rules-run}
SMPI_FLAGS=${SMPI_FLAGS:-}
DRIVER=rules_scaling
. "$HERE/smpi_common.sh"
smpi_setup

run_study $RULES_FLAGS

python3 "$HERE/rules_table.py" "$results" "$COLL"
