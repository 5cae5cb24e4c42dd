// AVX2 + FMA distance loops (distance_kernels.hpp), built with -mavx2 -mfma (CMakeLists.txt) and
// called only on CPUs that have both.
//
// (Loops over points and groups are unrolled so the accumulators stay in registers: GCC -O2 keeps
// them on the stack otherwise.)
// Vectorised over centroids: 8 per register, up to 4 registers per pass over the coordinates, for
// 8 points at a time (k <= 8), 4 (k <= 16) or 2 (larger k) to hide the FMA latency, then single points for the
// tail. Per lane: the scalar sequence diff = x_j - c_j, acc = fma(diff, diff, acc), j ascending:
// the same bits as the scalar loop, whatever the grouping of points. Padding lanes are forced to
// +inf (max with the pad row), so they never win.
//
// This file includes nothing but intrinsics and plain structs: no inline function or template from
// another header is compiled here with AVX2 enabled (the linker could otherwise hand AVX2 code to
// the baseline build of the rest of the program).
#include <immintrin.h>

#include <cstdint>

#include "kernels/kmeans/distance_kernels.hpp"

namespace crmpi::kmeans {
namespace {

struct Running {  // per lane: smallest, second smallest, and the group of the smallest
  __m256 min, sec;
  __m256i group;
};

// NP points against NG register groups (8 centroids each) starting at group g0. The NP points'
// chains are independent (a single point's chain of d FMAs is latency-bound); each centroid
// load serves all NP points. Per point and lane the operations are those of the scalar loop, so
// whether a point is processed alone or with others changes no bit.
template <int NP, int NG, bool kSecond>
void chunk(const float* const* xr, const TableView& t, std::size_t g0, Running* r) {
  __m256 acc[NP][NG];
  _Pragma("GCC unroll 8") for (int p = 0; p < NP; ++p)
    _Pragma("GCC unroll 4") for (int g = 0; g < NG; ++g) acc[p][g] = _mm256_setzero_ps();
  const float* base = t.cols + g0 * 8;
  for (std::size_t j = 0; j < t.d; ++j) {
    const float* cj = base + j * t.kpad;
    __m256 c[NG];
    _Pragma("GCC unroll 4") for (int g = 0; g < NG; ++g) c[g] = _mm256_loadu_ps(cj + 8 * g);
    _Pragma("GCC unroll 8") for (int p = 0; p < NP; ++p) {
      const __m256 xb = _mm256_broadcast_ss(xr[p] + j);
      _Pragma("GCC unroll 4") for (int g = 0; g < NG; ++g) {
        const __m256 diff = _mm256_sub_ps(xb, c[g]);
        acc[p][g] = _mm256_fmadd_ps(diff, diff, acc[p][g]);
      }
    }
  }
  _Pragma("GCC unroll 4") for (int g = 0; g < NG; ++g) {
    const __m256 pad = _mm256_loadu_ps(t.pad + (g0 + static_cast<std::size_t>(g)) * 8);
    const __m256i gi = _mm256_set1_epi32(static_cast<int>(g0) + g);
    _Pragma("GCC unroll 8") for (int p = 0; p < NP; ++p) {
      Running& q = r[p];
      const __m256 v = _mm256_max_ps(acc[p][g], pad);  // +inf in padding lanes
      const __m256 lt = _mm256_cmp_ps(v, q.min, _CMP_LT_OQ);  // strict: a tie keeps the lower group
      if constexpr (kSecond) q.sec = _mm256_min_ps(q.sec, _mm256_max_ps(q.min, v));
      q.min = _mm256_min_ps(v, q.min);
      q.group = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(q.group), _mm256_castsi256_ps(gi), lt));
    }
  }
}

__m256 hmin_ps(__m256 v) {  // every lane = the minimum (exact)
  v = _mm256_min_ps(v, _mm256_permute2f128_ps(v, v, 1));
  v = _mm256_min_ps(v, _mm256_permute_ps(v, 0x4e));
  return _mm256_min_ps(v, _mm256_permute_ps(v, 0xb1));
}

__m256i hmin_epi32(__m256i v) {
  v = _mm256_min_epi32(v, _mm256_permute2x128_si256(v, v, 1));
  v = _mm256_min_epi32(v, _mm256_shuffle_epi32(v, 0x4e));
  return _mm256_min_epi32(v, _mm256_shuffle_epi32(v, 0xb1));
}

// The point's nearest centroid: the smallest value m over lanes, then the lowest centroid index
// (group * 8 + lane) among lanes holding m. Second smallest: the other lanes' minima and every
// lane's second smallest.
// With one group (k <= 8) every lane's group is 0, so the lowest index among the lanes holding m
// is the lowest such lane: the first set bit of the comparison mask (the same label, fewer
// instructions than the general search).
template <bool kSecond, bool kOneGroup>
void finish(const Running& r, const NearestJob& job, std::size_t i) {
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256 m = hmin_ps(r.min);
  const __m256 eq = _mm256_cmp_ps(r.min, m, _CMP_EQ_OQ);
  int best;
  if constexpr (kOneGroup) {
    best = __builtin_ctz(static_cast<unsigned>(_mm256_movemask_ps(eq)));  // m is one of the lanes: mask != 0
  } else {
    const __m256i idx = _mm256_add_epi32(_mm256_slli_epi32(r.group, 3), lane);
    const __m256i cand = _mm256_castps_si256(
        _mm256_blendv_ps(_mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)), _mm256_castsi256_ps(idx), eq));
    best = _mm256_cvtsi256_si32(hmin_epi32(cand));
  }
  job.label[i] = static_cast<std::uint32_t>(best);
  job.best[i] = _mm256_cvtss_f32(m);
  if constexpr (kSecond) {
    const __m256 own = _mm256_castsi256_ps(_mm256_cmpeq_epi32(lane, _mm256_set1_epi32(best & 7)));
    const __m256 others = _mm256_blendv_ps(r.min, _mm256_set1_ps(__builtin_inff()), own);
    job.second[i] = _mm256_cvtss_f32(hmin_ps(_mm256_min_ps(r.sec, others)));
  }
}

// points() and nearest_impl() have their 16-lane twins in distance_avx512.cpp, written out there
// again by the rule at the top of this file.
template <int NP, bool kSecond>
void points(const NearestJob& job, const TableView& t, std::size_t i) {
  const std::size_t groups = t.kpad / 8;
  const float* xr[NP];
  Running r[NP];
  _Pragma("GCC unroll 8") for (int p = 0; p < NP; ++p) {
    const std::size_t row = job.idx ? job.idx[i + static_cast<std::size_t>(p)] : i + static_cast<std::size_t>(p);
    xr[p] = job.x + row * job.d;
    r[p] = {_mm256_set1_ps(__builtin_inff()), _mm256_set1_ps(__builtin_inff()), _mm256_setzero_si256()};
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
void nearest_impl(const NearestJob& job, const TableView& t) {
  std::size_t i = 0;
  if (t.kpad <= 8) {  // one register of centroids: 8 points share each centroid load
    for (; i + 8 <= job.n; i += 8) points<8, kSecond>(job, t, i);
  } else if (t.kpad <= 16) {
    for (; i + 4 <= job.n; i += 4) points<4, kSecond>(job, t, i);
  } else {
    for (; i + 2 <= job.n; i += 2) points<2, kSecond>(job, t, i);
  }
  for (; i < job.n; ++i) points<1, kSecond>(job, t, i);  // the tail: same operations per point
}

}  // namespace

void nearest_avx2(const NearestJob& job, const TableView& t) {
  if (job.second) {
    nearest_impl<true>(job, t);
  } else {
    nearest_impl<false>(job, t);
  }
}

// One point's distance is a chain of d dependent FMAs (latency-bound: about 4 cycles each), so 8
// points run side by side with independent chains; each point still gets exactly the scalar
// sequence, so grouping changes no bit.
void dist_to_label_avx2(const LabelDistJob& job, const TableView& t) {
  constexpr std::size_t kGroup = 8;
  const std::size_t end = job.first + job.n;
  std::size_t i = job.first;
  for (; i + kGroup <= end; i += kGroup) {
    const float* xr[kGroup];
    const float* c[kGroup];
    float acc[kGroup];
    _Pragma("GCC unroll 8") for (std::size_t p = 0; p < kGroup; ++p) {
      xr[p] = job.x + (i + p) * job.d;
      c[p] = t.rows + job.label[i + p] * t.d;
      acc[p] = 0.0f;
    }
    for (std::size_t j = 0; j < job.d; ++j) {
      _Pragma("GCC unroll 8") for (std::size_t p = 0; p < kGroup; ++p) {
        const float diff = xr[p][j] - c[p][j];
        acc[p] = __builtin_fmaf(diff, diff, acc[p]);
      }
    }
    _Pragma("GCC unroll 8") for (std::size_t p = 0; p < kGroup; ++p) job.out[i + p] = acc[p];
  }
  for (; i < end; ++i) {
    const float* xr = job.x + i * job.d;
    const float* c = t.rows + job.label[i] * t.d;
    float acc = 0.0f;
    for (std::size_t j = 0; j < job.d; ++j) {
      const float diff = xr[j] - c[j];
      acc = __builtin_fmaf(diff, diff, acc);  // one vfmadd instruction here (-mfma)
    }
    job.out[i] = acc;
  }
}

}  // namespace crmpi::kmeans
