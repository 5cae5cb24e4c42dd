// AVX-512 loop of move_points (cluster_stats.cpp): a point's coordinates in fixed point, added to
// one cluster's partial sums and subtracted from another's. Built with -mavx512f -mavx512dq and
// called only on CPUs that have them (best_isa() == kAvx512).
//
// Same values as the scalar llrint(double(x) * 2^32): the float -> double conversion and the
// scaling by a power of two are exact, and vcvtpd2qq rounds under MXCSR, round to nearest even by
// default, as llrint does (the default rounding mode, which every rank runs under).
// GCC 12's avx512fintrin.h: see distance_avx512.cpp (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/kmeans/fixed_row_kernels.hpp"

namespace crmpi::kmeans {

void move_fixed_row_avx512(const float* xr, std::size_t d, std::int64_t* into, std::int64_t* out_of) {
  const __m512d scale = _mm512_set1_pd(0x1p32);
  for (std::size_t j = 0; j < d; j += 8) {
    const std::size_t m = d - j < 8 ? d - j : 8;
    const auto mask = static_cast<__mmask8>((1u << m) - 1);
    const __m256 xf = _mm512_castps512_ps256(_mm512_maskz_loadu_ps(static_cast<__mmask16>(mask), xr + j));
    const __m512i fx = _mm512_cvtpd_epi64(_mm512_mul_pd(_mm512_cvtps_pd(xf), scale));
    _mm512_mask_storeu_epi64(into + j, mask, _mm512_add_epi64(_mm512_maskz_loadu_epi64(mask, into + j), fx));
    if (out_of)
      _mm512_mask_storeu_epi64(out_of + j, mask, _mm512_sub_epi64(_mm512_maskz_loadu_epi64(mask, out_of + j), fx));
  }
}

void move_row_fixed_avx512(const std::int64_t* f, std::size_t d, std::int64_t* into, std::int64_t* out_of) {
  for (std::size_t j = 0; j < d; j += 8) {
    const std::size_t m = d - j < 8 ? d - j : 8;
    const auto mask = static_cast<__mmask8>((1u << m) - 1);
    const __m512i v = _mm512_maskz_loadu_epi64(mask, f + j);
    _mm512_mask_storeu_epi64(into + j, mask, _mm512_add_epi64(_mm512_maskz_loadu_epi64(mask, into + j), v));
    _mm512_mask_storeu_epi64(out_of + j, mask, _mm512_sub_epi64(_mm512_maskz_loadu_epi64(mask, out_of + j), v));
  }
}

void enter_rows_avx512(const float* x, std::size_t d, const std::uint32_t* label, std::size_t n, std::int64_t* into) {
  const __m512d scale = _mm512_set1_pd(0x1p32);
  for (std::size_t i = 0; i < n; ++i) {
    const float* xr = x + i * d;
    std::int64_t* o = into + static_cast<std::size_t>(label[i]) * d;
    for (std::size_t j = 0; j < d; j += 8) {
      const std::size_t m = d - j < 8 ? d - j : 8;
      const auto mask = static_cast<__mmask8>((1u << m) - 1);
      const __m256 xf = _mm512_castps512_ps256(_mm512_maskz_loadu_ps(static_cast<__mmask16>(mask), xr + j));
      const __m512i fx = _mm512_cvtpd_epi64(_mm512_mul_pd(_mm512_cvtps_pd(xf), scale));
      _mm512_mask_storeu_epi64(o + j, mask, _mm512_add_epi64(_mm512_maskz_loadu_epi64(mask, o + j), fx));
    }
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
