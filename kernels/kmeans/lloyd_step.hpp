// One Lloyd step (the assignment half of an iteration) over a rank's slice, as a small policy
// class (cf. mlpack's NaiveKMeans / HamerlyKMeans: Iterate() plus a distance counter). The
// update half is a separate pure function of the statistics reduced over all ranks
// (update_centroids), so a step never needs the other ranks' points.
//
// Contract, the same for every policy: after step(c), labels()[i] is the nearest centroid of point
// i (ties: lowest index) by the float distance of distance_kernels.hpp and dist2()[i] is that
// distance, bit for bit what NaiveStep computes; `out` holds the slice's statistics. Policies
// differ only in how many distances they compute (distances()).
//
//   NaiveStep:   every point against every centroid, blocks of `block` points: the block's
//                distances, then its statistics, while its rows are still in cache. On AVX-512
//                CPUs one fused pass per block of 2,048 over a transposed copy of the points
//                (distances, labels, moves and sse together: lloyd_kernels.hpp).
// Both keep the coordinate sums and counts from step to step (RunningSums, cluster_stats.hpp) and
// move only the points whose label changed: exact integers, so the statistics are the bits a
// from-scratch `accumulate` gives; only sse and the far points are recomputed for every point.
//   HamerlyStep: Hamerly (2010) bounds per point, an upper bound on the distance to its own
//                centroid and a lower bound on the distance to every other one, kept in double
//                and moved by the centroid shifts; it always recomputes the distance to the own
//                centroid (so dist2 and the statistics are exact) and scans all centroids only
//                for points whose bounds cannot prove the label unchanged (hamerly_step.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "kernels/kmeans/centroid_table.hpp"
#include "kernels/kmeans/cluster_stats.hpp"
#include "kernels/kmeans/distance_kernels.hpp"
#include "kernels/kmeans/points.hpp"

namespace crmpi::kmeans {

enum class StepKind { kNaive, kHamerly };

// How NaiveStep's fused AVX-512 loop lists the rows that changed cluster (lloyd_avx512.cpp): the
// same outputs either way, only the speed differs. kAuto chooses per step (lloyd_step.cpp).
enum class MoveListing { kAuto, kBranch, kBranchless };

struct StepConfig {
  Isa isa = best_isa();     // kScalar: the portable loop (same bits, slower); for tests and old CPUs
  std::size_t block = 256;  // points per block (the block's rows stay in L1 between distances and sums)
  MoveListing moves = MoveListing::kAuto;  // for tests and benchmarks of the two ways
};

inline constexpr std::uint32_t kNoLabel = 0xffffffffu;  // a point's label before its first step

class LloydStep {
 public:
  virtual ~LloydStep() = default;
  LloydStep(const LloydStep&) = delete;
  LloydStep& operator=(const LloydStep&) = delete;

  // Assigns every point of the slice to its nearest centroid of `centroids` (k x d row-major) and
  // sets `out` to the slice's statistics. The slice is the one given at construction.
  void step(std::span<const float> centroids, std::size_t k, ClusterStats& out);

  std::span<const std::uint32_t> labels() const { return labels_; }
  std::span<const float> dist2() const { return dist2_; }
  // Hands the last step's labels and distances over (moved, not copied: n x 8 bytes the caller
  // would otherwise hold twice); the step must not step again afterwards (std::logic_error).
  void release_results(std::vector<std::uint32_t>& labels, std::vector<float>& dist2);
  std::uint64_t distances() const { return distances_; }  // point-centroid distances, all steps so far
  const PointSet& points() const { return pts_; }  // rows only while nothing is lent (NaiveStep)
  virtual StepKind kind() const = 0;
  // Puts points lent to the step (make_step with `lend`) back as rows; the next step makes its
  // tiles again. A no-op for a step that holds none. The destructor does it too.
  virtual void return_points() {}

 protected:
  LloydStep(PointSet p, StepConfig cfg);
  // Sets labels_ (through relabel), dist2_ and out's sse, far, changed and distances (out is
  // already reset to k, d), calling finish_block on every block. step() copies count and sum.
  virtual void run(const CentroidTable& t, ClusterStats& out) = 0;
  // Row i's label becomes `to`: counts a change, records the move for the running sums. Branch
  // free (labels keep changing in the early steps): the move is always written and kept only when
  // the label changed. A block relabels each row at most once, so `block` slots suffice.
  void relabel(std::size_t i, std::uint32_t to, ClusterStats& out) {
    const std::uint32_t old = labels_[i];
    out.changed += old != to;
    labels_[i] = to;
    const std::uint32_t from = fresh_ ? kNoCluster : old;
    mv_rows_[moves_] = static_cast<std::uint32_t>(i);
    mv_from_[moves_] = from;
    mv_to_[moves_] = to;
    moves_ += from != to;
  }
  // relabel(i, to[i - b]) for rows b..e-1. Most labels do not change after the first few steps,
  // so rows go by in chunks whose labels are compared at once; only a chunk with a change is
  // relabelled row by row (the same calls, in the same order, as a plain loop).
  void relabel_block(std::size_t b, std::size_t e, const std::uint32_t* to, ClusterStats& out);
  // After the block's labels and dist2 are final: applies its moves, adds its sse and far points.
  void finish_block(std::size_t b, std::size_t e, ClusterStats& out);

  PointSet pts_;
  StepConfig cfg_;
  std::vector<std::uint32_t> labels_;
  std::vector<float> dist2_;
  std::uint64_t distances_ = 0;
  AccumulateScratch scratch_;
  // The coordinate sums and counts under labels_ (cluster_stats.hpp), valid from one step to the
  // next at the same k; fresh_: this step starts them from zero (first step, k changed, or a
  // step that did not finish), so every point "moves" from no cluster.
  RunningSums running_;
  bool running_valid_ = false, fresh_ = true;
  bool released_ = false;  // release_results() took labels_ and dist2_
  std::vector<std::uint32_t> mv_rows_, mv_from_, mv_to_;  // the current block's moves: the first moves_
  std::size_t moves_ = 0;
};

class NaiveStep final : public LloydStep {
 public:
  NaiveStep(PointSet p, StepConfig cfg = {});
  // The points lent: `lend` is p.x's own memory (checked), which the fused loop turns into its
  // tiles in place instead of making a copy of n x d floats. From the first step until
  // return_points() or the step's end its rows are not rows, and nothing else may read them (the
  // step itself reads them through its tiles). Where the fused loop does not run, a plain view.
  NaiveStep(PointSet p, std::span<float> lend, StepConfig cfg = {});
  ~NaiveStep() override;
  StepKind kind() const override { return StepKind::kNaive; }
  void return_points() override;

 private:
  void run(const CentroidTable& t, ClusterStats& out) override;
  // AVX-512 CPUs (isa kAvx512): the fused block of lloyd_kernels.hpp over the points in tiles of
  // 16 (a transposed copy of the slice, n x d floats more, or the lent rows themselves, made at
  // the first step); the same labels, distances and statistics as the blocked loop of run().
  void run_fused(const CentroidTable& t, ClusterStats& out);
  void build_block_tiles(std::size_t b, std::size_t e);
  const float* row_now(std::size_t i, float* into) const;

  struct FreeTiles {
    void operator()(float* p) const;
  };
  std::unique_ptr<float[], FreeTiles> tiles_;  // allocate_rows (points.hpp): aligned, huge pages where the OS gives them
  float* lent_ = nullptr;   // p.x's memory, lent: its whole tiles of 16 rows in place
  std::size_t built_ = 0;   // rows whose tiles are made (blocks in order, from the first step)
  std::vector<float> tail_;  // lent: the tile of the last n % 16 rows, which stay rows in p.x
  std::vector<float> rows_;  // lent: the block's rows, copied before they become tiles (first step's sums)
  std::vector<std::uint32_t> slow_rows_;
  std::vector<float> slow_d2_;
  std::uint64_t last_changed_ = 0;   // rows whose label changed in the last fused step (its moves)
};

class HamerlyStep final : public LloydStep {
 public:
  HamerlyStep(PointSet p, StepConfig cfg = {});
  StepKind kind() const override { return StepKind::kHamerly; }

 private:
  void run(const CentroidTable& t, ClusterStats& out) override;
  void full_scan(const CentroidTable& t, ClusterStats& out);

  std::vector<double> upper_, lower_;  // per point: bounds on true Euclidean distances
  std::vector<float> previous_;        // the last step's centroids (k x d); empty before the first
                                       // (bounds and running sums are valid together)
};

// The policy for `kind` over slice p (validated: validate_points). The points must outlive it.
std::unique_ptr<LloydStep> make_step(StepKind kind, PointSet p, StepConfig cfg = {});
// The same with p's rows lent to the step (NaiveStep's lent constructor; HamerlyStep only reads
// them): no copy of the slice, and the rows are rows again after return_points() or the step's end.
std::unique_ptr<LloydStep> make_step(StepKind kind, PointSet p, std::span<float> lend, StepConfig cfg = {});

}  // namespace crmpi::kmeans
