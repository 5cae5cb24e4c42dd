// The AVX-512 loops of k-means|| (parallel_init_kernels.hpp), built with -mavx512f -mavx512dq
// -mavx2 -mfma and called only on CPUs that have them. Each gives exactly the scalar loop's
// results: integer sums (any order), IEEE double arithmetic in the scalar's order, and 64-bit
// products modulo 2^64 (vpmullq) as the scalar multiply.
// GCC 12's avx512fintrin.h: see distance_avx512.cpp (GCC bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/kmeans/parallel_init_kernels.hpp"

namespace crmpi::kmeans {

// 16 points a step: a vertical compare and two blends instead of a branch per point (whether a new
// candidate is nearer is a coin flip in the first rounds), and the costs summed as the scalar
// loop does, 8 int64 lanes per half: an integer sum, so the lane order does not matter.
std::int64_t take_nearer_avx512(const float* best, const std::uint32_t* label, std::uint32_t base, std::size_t n,
                                float* cost, std::uint32_t* near, std::size_t* large) {
  const __m512 small = _mm512_set1_ps(0x1p16f);
  const __m512d scale = _mm512_set1_pd(0x1p32);
  const __m512i vbase = _mm512_set1_epi32(static_cast<int>(base));
  __m512i sum = _mm512_setzero_si512();
  std::size_t big = 0;
  for (std::size_t i = 0; i < n; i += 16) {
    const auto live = static_cast<__mmask16>(n - i >= 16 ? 0xffffu : (1u << (n - i)) - 1u);
    const __m512 b = _mm512_maskz_loadu_ps(live, best + i);
    const __m512 c0 = _mm512_maskz_loadu_ps(live, cost + i);
    const __mmask16 nearer = _mm512_mask_cmp_ps_mask(live, b, c0, _CMP_LT_OQ);
    const __m512 c = _mm512_mask_mov_ps(c0, nearer, b);
    _mm512_mask_storeu_ps(cost + i, nearer, c);
    const __m512i lab = _mm512_add_epi32(_mm512_maskz_loadu_epi32(nearer, label + i), vbase);
    _mm512_mask_storeu_epi32(near + i, nearer, lab);
    const __mmask16 in = _mm512_mask_cmp_ps_mask(live, c, small, _CMP_LT_OQ);
    big += static_cast<std::size_t>(__builtin_popcount(static_cast<unsigned>(live & ~in)));
    const __m512d lo = _mm512_mul_pd(_mm512_cvtps_pd(_mm512_castps512_ps256(c)), scale);
    const __m512d hi = _mm512_mul_pd(_mm512_cvtps_pd(_mm512_extractf32x8_ps(c, 1)), scale);
    sum = _mm512_mask_add_epi64(sum, static_cast<__mmask8>(in), sum, _mm512_cvtpd_epi64(lo));
    sum = _mm512_mask_add_epi64(sum, static_cast<__mmask8>(in >> 8), sum, _mm512_cvtpd_epi64(hi));
  }
  *large = big;
  return _mm512_reduce_add_epi64(sum);
}

namespace {

inline __m512i xorshift(__m512i z, int s) { return _mm512_xor_si512(z, _mm512_srli_epi64(z, static_cast<unsigned>(s))); }

}  // namespace

// 8 points a step; the draws are a few per round, so the chosen lanes are listed by scalar code.
void draw_below_avx512(const std::uint64_t* ids, const float* cost, std::size_t n, std::uint64_t prefix, double l,
                       double total, std::uint32_t* chosen, std::size_t* count) {
  const __m512i add = _mm512_set1_epi64(static_cast<long long>(prefix + 0x9e3779b97f4a7c15ULL));
  const __m512i m1 = _mm512_set1_epi64(static_cast<long long>(0xbf58476d1ce4e5b9ULL));
  const __m512i m2 = _mm512_set1_epi64(static_cast<long long>(0x94d049bb133111ebULL));
  const __m512d vl = _mm512_set1_pd(l), vtotal = _mm512_set1_pd(total), one = _mm512_set1_pd(1.0);
  const __m512d unit = _mm512_set1_pd(0x1p-53);
  std::size_t c = *count;
  for (std::size_t i = 0; i < n; i += 8) {
    const auto live = static_cast<__mmask8>(n - i >= 8 ? 0xffu : (1u << (n - i)) - 1u);
    __m512i z = _mm512_add_epi64(_mm512_maskz_loadu_epi64(live, ids + i), add);  // mix64 (keyed_rng.hpp)
    z = _mm512_mullo_epi64(xorshift(z, 30), m1);
    z = _mm512_mullo_epi64(xorshift(z, 27), m2);
    z = xorshift(z, 31);
    const __m512d u = _mm512_mul_pd(_mm512_cvtepu64_pd(_mm512_srli_epi64(z, 11)), unit);  // exact: < 2^53
    const __m512d p = _mm512_div_pd(_mm512_mul_pd(vl, _mm512_cvtps_pd(_mm512_castps512_ps256(_mm512_maskz_loadu_ps(live, cost + i)))), vtotal);
    const __mmask8 hit = _mm512_mask_cmp_pd_mask(live, u, _mm512_min_pd(p, one), _CMP_LT_OQ);
    for (unsigned m = hit; m != 0; m &= m - 1) chosen[c++] = static_cast<std::uint32_t>(i + static_cast<unsigned>(__builtin_ctz(m)));
  }
  *count = c;
}

}  // namespace crmpi::kmeans
