// Greedy k-means++ seeding (Arthur & Vassilvitskii 2007) on a weighted point set: the last step of
// k-means||, run on the replicated candidate set with their weights, identical on every rank.
//
// As scikit-learn's _kmeans_plusplus (with sample weights, >= 1.3): the first center is drawn with
// probability proportional to weight; then, for each next center, n_local_trials candidates are
// drawn with probability proportional to weight * D^2 (D: distance to the nearest chosen center)
// and the one that leaves the smallest potential sum weight * D^2 is kept (first on a tie).
// (scikit-learn 1.2 has no weights and draws the first center uniformly: the same for unit
// weights. tests/unit/kmeans/test_init.cpp feeds greedy_kmeanspp_given the draws numpy made for
// sklearn 1.2.1 and gets sklearn's centers.) Default n_local_trials = 2 + floor(ln k). Differences, for determinism and robustness: the draws
// are keyed_uniform(seed, kStreamPlusPlus, key), key 0 for the first center and
// step * n_local_trials + trial after (all distinct); the inverse-CDF search takes the
// first index whose cumulative sum EXCEEDS the draw (numpy's side='right'), so a candidate that
// adds nothing is never drawn while another adds something; distances are direct differences in
// double, summed in index order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace crmpi::kmeans {

struct PlusPlusResult {
  std::vector<std::uint32_t> chosen;  // k indices into the candidate set, in the order chosen
  std::vector<float> centroids;       // k x d: the chosen candidates' rows
  double potential = 0;               // sum of weight * D^2 for the chosen centers
};

// cand: m x d row-major (m >= k, else std::invalid_argument), weights: m.
PlusPlusResult greedy_kmeanspp(std::span<const float> cand, std::size_t d, std::span<const std::uint64_t> weights,
                               std::size_t k, std::uint64_t seed, std::size_t n_local_trials = 0);

// The same algorithm with its draws given: the first center's index, and the uniforms in [0, 1)
// of the trials, (k - 1) * n_local_trials of them in order (step 1's trials first). The keyed
// version above is this with keyed draws; tests feed it the draws numpy made for scikit-learn.
PlusPlusResult greedy_kmeanspp_given(std::span<const float> cand, std::size_t d, std::span<const std::uint64_t> weights,
                                     std::size_t k, std::size_t first, std::span<const double> trial_uniforms,
                                     std::size_t n_local_trials);

// 2 + floor(ln k), scikit-learn's default number of local trials.
std::size_t default_local_trials(std::size_t k);

}  // namespace crmpi::kmeans
