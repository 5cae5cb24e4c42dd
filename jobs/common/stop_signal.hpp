// Stopping cleanly at a warning signal (`crmpi run`; Slurm's --signal before the time limit,
// scripts/slurm/quarterly.sbatch). The handler only sets a flag; the runner asks every rank at
// each stage boundary (one collective), so all ranks stop at the same point: after the stage in
// progress has finished and written its checkpoint. The job then exits with kStoppedExitCode and
// a later `crmpi run --resume` continues from the checkpoints (docs/RELIABILITY.md).
#pragma once

#include "comm/comm.hpp"

namespace crmpi {

// EX_TEMPFAIL (sysexits: "try again later"): the batch script requeues the job on it.
inline constexpr int kStoppedExitCode = 75;

// SIGUSR1 and SIGTERM set the flag (Slurm sends SIGTERM at the time limit itself, and at
// preemption or scancel; SIGKILL follows after its KillWait).
void install_stop_signal_handlers();
// Whether this rank has received one (local, no communication).
bool stop_signal_received();
// Collective: whether any rank has.
bool stop_requested(const Comm& comm);

}  // namespace crmpi
