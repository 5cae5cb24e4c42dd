// Squared Euclidean distances of points to centroids, the inner loop of every k-means step.
//
// Formula: direct differences, d2 = sum_j (x_j - c_j)^2, accumulated over j = 0..d-1 in order as
//   acc = 0; for j: diff = x_j - c_j (float subtraction); acc = fmaf(diff, diff, acc)
// in float32. Direct differences rather than ||x||^2 - 2 x.c + ||c||^2: no cancellation when a
// point sits near its centroid far from the origin, and the error is a small relative one,
// |d2 - true| <= (d + 2) 2^-24 true (+ a subnormal term), which Hamerly's bounds rely on.
//
// Position independence: the AVX2 and AVX-512 loops vectorise over centroids (8 or 16 per
// register: the centroid table is stored transposed, d x kpad); for k <= 8 the AVX-512 loop puts
// two points' 8 centroids in one register, each lane still one (point, centroid) pair. Each point goes through the same
// per-lane instruction sequence whatever its place in a block or in the array, and each lane does
// exactly the scalar operations above, so the scalar fallback (fmaf from libm) gives the same bits, and a
// single distance (dist_to_label) equals the matching lane of the all-centroid loop.
//
// Nearest centroid: the smallest d2, ties to the lowest centroid index. `second` is the second
// smallest value of the multiset of the k distances (equal to the smallest on a tie; +inf for
// k = 1). Both are exact selections (min/compare), so they agree across implementations.
//
// Only plain structs and declarations here: distance_avx2.cpp includes this header and must not
// compile any inline function the linker could hand to code built for the baseline ISA.
#pragma once

#include <cstddef>
#include <cstdint>

namespace crmpi::kmeans {

enum class Isa { kScalar, kAvx2, kAvx512 };

struct TableView {
  const float* rows;  // k x d row-major
  const float* cols;  // d x kpad: cols[j * kpad + c] = rows[c * d + j]; 0 in padding columns
  const float* pad;   // kpad: 0 for a real centroid, +inf for a padding lane (never nearest)
  std::size_t k, kpad, d;
};

// Nearest centroid of rows idx[0..n) of x (rows 0..n-1 when idx is null). Outputs are indexed by
// position in the job (0..n-1); second may be null when not wanted.
struct NearestJob {
  const float* x;
  std::size_t d;
  const std::uint32_t* idx;
  std::size_t n;
  std::uint32_t* label;
  float* best;
  float* second;
};

// Squared distance of rows first..first+n-1 of x to the centroid label[i] (label indexed by row).
struct LabelDistJob {
  const float* x;
  std::size_t d;
  std::size_t first, n;
  const std::uint32_t* label;
  float* out;  // indexed by row
};

// The best implementation this CPU runs (kAvx2 needs AVX2 and FMA; kAvx512 also AVX-512 F and DQ).
Isa best_isa();
// Dispatch: an implementation the CPU lacks falls back to the next one down (kAvx512 -> kAvx2 ->
// kScalar). dist_to_label has no AVX-512 loop: kAvx512 runs the AVX2 one (the same bits).
void nearest(const NearestJob& job, const TableView& t, Isa isa);
void dist_to_label(const LabelDistJob& job, const TableView& t, Isa isa);

void nearest_scalar(const NearestJob& job, const TableView& t);
void dist_to_label_scalar(const LabelDistJob& job, const TableView& t);
// distance_avx2.cpp: call only when the CPU has AVX2 and FMA.
void nearest_avx2(const NearestJob& job, const TableView& t);
void dist_to_label_avx2(const LabelDistJob& job, const TableView& t);
// distance_avx512.cpp: call only when the CPU has AVX-512 F and DQ (and so AVX2 and FMA).
void nearest_avx512(const NearestJob& job, const TableView& t);

}  // namespace crmpi::kmeans
