// Silhouette (Rousseeuw 1987) on a deterministic sample: all-pairs distances are out of reach for
// every customer, so the score is computed on a sample whose membership is keyed by customer id
// (keyed_uniform(seed, kStreamSilhouette, id) < rate): the same customers whatever the partition.
// The sample is gathered and replicated in id order; each rank may then take any share of its rows
// [begin, end): a row's value depends only on the replicated sample, and the partial sums are fixed
// point, so the score is the same bits however the rows are split.
//
// For sample row i in cluster A (as sklearn.metrics.silhouette_samples): a = mean distance to the
// other rows of A, b = min over other clusters B present in the sample of the mean distance to B's
// rows, s = (b - a) / max(a, b); s = 0 when A has no other row in the sample, when a = b = 0, or
// when no other cluster is present. Distances: Euclidean, in double, summed in row order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "kernels/kmeans/fixed_point.hpp"
#include "kernels/kmeans/points.hpp"

namespace crmpi::kmeans {

// This slice's sampled points with their labels (gather, append, sort_by_id: the replicated sample).
PointRows silhouette_sample_local(const PointSet& p, std::span<const std::uint32_t> labels, std::uint64_t seed,
                                  double rate);

struct SilhouettePartial {
  Int128 sum = 0;           // sum of s(i), fixed point
  std::uint64_t count = 0;  // rows summed
};

// Rows [begin, end) of the replicated sample (labels < k).
SilhouettePartial silhouette_partial(const PointRows& sample, std::size_t k, std::size_t begin, std::size_t end);
// Combine partials (exact), then the mean; NaN for no rows.
void merge_into(SilhouettePartial& into, const SilhouettePartial& from);
double silhouette_score(const SilhouettePartial& total);

}  // namespace crmpi::kmeans
