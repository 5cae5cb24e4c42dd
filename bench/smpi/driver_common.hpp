// What the SMPI drivers (rfm_scaling, clv_scaling, kmeans_scaling, rules_scaling) share beside
// their command line (driver_args.hpp): untimed synthesis, uncounted barriers, a window over
// Comm::traffic(), the block partition of the global customers (or baskets), and main().
#pragma once

#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>

#include "bench/smpi/driver_args.hpp"
#include "comm/comm.hpp"
#ifndef CRMPI_SMPI
#include "jobs/common/heap_policy.hpp"
#endif

namespace crmpi::smpi_bench {

// Untimed under SMPI: the simulated clock does not advance while a driver synthesises input.
struct UntimedScope {
#ifdef CRMPI_SMPI
  UntimedScope() { smpi_bench_end(); }
  ~UntimedScope() { smpi_bench_begin(); }
#endif
};

// Barriers that Comm::traffic() does not count: the driver's own, around the phases.
inline void raw_barrier() { MPI_Barrier(MPI_COMM_WORLD); }

// Comm::traffic() over a phase, every rank's calls included. Under SMPI with
// smpi/privatization:no (smpi_common.sh; dlopen or mmap privatization copies or remaps the
// program's data per rank and made the simulation 2x slower) all simulated ranks share one process
// and so one set of counters, which each rank's difference then covers whole. Each snapshot is
// taken between two uncounted barriers, so no rank makes a counted call while any rank reads: a
// rank's difference is exactly its own calls (private counters) or every rank's (shared ones).
struct TrafficWindow {
  bool shared = false;  // the counters are the same object on every rank (a driver probes it)
  CommTraffic c0;
  CommTraffic snapshot() const {
    raw_barrier();
    const CommTraffic c = Comm::traffic();
    raw_barrier();
    return c;
  }
  void open() { c0 = snapshot(); }
  CommTraffic close() const {
    const CommTraffic c1 = snapshot();
    return {c1.calls - c0.calls, c1.bytes - c0.bytes, c1.seconds - c0.seconds};
  }
};

// Rank `rank`'s block of `total` global items over `ranks` ranks: the first total % ranks ranks
// hold one more. Items are keyed by their global index, so the data never depends on the split.
struct Block {
  std::uint64_t total, begin;
  std::size_t n;
};
inline Block block_of(bool weak, std::uint64_t per_rank_or_total, const Comm& comm) {
  const auto P = static_cast<std::uint64_t>(comm.size());
  const auto rk = static_cast<std::uint64_t>(comm.rank());
  const std::uint64_t total = weak ? per_rank_or_total * P : per_rank_or_total;
  const std::uint64_t base = total / P, extra = total % P;
  return {total, rk * base + std::min(rk, extra), static_cast<std::size_t>(base + (rk < extra ? 1 : 0))};
}

// A driver's main: MPI started and ended, a usage error ends every rank with 64 (they all parse
// the same arguments), anything else aborts the job with 70. keep_freed: the heap policy of crmpi's
// own main (jobs/cli/main.cpp), for drivers whose job code frees and reuses large buffers.
template <class Run>
int driver_main(const char* name, int argc, char** argv, Run run, bool keep_freed = true) {
#ifndef CRMPI_SMPI
  if (keep_freed) apply_heap_policy_from_environment();
#else
  (void)keep_freed;
#endif
  MpiSession mpi(argc, argv);
  try {
    return run(argc, argv);
  } catch (const UsageError& e) {
    if (Comm().is_root()) std::fprintf(stderr, "%s: %s\n", name, e.what());
    return 64;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", name, e.what());
    std::fflush(stderr);
    Comm().abort(70);
  }
}

}  // namespace crmpi::smpi_bench
