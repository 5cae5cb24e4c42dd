#!/usr/bin/env bash
# SMPI scaling study of crmpi's distributed RFM (docs/smpi.md).
#
# Builds bench/smpi/rfm_scaling with smpicxx (SimGrid SMPI) and mpicxx (Open MPI), runs weak and
# strong scaling on the simulated cluster of bench/smpi/cluster.xml, checks that the cut points
# and segment checksum of the same global customers are identical at every simulated rank count
# and under the real Open MPI at 1 and 2 ranks, and prints a markdown table.
#
# Environment (defaults in brackets):
#   RANKS         simulated rank counts                         ["1 8 64 512 2048"]
#   WEAK_PER_RANK customers per rank in weak scaling            [20000]
#   STRONG_TOTAL  customers in total in strong scaling          [2000000]
#   COLL          SMPI collective selector (ompi, mpich, default...) [ompi]
#   REAL_RANKS    Open MPI rank counts for the check, "" to skip ["1 2"]
#   BUILD, OUT    build and output directories                  [/tmp/crmpi-smpi-build, /tmp/crmpi-smpi-run]
#   SMPI_FLAGS    extra smpirun flags
# Takes ~11 minutes on 2 shared cores (each 2,048-rank simulation ~5 min, ~5 GB of memory).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
RANKS=${RANKS:-"1 8 64 512 2048"}
WEAK_PER_RANK=${WEAK_PER_RANK:-20000}
STRONG_TOTAL=${STRONG_TOTAL:-2000000}
COLL=${COLL:-ompi}
REAL_RANKS=${REAL_RANKS-"1 2"}
BUILD=${BUILD:-/tmp/crmpi-smpi-build}
OUT=${OUT:-/tmp/crmpi-smpi-run}
SMPI_FLAGS=${SMPI_FLAGS:-}

DRIVER=rfm_scaling
. "$HERE/smpi_common.sh"
smpi_setup

for np in $RANKS; do run_smpi weak "$WEAK_PER_RANK" "$np"; done
for np in $RANKS; do run_smpi strong "$STRONG_TOTAL" "$np"; done
for np in $REAL_RANKS; do run_real strong "$STRONG_TOTAL" "$np"; done
# Weak runs at P ranks hold the same global customers as a strong run of P * WEAK_PER_RANK:
# check each against Open MPI at the largest REAL_RANKS count.
if [ -n "$REAL_RANKS" ]; then
  real_np=$(largest_real)
  for np in $RANKS; do run_real strong $((np * WEAK_PER_RANK)) "$real_np"; done
fi

python3 - "$results" "$COLL" <<'PY'
import sys
rows = []
for line in open(sys.argv[1]):
    f = dict(kv.split("=", 1) for kv in line.split()[1:])
    rows.append(f)
ok = True
# Same global customers -> same checksum, whatever the rank count or MPI.
by_total = {}
for r in rows:
    by_total.setdefault(r["customers"], set()).add(r["checksum"])
for total, sums in by_total.items():
    if len(sums) != 1:
        ok = False
        print(f"MISMATCH: {total} customers gave checksums {sorted(sums)}", file=sys.stderr)
def ms(x): return f"{float(x) * 1e3:.2f}"
print(f"SMPI (SimGrid 3.32, coll-selector {sys.argv[2]}), bench/smpi/cluster.xml; times are simulated ms, max over ranks.\n")
print("| mode | ranks | customers | per rank | accumulate | score_and_segment | checksum allreduce | total | efficiency | checksum | same at all rank counts | sim. wall s |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|")
base = {}
for r in rows:
    if r["engine"] != "smpi":
        continue
    p, t = int(r["ranks"]), float(r["total"])
    base.setdefault(r["mode"], (p, t))
    p1, t1 = base[r["mode"]]
    eff = t1 / t if r["mode"] == "weak" else (t1 * p1) / (t * p)
    same = "yes" if len(by_total[r["customers"]]) == 1 else "**NO**"
    print(f"| {r['mode']} | {p:,} | {int(r['customers']):,} | {int(r['per_rank']):,} | {ms(r['accumulate'])} | "
          f"{ms(r['segment'])} | {ms(r['checksum_phase'])} | {ms(r['total'])} | {eff:.3f} | "
          f"`{r['checksum']}` | {same} | {float(r['wall']):.1f} |")
real = [r for r in rows if r["engine"] == "openmpi"]
if real:
    print("\nOpen MPI (real, this machine) on the same global customers:\n")
    print("| ranks | customers | total ms (wall) | checksum | matches SMPI |")
    print("|---:|---:|---:|---|---|")
    for r in real:
        sims = {x["checksum"] for x in rows if x["engine"] == "smpi" and x["customers"] == r["customers"]}
        print(f"| {r['ranks']} | {int(r['customers']):,} | {ms(r['total'])} | `{r['checksum']}` | {'yes' if sims == {r['checksum']} else ('no SMPI run' if not sims else '**NO**')} |")
print("\nchecksums: " + ("all runs of the same global customers agree" if ok else "MISMATCH"))
sys.exit(0 if ok else 1)
PY
