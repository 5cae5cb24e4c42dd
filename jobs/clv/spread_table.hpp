// The CLV stage's distributed fit, apart from its logging and I/O: the collapsed tables spread
// over the ranks, the exact reduction the fits evaluate through, and the two choices fits.cpp makes
// around the kernels' fits (Pareto/NBD's start, the Gamma-Gamma rows). Implemented in tables.cpp.
// Kept free of HDF5, spdlog and toml++ so that bench/smpi builds it with SimGrid's smpicxx too.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "comm/comm.hpp"
#include "kernels/clv/fit.hpp"
#include "kernels/clv/types.hpp"

namespace crmpi {

// A collapsed table spread over the ranks: every distinct key on exactly one rank with its total
// count; this rank's rows sorted by run, then key. A run holds rows of one x: the rows of an x are
// cut into buckets by a hash of the rest of the key (t_x and T; the mean spend), as many buckets
// as the x's customers (all ranks) need at kRunCustomers a bucket, at most kMaxRunsPerX. Runs lie
// whole on one rank (a sample sort by run key, comm/shuffle.hpp), so they, and the exact sums
// over them, are the same at any rank count. Collective.
inline constexpr std::uint64_t kRunCustomers = 4096;
inline constexpr std::uint64_t kMaxRunsPerX = 65536;

template <class Row>
struct SpreadTable {
  std::vector<Row> rows;            // this rank's, sorted by run, then key
  std::vector<std::size_t> run_end;  // runs: [run_end[k-1], run_end[k])
  std::uint64_t total_rows = 0, total_customers = 0, total_runs = 0;  // all ranks
};
// From this rank's collapsed rows (collapse_triples / collapse_spend). run_customers: the
// customers a bucket is sized for (tests use small ones to get many runs).
SpreadTable<clv::Triple> spread_triples(const Comm& comm, std::vector<clv::Triple>&& local,
                                        std::uint64_t run_customers = kRunCustomers);
SpreadTable<clv::SpendPair> spread_spend(const Comm& comm, std::vector<clv::SpendPair>&& local,
                                         std::uint64_t run_customers = kRunCustomers);
// The fits' reduction across the communicator's ranks (kernels/clv/fit.hpp): allreduce_exact.
// The returned function refers to comm.
clv::ReduceSums reduce_over(const Comm& comm);

// Pareto/NBD's options when the same table's BG/NBD fit is at hand (nullptr: none): it starts from
// BG/NBD's purchase-rate estimates when that fit converged (the same Gamma(r, alpha) rate model:
// fewer iterations, and line searches stay near the optimum).
clv::FitOptions pareto_nbd_options(const clv::FitResult* bgnbd);

// The Gamma-Gamma table: this rank's repeat customers of the calibration period with a positive
// mean spend (in_calibration[i], x[i] > 0, mean_spend[i] > 0), one row each, collapsed and spread.
SpreadTable<clv::SpendPair> spread_repeat_spend(const Comm& comm, std::span<const std::uint8_t> in_calibration,
                                                std::span<const double> x, std::span<const double> mean_spend);

}  // namespace crmpi
