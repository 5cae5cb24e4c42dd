// AVX-512 distance loop (distance_kernels.hpp), built with -mavx512f -mavx512dq -mfma
// (CMakeLists.txt) and called only on CPUs that have them. Twice the lanes of the AVX2 loop, the
// same per-lane operations: diff = x_j - c_j, acc = fma(diff, diff, acc), j ascending, so the same
// bits as the scalar and AVX2 loops, whatever the grouping of points.
//
// Two layouts of the lanes:
// - k <= 8 (one group of 8 in the table): a register holds TWO points against the 8 centroids,
//   lanes 0-7 for one point and 8-15 for the next (the centroid columns duplicated in both
//   halves), so no lane is wasted on a small k, the common case of customer segments;
// - k > 8: a register holds 16 centroids of one point; groups of 16, the last one completed with
//   +inf lanes (masked loads: the table is padded to a multiple of 8 only).
// Padding lanes are forced to +inf (max with the pad row), so they never win.
//
// As distance_avx2.cpp: nothing but intrinsics and plain structs are compiled here, so no inline
// function of another header is built with AVX-512 enabled.
// GCC 12's avx512fintrin.h starts several intrinsics from _mm512_undefined_ps(), which its own
// -Wuninitialized then reports once they are inlined (GCC bug 105593, fixed in GCC 13).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <cstdint>

#include "kernels/kmeans/distance_kernels.hpp"

namespace crmpi::kmeans {
namespace {

constexpr float kInf = __builtin_inff();

// ---- k <= 8: pairs of points per register -------------------------------------------------

// Per 8-lane half: every lane = the minimum of its half (exact).
__m512 half_min(__m512 v) {
  v = _mm512_min_ps(v, _mm512_permute_ps(v, 0x4e));
  v = _mm512_min_ps(v, _mm512_permute_ps(v, 0xb1));
  return _mm512_min_ps(v, _mm512_shuffle_f32x4(v, v, _MM_SHUFFLE(2, 3, 0, 1)));
}

float lane0(__m512 v) { return _mm512_cvtss_f32(v); }
float lane8(__m512 v) { return _mm256_cvtss_f32(_mm512_extractf32x8_ps(v, 1)); }

// NPAIR pairs: point rows xr[2p] (low half) and xr[2p + 1] (high half). Each centroid column
// load serves all pairs. Outputs go to job positions out[2p], out[2p + 1]; `count` is how many of
// the 2 * NPAIR positions are real (a lone last point is paired with itself and written once).
template <int NPAIR, bool kSecond>
void pairs(const float* const* xr, const NearestJob& job, const TableView& t, std::size_t i, std::size_t count) {
  __m512 acc[NPAIR];
  _Pragma("GCC unroll 8") for (int p = 0; p < NPAIR; ++p) acc[p] = _mm512_setzero_ps();
  for (std::size_t j = 0; j < t.d; ++j) {
    const __m256 c8 = _mm256_loadu_ps(t.cols + j * t.kpad);
    const __m512 c = _mm512_insertf32x8(_mm512_castps256_ps512(c8), c8, 1);
    _Pragma("GCC unroll 8") for (int p = 0; p < NPAIR; ++p) {
      const __m512 xb = _mm512_mask_broadcastss_ps(_mm512_set1_ps(xr[2 * p][j]), 0xff00, _mm_load_ss(xr[2 * p + 1] + j));
      const __m512 diff = _mm512_sub_ps(xb, c);
      acc[p] = _mm512_fmadd_ps(diff, diff, acc[p]);
    }
  }
  const __m256 pad8 = _mm256_loadu_ps(t.pad);
  const __m512 pad = _mm512_insertf32x8(_mm512_castps256_ps512(pad8), pad8, 1);
  _Pragma("GCC unroll 8") for (int p = 0; p < NPAIR; ++p) {
    const __m512 v = _mm512_max_ps(acc[p], pad);  // +inf in padding lanes
    const __m512 m = half_min(v);
    // The lowest lane holding its half's minimum: ties go to the lowest centroid index.
    const unsigned eq = _mm512_cmp_ps_mask(v, m, _CMP_EQ_OQ);
    const unsigned lo = static_cast<unsigned>(__builtin_ctz(eq & 0xffu));
    const unsigned hi = static_cast<unsigned>(__builtin_ctz(eq >> 8));
    const std::size_t a = i + 2 * static_cast<std::size_t>(p);
    for (std::size_t h = 0; h < 2; ++h) {
      if (2 * static_cast<std::size_t>(p) + h >= count) break;
      job.label[a + h] = h == 0 ? lo : hi;
      job.best[a + h] = h == 0 ? lane0(m) : lane8(m);
    }
    if constexpr (kSecond) {  // the smallest of the other lanes of each half
      const auto own = static_cast<__mmask16>((1u << lo) | (1u << (8 + hi)));
      const __m512 s = half_min(_mm512_mask_mov_ps(v, own, _mm512_set1_ps(kInf)));
      for (std::size_t h = 0; h < 2; ++h) {
        if (2 * static_cast<std::size_t>(p) + h >= count) break;
        job.second[a + h] = h == 0 ? lane0(s) : lane8(s);
      }
    }
  }
}

template <bool kSecond>
void nearest_pairs(const NearestJob& job, const TableView& t) {
  constexpr int kPairs = 4;  // 8 points share each centroid load
  auto row = [&](std::size_t i) { return job.x + (job.idx ? job.idx[i] : i) * job.d; };
  std::size_t i = 0;
  const float* xr[2 * kPairs];
  for (; i + 2 * kPairs <= job.n; i += 2 * kPairs) {
    _Pragma("GCC unroll 8") for (int p = 0; p < 2 * kPairs; ++p) xr[p] = row(i + static_cast<std::size_t>(p));
    pairs<kPairs, kSecond>(xr, job, t, i, 2 * kPairs);
  }
  for (; i < job.n; i += 2) {  // the tail, a pair at a time; a lone last point pairs with itself
    const std::size_t count = job.n - i >= 2 ? 2 : 1;
    xr[0] = row(i);
    xr[1] = row(i + count - 1);
    pairs<1, kSecond>(xr, job, t, i, count);
  }
}

// ---- k > 8: 16 centroids per register ------------------------------------------------------

struct Running {  // per lane: smallest, second smallest, and the group of the smallest
  __m512 min, sec;
  __m512i group;
};

// Lanes of group g that exist in the table (kpad is a multiple of 8, so a group has 8 or 16).
__mmask16 group_mask(const TableView& t, std::size_t g) { return t.kpad - g * 16 >= 16 ? 0xffff : 0x00ff; }

template <int NP, int NG, bool kSecond>
void chunk(const float* const* xr, const TableView& t, std::size_t g0, Running* r) {
  __m512 acc[NP][NG];
  __mmask16 mask[NG];
  _Pragma("GCC unroll 4") for (int g = 0; g < NG; ++g) mask[g] = group_mask(t, g0 + static_cast<std::size_t>(g));
  _Pragma("GCC unroll 8") for (int p = 0; p < NP; ++p)
    _Pragma("GCC unroll 4") for (int g = 0; g < NG; ++g) acc[p][g] = _mm512_setzero_ps();
  const float* base = t.cols + g0 * 16;
  for (std::size_t j = 0; j < t.d; ++j) {
    const float* cj = base + j * t.kpad;
    __m512 c[NG];
    _Pragma("GCC unroll 4") for (int g = 0; g < NG; ++g) c[g] = _mm512_maskz_loadu_ps(mask[g], cj + 16 * g);
    _Pragma("GCC unroll 8") for (int p = 0; p < NP; ++p) {
      const __m512 xb = _mm512_set1_ps(xr[p][j]);
      _Pragma("GCC unroll 4") for (int g = 0; g < NG; ++g) {
        const __m512 diff = _mm512_sub_ps(xb, c[g]);
        acc[p][g] = _mm512_fmadd_ps(diff, diff, acc[p][g]);
      }
    }
  }
  _Pragma("GCC unroll 4") for (int g = 0; g < NG; ++g) {
    const __m512 pad = _mm512_mask_loadu_ps(_mm512_set1_ps(kInf), mask[g], t.pad + (g0 + static_cast<std::size_t>(g)) * 16);
    const __m512i gi = _mm512_set1_epi32(static_cast<int>(g0) + g);
    _Pragma("GCC unroll 8") for (int p = 0; p < NP; ++p) {
      Running& q = r[p];
      const __m512 v = _mm512_max_ps(acc[p][g], pad);  // +inf in padding lanes
      const __mmask16 lt = _mm512_cmp_ps_mask(v, q.min, _CMP_LT_OQ);  // strict: a tie keeps the lower group
      if constexpr (kSecond) q.sec = _mm512_min_ps(q.sec, _mm512_max_ps(q.min, v));
      q.min = _mm512_min_ps(v, q.min);
      q.group = _mm512_mask_mov_epi32(q.group, lt, gi);
    }
  }
}

__m512 hmin_ps(__m512 v) {  // every lane = the minimum (exact)
  v = half_min(v);
  return _mm512_min_ps(v, _mm512_shuffle_f32x4(v, v, _MM_SHUFFLE(1, 0, 3, 2)));
}

// As finish() in distance_avx2.cpp: the smallest value m, then the lowest centroid index
// (group * 16 + lane) among lanes holding m; second: the other lanes' minima and every lane's
// second smallest.
template <bool kSecond, bool kOneGroup>
void finish(const Running& r, const NearestJob& job, std::size_t i) {
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512 m = hmin_ps(r.min);
  const __mmask16 eq = _mm512_cmp_ps_mask(r.min, m, _CMP_EQ_OQ);
  int best;
  if constexpr (kOneGroup) {
    best = __builtin_ctz(static_cast<unsigned>(eq));  // m is one of the lanes: eq != 0
  } else {
    const __m512i idx = _mm512_add_epi32(_mm512_slli_epi32(r.group, 4), lane);
    best = _mm512_reduce_min_epi32(_mm512_mask_mov_epi32(_mm512_set1_epi32(0x7fffffff), eq, idx));
  }
  job.label[i] = static_cast<std::uint32_t>(best);
  job.best[i] = _mm512_cvtss_f32(m);
  if constexpr (kSecond) {
    const auto own = static_cast<__mmask16>(1u << (best & 15));
    const __m512 others = _mm512_mask_mov_ps(r.min, own, _mm512_set1_ps(kInf));
    job.second[i] = _mm512_cvtss_f32(hmin_ps(_mm512_min_ps(r.sec, others)));
  }
}

// points() and the loop over points (nearest_groups) have the shape of distance_avx2.cpp's with
// 16 lanes instead of 8. They stay written out in each file: a template shared through a header
// would be compiled here with AVX-512 enabled, which the rule at the top of the file rules out.
template <int NP, bool kSecond>
void points(const NearestJob& job, const TableView& t, std::size_t i) {
  const std::size_t groups = (t.kpad + 15) / 16;
  const float* xr[NP];
  Running r[NP];
  _Pragma("GCC unroll 8") for (int p = 0; p < NP; ++p) {
    const std::size_t row = job.idx ? job.idx[i + static_cast<std::size_t>(p)] : i + static_cast<std::size_t>(p);
    xr[p] = job.x + row * job.d;
    r[p] = {_mm512_set1_ps(kInf), _mm512_set1_ps(kInf), _mm512_setzero_si512()};
  }
  std::size_t g0 = 0;
  for (; g0 + 4 <= groups; g0 += 4) chunk<NP, 4, kSecond>(xr, t, g0, r);
  switch (groups - g0) {
    case 3: chunk<NP, 3, kSecond>(xr, t, g0, r); break;
    case 2: chunk<NP, 2, kSecond>(xr, t, g0, r); break;
    case 1: chunk<NP, 1, kSecond>(xr, t, g0, r); break;
    default: break;
  }
  if (groups == 1) {
    _Pragma("GCC unroll 8") for (int p = 0; p < NP; ++p) finish<kSecond, true>(r[p], job, i + static_cast<std::size_t>(p));
  } else {
    _Pragma("GCC unroll 8") for (int p = 0; p < NP; ++p) finish<kSecond, false>(r[p], job, i + static_cast<std::size_t>(p));
  }
}

template <bool kSecond>
void nearest_groups(const NearestJob& job, const TableView& t) {
  std::size_t i = 0;
  if (t.kpad <= 16) {  // one register of centroids: 8 points share each centroid load
    for (; i + 8 <= job.n; i += 8) points<8, kSecond>(job, t, i);
  } else if (t.kpad <= 32) {
    for (; i + 4 <= job.n; i += 4) points<4, kSecond>(job, t, i);
  } else {
    for (; i + 2 <= job.n; i += 2) points<2, kSecond>(job, t, i);
  }
  for (; i < job.n; ++i) points<1, kSecond>(job, t, i);  // the tail: same operations per point
}

}  // namespace

void nearest_avx512(const NearestJob& job, const TableView& t) {
  if (t.kpad <= 8) {
    if (job.second) return nearest_pairs<true>(job, t);
    return nearest_pairs<false>(job, t);
  }
  if (job.second) return nearest_groups<true>(job, t);
  nearest_groups<false>(job, t);
}

}  // namespace crmpi::kmeans
