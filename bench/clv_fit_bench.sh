#!/usr/bin/env bash
# The distributed CLV fits at 1 and 2 ranks (docs/PERFORMANCE.md, section CLV, "Distributed fits"):
# `crmpi clv` with the hidden --timings option on one input, each rank count REPEAT times, then a
# Markdown table of rank 0's timings (collapse + shuffle of the tables, each fit) and every rank's
# peak memory (the job's "memory on rank N" lines), and the load average before each run.
#   bench/clv_fit_bench.sh build/jobs/crmpi INPUT.h5 [RANKS=1,2] [REPEAT=2]
# INPUT.h5: e.g. `build/jobs/crmpi generate --customers 2000000 --seed 1 --out c2m.h5`.
set -euo pipefail
CRMPI=${1:?usage: clv_fit_bench.sh CRMPI INPUT.h5 [RANKS] [REPEAT]}
INPUT=${2:?usage: clv_fit_bench.sh CRMPI INPUT.h5 [RANKS] [REPEAT]}
RANKS=${3:-1,2}
REPEAT=${4:-2}
MPIEXEC=${MPIEXEC:-mpiexec}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_pml=ob1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/crmpi-clv-fit-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
echo "| ranks | load avg (1 min) | collapse + shuffle s | BG/NBD fit s | Pareto/NBD fit s | Gamma-Gamma: spend pairs collapsed + shuffled s | Gamma-Gamma fit s | peak RSS MiB per rank |"
echo "|---|---|---|---|---|---|---|---|"
for n in ${RANKS//,/ }; do
  for ((i = 0; i < REPEAT; ++i)); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    "$MPIEXEC" -n "$n" --oversubscribe "$CRMPI" clv --input "$INPUT" --out "$WORK/out" --models bgnbd,pareto,gg \
      --timings "$WORK/t.json" > "$WORK/log" 2>&1
    # One line a rank ("a/b": rank 0, rank 1); builds before that logged only the largest rank.
    mem=$(grep -oE "memory on rank [0-9]+: peak RSS [0-9.]+" "$WORK/log" | awk '{print $NF}' | paste -sd/ - || true)
    [[ -n $mem ]] || mem="largest $(grep -oE "memory on rank [0-9]+ \(largest\): peak RSS [0-9.]+" "$WORK/log" | awk '{print $NF}')"
    /usr/bin/python3 - "$WORK/t.json" "$n" "$load" "$mem" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
print(f"| {sys.argv[2]} | {sys.argv[3]} | {t['collapse_s']:.3f} | {t['fit_bgnbd_s']:.3f} | {t['fit_pareto_nbd_s']:.3f} "
      f"| {t['spread_gamma_gamma_s']:.3f} | {t['fit_gamma_gamma_s']:.3f} | {sys.argv[4]} |")
EOF
  done
done
