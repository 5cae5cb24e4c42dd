// The next centroids from the reduced statistics, with the empty-cluster rule, and the record of
// one iteration. Pure functions of the reduced statistics: every rank computes the same bits.
//
// Centroid c = sum_c / count_c: the exact fixed-point sum rounded once to double, divided by
// 2^32 count_c in double, rounded to float.
//
// Empty-cluster rule (as scikit-learn's _relocate_empty_clusters): the clusters with count 0 in
// the reduced statistics, in increasing index, take the farthest points of the step in the order
// `farther` (largest squared distance to the point's own centroid; ties: lowest customer id). The
// global list is the merge of every rank's FarPoint list: each rank keeps its k farthest, and the
// global first e <= k - 1 are among them. A taken point leaves its cluster (its fixed-point
// coordinates and its count are subtracted there) and becomes the new cluster's only member, so
// its centroid is the point. A cluster with no member after this (a donor that lost its last
// point, or more clusters than points) keeps its previous centroid and is listed in `empty`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/kmeans/cluster_stats.hpp"

namespace crmpi::kmeans {

struct CentroidUpdate {
  std::vector<float> centroids;          // k x d
  std::vector<std::uint32_t> relocated;  // clusters that were empty and took a far point
  std::vector<std::uint32_t> empty;      // clusters with no member after the rule (previous centroid kept)
  double max_shift = 0;                  // largest Euclidean centroid movement, in double
};

// global: statistics reduced over all ranks (far merged too); previous: the step's k x d centroids.
CentroidUpdate update_centroids(const ClusterStats& global, std::span<const float> previous);

// One Lloyd iteration as a driver logs it (cf. faiss ClusteringIterationStats): the same on every
// rank, since it comes from reduced statistics only.
struct IterationStats {
  std::uint32_t iteration = 0;
  double inertia = 0;           // sum of squared distances to the step's centroids (exact sum, rounded once)
  std::uint64_t changed = 0;    // points whose cluster changed
  std::uint64_t distances = 0;  // point-centroid distances computed over all ranks
  std::size_t relocated = 0;    // empty clusters refilled
  std::size_t empty = 0;        // clusters left empty
  double max_shift = 0;         // largest centroid movement
};

IterationStats iteration_stats(std::uint32_t iteration, const ClusterStats& global, const CentroidUpdate& u);

}  // namespace crmpi::kmeans
