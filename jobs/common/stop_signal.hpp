// Stopping cleanly at a warning signal (`crmpi run`; Slurm's --signal before the time limit,
// scripts/slurm/quarterly.sbatch). The handler only sets a flag; once the run has computed a
// stage (allow_stops), every rank asks at each stage boundary and at the safe points inside long
// stages (one collective each), so all ranks stop at the same point: after the stage in progress
// has finished and written its checkpoint, or at a safe point, abandoning that stage
// (stop_point). The job then exits with kStoppedExitCode and a later `crmpi run --resume`
// continues from the checkpoints (docs/RELIABILITY.md).
#pragma once

#include "comm/comm.hpp"

namespace crmpi {

// EX_TEMPFAIL (sysexits: "try again later"): the batch script requeues the job on it.
// (Kept out of ExitCode in kernels/common/errors.hpp: only `crmpi run` gives it.)
inline constexpr int kStoppedExitCode = 75;

// SIGUSR1 and SIGTERM set the flag (Slurm sends SIGTERM at the time limit itself, and at
// preemption or scancel; SIGKILL follows after its KillWait).
void install_stop_signal_handlers();
// Every command, first thing: SIGUSR1 only sets the flag. Its default action ends the process, so
// a command that cannot stop cleanly (ingest, rfm, ..., `run --no-checkpoints`), submitted with
// the batch script's --signal=USR1@600, died at the warning with exit 138 and its work lost, ten
// minutes before the limit it might have finished within. Such a command never acts on the flag
// (only `crmpi run` with checkpoints does, install_stop_signal_handlers): it carries on to its end
// or to the limit. SIGTERM keeps its default (the limit itself, scancel) outside `crmpi run`.
void note_warning_signal();
// Whether this rank has received one (local, no communication).
bool stop_signal_received();
// Collective: whether any rank has.
bool stop_requested(const Comm& comm);
// Collective, at a safe point inside a long stage (a loop every rank runs the same number of
// times: the CLV models, the k-means fits, the per-segment rule mining): when a stop signal came,
// abandons the stage, a CollectiveError with kStoppedExitCode; its checkpoint is not written and
// a resume computes it again. Otherwise one small allreduce. Inert until the runner allows it.
void stop_point(const Comm& comm, const char* stage);
// The runner allows stops (set the same on every rank) once this run has computed a stage: a run
// always completes one stage before it stops, so a job requeued at every warning (a time limit
// shorter than the warning's lead) still progresses instead of stopping where it began.
void allow_stops(bool allowed);
bool stops_allowed();

}  // namespace crmpi
