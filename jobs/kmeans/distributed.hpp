// The kmeans stage's distributed algorithm (distributed.cpp), apart from its logging and I/O: one
// k-means run over the ranks' points and its metrics. Kept free of HDF5, spdlog and toml++ so that
// bench/smpi builds it with SimGrid's smpicxx too; kmeans_stage.hpp includes it, and the stage
// (kmeans_stage.cpp) logs what a fit returns.
#pragma once

#include <cstdint>
#include <vector>

#include "comm/comm.hpp"
#include "kernels/kmeans/kmeans.hpp"

namespace crmpi::kmeans_job {

enum class Init : std::uint8_t { kParallel, kPlusPlus };

// One distributed k-means run (distributed.cpp).
struct FitParams {
  std::size_t k = 8;
  std::uint64_t seed = 1;
  std::uint32_t max_iter = 100;
  double tol = 1e-4;  // stop when |inertia_prev - inertia| <= tol * inertia_prev
  kmeans::StepKind step = kmeans::StepKind::kNaive;
  Init init = Init::kParallel;
  std::uint32_t init_rounds = 5;
  double oversampling = 0;  // k-means|| l; 0: 2k
};

struct FitResult {
  std::size_t k = 0, d = 0;
  std::vector<float> init_centroids;  // k x d
  std::vector<float> centroids;       // k x d, final
  std::vector<std::uint32_t> labels;  // this rank's points: nearest final centroid
  std::vector<float> dist2;           // this rank's points: squared distance to it
  kmeans::ClusterStats global;        // reduced statistics of that final assignment
  std::vector<kmeans::IterationStats> iterations;
  double inertia = 0;
  bool converged = false;
  std::uint64_t candidates = 0;           // k-means|| candidate set size (0 for k-means++)
  std::uint64_t bytes_per_iteration = 0;  // sent by each rank per Lloyd iteration (the allreduce)
  std::uint64_t far_gathers = 0;          // iterations that also gathered far points (empty clusters)
  // The Lloyd loop's time on this rank by Stopwatch (assignment steps, allreduces, updates; every
  // rank waits for the others in each allreduce, so rank 0's figure is the loop's). A report only.
  double loop_seconds = 0;
};

// Collective. p: this rank's points (any number, 0 included); the same bits at any rank count.
// Throws DataError when the points have fewer than k distinct positions. lend: empty, or p.x's own
// memory, lent to the Lloyd step (make_step's lent form: its tiles made in place, no copy of the
// slice); the rows are rows again when the call returns or throws, and the results are the same.
FitResult fit(const Comm& comm, const kmeans::PointSet& p, const FitParams& params, std::span<float> lend = {});

// fit() is these two, in this order (bench/smpi/kmeans_scaling times them apart). Collective.
//   initial_centroids: validates p, then k-means|| or k-means++ (params.init): k x d centroids;
//                      candidates: the k-means|| candidate set's size (left alone by k-means++)
//   lloyd:             the Lloyd loop from `init`, then the final assignment and its statistics
std::vector<float> initial_centroids(const Comm& comm, const kmeans::PointSet& p, const FitParams& params,
                                     std::uint64_t& candidates);
FitResult lloyd(const Comm& comm, const kmeans::PointSet& p, const FitParams& params, std::vector<float> init,
                std::uint64_t candidates, std::span<float> lend = {});

struct Scores {
  double calinski_harabasz = 0, davies_bouldin = 0, silhouette = 0;
  std::uint64_t sampled = 0;
};
// Collective: CH and DB over all points, silhouette over the keyed sample (rate in [0, 1]).
Scores score(const Comm& comm, const kmeans::PointSet& p, const FitResult& f, std::uint64_t seed, double rate);

}  // namespace crmpi::kmeans_job
