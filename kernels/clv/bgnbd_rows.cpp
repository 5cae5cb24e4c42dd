#include "kernels/clv/bgnbd_rows.hpp"

#include <cmath>

namespace crmpi::clv {
namespace {

bool cpu_has_avx2_fma() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

BgNbdRunSums scalar_sums(const BgNbdRunInput& in) {
  BgNbdRunSums s{};
  const double* lu = in.log_au;
  const double* iu = in.inv_au;
  for (std::size_t i = 0; i < in.n; ++i) {
    const double lT = lu[in.i_T[i]], dlog = lT - lu[in.i_tx[i]];
    const double d = in.rx * dlog + in.c4;
    const double e = std::exp(-std::fabs(d));  // in (0, 1]
    // log(1 + e) rather than log1p(e): e is in (0, 1], so the absolute error stays below 2.2e-16
    // (negligible next to the row's log-likelihood) and log is ~3x cheaper.
    const double softplus = (d > 0 ? d : 0.0) + std::log(1.0 + e);
    const double w = in.w[i];
    s.w += w;
    s.softplus += w * softplus;
    s.log_T += w * lT;
    if (in.want_grad) {
      const double inv = 1.0 / (1.0 + e);
      const double ws = w * (d >= 0 ? inv : e * inv);
      const double iT = iu[in.i_T[i]];
      s.inv_T += w * iT;
      s.sig += ws;
      s.sig_dlog += ws * dlog;
      const double itx = iu[in.i_tx[i]], g = iT - itx;
      s.sig_dinv += ws * g;
      if (in.want_hess) {
        const double wq = w * e * inv * inv;  // w sigmoid (1 - sigmoid), either sign of d
        s.inv2_T += w * iT * iT;
        s.sig_h += ws * (g * (iT + itx));
        s.q += wq;
        s.q_d += wq * dlog;
        s.q_g += wq * g;
        s.q_dd += wq * dlog * dlog;
        s.q_dg += wq * dlog * g;
        s.q_gg += wq * g * g;
      }
    }
  }
  return s;
}

}  // namespace

RowIsa best_row_isa() {
  static const RowIsa best = cpu_has_avx2_fma() ? RowIsa::kAvx2 : RowIsa::kScalar;
  return best;
}

BgNbdRunSums bgnbd_run_sums(const BgNbdRunInput& in, RowIsa isa) {
  if (isa == RowIsa::kAvx2 && best_row_isa() == RowIsa::kAvx2) return bgnbd_run_sums_avx2(in);
  return scalar_sums(in);
}

}  // namespace crmpi::clv
