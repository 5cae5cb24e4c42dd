#include "kernels/kmeans/kmeanspp.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kernels/kmeans/keyed_rng.hpp"

namespace crmpi::kmeans {
namespace {

double d2(const float* a, const float* b, std::size_t d) {
  double s = 0;
  for (std::size_t j = 0; j < d; ++j) {
    const double diff = static_cast<double>(a[j]) - static_cast<double>(b[j]);
    s += diff * diff;
  }
  return s;
}

std::uint64_t check(std::span<const float> cand, std::size_t d, std::span<const std::uint64_t> weights, std::size_t k) {
  const std::size_t m = weights.size();
  if (d == 0 || cand.size() != m * d || k == 0 || m < k)
    throw std::invalid_argument("greedy_kmeanspp: need m >= k candidates of d coordinates");
  std::uint64_t wsum = 0;
  for (std::uint64_t w : weights) wsum += w;
  if (wsum == 0) throw std::invalid_argument("greedy_kmeanspp: all weights are zero");
  return wsum;
}

}  // namespace

std::size_t default_local_trials(std::size_t k) {
  return 2 + static_cast<std::size_t>(std::floor(std::log(static_cast<double>(k))));
}

PlusPlusResult greedy_kmeanspp(std::span<const float> cand, std::size_t d, std::span<const std::uint64_t> weights,
                               std::size_t k, std::uint64_t seed, std::size_t n_local_trials) {
  const std::uint64_t wsum = check(cand, d, weights, k);
  if (n_local_trials == 0) n_local_trials = default_local_trials(k);
  // First center: proportional to weight, by exact integer inverse CDF (target < wsum).
  const auto target = std::min(static_cast<std::uint64_t>(keyed_uniform(seed, kStreamPlusPlus, 0) * static_cast<double>(wsum)), wsum - 1);
  std::size_t first = 0;
  for (std::uint64_t cum = 0; first < weights.size(); ++first)
    if ((cum += weights[first]) > target) break;
  // Trial draws keyed by (step, trial): keys 1.. for steps >= 1, all distinct from the first's 0.
  std::vector<double> u((k - 1) * n_local_trials);
  for (std::size_t i = 0; i < u.size(); ++i) u[i] = keyed_uniform(seed, kStreamPlusPlus, n_local_trials + i);
  return greedy_kmeanspp_given(cand, d, weights, k, first, u, n_local_trials);
}

PlusPlusResult greedy_kmeanspp_given(std::span<const float> cand, std::size_t d, std::span<const std::uint64_t> weights,
                                     std::size_t k, std::size_t first, std::span<const double> trial_uniforms,
                                     std::size_t n_local_trials) {
  check(cand, d, weights, k);
  const std::size_t m = weights.size();
  if (first >= m || n_local_trials == 0 || trial_uniforms.size() != (k - 1) * n_local_trials)
    throw std::invalid_argument("greedy_kmeanspp_given: bad first index or number of draws");
  const float* x = cand.data();
  std::vector<double> w(m);
  for (std::size_t i = 0; i < m; ++i) w[i] = static_cast<double>(weights[i]);

  PlusPlusResult r;
  r.chosen.push_back(static_cast<std::uint32_t>(first));
  std::vector<double> closest(m), cum(m), trial_d(m), best_d(m);
  double pot = 0;
  for (std::size_t i = 0; i < m; ++i) {
    closest[i] = d2(x + i * d, x + first * d, d);
    pot += w[i] * closest[i];
  }
  for (std::size_t c = 1; c < k; ++c) {
    double acc = 0;  // sklearn: stable_cumsum(sample_weight * closest_dist_sq), in index order
    for (std::size_t i = 0; i < m; ++i) cum[i] = acc += w[i] * closest[i];
    double best_pot = 0;
    std::size_t best_id = 0;
    for (std::size_t t = 0; t < n_local_trials; ++t) {
      const double v = trial_uniforms[(c - 1) * n_local_trials + t] * pot;
      // First index whose cumulative sum exceeds v (see kmeanspp.hpp), clipped to m - 1 as sklearn.
      const auto pos = static_cast<std::size_t>(std::upper_bound(cum.begin(), cum.end(), v) - cum.begin());
      const std::size_t id = std::min(pos, m - 1);
      double p = 0;
      for (std::size_t i = 0; i < m; ++i) {
        trial_d[i] = std::min(closest[i], d2(x + i * d, x + id * d, d));
        p += w[i] * trial_d[i];
      }
      if (t == 0 || p < best_pot) {  // np.argmin: the first of equal potentials
        best_pot = p;
        best_id = id;
        best_d.swap(trial_d);
      }
    }
    r.chosen.push_back(static_cast<std::uint32_t>(best_id));
    closest.swap(best_d);
    pot = best_pot;
  }
  r.potential = pot;
  for (std::uint32_t i : r.chosen) r.centroids.insert(r.centroids.end(), x + i * d, x + (i + 1) * d);
  return r;
}

}  // namespace crmpi::kmeans
