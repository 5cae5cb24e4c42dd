#include "jobs/common/stop_signal.hpp"

#include <csignal>

namespace crmpi {

namespace {

volatile std::sig_atomic_t g_stop = 0;  // the only thing a handler may safely touch

extern "C" void on_stop_signal(int) { g_stop = 1; }

}  // namespace

void install_stop_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // MPI's and HDF5's system calls carry on
  sigaction(SIGUSR1, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool stop_signal_received() { return g_stop != 0; }

bool stop_requested(const Comm& comm) { return comm.allreduce_or(stop_signal_received()); }

}  // namespace crmpi
