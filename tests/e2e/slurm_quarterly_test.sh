#!/usr/bin/env bash
# End-to-end: scripts/slurm/quarterly.sbatch under a real one-node Slurm cluster on localhost.
#
#   CRMPI_BIN=build/jobs/crmpi tests/e2e/slurm_quarterly_test.sh [SCRATCH_DIR]
#
# Starts scripts/slurm/local-cluster.sh under SCRATCH_DIR/slurm (default: a new temp dir),
# generates a small data set (mpirun -n 2 crmpi generate), submits quarterly.sbatch with 2 tasks
# and with 4 tasks (--overcommit when the machine has fewer than 4 CPUs), and checks:
#   - both jobs exit 0 and write outN/results.h5,
#   - every dataset under /rfm is identical between the 2- and 4-task runs,
#   - `quarterly.sbatch ingest ...` (the subcommand form) on 2 tasks writes the same file as
#     mpirun -n 1 from 3 gzip exports,
#   - a launch without PMI fails (srun --mpi=none), and a launch where each task sees a
#     1-rank world fails with a message naming SLURM_NTASKS.
# The cluster is always stopped (trap). Exit: 0 all passed, 1 a check failed, 77 skipped
# (Slurm cannot be had here: binaries missing, not root, or the daemons do not come up).
#
# Env: CRMPI_BIN         crmpi binary (required)
#      CRMPI_TEST_INPUT  use this existing input file instead of running `crmpi generate`
#      CRMPI_TEST_KEEP=1 keep SCRATCH_DIR (a temp dir made here is removed otherwise)
set -uo pipefail

me="slurm_quarterly_test"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo="$(cd "$here/../.." && pwd -P)"
cluster_sh="$repo/scripts/slurm/local-cluster.sh"
sbatch_script="$repo/scripts/slurm/quarterly.sbatch"
PY=/usr/bin/python3

say() { echo "$me: $*"; }
skip() { echo "SKIP: $me: $*"; exit 77; }
passed=0
failed=0
ok() { passed=$((passed + 1)); say "PASS: $*"; }
bad() { failed=$((failed + 1)); say "FAIL: $*"; }

# ---- preconditions ----
[[ -n "${CRMPI_BIN:-}" ]] || { say "ERROR: set CRMPI_BIN to the crmpi binary"; exit 1; }
[[ -x "$CRMPI_BIN" ]] || { say "ERROR: CRMPI_BIN=$CRMPI_BIN is not executable"; exit 1; }
CRMPI_BIN="$(cd "$(dirname "$CRMPI_BIN")" && pwd -P)/$(basename "$CRMPI_BIN")"
export CRMPI_BIN
PATH="$PATH:/usr/sbin:/sbin"
for tool in slurmctld slurmd sbatch srun sinfo scontrol; do
  command -v "$tool" >/dev/null 2>&1 || skip "Slurm not installed ('$tool' missing; scripts/setup-deps.sh installs slurm-wlm)"
done
command -v mpirun >/dev/null 2>&1 || { say "ERROR: mpirun not found (openmpi-bin)"; exit 1; }
[[ "$(id -u)" -eq 0 ]] || skip "a local slurmd needs root"

# Not inside someone else's Slurm job: drop inherited SLURM_* (SLURM_CONF is set below).
unset "${!SLURM_@}" 2>/dev/null || true

made_scratch=0
if (($# >= 1)); then
  S="$1"; mkdir -p "$S"
else
  S="$(mktemp -d /tmp/crmpi-e2e.XXXXXX)"; made_scratch=1
fi
S="$(cd "$S" && pwd -P)"
CL="$S/slurm"

cleanup() {
  "$cluster_sh" stop "$CL" >/dev/null 2>&1 || true
  if ((made_scratch)) && [[ "${CRMPI_TEST_KEEP:-0}" != 1 ]] && ((failed == 0)); then
    rm -rf "$S"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- cluster ----
if ! start_out="$(CRMPI_SLURM_START_TIMEOUT="${CRMPI_SLURM_START_TIMEOUT:-60}" "$cluster_sh" start "$CL" 2>"$S/cluster-start.log")"; then
  cat "$S/cluster-start.log"
  skip "the local Slurm daemons did not come up (see above and $CL/log)"
fi
eval "$start_out"
[[ -n "${SLURM_CONF:-}" ]] || { cat "$S/cluster-start.log"; say "ERROR: local-cluster.sh printed no SLURM_CONF"; exit 1; }
say "cluster up: $(sinfo -h -N -o '%N %c CPUs %t')  SLURM_CONF=$SLURM_CONF"

# ---- data ----
# The same MPI-IO pins as quarterly.sbatch (parallel HDF5 writes with Open MPI 4.1.4).
export OMPI_MCA_io=ompio OMPI_MCA_fbtl_posix_read_datasieving=0
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
if [[ -n "${CRMPI_TEST_INPUT:-}" ]]; then
  data="$CRMPI_TEST_INPUT"
  say "using input $data (CRMPI_TEST_INPUT)"
else
  data="$S/data.h5"
  if timeout 600 mpirun --oversubscribe -n 2 "$CRMPI_BIN" generate --customers 20000 --seed 7 --out "$data" \
       >"$S/generate.log" 2>&1 && [[ -f "$data" ]]; then
    ok "generate: mpirun -n 2 crmpi generate --customers 20000 --seed 7"
  else
    tail -n 20 "$S/generate.log"
    bad "crmpi generate failed (log $S/generate.log)"
    say "$passed passed, $failed failed"
    exit 1
  fi
fi

# ---- quarterly.sbatch with 2 and 4 tasks ----
ncpu="$(nproc)"
submit() {  # submit N: runs quarterly.sbatch with N tasks, output in $S/outN
  local n="$1"
  local cfg="$S/q$n.toml" out="$S/out$n" rc extra="" job_out
  local -a alloc=(--nodes=1 "--ntasks-per-node=$n")
  if ((n > ncpu)); then
    # More ranks than cores: Slurm 22.05 refuses --ntasks-per-node above the node's CPUs even
    # with --overcommit, so ask for --ntasks with --overcommit.
    alloc=(--nodes=1 --ntasks="$n" --overcommit)
    extra="--overcommit"
  fi
  rm -rf "$out"
  # The launch is under test here, not the models: the fast CLV models keep the job short.
  printf 'input = "%s"\nout = "%s"\n[clv]\nmodels = ["bgnbd", "gg"]\n' "$data" "$out" >"$cfg"
  say "sbatch --wait ${alloc[*]} quarterly.sbatch $(basename "$cfg")  (CRMPI_SRUN_EXTRA='$extra')"
  (cd "$S" && CRMPI_SRUN_EXTRA="$extra" timeout 900 sbatch --wait --time=15 \
     --output="$S/job$n-%j.out" "${alloc[@]}" "$sbatch_script" "$cfg") >"$S/sbatch$n.log" 2>&1
  rc=$?
  job_out="$(ls -t "$S"/job"$n"-*.out 2>/dev/null | head -n1)"
  if ((rc == 0)) && [[ -f "$out/results.h5" ]] && grep -q "^crmpi-quarterly: job .* tasks=$n " "$job_out"; then
    ok "$n tasks: job exit 0, $out/results.h5 written"
  else
    cat "$S/sbatch$n.log"
    [[ -n "$job_out" ]] && { echo "---- $job_out"; tail -n 40 "$job_out"; }
    bad "$n tasks: sbatch exit $rc, results.h5 $([[ -f "$out/results.h5" ]] && echo present || echo missing)"
  fi
}
submit 2
submit 4

# ---- RFM results identical for 2 and 4 ranks ----
if [[ -f "$S/out2/results.h5" && -f "$S/out4/results.h5" ]]; then
  if "$PY" - "$S/out2/results.h5" "$S/out4/results.h5" <<'PYEOF'
import sys
import h5py
import numpy as np

def datasets(f):
    out = {}
    f["rfm"].visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out

with h5py.File(sys.argv[1], "r") as a, h5py.File(sys.argv[2], "r") as b:
    da, db = datasets(a), datasets(b)
if not da:
    sys.exit("no datasets under /rfm")
if sorted(da) != sorted(db):
    sys.exit(f"different datasets under /rfm: {sorted(set(da) ^ set(db))}")
diff = [k for k in sorted(da) if not np.array_equal(np.asarray(da[k]), np.asarray(db[k]))]
if diff:
    sys.exit(f"/rfm datasets differ between 2 and 4 ranks: {diff}")
print(f"{len(da)} datasets under /rfm identical ({len(da.get('customer_id', []))} customers)")
PYEOF
  then
    ok "RFM results of the 2- and 4-task runs identical"
  else
    bad "RFM results of the 2- and 4-task runs differ"
  fi
else
  bad "RFM comparison: results missing"
fi

# ---- a subcommand through the same script: ingest of 3 gzip exports on 2 tasks ----
for k in 0 1 2; do
  awk -v k="$k" 'BEGIN { srand(11 + k);
    print "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";
    for (i = 0; i < 3000; i++) {
      inv = 500000 + k * 1000 + int(i / 3);
      printf "%d,%d,\"ITEM %d, BOXED\",%d,2011-%02d-%02d 10:00,%d.50,%d,France\n", inv, 20000 + i % 50, i % 50,
             1 + i % 5, 1 + k * 3 + int(i / 1000), 1 + i % 28, 1 + i % 9, 12346 + int(rand() * 400) } }' \
    | gzip > "$S/export$k.csv.gz"
done
rm -f "$S/ingest2.h5" "$S/ingest1.h5"
# --time=10 is shorter than the script's warning lead (--signal=USR1@600): Slurm may send the
# warning while ingest runs; ingest carries on (jobs/common/stop_signal.hpp, note_warning_signal).
(cd "$S" && timeout 600 sbatch --wait --time=10 --output="$S/job-ingest-%j.out" --nodes=1 --ntasks-per-node=2 \
   "$sbatch_script" ingest --out "$S/ingest2.h5" export0.csv.gz export1.csv.gz export2.csv.gz) >"$S/sbatch-ingest.log" 2>&1
rc=$?
job_out="$(ls -t "$S"/job-ingest-*.out 2>/dev/null | head -n1)"
timeout 300 mpirun --oversubscribe -n 1 "$CRMPI_BIN" ingest --out "$S/ingest1.h5" \
  "$S/export0.csv.gz" "$S/export1.csv.gz" "$S/export2.csv.gz" >"$S/ingest1.log" 2>&1
if ((rc == 0)) && grep -q "^crmpi-quarterly: job .* tasks=2 command=ingest " "$job_out" \
   && [[ -f "$S/ingest1.h5" ]] && "$PY" "$repo/tests/e2e/h5compare.py" "$S/ingest1.h5" "$S/ingest2.h5"; then
  ok "sbatch quarterly.sbatch ingest (2 tasks, 3 gzip files): same file as mpirun -n 1"
else
  cat "$S/sbatch-ingest.log"; [[ -n "$job_out" ]] && tail -n 30 "$job_out"; tail -n 5 "$S/ingest1.log"
  bad "sbatch quarterly.sbatch ingest: sbatch exit $rc or output differs from mpirun -n 1"
fi

# ---- wrong launches must fail ----
# (a) srun without PMI: Open MPI 4.1.4 sees a direct launch it cannot join and aborts in MPI_Init.
timeout 120 srun --mpi=none -n 2 --time=5 "$CRMPI_BIN" rfm --input "$data" --out "$S/bad-a" >"$S/bad-a.log" 2>&1
rc=$?
if ((rc != 0)) && [[ ! -f "$S/bad-a/results.h5" ]]; then
  ok "srun --mpi=none -n 2 crmpi rfm fails (exit $rc)"
else
  tail -n 20 "$S/bad-a.log"; bad "srun --mpi=none -n 2 crmpi rfm exited $rc"
fi
# (b) each task is its own 1-rank MPI world (what a PMI-less launch looks like when Open MPI
# does not notice srun: here made by hiding SLURM_STEP_ID): crmpi must refuse via SLURM_NTASKS.
timeout 120 srun --mpi=none -n 2 --time=5 env -u SLURM_STEP_ID -u SLURM_STEPID \
  "$CRMPI_BIN" rfm --input "$data" --out "$S/bad-b" >"$S/bad-b.log" 2>&1
rc=$?
if ((rc != 0)) && grep -q SLURM_NTASKS "$S/bad-b.log" && [[ ! -f "$S/bad-b/results.h5" ]]; then
  ok "2 tasks that each see 1 rank: exit $rc, message names SLURM_NTASKS"
else
  tail -n 20 "$S/bad-b.log"; bad "2 tasks that each see 1 rank: exit $rc, expected non-zero and a SLURM_NTASKS message"
fi

say "scratch: $S"
say "$passed passed, $failed failed"
((failed == 0))
