// Per-cluster statistics of one Lloyd step over a slice, the only thing ranks exchange per
// iteration. Every field reduces exactly: integer counts, fixed-point sums (fixed_point.hpp), and
// a top-k list under a total order. Merging slices in any grouping and order gives the same bits,
// so the reduced statistics, hence the next centroids, do not depend on the rank count.
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

// A point that may refill an empty cluster (the empty-cluster rule: centroid_update.hpp).
// Plain data (trivially copyable), so a driver can send it as bytes.
struct FarPoint {
  float dist2 = 0;            // squared distance to its centroid in this step
  std::uint32_t label = 0;    // its cluster in this step
  std::uint64_t id = 0;       // customer id
  std::array<float, kMaxDim> x{};  // coordinates; the first d are used
};

// The total order of the rule: larger distance first, then lower customer id (ids are unique).
inline bool farther(const FarPoint& a, const FarPoint& b) {
  return a.dist2 > b.dist2 || (a.dist2 == b.dist2 && a.id < b.id);
}

struct ClusterStats {
  std::size_t k = 0, d = 0;
  std::vector<std::uint64_t> count;  // k: points assigned to each cluster
  std::vector<Int128> sum;           // k x d: coordinate sums, fixed point
  Int128 sse = 0;                    // the sum of squared distances to the step's centroids, fixed
                                     // point (one total: only the inertia needs it)
  std::uint64_t changed = 0;         // points whose label changed in this step (all, on a first step)
  std::uint64_t distances = 0;       // point-centroid distances computed in this step (a diagnostic)
  std::vector<FarPoint> far;         // the k farthest points under `farther`, sorted, at most k

  void reset(std::size_t k_, std::size_t d_);
  Int128 inertia() const { return sse; }
  std::uint64_t points() const;      // sum of count
};

// Working memory of accumulate, kept by a step object so that a block costs no allocation.
struct AccumulateScratch {
  std::vector<std::int64_t> part;     // k x d: int64 coordinate sums of the current run
  std::vector<std::uint32_t> touched; // clusters the run touched
  std::vector<char> seen;             // k
  std::size_t run = 0;                // move_tiled: moves in part not yet added to the sums (flush_moves)
};

// Adds points [begin, end) of p with their labels and squared distances (indexed by row).
// (The Lloyd steps split this into the two parts below: a point's coordinates enter the sums only
// when its label changes, its squared distance every step.)
void accumulate(const PointSet& p, std::size_t begin, std::size_t end, const std::uint32_t* labels,
                const float* dist2, ClusterStats& s, AccumulateScratch& scratch);
void accumulate(const PointSet& p, std::size_t begin, std::size_t end, const std::uint32_t* labels,
                const float* dist2, ClusterStats& s);

// The coordinate sums and counts of a slice under its current labels, kept by a Lloyd step from
// one step to the next and moved point by point: a point whose label changes from a to b leaves
// a's sums and enters b's. These are integer additions and subtractions, exact and without
// overflow (at any moment each cluster's sum is a sum over distinct points, bounded as in
// fixed_point.hpp), so after any sequence of moves the sums are the very integers `accumulate`
// computes from scratch for the current labels: the same bits, whatever the history. A step then
// touches coordinates only for the points that changed cluster.
struct RunningSums {
  std::size_t k = 0, d = 0;
  std::vector<std::uint64_t> count;  // k
  std::vector<Int128> sum;           // k x d, fixed point

  void reset(std::size_t k_, std::size_t d_);
};

inline constexpr std::uint32_t kNoCluster = 0xffffffffu;  // `from` of a point that had no cluster

// Moves m points: row rows[i] of p leaves cluster from[i] (unless kNoCluster) and enters to[i].
// isa: kAvx512 runs the vector loop where the CPU has it; every isa gives the same integers.
void move_points(const PointSet& p, const std::uint32_t* rows, const std::uint32_t* from, const std::uint32_t* to,
                 std::size_t m, RunningSums& r, AccumulateScratch& scratch, Isa isa = best_isa());

// move_points for rows [begin, end) of p all coming from no cluster (kNoCluster) into labels[i]
// (indexed by row): the first step's moves, without the move list. Call only when best_isa() ==
// Isa::kAvx512 (enter_rows_avx512); the same integers as move_points.
void enter_rows(const PointSet& p, std::size_t begin, std::size_t end, const std::uint32_t* labels, RunningSums& r,
                AccumulateScratch& scratch);

// The same as move_points for m rows whose coordinates lie in the fused step's tiles
// (lloyd_kernels.hpp; row0 the first row of `tiles`): row rows[u] leaves cluster from[u] and enters
// to[u], every move from one cluster to another (no kNoCluster: the fused step's moves; its first
// step enters its rows by enter_rows). Call only when best_isa() == Isa::kAvx512
// (move_tiled_run_avx512).
// Its runs of 127 moves go on from one call to the next (a block with a few moves does not pay
// for adding every cluster's partial sums into the 128-bit sums): after the last call,
// flush_moves adds the rest.
void move_tiled(const float* tiles, std::size_t row0, const std::uint32_t* rows, const std::uint32_t* from,
                const std::uint32_t* to, std::size_t m, RunningSums& r, AccumulateScratch& scratch);
void flush_moves(RunningSums& r, AccumulateScratch& scratch);

// The per-step rest of `accumulate` for points [begin, end): sse and far points (not count, not sum).
void accumulate_sse_far(const PointSet& p, std::size_t begin, std::size_t end, const std::uint32_t* labels,
                        const float* dist2, ClusterStats& s);

// Row i of p, in cluster c at squared distance v, offered to s.far (cap s.k). Returns the new
// rejection threshold: the k-th farthest distance once s.far is full, else -1 (a point with a
// smaller distance cannot enter). The rare path of the sse and far-point loops.
float offer_point(const PointSet& p, std::size_t i, std::uint32_t c, float v, ClusterStats& s);

// Keeps the `cap` farthest of a sorted list and one more point.
void offer_far(std::vector<FarPoint>& far, std::size_t cap, const FarPoint& f);

// into += from (same k and d). Throws std::overflow_error beyond kMaxPoints points.
void merge_into(ClusterStats& into, const ClusterStats& from);

// For one integer MPI_Allreduce(MPI_INT64_T, MPI_SUM): counts, changed, distances, then every
// fixed-point sum as 3 limbs. The element-wise sum of the packs of slices unpacks to their merge
// (far points excepted: gather those and merge them with merge_into or offer_far).
std::vector<std::int64_t> pack_sums(const ClusterStats& s);
void unpack_sums(std::span<const std::int64_t> packed, ClusterStats& s);  // s: reset to k, d first

}  // namespace crmpi::kmeans
