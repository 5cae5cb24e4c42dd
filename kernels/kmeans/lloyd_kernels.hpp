// The fused Lloyd block of NaiveStep on AVX-512 CPUs (lloyd_avx512.cpp): distances, nearest
// centroid, label comparison, move list and the sse partial sums of a block of points in one pass.
// Only plain structs and declarations here: lloyd_avx512.cpp, built with AVX-512 enabled,
// includes this header (see distance_kernels.hpp).
//
// Layout: the points in tiles of 16 (built once per step object by build_tiles_avx512): tile t
// holds rows 16t..16t+15 transposed, tiles[t * 16 * d + j * 16 + lane] = x[(16t + lane) * d + j]
// (0 past the last row). A tile takes exactly the bytes of its 16 rows, so whole tiles can be made
// in the rows' own memory and turned back into rows afterwards (NaiveStep's lent points). A
// register then holds one coordinate of 16 points, each lane one point: the distance to a
// centroid is d subtractions and d FMAs on whole registers (the centroid's coordinate
// broadcast), the argmin over centroids a vertical compare and blend, and no lane is spent on
// padding whatever k. Every lane runs the scalar operation sequence of distance_kernels.hpp
// (diff = x_j - c_j, acc = fma(diff, diff, acc), j ascending from 0), so labels and distances are
// the bits of the scalar and AVX2 loops.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/kmeans/distance_kernels.hpp"

namespace crmpi::kmeans {

inline constexpr std::size_t kTile = 16;
inline constexpr std::size_t kMaxTileDim = 64;  // kMaxDim (fixed_point.hpp)

struct FusedBlockJob {
  const float* tiles;          // the tiles of rows begin .. end (layout above): row r's at tiles + (r - begin) * d
  std::size_t d;
  TableView centroids;         // the step's CentroidTable; the loop reads its cols (transposed)
  std::size_t begin, end;      // rows [begin, end); begin a multiple of kTile
  std::uint32_t* labels;       // by row: the previous labels in, the new ones out
  float* dist2;                // by row: out
  bool fresh;                  // a first step: every row enters its cluster; no move is listed
  bool branchless_moves;       // list moves without a branch per tile (lloyd_avx512.cpp); same outputs
  float slow_at;               // rows with dist2 >= slow_at are listed in slow_rows (<= 2^16)
  // Outputs (arrays of at least end - begin + kTile entries: whole registers are stored past the
  // last entry); counts are set, not added to.
  std::uint32_t* mv_rows;      // rows whose label changed (not fresh) ...
  std::uint32_t* mv_from;      // ... their previous label ...
  std::uint32_t* mv_to;        // ... and their new one (their coordinates: the caller's, from the tiles)
  std::size_t moves;
  std::uint32_t* slow_rows;    // rows with dist2 >= slow_at, ascending ...
  float* slow_d2;              // ... and their dist2
  std::size_t slow;
  std::uint64_t changed;       // rows whose label differs from the previous one
  // The sum of llrint(dist2 * 2^32) over the rows with dist2 < 2^16 (rows with a larger dist2 are
  // in slow_rows, left to the caller): below 2^63 for end - begin <= 2^15 rows (fixed_point.hpp).
  std::int64_t sse;
};

// Call only when the CPU has AVX-512 F and DQ (best_isa() == Isa::kAvx512).
// The tiles of rows x[0..n) (ceil(n / 16) tiles; the last one completed with zeros). In place
// (tiles == x) when n is a multiple of 16. d <= kMaxTileDim.
void build_tiles_avx512(const float* x, std::size_t n, std::size_t d, float* tiles);
// The inverse for n a multiple of 16: rows x[0..n) from their tiles; in place when x == tiles.
void rows_from_tiles_avx512(const float* tiles, std::size_t n, std::size_t d, float* x);
void lloyd_block_avx512(FusedBlockJob& job);
// The nearest of the table's centroids (k >= 1) and its distance for rows [0, n) of `tiles`
// (ceil(n / 16) tiles), by the distance and arg-min loop of lloyd_block_avx512: the bits of
// nearest() (distance_kernels.hpp). label and best get whole registers: ceil(n / 16) * 16 entries.
void nearest_tiles_avx512(const float* tiles, std::size_t n, std::size_t d, const TableView& centroids,
                          std::uint32_t* label, float* best);

}  // namespace crmpi::kmeans
