#include "jobs/common/stop_signal.hpp"

#include <csignal>
#include <string>

#include "jobs/common/job_common.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

namespace {

volatile std::sig_atomic_t g_stop = 0;  // the only thing a handler may safely touch
bool g_allowed = false;

extern "C" void on_stop_signal(int) { g_stop = 1; }

}  // namespace

namespace {
void set_flag_on(int signal) {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // MPI's and HDF5's system calls carry on
  sigaction(signal, &sa, nullptr);
}
}  // namespace

void install_stop_signal_handlers() {
  set_flag_on(SIGUSR1);
  set_flag_on(SIGTERM);
}

void note_warning_signal() { set_flag_on(SIGUSR1); }

bool stop_signal_received() { return g_stop != 0; }

bool stop_requested(const Comm& comm) { return comm.allreduce_or(stop_signal_received()); }

void allow_stops(bool allowed) { g_allowed = allowed; }
bool stops_allowed() { return g_allowed; }

void stop_point(const Comm& comm, const char* stage) {
  if (!g_allowed || !stop_requested(comm)) return;
  throw CollectiveError(static_cast<ExitCode>(kStoppedExitCode),
                        std::string("stopped by a signal in the ") + stage +
                            " stage, abandoning it; the stages before it are checkpointed: `crmpi run --resume` "
                            "with the same options continues from them");
}

}  // namespace crmpi
