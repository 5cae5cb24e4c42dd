// k-means|| initialisation (Bahmani, Moseley, Vattani, Kumar, Vassilvitskii, "Scalable K-Means++",
// VLDB 2012): the parts a rank computes on its own slice. Every draw is keyed by customer id
// (keyed_rng.hpp), every cross-rank quantity is an exact integer, and the candidate set is
// replicated in id order, so the chosen centroids do not depend on the rank count.
//
// Driver outline (reductions in brackets):
//   1. pick = first_center_local(p, seed); [global arg-min by precedes()]: a uniform customer.
//   2. C = {pick}; phi = init.add_candidates(C, 0); [psi = exact sum of phi over ranks].
//   3. for round r < R (R ~ 5, or ~log psi): rows = init.select(seed, r, l, psi);
//      [gather rows, sort_by_id, append to C]; phi = init.add_candidates(C, old size); [psi = sum].
//   4. w = init.weights(); [element-wise integer sum]; greedy_kmeanspp(C, w, k, seed) on every rank.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/kmeans/distance_kernels.hpp"
#include "kernels/kmeans/fixed_point.hpp"
#include "kernels/kmeans/points.hpp"

namespace crmpi::kmeans {

// The slice's customer with the smallest keyed_hash(seed, kStreamFirstCenter, id).
struct KeyedPick {
  bool found = false;  // false for an empty slice
  std::uint64_t hash = 0, id = 0;
  std::array<float, kMaxDim> x{};
};
KeyedPick first_center_local(const PointSet& p, std::uint64_t seed);
// The order of the global arg-min: found before not found, then smaller (hash, id).
bool precedes(const KeyedPick& a, const KeyedPick& b);

class ParallelInit {
 public:
  explicit ParallelInit(PointSet p, Isa isa = best_isa());  // p validated, must outlive this

  // Takes candidates [first, m) of the replicated set (m x d row-major, all candidates so far;
  // first must equal the count taken before; m == first is a round that drew nobody) into each
  // point's cost, the squared float distance to its nearest candidate (ties: lowest index).
  // Returns the slice's total cost, fixed point.
  Int128 add_candidates(std::span<const float> candidates, std::size_t first);

  // Round `round`'s draws: point i is selected iff
  //   keyed_uniform(seed, stream_parallel_round(round), id_i) < min(1, l cost_i / total)
  // with total = the exact global cost (the sum over ranks of add_candidates' results). A point
  // already a candidate has cost 0 and is never drawn again.
  PointRows select(std::uint64_t seed, std::uint32_t round, double l, Int128 total_cost) const;

  // Per candidate: the slice's points whose nearest candidate it is (sum over ranks: the weights).
  std::vector<std::uint64_t> weights() const;

  std::span<const float> cost() const { return cost_; }
  std::span<const std::uint32_t> nearest_candidate() const { return near_; }
  std::size_t candidates() const { return m_; }

 private:
  PointSet pts_;
  Isa isa_;
  std::vector<float> cost_;
  std::vector<std::uint32_t> near_;
  std::size_t m_ = 0;
};

}  // namespace crmpi::kmeans
