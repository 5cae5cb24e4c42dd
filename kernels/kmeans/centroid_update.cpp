#include "kernels/kmeans/centroid_update.hpp"

#include <cmath>
#include <stdexcept>

namespace crmpi::kmeans {

CentroidUpdate update_centroids(const ClusterStats& g, std::span<const float> previous) {
  const std::size_t k = g.k, d = g.d;
  if (previous.size() != k * d) throw std::invalid_argument("update_centroids: previous centroids are not k x d");
  std::vector<std::uint64_t> count = g.count;
  std::vector<Int128> sum = g.sum;
  CentroidUpdate u;

  std::vector<std::uint32_t> empties;  // fixed before any relocation
  for (std::size_t c = 0; c < k; ++c)
    if (count[c] == 0) empties.push_back(static_cast<std::uint32_t>(c));
  std::size_t next = 0;
  for (std::uint32_t c : empties) {
    if (next == g.far.size()) break;
    const FarPoint& f = g.far[next++];
    --count[f.label];
    count[c] = 1;
    for (std::size_t j = 0; j < d; ++j) {
      const Int128 v = fixed_of_feature(f.x[j]);
      sum[f.label * d + j] -= v;
      sum[c * d + j] = v;
    }
    u.relocated.push_back(c);
  }

  u.centroids.assign(previous.begin(), previous.end());
  for (std::size_t c = 0; c < k; ++c) {
    if (count[c] == 0) {
      u.empty.push_back(static_cast<std::uint32_t>(c));
      continue;
    }
    const auto n = static_cast<double>(count[c]);
    for (std::size_t j = 0; j < d; ++j) u.centroids[c * d + j] = static_cast<float>(fixed_to_double(sum[c * d + j]) / n);
  }
  for (std::size_t c = 0; c < k; ++c) {
    double s = 0;
    for (std::size_t j = 0; j < d; ++j) {
      const double diff = static_cast<double>(u.centroids[c * d + j]) - static_cast<double>(previous[c * d + j]);
      s += diff * diff;
    }
    u.max_shift = std::fmax(u.max_shift, std::sqrt(s));
  }
  return u;
}

IterationStats iteration_stats(std::uint32_t iteration, const ClusterStats& g, const CentroidUpdate& u) {
  return {iteration, fixed_to_double(g.inertia()), g.changed, g.distances, u.relocated.size(), u.empty.size(), u.max_shift};
}

}  // namespace crmpi::kmeans
