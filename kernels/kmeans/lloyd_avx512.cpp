// The fused Lloyd block (lloyd_kernels.hpp), built with -mavx512f -mavx512dq -mfma and called only
// on CPUs that have them. Per tile of 16 points:
//   - distances: centroids in chunks of at most 8 (8 accumulators), j ascending; per lane the
//     scalar sequence diff = x_j - c_j, acc = fma(diff, diff, acc) from acc = 0;
//   - nearest: per chunk a tournament (see tournament()), then a running minimum over the chunks,
//     replaced only on a strictly smaller distance: ties go to the lowest index, as in the scalar
//     loop;
//   - labels: the 16 previous labels compared at once; changed rows are written to the move list
//     by compress stores (compress into a register, then a whole-register store: vpcompress with
//     a memory operand is microcoded and about 100x slower on Zen 4; hence the 16 entries of
//     slack of the output arrays; none when fresh; the caller reads their coordinates from the
//     tiles, move_tiled). Two
//     ways (job.branchless_moves, chosen by the caller): behind a branch on "any row changed", or
//     without one, every tile storing its (maybe empty) compressed lists and its labels under the
//     mask of the changed rows. Where about
//     half the tiles have a move (early steps, small k) the branch mispredicts about every other
//     tile and the loop, bound by memory there, cannot run ahead: k = 8 took 7.5 ms an iteration
//     with the branch, 6.2 without; where few tiles have one the branch is nearly free and the
//     stores are not (k = 16 with 0.1% of rows moving: 6.7 ms with, 9.3 without);
//   - sse: llrint(d2 * 2^32) of the 16 distances by one float scaling (exact: a power of two, d2 <
//     2^16 so no overflow) and vcvtps2qq (round to nearest even under MXCSR, the default mode,
//     as llrint; float d2 * 2^32 is the same number as double(d2) * 2^32), added lane by lane
//     into two registers of int64 sums: the block's total, exact in any order;
//   - rows at or beyond slow_at (far-point candidates; d2 >= 2^16) are listed for the caller.
// GCC 12's avx512fintrin.h: see distance_avx512.cpp (GCC bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/kmeans/lloyd_kernels.hpp"

namespace crmpi::kmeans {
namespace {

// Tiles prefetched ahead (a line per coordinate): the hardware prefetcher alone left the first
// load of each tile waiting on memory when other processes share the memory bandwidth. 8 rather
// than 4 since the tile's arithmetic got shorter (Zen 5).
constexpr std::size_t kAhead = 8;

// The nearest of acc[lo .. lo + n) (centroids c0 + lo ..) and its index, by a tournament: each
// match keeps the left (lower-index) side unless the right one is strictly smaller, so every
// subtree yields its minimum at its lowest index, which is what a scan in index order replacing
// only on a strictly smaller distance yields (no NaN reaches here: points and centroids are
// finite). The scan's chain of compares and blends, one per centroid, was the longest dependency
// of a tile; the tournament's is log2(n) deep.
template <int kLo, int kN>
[[gnu::always_inline]] inline void tournament(const __m512* acc, int c0, __m512& best, __m512i& lab) {
  if constexpr (kN == 1) {
    best = acc[kLo];
    lab = _mm512_set1_epi32(c0 + kLo);
  } else {
    constexpr int kLeft = (kN + 1) / 2;
    __m512 right;
    __m512i right_lab;
    tournament<kLo, kLeft>(acc, c0, best, lab);
    tournament<kLo + kLeft, kN - kLeft>(acc, c0, right, right_lab);
    const __mmask16 lt = _mm512_cmp_ps_mask(right, best, _CMP_LT_OQ);
    best = _mm512_mask_mov_ps(best, lt, right);
    lab = _mm512_mask_mov_epi32(lab, lt, right_lab);
  }
}

// Centroids c0 .. c0 + KC - 1 against the tile; best/lab: the running minimum and its index.
// (Two tiles per centroid coordinate measured slower.)
template <int KC, bool kFirst>
[[gnu::always_inline]] inline void chunk(const float* tile, std::size_t d, const TableView& cent, int c0, __m512& best, __m512i& lab) {
  __m512 acc[KC];
  _Pragma("GCC unroll 8") for (int c = 0; c < KC; ++c) acc[c] = _mm512_setzero_ps();
  // Each coordinate enters the subtraction as an embedded broadcast of its scalar ({1to16}), a
  // 4-byte load: with whole-register operands (a table of each coordinate broadcast, 64 bytes a
  // coordinate) the loop was ~3 % slower, the loads it made competing with the tile's. The
  // transposed table puts the chunk's coordinates j at one address plus constant offsets: from
  // the row-major table, the chunk's 8 row addresses did not fit in registers with the rest and
  // were reloaded from the stack before each subtraction.
  const float* cj = cent.cols + c0;
  for (std::size_t j = 0; j < d; ++j, cj += cent.kpad) {
    const __m512 x = _mm512_loadu_ps(tile + j * kTile);
    if constexpr (kFirst) _mm_prefetch(reinterpret_cast<const char*>(tile + (kAhead * d + j) * kTile), _MM_HINT_T0);
    _Pragma("GCC unroll 8") for (int c = 0; c < KC; ++c) {
      const __m512 diff = _mm512_sub_ps(x, _mm512_set1_ps(cj[c]));
      acc[c] = _mm512_fmadd_ps(diff, diff, acc[c]);
    }
  }
  __m512 cbest;
  __m512i clab;
  tournament<0, KC>(acc, c0, cbest, clab);
  if constexpr (kFirst) {
    best = cbest;
    lab = clab;
  } else {
    const __mmask16 lt = _mm512_cmp_ps_mask(cbest, best, _CMP_LT_OQ);  // strict: a tie keeps the lower index
    best = _mm512_mask_mov_ps(best, lt, cbest);
    lab = _mm512_mask_mov_epi32(lab, lt, clab);
  }
}

template <bool kFirst>
[[gnu::always_inline]] inline void chunk_rest(int r, const float* tile, std::size_t d, const TableView& cent, int c0, __m512& best, __m512i& lab) {
  switch (r) {
    case 1: return chunk<1, kFirst>(tile, d, cent, c0, best, lab);
    case 2: return chunk<2, kFirst>(tile, d, cent, c0, best, lab);
    case 3: return chunk<3, kFirst>(tile, d, cent, c0, best, lab);
    case 4: return chunk<4, kFirst>(tile, d, cent, c0, best, lab);
    case 5: return chunk<5, kFirst>(tile, d, cent, c0, best, lab);
    case 6: return chunk<6, kFirst>(tile, d, cent, c0, best, lab);
    case 7: return chunk<7, kFirst>(tile, d, cent, c0, best, lab);
    default: return chunk<8, kFirst>(tile, d, cent, c0, best, lab);
  }
}

// Every centroid against one tile, in index order: best and lab of its 16 rows. These helpers are
// always inlined: with two callers (the Lloyd block, k-means||'s nearest_tiles) GCC kept
// chunk_rest out of line, which made the Lloyd loop's accumulators round-trip through memory.
[[gnu::always_inline]] inline void nearest_of_tile(const float* tile, std::size_t d, const TableView& cent, __m512& best, __m512i& lab) {
  const int k = static_cast<int>(cent.k);
  const int first = k < 8 ? k : 8;
  if (first == 8) chunk<8, true>(tile, d, cent, 0, best, lab);
  else chunk_rest<true>(first, tile, d, cent, 0, best, lab);
  int c0 = first;
  for (; c0 + 8 <= k; c0 += 8) chunk<8, false>(tile, d, cent, c0, best, lab);
  if (c0 < k) chunk_rest<false>(k - c0, tile, d, cent, c0, best, lab);
}

// r[p] <- column p of the 16 x 16 matrix whose row q is r[q]: a transpose in registers (64
// shuffles; gathers are several times slower on Zen 4). Its own inverse.
[[gnu::always_inline]] inline void transpose16(__m512 r[kTile]) {
  __m512 u[kTile];
  _Pragma("GCC unroll 8") for (std::size_t p = 0; p < kTile; p += 2) {
    u[p] = _mm512_unpacklo_ps(r[p], r[p + 1]);
    u[p + 1] = _mm512_unpackhi_ps(r[p], r[p + 1]);
  }
  _Pragma("GCC unroll 4") for (std::size_t p = 0; p < kTile; p += 4) {
    r[p] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(u[p]), _mm512_castps_pd(u[p + 2])));
    r[p + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(u[p]), _mm512_castps_pd(u[p + 2])));
    r[p + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(u[p + 1]), _mm512_castps_pd(u[p + 3])));
    r[p + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(u[p + 1]), _mm512_castps_pd(u[p + 3])));
  }
  // r[4q + e], e < 4: columns e, e + 4, e + 8, e + 12 (one 128-bit lane each) of rows 4q..4q+3
  _Pragma("GCC unroll 4") for (std::size_t e = 0; e < 4; ++e) {
    u[e] = _mm512_shuffle_f32x4(r[e], r[4 + e], 0x88);       // columns e, e + 8: rows 0-3, 4-7
    u[4 + e] = _mm512_shuffle_f32x4(r[e], r[4 + e], 0xdd);   // columns e + 4, e + 12
    u[8 + e] = _mm512_shuffle_f32x4(r[8 + e], r[12 + e], 0x88);
    u[12 + e] = _mm512_shuffle_f32x4(r[8 + e], r[12 + e], 0xdd);
  }
  _Pragma("GCC unroll 4") for (std::size_t e = 0; e < 4; ++e) {
    r[e] = _mm512_shuffle_f32x4(u[e], u[8 + e], 0x88);            // column e
    r[8 + e] = _mm512_shuffle_f32x4(u[e], u[8 + e], 0xdd);        // column e + 8
    r[4 + e] = _mm512_shuffle_f32x4(u[4 + e], u[12 + e], 0x88);   // column e + 4
    r[12 + e] = _mm512_shuffle_f32x4(u[4 + e], u[12 + e], 0xdd);  // column e + 12
  }
}

}  // namespace

void build_tiles_avx512(const float* x, std::size_t n, std::size_t d, float* tiles) {
  const __m512i idx = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                         _mm512_set1_epi32(static_cast<int>(d)));
  const auto dmask = static_cast<__mmask16>(d >= kTile ? 0xffffu : (1u << d) - 1);
  alignas(64) float copy[kTile * kMaxTileDim];  // a tile's rows, when they are about to be overwritten
  for (std::size_t t = 0; t * kTile < n; ++t) {
    const float* xb = x + t * kTile * d;
    float* o = tiles + t * kTile * d;
    const std::size_t rows = n - t * kTile;
    if (d <= kTile && rows >= kTile) {
      // Row p (its d values, zeros after) in r[p]; out: coordinate j of the 16 rows in r[j]. Every
      // row is loaded before the first store, so x may be the tiles' own memory.
      __m512 r[kTile];
      _Pragma("GCC unroll 16") for (std::size_t p = 0; p < kTile; ++p) r[p] = _mm512_maskz_loadu_ps(dmask, xb + p * d);
      transpose16(r);
      for (std::size_t j = 0; j < d; ++j) _mm512_storeu_ps(o + j * kTile, r[j]);
      continue;
    }
    if (xb == o) {  // in place (whole tiles only): gather from a copy of the rows
      for (std::size_t q = 0; q < kTile * d; ++q) copy[q] = xb[q];
      xb = copy;
    }
    const __mmask16 valid = rows >= kTile ? static_cast<__mmask16>(0xffff) : static_cast<__mmask16>((1u << rows) - 1);
    for (std::size_t j = 0; j < d; ++j)  // coordinate j of the rows; 0 past the last row
      _mm512_storeu_ps(o + j * kTile, _mm512_mask_i32gather_ps(_mm512_setzero_ps(), valid, idx, xb + j, 4));
  }
}

void rows_from_tiles_avx512(const float* tiles, std::size_t n, std::size_t d, float* x) {
  const auto dmask = static_cast<__mmask16>(d >= kTile ? 0xffffu : (1u << d) - 1);
  alignas(64) float copy[kTile * kMaxTileDim];
  for (std::size_t t = 0; t * kTile < n; ++t) {
    const float* tb = tiles + t * kTile * d;
    float* o = x + t * kTile * d;
    if (d <= kTile) {
      // Coordinate j of the 16 rows in r[j] (zeros for j >= d); transposed, row p in r[p]. Every
      // coordinate is loaded before the first store (in place when x == tiles).
      __m512 r[kTile];
      _Pragma("GCC unroll 16") for (std::size_t j = 0; j < kTile; ++j)
        r[j] = j < d ? _mm512_loadu_ps(tb + j * kTile) : _mm512_setzero_ps();
      transpose16(r);
      _Pragma("GCC unroll 16") for (std::size_t p = 0; p < kTile; ++p) _mm512_mask_storeu_ps(o + p * d, dmask, r[p]);
      continue;
    }
    for (std::size_t q = 0; q < kTile * d; ++q) copy[q] = tb[q];
    for (std::size_t p = 0; p < kTile; ++p)
      for (std::size_t j = 0; j < d; ++j) o[p * d + j] = copy[j * kTile + p];
  }
}

void nearest_tiles_avx512(const float* tiles, std::size_t n, std::size_t d, const TableView& centroids,
                          std::uint32_t* label, float* best) {
  for (std::size_t row = 0; row < n; row += kTile) {
    __m512 b;
    __m512i lab;
    nearest_of_tile(tiles + row * d, d, centroids, b, lab);
    _mm512_storeu_ps(best + row, b);
    _mm512_storeu_si512(label + row, lab);
  }
}

void lloyd_block_avx512(FusedBlockJob& job) {
  // The job's fields in locals: stores through the output pointers could alias the job, which
  // made the compiler reload its fields after every store.
  const float* const tiles = job.tiles;
  const TableView centroids = job.centroids;
  const std::size_t end = job.end;
  std::uint32_t* const labels = job.labels;
  float* const dist2 = job.dist2;
  const bool fresh = job.fresh;
  std::uint32_t* const mv_rows = job.mv_rows;
  std::uint32_t* const mv_from = job.mv_from;
  std::uint32_t* const mv_to = job.mv_to;
  std::uint32_t* const slow_rows = job.slow_rows;
  float* const slow_d2 = job.slow_d2;
  const std::size_t d = job.d;
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512 scale = _mm512_set1_ps(0x1p32f), small_below = _mm512_set1_ps(0x1p16f);
  const __m512 slow_at = _mm512_set1_ps(job.slow_at);
  // The block's sse in fixed point, per lane: lanes 0-7 of the tiles in sse_lo, 8-15 in sse_hi
  // (each below 2^48 a row: a block of 2,048 rows, 2^59 in all, stays below 2^63).
  __m512i sse_lo = _mm512_setzero_si512(), sse_hi = _mm512_setzero_si512();
  std::size_t moves = 0, slow = 0;
  std::uint64_t changed = 0;
  // Everything after the distances, for the tile of rows row .. row + 15. A whole tile (kWhole)
  // loads and stores its labels and distances unmasked: on Zen 5 a masked store followed by a
  // masked load cost the step 6-10% (k = 32, 8) against plain ones (bench_kmeans_peer, pinned).
  auto finish_tile = [&]<bool kWhole, bool kBranchless>(std::size_t row, const __m512 best,
                                                        const __m512i lab) {
    const std::size_t left = end - row;
    const __mmask16 valid = kWhole ? static_cast<__mmask16>(0xffff) : static_cast<__mmask16>((1u << left) - 1);
    const auto store_labels = [&] {
      if constexpr (kWhole) _mm512_storeu_si512(labels + row, lab);
      else _mm512_mask_storeu_epi32(labels + row, valid, lab);
    };
    __m512i old;
    __mmask16 neq;
    if constexpr (kWhole) {
      old = _mm512_loadu_si512(labels + row);
      _mm512_storeu_ps(dist2 + row, best);
      neq = _mm512_cmpneq_epi32_mask(old, lab);
    } else {
      old = _mm512_maskz_loadu_epi32(valid, labels + row);
      _mm512_mask_storeu_ps(dist2 + row, valid, best);
      neq = _mm512_mask_cmpneq_epi32_mask(valid, old, lab);
    }
    changed += static_cast<unsigned>(__builtin_popcount(neq));
    // The changed rows, their previous and their new labels, at moves .. (16 entries of slack).
    const auto list_moves = [&] {
      const __m512i rows = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(row)), iota);
      _mm512_storeu_si512(mv_rows + moves, _mm512_maskz_compress_epi32(neq, rows));
      _mm512_storeu_si512(mv_from + moves, _mm512_maskz_compress_epi32(neq, old));
      _mm512_storeu_si512(mv_to + moves, _mm512_maskz_compress_epi32(neq, lab));
    };
    if (fresh) {  // every row enters its cluster: the caller adds them from the rows of x
      store_labels();
    } else if constexpr (kBranchless) {
      list_moves();
      moves += static_cast<unsigned>(__builtin_popcount(neq));
      _mm512_mask_storeu_epi32(labels + row, neq, lab);  // an empty mask writes nothing
    } else if (neq) {
      list_moves();
      moves += static_cast<unsigned>(__builtin_popcount(neq));
      store_labels();
    }
    const __mmask16 slowm = _mm512_mask_cmp_ps_mask(valid, best, slow_at, _CMP_GE_OQ);
    if (slowm) [[unlikely]] {
      const __m512i rows = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(row)), iota);
      _mm512_storeu_si512(slow_rows + slow, _mm512_maskz_compress_epi32(slowm, rows));
      _mm512_storeu_ps(slow_d2 + slow, _mm512_maskz_compress_ps(slowm, best));
      slow += static_cast<unsigned>(__builtin_popcount(slowm));
    }
    // Lanes past the end and rows at or beyond 2^16 (left to the caller) add zero.
    const __mmask16 small = _mm512_mask_cmp_ps_mask(valid, best, small_below, _CMP_LT_OQ);
    const __m512 scaled = _mm512_maskz_mul_ps(small, best, scale);
    sse_lo = _mm512_add_epi64(sse_lo, _mm512_cvtps_epi64(_mm512_castps512_ps256(scaled)));
    sse_hi = _mm512_add_epi64(sse_hi, _mm512_cvtps_epi64(_mm512_extractf32x8_ps(scaled, 1)));
  };
  auto tile_loop = [&]<bool kBranchless>() {
    for (std::size_t row = job.begin; row < end; row += kTile) {
      const float* tile = tiles + (row - job.begin) * d;  // the tile of rows row .. row + 15
      __m512 best;
      __m512i lab;
      nearest_of_tile(tile, d, centroids, best, lab);
      if (end - row >= kTile) [[likely]] finish_tile.template operator()<true, kBranchless>(row, best, lab);
      else finish_tile.template operator()<false, kBranchless>(row, best, lab);
    }
  };
  if (job.branchless_moves && !fresh) tile_loop.template operator()<true>();
  else tile_loop.template operator()<false>();
  job.sse = _mm512_reduce_add_epi64(_mm512_add_epi64(sse_lo, sse_hi));
  job.moves = moves;
  job.slow = slow;
  job.changed = changed;
}

}  // namespace crmpi::kmeans
