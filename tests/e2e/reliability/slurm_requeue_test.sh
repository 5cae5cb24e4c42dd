#!/usr/bin/env bash
# End-to-end: a `crmpi run` under the local one-node Slurm (scripts/slurm/local-cluster.sh) hits
# its time limit's warning signal, stops cleanly, is requeued by quarterly.sbatch and resumes.
#
#   CRMPI_BIN=build/jobs/crmpi tests/e2e/reliability/slurm_requeue_test.sh [SCRATCH_DIR]
#
# The job: 2 tasks, --time=1 (one minute, Slurm's smallest limit) and --signal=USR1@50 (the
# warning 50 s before it; Slurm may send it up to ~30 s late or early, its timer's resolution).
# Rank 0 stalls in the clv stage (after the fits) until a stop signal arrives
# (CRMPI_FAULT_ACTION=stall, a testing hook), so the first run is still inside clv when the
# warning comes, whenever it comes: clv must finish (its checkpoint written), every rank stop
# before kmeans with exit 75, and the script requeue the job. Slurm holds a requeued job about two minutes before it
# may start again (its BeginTime); the test moves that to now (scontrol update StartTime=now)
# to stay short. Checks:
#   - the job ends COMPLETED, exit 0:0, with Restarts >= 1;
#   - its log shows the stop at the signal, the requeue, and the second run (restarts=1) resuming
#     rfm and clv from their checkpoints (and computing kmeans, rules, insights: the stall is in
#     clv's compute, which the resumed run skips);
#   - results.h5 equals an undisturbed `mpirun -n 2 crmpi run` of the same input and options
#     (tests/e2e/h5compare.py, every dataset) and every CSV file is byte-identical.
# The cluster is always stopped (trap). Exit: 0 passed, 1 failed, 77 skipped (no Slurm, not
# root, or the daemons do not come up).
set -uo pipefail

me="slurm_requeue_test"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo="$(cd "$here/../../.." && pwd -P)"
cluster_sh="$repo/scripts/slurm/local-cluster.sh"
sbatch_script="$repo/scripts/slurm/quarterly.sbatch"
PY=/usr/bin/python3

say() { echo "$me: $*"; }
skip() { echo "SKIP: $me: $*"; exit 77; }
failed=0
ok() { say "PASS: $*"; }
bad() { failed=$((failed + 1)); say "FAIL: $*"; }

[[ -n "${CRMPI_BIN:-}" && -x "${CRMPI_BIN:-}" ]] || { say "ERROR: set CRMPI_BIN to the crmpi binary"; exit 1; }
CRMPI_BIN="$(cd "$(dirname "$CRMPI_BIN")" && pwd -P)/$(basename "$CRMPI_BIN")"
export CRMPI_BIN
PATH="$PATH:/usr/sbin:/sbin"
for tool in slurmctld slurmd sbatch scontrol; do
  command -v "$tool" >/dev/null 2>&1 || skip "Slurm not installed ('$tool' missing; scripts/setup-deps.sh installs slurm-wlm)"
done
command -v mpirun >/dev/null 2>&1 || { say "ERROR: mpirun not found (openmpi-bin)"; exit 1; }
[[ "$(id -u)" -eq 0 ]] || skip "a local slurmd needs root"
unset "${!SLURM_@}" 2>/dev/null || true

made_scratch=0
if (($# >= 1)); then
  S="$1"; mkdir -p "$S"
else
  S="$(mktemp -d /tmp/crmpi-requeue.XXXXXX)"; made_scratch=1
fi
S="$(cd "$S" && pwd -P)"
CL="$S/slurm"
cleanup() {
  "$cluster_sh" stop "$CL" >/dev/null 2>&1 || true
  if ((made_scratch)) && [[ "${CRMPI_TEST_KEEP:-0}" != 1 ]] && ((failed == 0)); then rm -rf "$S"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! start_out="$("$cluster_sh" start "$CL" 2>"$S/cluster-start.log")"; then
  cat "$S/cluster-start.log"
  skip "the local Slurm daemons did not come up (see above and $CL/log)"
fi
eval "$start_out"

export OMPI_MCA_io=ompio OMPI_MCA_fbtl_posix_read_datasieving=0
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
data="$S/data.h5"
if ! timeout 300 mpirun --oversubscribe -n 2 "$CRMPI_BIN" generate --customers 3000 --seed 7 --out "$data" \
     >"$S/generate.log" 2>&1; then
  tail -n 20 "$S/generate.log"; say "ERROR: crmpi generate failed"; exit 1
fi
# The same options for the job and the undisturbed reference; the fast CLV models keep it short.
printf 'input = "%s"\nout = "%s"\n[clv]\nmodels = ["bgnbd", "gg"]\n[report]\nreport = false\n' "$data" "$S/out" >"$S/q.toml"
if ! timeout 300 mpirun --oversubscribe -n 2 "$CRMPI_BIN" run --config "$S/q.toml" --out "$S/ref" >"$S/ref.log" 2>&1; then
  tail -n 20 "$S/ref.log"; say "ERROR: the undisturbed reference run failed"; exit 1
fi

job="$(cd "$S" && CRMPI_FAULT_RANK=0 CRMPI_FAULT_STAGE=clv CRMPI_FAULT_ACTION=stall \
         sbatch --parsable --time=1 --signal=USR1@50 --output="$S/job-%j.out" --nodes=1 --ntasks-per-node=2 \
         "$sbatch_script" "$S/q.toml" 2>"$S/sbatch.err")"
job="${job%%;*}"
[[ "$job" =~ ^[0-9]+$ ]] || { cat "$S/sbatch.err"; say "ERROR: sbatch gave no job id"; exit 1; }
say "job $job submitted (--time=1 --signal=USR1@50, rank 0 stalls in clv until the signal)"

state="" restarts=0 released=0
for ((t = 0; t < 240; t += 1)); do
  info="$(scontrol show job -o "$job" 2>/dev/null)"
  state="$(sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' <<<"$info")"
  restarts="$(sed -n 's/.* Restarts=\([0-9]*\).*/\1/p' <<<"$info")"
  case "$state" in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE) break ;; esac
  # Released only once the first run has left the node: started while slurmd is still killing the
  # old run, the new run is refused ("Job credential revoked") and the job ends FAILED (seen under
  # load: requeue, release and start within 0.6 s).
  if [[ "$state" == PENDING && "${restarts:-0}" -ge 1 && "$info" == *Reason=BeginTime* ]] && ((released < 3)) &&
     ! pgrep -f "slurmstepd: \[$job\." >/dev/null 2>&1; then
    sleep 1
    scontrol update JobId="$job" StartTime=now >/dev/null 2>&1 && released=$((released + 1))
  fi
  sleep 1
done
log="$S/job-$job.out"
say "job $job: $state, Restarts=$restarts after ${t}s"
exit_code="$(scontrol show job -o "$job" 2>/dev/null | sed -n 's/.* ExitCode=\([0-9:]*\).*/\1/p')"

if [[ "$state" == COMPLETED && "$exit_code" == 0:0 && "${restarts:-0}" -ge 1 ]]; then
  ok "the job completed (exit 0:0) after $restarts requeue(s)"
else
  [[ -f "$log" ]] && tail -n 40 "$log"
  bad "job state $state, exit $exit_code, restarts $restarts (want COMPLETED, 0:0, >= 1)"
fi
if grep -q "stopped by a signal before the kmeans stage" "$log" \
   && grep -q "stopped at the warning signal (exit 75): requeueing" "$log" \
   && grep -q "restarts=1" "$log" \
   && grep -q "resumed from $S/out/checkpoints/: rfm, clv (" "$log"; then
  ok "the first run finished clv and stopped before kmeans at the signal (exit 75), the requeued run resumed rfm, clv"
else
  grep -v '^\[' "$log" | tail -n 30
  bad "the job log lacks the stop before kmeans, the requeue or the resume of rfm, clv"
fi
if [[ -f "$S/out/results.h5" ]] && "$PY" "$repo/tests/e2e/h5compare.py" "$S/ref/results.h5" "$S/out/results.h5" >"$S/compare.log" 2>&1 \
   && diff -r -q "$S/ref/csv" "$S/out/csv" >>"$S/compare.log" 2>&1; then
  ok "results after the requeue equal the undisturbed run's ($(tail -n 1 "$S/compare.log"))"
else
  tail -n 20 "$S/compare.log"
  bad "results after the requeue differ from the undisturbed run's"
fi
say "scratch: $S"
((failed == 0))
