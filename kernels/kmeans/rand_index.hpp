// Adjusted Rand index (Hubert & Arabie 1985) between two labelings of the same points: how well
// k-means recovers planted personas (and the tests' planted blobs). Like the other metrics it is
// split into a reducible local part, a contingency table of integer counts that ranks sum
// element-wise, and a finish on the reduced table, so it does not depend on the partition.
//
// With the table n_ij (points labelled i by the first labeling and j by the second), row sums a_i,
// column sums b_j, n points and C(m) = m (m - 1) / 2:
//   index = sum_ij C(n_ij),  A = sum_i C(a_i),  B = sum_j C(b_j),  E = A B / C(n)
//   ARI = (index - E) / ((A + B) / 2 - E)
// index, A, B and C(n) are exact 128-bit integers; the formula is then evaluated in double. ARI is
// 1.0 when the labelings are the same partition (index = A = B, which covers n <= 1 and "both
// all-singletons" / "both one cluster", as sklearn.metrics.adjusted_rand_score returns 1.0 there).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace crmpi::kmeans {

struct Contingency {
  std::size_t rows = 0, cols = 0;
  std::vector<std::uint64_t> n;  // rows x cols, row-major

  void reset(std::size_t rows_, std::size_t cols_);
  // One point per pair (a[i], b[i]); labels must be below rows and cols (std::invalid_argument).
  void add(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b);
  void merge(const Contingency& other);  // element-wise sum (same shape)
};

double adjusted_rand_index(const Contingency& t);

// Convenience for one process: any label values (compacted first).
double adjusted_rand_index(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b);

}  // namespace crmpi::kmeans
