// Stopwatch: seconds since construction on the monotonic clock, apart from log.hpp (which includes
// it) so that code without spdlog can time its phases, comm/'s traffic meter among them. It calls
// clock_gettime itself rather than std::chrono::steady_clock (the same clock, read inside
// libstdc++): under SimGrid's smpicxx, which turns clock_gettime into smpi_clock_gettime, the
// job's own phase times are then simulated time (bench/smpi).
#pragma once

#include <time.h>

namespace crmpi {

class Stopwatch {
 public:
  Stopwatch() : t0_(now()) {}
  double seconds() const { return now() - t0_; }

 private:
  static double now() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  }
  double t0_;
};

}  // namespace crmpi
