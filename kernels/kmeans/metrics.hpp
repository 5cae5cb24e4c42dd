// Model-selection metrics for choosing k, each split into a local pass that reduces exactly and a
// finish computed from reduced values (the same bits on every rank). Definitions follow
// scikit-learn (sklearn.metrics), with the clusters that have members as the labels present.
//
//   inertia            sum of squared distances to the step's centroids: ClusterStats::inertia().
//   Calinski-Harabasz  [B / (k - 1)] / [W / (n - k)] (Calinski & Harabasz 1974), with the cluster
//                      means m_c, the global mean mu, B = sum_c n_c |m_c - mu|^2 and
//                      W = sum_i |x_i - m_{c(i)}|^2; 1 when W = 0; NaN unless 2 <= k <= n - 1.
//   Davies-Bouldin     mean_c max_{c' != c} (S_c + S_c') / |m_c - m_c'| (Davies & Bouldin 1979),
//                      S_c = mean |x_i - m_c| over the cluster; a zero centroid distance counts
//                      as infinite; 0 when every S_c is 0 or every centroid distance is 0.
//   silhouette         silhouette.hpp (on a keyed sample).
//
// Pass: the final step's labels and ClusterStats give the means (cluster_means, from the exact
// sums); dispersion_local sums |x - m_c| and |x - m_c|^2 per cluster in fixed point, in double
// from the float point and the double mean.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/kmeans/cluster_stats.hpp"
#include "kernels/kmeans/fixed_point.hpp"
#include "kernels/kmeans/points.hpp"

namespace crmpi::kmeans {

// Means of the clusters in double (k x d) from reduced statistics; NaN rows for empty clusters.
std::vector<double> cluster_means(const ClusterStats& global);

struct Dispersion {
  std::size_t k = 0;
  std::vector<std::uint64_t> count;  // k
  std::vector<Int128> dist;          // k: sum of |x - m_c|, fixed point
  std::vector<Int128> dist2;         // k: sum of |x - m_c|^2, fixed point
  void reset(std::size_t k_);
};

Dispersion dispersion_local(const PointSet& p, std::span<const std::uint32_t> labels, std::span<const double> means,
                            std::size_t k);
void merge_into(Dispersion& into, const Dispersion& from);
std::vector<std::int64_t> pack_sums(const Dispersion& s);                 // for an integer MPI_SUM
void unpack_sums(std::span<const std::int64_t> packed, Dispersion& s);  // s: reset to k first

// From reduced statistics and dispersion of the same labels.
double calinski_harabasz(const ClusterStats& global, const Dispersion& disp);
double davies_bouldin(const ClusterStats& global, const Dispersion& disp);

}  // namespace crmpi::kmeans
