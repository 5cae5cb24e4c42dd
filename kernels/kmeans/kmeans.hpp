// crmpi::kmeans: the local compute of distributed k-means segmentation. Pure functions and small
// classes over plain data (no MPI, no I/O): an MPI driver calls them on each rank's slice and
// reduces what they return with exact integer sums, so results are identical bit for bit at any
// rank count.
//
// Pieces:
//   points.hpp          PointSet (float32 features, n x d row-major, customer ids), PointRows.
//   distance_kernels.hpp  the float distance and nearest-centroid loops (scalar, AVX2 + FMA).
//   lloyd_step.hpp      NaiveStep, HamerlyStep: one assignment pass and its ClusterStats.
//   cluster_stats.hpp   counts, fixed-point sums, far points; merge, pack for MPI.
//   centroid_update.hpp next centroids, the empty-cluster rule, IterationStats.
//   parallel_init.hpp   k-means|| local parts; kmeanspp.hpp greedy k-means++ on the candidates.
//   metrics.hpp         inertia, Calinski-Harabasz, Davies-Bouldin; silhouette.hpp (sampled);
//                       rand_index.hpp (adjusted Rand index from a reducible contingency table).
//   keyed_rng.hpp       random draws keyed by (seed, purpose, customer id), never by rank.
//
// Why the results do not depend on the partition:
//   - a point's distances, label and squared distance are a function of the point and the
//     centroids only (vectorised over centroids; the same IEEE operations on every path);
//   - Hamerly skips only when conservative bounds prove the naive label unchanged;
//   - per-cluster statistics are exact integers (fixed point, no overflow below the limits of
//     fixed_point.hpp), so their sum is the same in any order and grouping;
//   - the next centroids, metrics and k-means++ are pure functions of reduced or replicated data
//     (replicated rows in customer-id order), and ties break by centroid index or customer id;
//   - random draws are keyed by customer id.
// The rules, in one place (each documented where it is implemented):
//   - Data: points float32, row-major n x d (d <= 64, |x| <= 2^24, finite); centroids float32
//     k x d, each the exact mean rounded once to float (centroid_update.hpp).
//   - Distances: direct differences (x - c)^2 accumulated with FMA in float32 on every path; no
//     ||x||^2 - 2 x.c + ||c||^2 expansion (distance_kernels.hpp).
//   - Ties: nearest centroid = lowest index among equal float distances; far points and first
//     center by (value, customer id); k-means++ trials: first of equal potentials.
//   - Exact sums: fixed point at 2^-32 in 128-bit integers, counts int64; no overflow up to 2^38
//     points per reduction (fixed_point.hpp); inertia too (ClusterStats::sse). A step keeps its
//     slice's coordinate sums and counts between steps and moves only the points whose label
//     changed (RunningSums, cluster_stats.hpp): exact, so the same integers as a fresh sum.
//   - Empty clusters: refilled, in index order, by the farthest points of the step (largest
//     squared distance, then lowest customer id); a cluster still empty keeps its old centroid
//     (centroid_update.hpp).
//   - Draws: keyed by (seed, purpose, customer id) (keyed_rng.hpp).
// Preconditions (true of any normal build and run; the IEEE determinism rests on them): the
// default floating-point environment (round to nearest, no flush-to-zero / denormals-are-zero)
// on every rank, and no -ffast-math (kernels/kmeans builds with -ffp-contract=off). Ranks may mix
// CPUs with and without AVX2: both paths give the same bits.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/kmeans/centroid_update.hpp"
#include "kernels/kmeans/cluster_stats.hpp"
#include "kernels/kmeans/keyed_rng.hpp"
#include "kernels/kmeans/kmeanspp.hpp"
#include "kernels/kmeans/lloyd_step.hpp"
#include "kernels/kmeans/metrics.hpp"
#include "kernels/kmeans/parallel_init.hpp"
#include "kernels/kmeans/points.hpp"
#include "kernels/kmeans/rand_index.hpp"
#include "kernels/kmeans/silhouette.hpp"

namespace crmpi::kmeans {

// Everything a k-means run needs, in one place (cf. faiss ClusteringParameters). Defaults are
// what the driver uses unless configured.
struct KMeansParams {
  std::size_t k = 8;                      // clusters
  std::uint32_t max_iter = 100;           // Lloyd iterations at most
  double shift_tol = 0;                   // stop when max centroid shift <= this (0: only when no label changes)
  StepKind step = StepKind::kNaive;       // kHamerly: same labels, fewer distances, slower at k <= 32
  std::uint64_t seed = 1;                 // every random draw: keyed_rng.hpp
  std::uint32_t init_rounds = 5;          // k-means|| rounds (Bahmani et al. find 5 enough)
  double oversampling = 0;                // k-means|| l; 0 means 2 k
  std::size_t n_local_trials = 0;         // greedy k-means++ trials; 0 means 2 + floor(ln k)
  double silhouette_rate = 0;             // share of customers in the silhouette sample; 0: none
};

}  // namespace crmpi::kmeans
