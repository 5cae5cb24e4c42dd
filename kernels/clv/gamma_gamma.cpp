#include "kernels/clv/gamma_gamma.hpp"

#include <boost/math/special_functions/trigamma.hpp>

#include <cmath>
#include <limits>

#include "kernels/clv/special_functions.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi::clv {

double gamma_gamma_log_likelihood(const GammaGammaParams& prm, std::span<const SpendPair> table,
                                  std::array<double, 3>* grad_log) {
  return gamma_gamma_log_likelihood(prm, SpendIndex(table), grad_log);
}

namespace {

// Value, gradient and (when hess_log) Hessian in (log p, log q, log gamma). Per row, with
// den = gamma + x zbar and the run's px = p x:
//   l      = lgG(px+q) - lgG(px) - lgG(q) + q log gamma + px log x + (px-1) log zbar - (px+q) log den
//   dl/dp  = x (psi(px+q) - psi(px) + log x + log zbar - log den)
//   dl/dq  = psi(px+q) - psi(q) + log gamma - log den
//   dl/dg  = q/gamma - (px+q)/den
//   d2l/dp2 = x^2 (psi1(px+q) - psi1(px))   d2l/dpdq = x psi1(px+q)   d2l/dpdg = -x/den
//   d2l/dq2 = psi1(px+q) - psi1(q)           d2l/dqdg = 1/gamma - 1/den
//   d2l/dg2 = -q/gamma^2 + (px+q)/den^2
// so the rows add up four sums per run (w, w log zbar, w log den, w/den, and w/den^2 for the
// Hessian); the terms of x alone are computed once per x, and each run's contributions are added
// exactly (likelihood_sums.hpp).
void accumulate(const GammaGammaParams& prm, const SpendIndex& idx, bool want_grad, bool want_hess,
                GammaGammaSums& out) {
  const double p = prm.p, q = prm.q, g = prm.gamma;
  if (!(std::isfinite(p) && std::isfinite(q) && std::isfinite(g) && p > 0 && q > 0 && g > 0)) {
    out.poison();
    return;
  }
  want_grad = want_grad || want_hess;
  const double lg_q = std::lgamma(q), log_g = std::log(g), psi_q = want_grad ? digamma(q) : 0.0;
  const double psi1_q = want_hess ? boost::math::trigamma(q) : 0.0;
  const double* zs = idx.z.data();
  const double* lz = idx.log_z.data();
  const double* wt = idx.w.data();
  using S = GammaGammaSums;
  // Terms of x alone, for the x of the last run (consecutive runs of equal x share them).
  double x = std::numeric_limits<double>::quiet_NaN(), px = 0, log_x = 0, lg_pxq = 0, lg_px = 0;
  double psi_pxq = 0, psi_px = 0, t_pxq = 0, t_px = 0;
  for (std::size_t k = 0; k < idx.run_x.size(); ++k) {
    if (!(idx.run_x[k] == x)) {
      x = idx.run_x[k];
      px = p * x;
      log_x = std::log(x);
      lg_pxq = std::lgamma(px + q);
      lg_px = std::lgamma(px);
      if (want_grad) {
        psi_pxq = digamma(px + q);
        psi_px = digamma(px);
      }
      if (want_hess) {
        t_pxq = boost::math::trigamma(px + q);
        t_px = boost::math::trigamma(px);
      }
    }
    double s_w = 0, s_lz = 0, s_lden = 0, s_inv = 0, s_inv2 = 0;
    for (std::size_t i = idx.run_begin(k); i < idx.run_end[k]; ++i) {
      const double w = wt[i], den = g + x * zs[i];
      s_w += w;
      s_lz += w * lz[i];
      s_lden += w * std::log(den);
      if (want_grad) {
        const double inv = 1.0 / den;
        s_inv += w * inv;
        if (want_hess) s_inv2 += w * inv * inv;
      }
    }
    out.sums[0].add(s_w * (lg_pxq - lg_px - lg_q + q * log_g + px * log_x) + (px - 1) * s_lz - (px + q) * s_lden);
    if (!want_grad) continue;
    out.sums[S::grad_at(0)].add(x * (s_w * (psi_pxq - psi_px + log_x) + s_lz - s_lden));
    out.sums[S::grad_at(1)].add(s_w * (psi_pxq - psi_q + log_g) - s_lden);
    out.sums[S::grad_at(2)].add(s_w * (q / g) - (px + q) * s_inv);
    if (!want_hess) continue;
    out.sums[S::hess_at(0, 0)].add(x * x * s_w * (t_pxq - t_px));
    out.sums[S::hess_at(0, 1)].add(x * s_w * t_pxq);
    out.sums[S::hess_at(0, 2)].add(-x * s_inv);
    out.sums[S::hess_at(1, 1)].add(s_w * (t_pxq - psi1_q));
    out.sums[S::hess_at(1, 2)].add(s_w / g - s_inv);
    out.sums[S::hess_at(2, 2)].add(-s_w * q / (g * g) + (px + q) * s_inv2);
  }
}

double evaluate(const GammaGammaParams& prm, const SpendIndex& idx, std::array<double, 3>* grad_log,
                std::array<double, 9>* hess_log) {
  GammaGammaSums sums;
  accumulate(prm, idx, grad_log != nullptr, hess_log != nullptr, sums);
  return finish_log_params<3>({prm.p, prm.q, prm.gamma}, values_of(sums), grad_log, hess_log);
}

}  // namespace

double gamma_gamma_log_likelihood(const GammaGammaParams& prm, const SpendIndex& idx,
                                  std::array<double, 3>* grad_log) {
  return evaluate(prm, idx, grad_log, nullptr);
}

double gamma_gamma_log_likelihood_hessian(const GammaGammaParams& prm, const SpendIndex& idx,
                                          std::array<double, 3>& grad_log, std::array<double, 9>& hess_log) {
  return evaluate(prm, idx, &grad_log, &hess_log);
}

void gamma_gamma_sums(const GammaGammaParams& prm, const SpendIndex& index, Derivatives d, GammaGammaSums& out) {
  accumulate(prm, index, d != Derivatives::kValue, d == Derivatives::kHessian, out);
}

void gamma_gamma_expected_spend(const GammaGammaParams& prm, std::span<const double> x,
                                std::span<const double> mean_spend, std::span<double> out) {
  if (x.size() != mean_spend.size() || out.size() != x.size()) throw DataError("gamma_gamma_expected_spend: length mismatch");
  const double p = prm.p, q = prm.q, g = prm.gamma;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double xi = x[i] > 0 ? x[i] : 0.0;
    out[i] = q > 1 ? p * (g + xi * mean_spend[i]) / (p * xi + q - 1) : nan;
  }
}

double frequency_spend_correlation(std::span<const SpendPair> table) {
  double n = 0, mx = 0, mz = 0;
  for (const auto& r : table) {
    const double w = static_cast<double>(r.count);
    n += w;
    mx += w * r.x;
    mz += w * r.mean_spend;
  }
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  mx /= n;
  mz /= n;
  double sxx = 0, szz = 0, sxz = 0;  // two-pass: no cancellation from raw moments
  for (const auto& r : table) {
    const double w = static_cast<double>(r.count), dx = r.x - mx, dz = r.mean_spend - mz;
    sxx += w * dx * dx;
    szz += w * dz * dz;
    sxz += w * dx * dz;
  }
  if (sxx <= 0 || szz <= 0) return std::numeric_limits<double>::quiet_NaN();
  return sxz / std::sqrt(sxx * szz);
}

std::vector<std::string> gamma_gamma_warnings(const GammaGammaParams& prm, std::span<const SpendPair> table,
                                              double corr_threshold) {
  return gamma_gamma_warnings(prm, frequency_spend_correlation(table), corr_threshold);
}

std::vector<std::string> gamma_gamma_warnings(const GammaGammaParams& prm, double corr, double corr_threshold) {
  std::vector<std::string> out;
  if (prm.q <= 1.0) {
    out.push_back("Gamma-Gamma: q = " + std::to_string(prm.q) +
                  " <= 1, so the mean spend p*gamma/(q-1) does not exist; expected spend is undefined");
  }
  if (std::isfinite(corr) && std::fabs(corr) > corr_threshold) {
    out.push_back("Gamma-Gamma: correlation between frequency and mean spend is " + std::to_string(corr) +
                  " (|corr| > " + std::to_string(corr_threshold) + "); the model assumes independence");
  }
  return out;
}

}  // namespace crmpi::clv
