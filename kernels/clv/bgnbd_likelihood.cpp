// BG/NBD and MBG/NBD log-likelihoods over a TripleIndex with their analytic gradient and Hessian
// (bgnbd.hpp). MBG/NBD: the same with x + 1 in place of x in the beta-function terms, below.
//
// Per row with x > 0 (bgnbd_rows.hpp): l = A(x) - (r+x) log(alpha+T) + softplus(d),
//   A(x) = lgG(r+x) - lgG(r) + r log alpha + lgG(a+b) + lgG(b+x) - lgG(b) - lgG(a+b+x),
//   d    = (r+x) D + log a - log(b+x-1),  D = log(alpha+T) - log(alpha+t_x);
// with x = 0: l = r log alpha - r log(alpha+T). Derivatives in the natural parameters
// (r, alpha, a, b), with s = sigmoid(d), q = s (1 - s), G = 1/(alpha+T) - 1/(alpha+t_x),
// H = 1/(alpha+T)^2 - 1/(alpha+t_x)^2, k = 1/(b+x-1), psi/psi1 = di/trigamma:
//   dl/dr = psi(r+x) - psi(r) + log alpha - log(alpha+T) + s D
//   dl/dalpha = r/alpha - (r+x)/(alpha+T) + s (r+x) G
//   dl/da = psi(a+b) - psi(a+b+x) + s/a          dl/db = psi(a+b) + psi(b+x) - psi(b) - psi(a+b+x) - s k
// and second derivatives = those of A, of -(r+x) log(alpha+T), plus q (grad d)(grad d)^T + s hess d
// with grad d = (D, (r+x) G, 1/a, -k) and hess d nonzero at (r,alpha) = G, (alpha,alpha) = -(r+x) H,
// (a,a) = -1/a^2, (b,b) = k^2. Row sums come per run (rows of one x) from bgnbd_run_sums; the
// terms of x alone are multiplied by the run's count, and each run's contributions are added
// exactly (likelihood_sums.hpp). Log-parameters: d2l/dlog p_i dlog p_j =
// p_i p_j d2l/dp_i dp_j + [i == j] p_i dl/dp_i.
#include <boost/math/special_functions/trigamma.hpp>

#include <cmath>
#include <limits>

#include "kernels/clv/bgnbd.hpp"
#include "kernels/clv/special_functions.hpp"

namespace crmpi::clv {
namespace {

// m = 0: BG/NBD; m = 1: MBG/NBD, whose beta-function terms are BG/NBD's at x + 1 (the dropout
// chance also follows the first purchase), so every row, x = 0 included, has the dead branch.
// Adds each run's contributions to `out` (likelihood_sums.hpp); the terms of x alone are computed
// once per x (consecutive runs of equal x share them).
void accumulate(const BgNbdParams& p, const TripleIndex& idx, bool want_grad, bool want_hess, RowIsa isa, int m,
                BgNbdSums& out) {
  const double r = p.r, alpha = p.alpha, a = p.a, b = p.b;
  if (!(std::isfinite(r) && std::isfinite(alpha) && std::isfinite(a) && std::isfinite(b) && r > 0 && alpha > 0 &&
        a > 0 && b > 0)) {
    out.poison();
    return;
  }
  want_grad = want_grad || want_hess;
  const double log_alpha = std::log(alpha), log_a = std::log(a);
  const double lg_r = std::lgamma(r), lg_b = std::lgamma(b), lg_ab = std::lgamma(a + b);
  const double psi_r = want_grad ? digamma(r) : 0.0, psi_b = want_grad ? digamma(b) : 0.0;
  const double psi_ab = want_grad ? digamma(a + b) : 0.0;
  using boost::math::trigamma;
  const double psi1_r = want_hess ? trigamma(r) : 0.0, psi1_b = want_hess ? trigamma(b) : 0.0;
  const double psi1_ab = want_hess ? trigamma(a + b) : 0.0;
  // Per distinct time value u: log(alpha + u) and 1/(alpha + u).
  const std::size_t nu = idx.u.size();
  std::vector<double> log_au(nu), inv_au(want_grad ? nu : 0);
  for (std::size_t k = 0; k < nu; ++k) log_au[k] = std::log(alpha + idx.u[k]);
  if (want_grad)
    for (std::size_t k = 0; k < nu; ++k) inv_au[k] = 1.0 / (alpha + idx.u[k]);
  const double* lu = log_au.data();
  const double* iu = inv_au.data();

  using S = BgNbdSums;
  // Terms of x alone, for the x of the last run.
  double x = std::numeric_limits<double>::quiet_NaN(), rx = 0, xb = 0, a12 = 0, c4 = 0, kb = 0;
  double psi_rx = 0, psi_bx = 0, psi_abx = 0, t_rx = 0, t_ab = 0, t_bx = 0;
  for (std::size_t k = 0; k < idx.run_x.size(); ++k) {
    if (!(idx.run_x[k] == x)) {
      x = idx.run_x[k];
      rx = r + x;
      xb = x + m;  // x of the beta-function terms
      a12 = std::lgamma(rx) - lg_r + r * log_alpha + lg_ab + std::lgamma(b + xb) - lg_b - std::lgamma(a + b + xb);
      c4 = xb > 0 ? log_a - std::log(b + xb - 1) : 0.0;
      kb = xb > 0 ? 1.0 / (b + xb - 1) : 0.0;
      if (want_grad) {
        psi_rx = digamma(rx);
        psi_bx = digamma(b + xb);
        psi_abx = digamma(a + b + xb);
      }
      if (want_hess) {
        t_rx = trigamma(rx);
        t_ab = psi1_ab - trigamma(a + b + xb);
        t_bx = trigamma(b + xb);
      }
    }
    const std::size_t i0 = idx.run_begin(k), i1 = idx.run_end[k];
    BgNbdRunSums s{};
    if (xb > 0) {
      const BgNbdRunInput in{rx,        c4,        lu,        want_grad ? iu : nullptr, idx.i_tx.data() + i0,
                             idx.i_T.data() + i0, idx.w.data() + i0, i1 - i0, want_grad, want_hess};
      s = bgnbd_run_sums(in, isa);
    } else {  // x == 0: only the alive branch (s = q = 0)
      for (std::size_t i = i0; i < i1; ++i) {
        const double w = idx.w[i];
        s.w += w;
        s.log_T += w * lu[idx.i_T[i]];
        if (want_grad) s.inv_T += w * iu[idx.i_T[i]];
        if (want_hess) s.inv2_T += w * iu[idx.i_T[i]] * iu[idx.i_T[i]];
      }
    }
    out.sums[0].add(a12 * s.w - rx * s.log_T + s.softplus);
    if (!want_grad) continue;
    out.sums[S::grad_at(0)].add(s.w * (psi_rx - psi_r + log_alpha) - s.log_T + s.sig_dlog);
    out.sums[S::grad_at(1)].add(s.w * (r / alpha) - rx * (s.inv_T - s.sig_dinv));
    out.sums[S::grad_at(2)].add(s.w * (psi_ab - psi_abx) + s.sig / a);
    out.sums[S::grad_at(3)].add(s.w * (psi_ab + psi_bx - psi_b - psi_abx) - kb * s.sig);
    if (!want_hess) continue;
    out.sums[S::hess_at(0, 0)].add(s.w * (t_rx - psi1_r) + s.q_dd);
    out.sums[S::hess_at(0, 1)].add(s.w / alpha - s.inv_T + rx * s.q_dg + s.sig_dinv);
    out.sums[S::hess_at(0, 2)].add(s.q_d / a);
    out.sums[S::hess_at(0, 3)].add(-kb * s.q_d);
    out.sums[S::hess_at(1, 1)].add(-s.w * r / (alpha * alpha) + rx * s.inv2_T + rx * rx * s.q_gg - rx * s.sig_h);
    out.sums[S::hess_at(1, 2)].add(rx * s.q_g / a);
    out.sums[S::hess_at(1, 3)].add(-rx * kb * s.q_g);
    out.sums[S::hess_at(2, 2)].add(s.w * t_ab + (s.q - s.sig) / (a * a));
    out.sums[S::hess_at(2, 3)].add(s.w * t_ab - kb * s.q / a);
    out.sums[S::hess_at(3, 3)].add(s.w * (t_ab + t_bx - psi1_b) + kb * kb * (s.q + s.sig));
  }
}

// The whole table's value (and derivatives in log-parameters) from its sums.
double evaluate(const BgNbdParams& p, const TripleIndex& idx, std::array<double, 4>* grad_log,
                std::array<double, 16>* hess_log, RowIsa isa, int m) {
  BgNbdSums sums;
  accumulate(p, idx, grad_log != nullptr, hess_log != nullptr, isa, m, sums);
  return finish_log_params<4>({p.r, p.alpha, p.a, p.b}, values_of(sums), grad_log, hess_log);
}

}  // namespace

double bgnbd_log_likelihood(const BgNbdParams& p, std::span<const Triple> table, std::array<double, 4>* grad_log) {
  return bgnbd_log_likelihood(p, TripleIndex(table), grad_log);
}

double bgnbd_log_likelihood(const BgNbdParams& p, const TripleIndex& idx, std::array<double, 4>* grad_log,
                            RowIsa isa) {
  return evaluate(p, idx, grad_log, nullptr, isa, 0);
}

double bgnbd_log_likelihood_hessian(const BgNbdParams& p, const TripleIndex& idx, std::array<double, 4>& grad_log,
                                    std::array<double, 16>& hess_log, RowIsa isa) {
  return evaluate(p, idx, &grad_log, &hess_log, isa, 0);
}

double mbgnbd_log_likelihood(const BgNbdParams& p, const TripleIndex& idx, std::array<double, 4>* grad_log,
                             RowIsa isa) {
  return evaluate(p, idx, grad_log, nullptr, isa, 1);
}

double mbgnbd_log_likelihood_hessian(const BgNbdParams& p, const TripleIndex& idx, std::array<double, 4>& grad_log,
                                     std::array<double, 16>& hess_log, RowIsa isa) {
  return evaluate(p, idx, &grad_log, &hess_log, isa, 1);
}

void bg_family_sums(const BgNbdParams& p, const TripleIndex& idx, BgFamily family, Derivatives d, BgNbdSums& out,
                    RowIsa isa) {
  accumulate(p, idx, d != Derivatives::kValue, d == Derivatives::kHessian, isa, family == BgFamily::kMbgNbd ? 1 : 0,
             out);
}

}  // namespace crmpi::clv
