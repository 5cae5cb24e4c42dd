// The vector loops of the fixed-point cluster sums (cluster_stats.cpp: move_points, move_tiled,
// enter_rows: a point's coordinates in fixed point, added to one cluster's partial sums and
// subtracted from another's) and validate_points' scan (points.cpp). Built with -mavx512f
// -mavx512dq -mavx2 -mfma and called only on CPUs that have them (best_isa() == kAvx512).
//
// Same values as the scalar llrint(double(x) * 2^32): the float -> double conversion and the
// scaling by a power of two are exact, and vcvtpd2qq and vcvtsd2si round under MXCSR, round to
// nearest even by default, as llrint does (the default rounding mode, which every rank runs under).
// GCC 12's avx512fintrin.h: see distance_avx512.cpp (GCC bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/kmeans/fixed_row_kernels.hpp"

namespace crmpi::kmeans {
namespace {

// Partial sums are updated 4 int64 at a time through 256-bit loads and stores, the last d mod 4
// coordinates by scalar code. The next point of the same cluster reads what this one stored a few
// points before; on Zen 4 a 512-bit store (masked or not) does not forward to a later 512-bit
// load, which then waits for the store to reach the cache, while 256-bit and scalar stores forward.
// Measured apart (2M rows of d = 10 into 8 clusters): entering them 11.5 -> 7.5 ms; 400k moves
// 4.5 -> 2.3 ms. (Two banks of partial sums, alternate moves in each, to break the chains through
// one cluster's sums: no faster.)

// llrint(double(x) * 2^32) of 4 floats, as vcvtpd2qq rounds (a zmm conversion: no AVX-512 VL needed).
inline __m256i fixed4(const float* x) {
  const __m256d v = _mm256_mul_pd(_mm256_cvtps_pd(_mm_loadu_ps(x)), _mm256_set1_pd(0x1p32));
  return _mm512_castsi512_si256(_mm512_cvtpd_epi64(_mm512_zextpd256_pd512(v)));
}
inline std::int64_t fixed1(float x) { return _mm_cvtsd_si64(_mm_set_sd(static_cast<double>(x) * 0x1p32)); }
inline void add4(std::int64_t* o, __m256i v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(o), _mm256_add_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(o)), v));
}
inline void sub4(std::int64_t* o, __m256i v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(o), _mm256_sub_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(o)), v));
}

// Row xr's d coordinates in fixed point added to into[0..d) and, with kOutOf, taken from out_of.
template <bool kOutOf>
[[gnu::always_inline]] inline void move_row(const float* xr, std::size_t d, std::int64_t* into, std::int64_t* out_of) {
  const std::size_t whole = d / 4 * 4;
  for (std::size_t j = 0; j < whole; j += 4) {
    const __m256i fx = fixed4(xr + j);
    add4(into + j, fx);
    if constexpr (kOutOf) sub4(out_of + j, fx);
  }
  for (std::size_t j = whole; j < d; ++j) {
    const std::int64_t fx = fixed1(xr[j]);
    into[j] += fx;
    if constexpr (kOutOf) out_of[j] -= fx;
  }
}

}  // namespace

void move_fixed_row_avx512(const float* xr, std::size_t d, std::int64_t* into, std::int64_t* out_of) {
  if (out_of) move_row<true>(xr, d, into, out_of);
  else move_row<false>(xr, d, into, nullptr);
}

// A whole run of the fused step's moves in one call (move_tiled keeps the counts), each moved row's
// coordinates read from the block's tiles, which the step has just read (in L2), 4 at a time into
// a register and converted there. The loop is made for each d up to 16: with d a run-time bound,
// the loop over a row's coordinates and its tests cost about as much as the loads. (Before, the
// kernel copied the moved rows' coordinates into a list of floats after each block and this loop
// converted them from there: the same integers; bench_kmeans_peer's replayed centroids timed the
// copy at about half the moves' cost.)
namespace {

template <std::size_t D>
void move_tiled_rows(const float* tiles, std::size_t row0, const std::uint32_t* rows, const std::uint32_t* from,
                     const std::uint32_t* to, std::size_t m, std::size_t d, std::int64_t* part) {
  const std::size_t dd = D ? D : d;
  const std::size_t whole = dd / 4 * 4;
  for (std::size_t u = 0; u < m; ++u) {
    const std::size_t r = rows[u] - row0;
    const float* xp = tiles + r / 16 * 16 * dd + r % 16;  // coordinate j at xp[j * 16]
    std::int64_t* into = part + static_cast<std::size_t>(to[u]) * dd;
    std::int64_t* out_of = part + static_cast<std::size_t>(from[u]) * dd;
    _Pragma("GCC unroll 4") for (std::size_t j = 0; j < whole; j += 4) {
      const __m128 v = _mm_setr_ps(xp[j * 16], xp[(j + 1) * 16], xp[(j + 2) * 16], xp[(j + 3) * 16]);
      const __m256d w = _mm256_mul_pd(_mm256_cvtps_pd(v), _mm256_set1_pd(0x1p32));
      const __m256i fx = _mm512_castsi512_si256(_mm512_cvtpd_epi64(_mm512_zextpd256_pd512(w)));
      add4(into + j, fx);
      sub4(out_of + j, fx);
    }
    _Pragma("GCC unroll 4") for (std::size_t j = whole; j < dd; ++j) {
      const std::int64_t fx = fixed1(xp[j * 16]);
      into[j] += fx;
      out_of[j] -= fx;
    }
  }
}

}  // namespace

void move_tiled_run_avx512(const float* tiles, std::size_t row0, const std::uint32_t* rows, const std::uint32_t* from,
                           const std::uint32_t* to, std::size_t m, std::size_t d, std::int64_t* part) {
  using Run = void (*)(const float*, std::size_t, const std::uint32_t*, const std::uint32_t*, const std::uint32_t*,
                       std::size_t, std::size_t, std::int64_t*);
  static constexpr Run kByDim[17] = {
      move_tiled_rows<0>,  move_tiled_rows<1>,  move_tiled_rows<2>,  move_tiled_rows<3>,  move_tiled_rows<4>,
      move_tiled_rows<5>,  move_tiled_rows<6>,  move_tiled_rows<7>,  move_tiled_rows<8>,  move_tiled_rows<9>,
      move_tiled_rows<10>, move_tiled_rows<11>, move_tiled_rows<12>, move_tiled_rows<13>, move_tiled_rows<14>,
      move_tiled_rows<15>, move_tiled_rows<16>};
  (d <= 16 ? kByDim[d] : kByDim[0])(tiles, row0, rows, from, to, m, d, part);
}

// By compares, 2k per 16 moves, rather than an increment of a count in memory per move, which
// the next few moves often read back before the store reaches the cache: at k = 8 the increments
// were ~10% of applying the moves (2M x 10 points, bench_kmeans_peer's replayed centroids).
std::size_t count_run_avx512(const std::uint32_t* from, const std::uint32_t* to, std::size_t m, std::size_t k,
                             std::uint64_t* count, char* seen) {
  constexpr std::size_t kMaxChunks = 8;  // 127 moves
  __m512i tv[kMaxChunks], fv[kMaxChunks];
  const std::size_t chunks = (m + 15) / 16;
  const __m512i none = _mm512_set1_epi32(-1);  // past the run: no cluster
  for (std::size_t q = 0; q < chunks; ++q) {
    const std::size_t left = m - q * 16;
    const auto valid = static_cast<__mmask16>(left >= 16 ? 0xffffu : (1u << left) - 1);
    tv[q] = _mm512_mask_loadu_epi32(none, valid, to + q * 16);
    fv[q] = _mm512_mask_loadu_epi32(none, valid, from + q * 16);
  }
  std::size_t named = 0;
  for (std::size_t c = 0; c < k; ++c) {
    const __m512i cv = _mm512_set1_epi32(static_cast<int>(c));
    unsigned in = 0, out = 0;
    for (std::size_t q = 0; q < chunks; ++q) {
      in += static_cast<unsigned>(__builtin_popcount(_mm512_cmpeq_epi32_mask(tv[q], cv)));
      out += static_cast<unsigned>(__builtin_popcount(_mm512_cmpeq_epi32_mask(fv[q], cv)));
    }
    count[c] += static_cast<std::uint64_t>(in) - static_cast<std::uint64_t>(out);  // modulo 2^64: a net decrease
    if (in + out) seen[c] = 1;
    named += in + out;
  }
  return named;
}

void enter_rows_avx512(const float* x, std::size_t d, const std::uint32_t* label, std::size_t n, std::int64_t* into) {
  const std::size_t whole = d / 4 * 4;
  for (std::size_t i = 0; i < n; ++i) {
    const float* xr = x + i * d;
    std::int64_t* o = into + static_cast<std::size_t>(label[i]) * d;
    for (std::size_t j = 0; j < whole; j += 4) add4(o + j, fixed4(xr + j));
    for (std::size_t j = whole; j < d; ++j) o[j] += fixed1(xr[j]);
  }
}

std::uint32_t max_magnitude_bits_avx512(const float* x, std::size_t n) {
  const __m512i magnitude = _mm512_set1_epi32(0x7fffffff);
  __m512i m0 = _mm512_setzero_si512(), m1 = _mm512_setzero_si512();
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    m0 = _mm512_max_epu32(m0, _mm512_and_si512(_mm512_loadu_si512(x + i), magnitude));
    m1 = _mm512_max_epu32(m1, _mm512_and_si512(_mm512_loadu_si512(x + i + 16), magnitude));
  }
  for (; i < n; i += 16) m0 = _mm512_max_epu32(m0, _mm512_and_si512(_mm512_loadu_si512(x + i), magnitude));
  return _mm512_reduce_max_epu32(_mm512_max_epu32(m0, m1));
}

}  // namespace crmpi::kmeans
