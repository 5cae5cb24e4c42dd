// The vector loops of the fixed-point cluster sums (cluster_stats.cpp: move_points, move_listed,
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

// A whole run in one call (move_listed keeps the counts). Applying the moves is ~10% of a k = 8
// iteration on 2M points (`perf record`, bench_kmeans_peer); a call per move was about as fast.
// The coordinates come as floats and are converted here, 4 at a time, instead of one by one as the
// kernel takes them from the tiles (vcvtss2si each): k = 32 2% faster an iteration (6 of 6 paired
// rounds), k = 8 within the VM's noise (medians 0.97-1.01x over three runs of 6-8 rounds).
void move_run_avx512(const float* x, const std::uint32_t* from, const std::uint32_t* to, std::size_t m, std::size_t d,
                     std::int64_t* part) {
  for (std::size_t u = 0; u < m; ++u)
    move_row<true>(x + u * d, d, part + static_cast<std::size_t>(to[u]) * d, part + static_cast<std::size_t>(from[u]) * d);
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
