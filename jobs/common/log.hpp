// Logging for MPI jobs: rank 0 tells the story (stages, counts, throughput, ETA); other ranks
// speak only for warnings and errors, prefixed with their rank.
#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "comm/comm.hpp"
#include "kernels/common/stopwatch.hpp"

namespace crmpi {

void setup_logging(const Comm& comm, const std::string& level);

// Progress of one stage on this rank, logged by rank 0 at most every `interval` seconds:
// "generate: 41% (4.1M/10.0M customers), 2.3M orders/s, ETA 12s". Rank 0's share stands in for
// the job (partitions are balanced).
class Progress {
 public:
  Progress(const Comm& comm, std::string stage, std::uint64_t total, std::string unit, double interval_s = 5.0);
  void update(std::uint64_t done, std::uint64_t work_units = 0, const char* work_name = nullptr);
  double seconds() const;

 private:
  bool log_;
  std::string stage_, unit_;
  std::uint64_t total_;
  double interval_;
  std::chrono::steady_clock::time_point start_, last_;
};

std::string human_count(double v);  // 12.3M, 4.5k

// Resident memory of this process (Linux): peak so far (getrusage) and now (/proc/self/statm).
std::uint64_t peak_rss_bytes();
std::uint64_t current_rss_bytes();

// Logs "memory on rank N: peak RSS, above the baseline, vs the rank's slice of the data", one
// line a rank, then the largest rank's again ("memory on rank N (largest)", with several ranks):
// the figures behind the "peak memory per rank <= 1.5x its slice" target. slice_bytes 0: a job
// without an input slice (generate). Collective.
void log_memory_use(const Comm& comm, const char* stage, std::uint64_t baseline_rss, std::uint64_t slice_bytes);

// The communication of one part of a job, from the communicator layer's counters
// (comm/comm.hpp, CommTraffic): counted from construction; log() writes "<what>: communication:
// rank 0 sent B in N calls, S s in MPI; the largest rank B', S'". Collective (log).
class CommMeter {
 public:
  CommMeter() : start_(Comm::traffic()) {}
  void log(const Comm& comm, const std::string& what) const;

 private:
  CommTraffic start_;
};

}  // namespace crmpi
