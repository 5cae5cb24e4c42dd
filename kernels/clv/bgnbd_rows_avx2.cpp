// AVX2 + FMA implementation of bgnbd_run_sums (see bgnbd_rows.hpp), built with -mavx2 -mfma
// (kernels/clv/CMakeLists.txt) and called only on CPUs that have both.
//
// Four rows per step: the time-value logs are gathered, exp and log are glibc's vector functions
// (libmvec, _ZGVdN4v_*: the x86-64 vector-function ABI, max error 4 ulp), the rest is FMA and a
// blend. The last partial step runs on a padded copy (count 0, index 0), so there is no scalar
// tail. Lane partial sums are added in a fixed order at the end: deterministic.
//
// This file includes nothing but intrinsics and plain structs: no inline function or template from
// another header is compiled here with AVX2 enabled, so the linker cannot hand AVX2 code to the
// baseline build of the rest of the program.
#include <immintrin.h>

#include "kernels/clv/bgnbd_rows.hpp"

extern "C" __m256d _ZGVdN4v_exp(__m256d);  // NOLINT(bugprone-reserved-identifier): glibc libmvec
extern "C" __m256d _ZGVdN4v_log(__m256d);  // NOLINT(bugprone-reserved-identifier)

namespace crmpi::clv {
namespace {

struct Acc {
  __m256d w, softplus, log_T, inv_T, sig, sig_dlog, sig_dinv;
  __m256d inv2_T, sig_h, q, q_d, q_g, q_dd, q_dg, q_gg;
};

// _mm256_i32gather_pd with an explicit source and full mask: GCC 12 warns (-Wuninitialized) about
// the undefined source register the plain form uses.
__m256d gather(const double* base, __m128i idx) {
  return _mm256_mask_i32gather_pd(_mm256_setzero_pd(), base, idx, _mm256_castsi256_pd(_mm256_set1_epi64x(-1)), 8);
}

double lane_sum(__m256d v) {
  alignas(32) double l[4];
  _mm256_store_pd(l, v);
  return (l[0] + l[1]) + (l[2] + l[3]);
}

template <bool kGrad, bool kHess>
void step(const BgNbdRunInput& in, const std::uint32_t* i_tx, const std::uint32_t* i_T, const double* w, Acc& acc) {
  const __m256d one = _mm256_set1_pd(1.0), zero = _mm256_setzero_pd(), sign = _mm256_set1_pd(-0.0);
  const __m128i jT = _mm_loadu_si128(reinterpret_cast<const __m128i*>(i_T));
  const __m128i jx = _mm_loadu_si128(reinterpret_cast<const __m128i*>(i_tx));
  const __m256d lT = gather(in.log_au, jT);
  const __m256d ltx = gather(in.log_au, jx);
  const __m256d wv = _mm256_loadu_pd(w);
  const __m256d dlog = _mm256_sub_pd(lT, ltx);
  const __m256d d = _mm256_fmadd_pd(_mm256_set1_pd(in.rx), dlog, _mm256_set1_pd(in.c4));
  const __m256d e = _ZGVdN4v_exp(_mm256_or_pd(d, sign));  // exp(-|d|)
  const __m256d one_e = _mm256_add_pd(one, e);
  const __m256d softplus = _mm256_add_pd(_mm256_max_pd(d, zero), _ZGVdN4v_log(one_e));
  acc.w = _mm256_add_pd(acc.w, wv);
  acc.softplus = _mm256_fmadd_pd(wv, softplus, acc.softplus);
  acc.log_T = _mm256_fmadd_pd(wv, lT, acc.log_T);
  if constexpr (kGrad) {
    const __m256d inv = _mm256_div_pd(one, one_e);
    const __m256d nonneg = _mm256_cmp_pd(d, zero, _CMP_GE_OQ);
    const __m256d sig = _mm256_blendv_pd(_mm256_mul_pd(e, inv), inv, nonneg);
    const __m256d iT = gather(in.inv_au, jT);
    const __m256d itx = gather(in.inv_au, jx);
    const __m256d ws = _mm256_mul_pd(wv, sig);
    acc.inv_T = _mm256_fmadd_pd(wv, iT, acc.inv_T);
    acc.sig = _mm256_add_pd(acc.sig, ws);
    acc.sig_dlog = _mm256_fmadd_pd(ws, dlog, acc.sig_dlog);
    const __m256d g = _mm256_sub_pd(iT, itx);
    acc.sig_dinv = _mm256_fmadd_pd(ws, g, acc.sig_dinv);
    if constexpr (kHess) {
      const __m256d wq = _mm256_mul_pd(wv, _mm256_mul_pd(e, _mm256_mul_pd(inv, inv)));
      const __m256d wqd = _mm256_mul_pd(wq, dlog), wqg = _mm256_mul_pd(wq, g);
      acc.inv2_T = _mm256_fmadd_pd(_mm256_mul_pd(wv, iT), iT, acc.inv2_T);
      acc.sig_h = _mm256_fmadd_pd(ws, _mm256_mul_pd(g, _mm256_add_pd(iT, itx)), acc.sig_h);
      acc.q = _mm256_add_pd(acc.q, wq);
      acc.q_d = _mm256_add_pd(acc.q_d, wqd);
      acc.q_g = _mm256_add_pd(acc.q_g, wqg);
      acc.q_dd = _mm256_fmadd_pd(wqd, dlog, acc.q_dd);
      acc.q_dg = _mm256_fmadd_pd(wqd, g, acc.q_dg);
      acc.q_gg = _mm256_fmadd_pd(wqg, g, acc.q_gg);
    }
  }
}

template <bool kGrad, bool kHess>
BgNbdRunSums run(const BgNbdRunInput& in) {
  Acc acc;
  acc.w = acc.softplus = acc.log_T = acc.inv_T = acc.sig = acc.sig_dlog = acc.sig_dinv = _mm256_setzero_pd();
  acc.inv2_T = acc.sig_h = acc.q = acc.q_d = acc.q_g = acc.q_dd = acc.q_dg = acc.q_gg = _mm256_setzero_pd();
  std::size_t i = 0;
  for (; i + 4 <= in.n; i += 4) step<kGrad, kHess>(in, in.i_tx + i, in.i_T + i, in.w + i, acc);
  if (i < in.n) {  // padded tail: count 0 rows at index 0 add nothing
    std::uint32_t tx[4] = {0, 0, 0, 0}, T[4] = {0, 0, 0, 0};
    double w[4] = {0, 0, 0, 0};
    for (std::size_t k = 0; i + k < in.n; ++k) {
      tx[k] = in.i_tx[i + k];
      T[k] = in.i_T[i + k];
      w[k] = in.w[i + k];
    }
    step<kGrad, kHess>(in, tx, T, w, acc);
  }
  BgNbdRunSums s;
  s.w = lane_sum(acc.w);
  s.softplus = lane_sum(acc.softplus);
  s.log_T = lane_sum(acc.log_T);
  s.inv_T = lane_sum(acc.inv_T);
  s.sig = lane_sum(acc.sig);
  s.sig_dlog = lane_sum(acc.sig_dlog);
  s.sig_dinv = lane_sum(acc.sig_dinv);
  s.inv2_T = lane_sum(acc.inv2_T);
  s.sig_h = lane_sum(acc.sig_h);
  s.q = lane_sum(acc.q);
  s.q_d = lane_sum(acc.q_d);
  s.q_g = lane_sum(acc.q_g);
  s.q_dd = lane_sum(acc.q_dd);
  s.q_dg = lane_sum(acc.q_dg);
  s.q_gg = lane_sum(acc.q_gg);
  return s;
}

}  // namespace

BgNbdRunSums bgnbd_run_sums_avx2(const BgNbdRunInput& in) {
  if (in.want_hess) return run<true, true>(in);
  return in.want_grad ? run<true, false>(in) : run<false, false>(in);
}

}  // namespace crmpi::clv
