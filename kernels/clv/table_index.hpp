// Structure-of-arrays views of a collapsed table, built once per fit (not per evaluation), that
// let the likelihoods compute every term depending on x alone once per distinct x and every term
// in t_x or T once per distinct time value:
//  - rows are split into runs of equal x (a collapsed table is sorted by x, so one run per
//    distinct x: a few hundred at most);
//  - t_x and T values are replaced by indices into one sorted array of their distinct values
//    (they lie on a day grid: at most a few thousand values), so log(alpha + u), 1/(alpha + u),
//    ... are a small per-evaluation table lookup.
// Evaluations sum each run's rows in double and add the runs' sums exactly (likelihood_sums.hpp):
// the result depends on the runs alone. A table spread over ranks is cut into runs the same way
// at any rank count (jobs/clv/tables.cpp), each run whole on one rank; the explicit-run
// constructors take those runs (several consecutive runs may then share one x).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/clv/types.hpp"

namespace crmpi::clv {

struct TripleIndex {
  std::vector<double> run_x;         // x of each run
  std::vector<std::size_t> run_end;  // rows of run k: [run_end[k-1], run_end[k]) (run_end[-1] = 0)
  std::vector<double> u;             // distinct t_x and T values, ascending
  std::vector<std::uint32_t> i_tx, i_T;  // per row: index of t_x and T in u
  std::vector<double> w;             // per row: count
  std::uint64_t customers = 0;

  explicit TripleIndex(std::span<const Triple> table);
  // Rows [run_end[k-1], run_end[k]) form run k (run_end ascending, ending at the table's size;
  // every row of a run has the same x, else DataError).
  TripleIndex(std::span<const Triple> table, std::span<const std::size_t> run_end);
  std::size_t rows() const { return w.size(); }
  std::size_t run_begin(std::size_t k) const { return k == 0 ? 0 : run_end[k - 1]; }
};

struct SpendIndex {
  std::vector<double> run_x;
  std::vector<std::size_t> run_end;
  std::vector<double> z, log_z, w;  // per row: mean spend, its log, count
  std::uint64_t customers = 0;

  explicit SpendIndex(std::span<const SpendPair> table);
  SpendIndex(std::span<const SpendPair> table, std::span<const std::size_t> run_end);
  std::size_t rows() const { return w.size(); }
  std::size_t run_begin(std::size_t k) const { return k == 0 ? 0 : run_end[k - 1]; }
};

}  // namespace crmpi::clv
